/// Lines over a sequence of named positions (layers by depth): position `i` (0-based) is drawn
/// at x = i + 1 and named under the axis, turned upright. A non-finite y (an exact layer's
/// infinite SQNR) breaks its line and is left out of the scale.
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public let name: String
        /// One value per position.
        public let values: [Double]

        public init(name: String, values: [Double]) {
            self.name = name
            self.values = values
        }
    }

    public let frame: ChartFrame
    public let positions: [String]
    public let series: [Series]
    public let xAxis: String
    public let yAxis: String

    /// The frame's legend is ignored: the series make it (colour, dash and marker by index).
    public init(title: String, positions: [String], series: [Series], xAxis: String, yAxis: String, notes: [String] = []) {
        let legend = series.indices.map { index in
            LegendEntry(label: series[index].name, colour: PlotPalette.colour(index), swatch: .line(dash: PlotPalette.dash(index)))
        }
        self.frame = ChartFrame(title: title, legend: legend, notes: notes)
        self.positions = positions
        self.series = series
        self.xAxis = xAxis
        self.yAxis = yAxis
    }

    public func rendered() -> SVGDocument {
        let names = positions.map { middleTruncated($0, limit: BarChart.labelLimit) }
        let nameLength = names.map { ChartFrame.estimatedWidth($0, size: ChartFrame.textSize) }.max() ?? 0
        let (left, right, top) = (130.0, ChartFrame.width - ChartFrame.margin - 16, frame.contentTop + 24)
        let bottom = top + 460
        let height = bottom + 50 + nameLength + 60 + frame.notesHeight
        let xScale = LinearScale(covering: [0.5, Double(positions.count) + 0.5], pixelStart: left, pixelEnd: right)
        let place = { (index: Int) in left + (Double(index) + 0.5) / Double(max(positions.count, 1)) * (right - left) }
        let yScale = LinearScale(covering: series.flatMap(\.values), pixelStart: bottom, pixelEnd: top)
        var document = SVGDocument(width: ChartFrame.width, height: height, title: frame.title)
        frame.drawDecorations(into: &document, notesFrom: height - frame.notesHeight)
        ChartFrame.drawYAxis(yScale, label: yAxis, x: left, gridRight: right, into: &document)
        document.line(x1: xScale.pixelStart, y1: bottom, x2: xScale.pixelEnd, y2: bottom, stroke: PlotPalette.ink, width: 1.5)
        for (index, name) in names.enumerated() {
            let x = place(index)
            document.line(x1: x, y1: bottom, x2: x, y2: bottom + 8, stroke: PlotPalette.ink)
            document.text(name, x: x + 7, y: bottom + 16, size: ChartFrame.textSize, anchor: .end, monospace: true,
                          rotated: true, tooltip: name == positions[index] ? nil : positions[index])
        }
        document.text(xAxis, x: (left + right) / 2, y: bottom + 50 + nameLength + 30, size: ChartFrame.axisTitleSize, anchor: .middle)
        for (number, line) in series.enumerated() {
            let colour = PlotPalette.colour(number)
            var run: [(x: Double, y: Double)] = []
            for (index, value) in line.values.enumerated() {
                guard value.isFinite else {
                    if run.count > 1 { document.polyline(run, stroke: colour, width: 3, dash: PlotPalette.dash(number)) }
                    run = []
                    continue
                }
                run.append((place(index), yScale.pixel(value)))
            }
            if run.count > 1 { document.polyline(run, stroke: colour, width: 3, dash: PlotPalette.dash(number)) }
            for (index, value) in line.values.enumerated() where value.isFinite {
                document.marker(PlotPalette.marker(number), x: place(index), y: yScale.pixel(value), radius: 5, fill: colour)
            }
        }
        return document
    }
}
