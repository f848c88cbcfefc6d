/// A histogram of values in equal-width bins, with vertical lines overlaid at given positions
/// (a quantization grid's levels, a clipping range). The bins span the values' own range; the
/// axis also covers every overlay position. Overlays with more than `rugThreshold` positions
/// are drawn as short ticks above the axis (a rug) rather than full-height lines, so a 255-level
/// grid does not hide the bars.
public struct Histogram: Sendable {
    public struct Overlay: Sendable {
        public let label: String
        public let positions: [Double]
        public let colour: String
        public let dash: String?

        public init(label: String, positions: [Double], colour: String, dash: String?) {
            self.label = label
            self.positions = positions
            self.colour = colour
            self.dash = dash
        }
    }

    public let frame: ChartFrame
    public let counts: [Int]
    /// The first bin's lower edge and the last bin's upper edge.
    public let lower: Double
    public let upper: Double
    public let overlays: [Overlay]
    public let xAxis: String
    public let yAxis: String

    static let rugThreshold = 40

    /// Bins the finite `values` into `binCount` bins over `[min, max]` (a value equal to max
    /// falls in the last bin; all-equal values fill one bin of width 1 around them).
    public init(title: String, values: [Float], binCount: Int, overlays: [Overlay], xAxis: String, yAxis: String,
                notes: [String] = []) {
        let finite = values.filter(\.isFinite)
        var low = Double(finite.min() ?? 0)
        var high = Double(finite.max() ?? 0)
        if low == high { (low, high) = (low - 0.5, high + 0.5) }
        var counts = [Int](repeating: 0, count: max(binCount, 1))
        let width = (high - low) / Double(counts.count)
        for value in finite {
            counts[min(Int((Double(value) - low) / width), counts.count - 1)] += 1
        }
        let legend = [LegendEntry(label: "values per bin", colour: PlotPalette.colour(4), swatch: .box)]
            + overlays.map { LegendEntry(label: $0.label, colour: $0.colour, swatch: .rule(dash: $0.dash)) }
        self.frame = ChartFrame(title: title, legend: legend, notes: notes)
        self.counts = counts
        self.lower = low
        self.upper = high
        self.overlays = overlays
        self.xAxis = xAxis
        self.yAxis = yAxis
    }

    public func rendered() -> SVGDocument {
        let (left, right, top) = (130.0, ChartFrame.width - ChartFrame.margin - 16, frame.contentTop + 24)
        let bottom = top + 420
        let height = bottom + 80 + frame.notesHeight
        let xScale = LinearScale(covering: [lower, upper] + overlays.flatMap(\.positions), pixelStart: left, pixelEnd: right)
        let yScale = LinearScale(covering: counts.map(Double.init), pixelStart: bottom, pixelEnd: top, includeZero: true)
        var document = SVGDocument(width: ChartFrame.width, height: height, title: frame.title)
        frame.drawDecorations(into: &document, notesFrom: bottom + 80)
        ChartFrame.drawXAxis(xScale, label: xAxis, y: bottom, gridTop: top, into: &document)
        ChartFrame.drawYAxis(yScale, label: yAxis, x: left, gridRight: right, into: &document)
        let width = (upper - lower) / Double(counts.count)
        for (bin, count) in counts.enumerated() where count > 0 {
            let x0 = xScale.pixel(lower + Double(bin) * width)
            let x1 = xScale.pixel(lower + Double(bin + 1) * width)
            let y = yScale.pixel(Double(count))
            document.rect(x: x0, y: y, width: x1 - x0, height: bottom - y, fill: PlotPalette.colour(4), stroke: PlotPalette.ink)
        }
        for overlay in overlays {
            let rug = overlay.positions.count > Self.rugThreshold
            for position in overlay.positions {
                let x = xScale.pixel(position)
                document.line(x1: x, y1: rug ? bottom - 24 : top, x2: x, y2: bottom, stroke: overlay.colour,
                              width: rug ? 1 : 2.5, dash: rug ? nil : overlay.dash)
            }
        }
        return document
    }
}
