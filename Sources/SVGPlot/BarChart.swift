/// Horizontal bars, one row per item in the order given, each labelled on the left, its value
/// written past its end and an annotation in a column on the right; coloured by series (the
/// legend's entries). Rows are 30 units apart, so the chart grows taller with the item count.
public struct BarChart: Sendable {
    public struct Bar: Sendable {
        public let label: String
        /// The bar's length; nil draws no bar, only `valueText` (a value the axis cannot show).
        public let value: Double?
        public let valueText: String
        /// The index of its legend entry (its colour).
        public let series: Int
        public let annotation: String

        public init(label: String, value: Double?, valueText: String, series: Int, annotation: String) {
            self.label = label
            self.value = value
            self.valueText = valueText
            self.series = series
            self.annotation = annotation
        }
    }

    public let frame: ChartFrame
    public let bars: [Bar]
    /// The value axis's title, with its unit.
    public let valueAxis: String
    /// The annotation column's heading.
    public let annotationHeading: String

    static let rowHeight = 30.0
    static let labelSize = 20.0
    /// Labels longer than this many characters are shortened in the middle (the full name is the tooltip).
    static let labelLimit = 44

    public init(frame: ChartFrame, bars: [Bar], valueAxis: String, annotationHeading: String) {
        self.frame = frame
        self.bars = bars
        self.valueAxis = valueAxis
        self.annotationHeading = annotationHeading
    }

    public func rendered() -> SVGDocument {
        let labels = bars.map { middleTruncated($0.label, limit: Self.labelLimit) }
        let labelWidth = (labels.map { ChartFrame.estimatedWidth($0, size: Self.labelSize) }.max() ?? 0)
        let annotationWidth = ([annotationHeading] + bars.map(\.annotation))
            .map { ChartFrame.estimatedWidth($0, size: ChartFrame.textSize) }.max() ?? 0
        let left = ChartFrame.margin + labelWidth + 16
        let right = ChartFrame.width - ChartFrame.margin - annotationWidth - 24
        let top = frame.contentTop + 36
        let bottom = top + Double(bars.count) * Self.rowHeight + 8
        let height = bottom + 70 + frame.notesHeight
        // Room past the longest bar for its value text.
        let values = bars.compactMap(\.value)
        let reach = (values.max() ?? 1) + 0.15 * ((values.max() ?? 1) - min(values.min() ?? 0, 0))
        let scale = LinearScale(covering: values + [reach], pixelStart: left, pixelEnd: right, includeZero: true)
        var document = SVGDocument(width: ChartFrame.width, height: height, title: frame.title)
        frame.drawDecorations(into: &document, notesFrom: bottom + 70)
        ChartFrame.drawXAxis(scale, label: valueAxis, y: bottom, gridTop: top - 8, into: &document)
        document.text(annotationHeading, x: ChartFrame.width - ChartFrame.margin, y: top - 12,
                      size: ChartFrame.textSize, anchor: .end, bold: true)
        for (row, bar) in bars.enumerated() {
            let y = top + Double(row) * Self.rowHeight
            let full = labels[row] == bar.label ? nil : bar.label
            document.text(labels[row], x: left - 12, y: y + 20, size: Self.labelSize, anchor: .end, monospace: true, tooltip: full)
            var end = scale.pixel(0)
            if let value = bar.value {
                let (start, stop) = (scale.pixel(min(value, 0)), scale.pixel(max(value, 0)))
                document.rect(x: start, y: y + 4, width: stop - start, height: 22, fill: PlotPalette.colour(bar.series),
                              stroke: PlotPalette.ink)
                end = stop
            }
            document.text(bar.valueText, x: end + 8, y: y + 21, size: ChartFrame.textSize)
            document.text(bar.annotation, x: ChartFrame.width - ChartFrame.margin, y: y + 21, size: ChartFrame.textSize,
                          anchor: .end, fill: PlotPalette.muted)
        }
        document.line(x1: scale.pixel(0), y1: top - 8, x2: scale.pixel(0), y2: bottom, stroke: PlotPalette.ink, width: 1.5)
        return document
    }
}
