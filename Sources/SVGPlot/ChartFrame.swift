/// The parts every chart shares: the canvas width, the title, the legend under it, the notes at
/// the bottom, and axes with ticks, grid lines and titles (each axis title names its unit).
///
/// Sizes are for a 1200-unit-wide canvas: the smallest text is 20 units, so 10 px when a
/// browser scales the chart to 600 px wide.
public struct ChartFrame: Sendable {
    public static let width = 1200.0
    static let titleSize = 28.0
    static let axisTitleSize = 22.0
    static let textSize = 20.0
    static let margin = 24.0

    public let title: String
    public let legend: [LegendEntry]
    /// Lines printed under the plot (what was left out, how to read it).
    public let notes: [String]

    public init(title: String, legend: [LegendEntry] = [], notes: [String] = []) {
        self.title = title
        self.legend = legend
        self.notes = notes
    }

    /// Where the plot area may start: below the title and the legend's rows.
    var contentTop: Double { Self.margin + Self.titleSize + 16 + Double(legendRows.count) * 32 }

    /// The height the notes need under the plot area.
    var notesHeight: Double { Double(notes.count) * 28 + Self.margin }

    /// Draws the title, the legend and (from `bottom`) the notes.
    func drawDecorations(into document: inout SVGDocument, notesFrom bottom: Double) {
        document.text(title, x: Self.margin, y: Self.margin + Self.titleSize - 4, size: Self.titleSize, bold: true)
        for (row, entries) in legendRows.enumerated() {
            var x = Self.margin
            let y = Self.margin + Self.titleSize + 16 + Double(row) * 32 + 20
            for entry in entries {
                entry.drawSwatch(into: &document, x: x, baseline: y)
                document.text(entry.label, x: x + 40, y: y, size: Self.textSize)
                x += entry.width
            }
        }
        for (index, note) in notes.enumerated() {
            document.text(note, x: Self.margin, y: bottom + 28 * Double(index + 1), size: Self.textSize, fill: PlotPalette.muted)
        }
    }

    /// The legend's entries in rows that fit the canvas, in order.
    var legendRows: [[LegendEntry]] {
        var rows: [[LegendEntry]] = []
        var current: [LegendEntry] = []
        var used = 0.0
        for entry in legend {
            if !current.isEmpty, used + entry.width > Self.width - 2 * Self.margin {
                rows.append(current)
                (current, used) = ([], 0)
            }
            current.append(entry)
            used += entry.width
        }
        if !current.isEmpty { rows.append(current) }
        return rows
    }

    /// A horizontal axis at `y` from the scale's pixel range: ticks, their labels, vertical grid
    /// lines up to `gridTop`, and `label` centred under it.
    static func drawXAxis(_ scale: LinearScale, label: String, y: Double, gridTop: Double, into document: inout SVGDocument) {
        for tick in scale.ticks {
            let x = scale.pixel(tick)
            document.line(x1: x, y1: gridTop, x2: x, y2: y, stroke: PlotPalette.grid)
            document.line(x1: x, y1: y, x2: x, y2: y + 8, stroke: PlotPalette.ink)
            document.text(scale.label(tick), x: x, y: y + 30, size: textSize, anchor: .middle)
        }
        document.line(x1: scale.pixelStart, y1: y, x2: scale.pixelEnd, y2: y, stroke: PlotPalette.ink, width: 1.5)
        document.text(label, x: (scale.pixelStart + scale.pixelEnd) / 2, y: y + 62, size: axisTitleSize, anchor: .middle)
    }

    /// A vertical axis at `x` from the scale's pixel range (bottom to top): ticks, labels,
    /// horizontal grid lines to `gridRight`, and `label` turned upright at the left edge.
    static func drawYAxis(_ scale: LinearScale, label: String, x: Double, gridRight: Double, into document: inout SVGDocument) {
        for tick in scale.ticks {
            let y = scale.pixel(tick)
            document.line(x1: x, y1: y, x2: gridRight, y2: y, stroke: PlotPalette.grid)
            document.line(x1: x - 8, y1: y, x2: x, y2: y, stroke: PlotPalette.ink)
            document.text(scale.label(tick), x: x - 12, y: y + 7, size: textSize, anchor: .end)
        }
        document.line(x1: x, y1: scale.pixelStart, x2: x, y2: scale.pixelEnd, stroke: PlotPalette.ink, width: 1.5)
        document.text(label, x: margin + 18, y: (scale.pixelStart + scale.pixelEnd) / 2, size: axisTitleSize,
                      anchor: .middle, rotated: true)
    }

    /// About how wide `text` is at `size` (0.6 em per character: monospace exactly, sans-serif
    /// on the wide side), for laying out labels without a font engine.
    static func estimatedWidth(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.6 }
}

/// One legend entry: a label and how its series is drawn.
public struct LegendEntry: Sendable {
    public enum Swatch: Sendable {
        /// A filled box (bars).
        case box
        /// A line with a dash pattern (nil: solid).
        case line(dash: String?)
        case marker(MarkerShape)
        /// A vertical line across the plot (an overlay), with its dash pattern.
        case rule(dash: String?)
    }

    public let label: String
    public let colour: String
    public let swatch: Swatch

    public init(label: String, colour: String, swatch: Swatch) {
        self.label = label
        self.colour = colour
        self.swatch = swatch
    }

    /// The horizontal room the entry takes, gap included.
    var width: Double { 40 + ChartFrame.estimatedWidth(label, size: ChartFrame.textSize) + 32 }

    func drawSwatch(into document: inout SVGDocument, x: Double, baseline y: Double) {
        switch swatch {
        case .box: document.rect(x: x, y: y - 17, width: 28, height: 18, fill: colour, stroke: PlotPalette.ink)
        case .line(let dash): document.line(x1: x, y1: y - 7, x2: x + 30, y2: y - 7, stroke: colour, width: 3, dash: dash)
        case .marker(let shape): document.marker(shape, x: x + 14, y: y - 7, radius: 7, fill: colour)
        case .rule(let dash): document.line(x1: x + 14, y1: y - 20, x2: x + 14, y2: y + 4, stroke: colour, width: 3, dash: dash)
        }
    }
}
