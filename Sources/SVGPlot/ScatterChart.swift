/// Points on two value axes, coloured and shaped by series, with their Pareto front (smaller x
/// and larger y better: `paretoFront`) joined by a step line and ringed. Every point is numbered
/// on the chart where its number fits beside it without covering another, and listed with its
/// number, label and coordinates in a key under the chart, so every point stays named however
/// closely they crowd.
public struct ScatterChart: Sendable {
    public struct Point: Sendable {
        public let label: String
        public let x: Double
        public let y: Double
        public let series: Int

        public init(label: String, x: Double, y: Double, series: Int) {
            self.label = label
            self.x = x
            self.y = y
            self.series = series
        }
    }

    public let frame: ChartFrame
    public let points: [Point]
    public let xAxis: String
    public let yAxis: String
    /// How the key writes a point's coordinates, e.g. `"%@ MB, %@ %%"` filled with x then y.
    public let describe: @Sendable (Point) -> String

    public init(frame: ChartFrame, points: [Point], xAxis: String, yAxis: String,
                describe: @escaping @Sendable (Point) -> String) {
        self.frame = frame
        self.points = points
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.describe = describe
    }

    static let keyRowHeight = 28.0
    /// Characters of a key entry that fit in half the canvas.
    static let halfWidthCharacters = 46

    /// A key entry: number, label and coordinates, then ` *` when on the front.
    func keyEntry(_ index: Int, onFront: Bool) -> String {
        "\(index + 1). \(points[index].label): \(describe(points[index]))" + (onFront ? " *" : "")
    }

    /// Two columns when every entry fits in half the width, else one (entries are never shortened).
    var keyColumns: Int {
        points.indices.allSatisfy { keyEntry($0, onFront: true).count <= Self.halfWidthCharacters } ? 2 : 1
    }

    public func rendered() -> SVGDocument {
        let (left, right, top) = (130.0, ChartFrame.width - ChartFrame.margin - 16, frame.contentTop + 24)
        let bottom = top + 520
        let front = paretoFront(points.map { ($0.x, $0.y) })
        let keyRows = (points.count + keyColumns - 1) / keyColumns
        let keyTop = bottom + 100
        let height = keyTop + Double(keyRows) * Self.keyRowHeight + 16 + frame.notesHeight
        let xScale = LinearScale(covering: points.map(\.x), pixelStart: left, pixelEnd: right)
        let yScale = LinearScale(covering: points.map(\.y), pixelStart: bottom, pixelEnd: top)
        var document = SVGDocument(width: ChartFrame.width, height: height, title: frame.title)
        frame.drawDecorations(into: &document, notesFrom: height - frame.notesHeight)
        ChartFrame.drawXAxis(xScale, label: xAxis, y: bottom, gridTop: top, into: &document)
        ChartFrame.drawYAxis(yScale, label: yAxis, x: left, gridRight: right, into: &document)
        let place = { (point: Point) in (x: xScale.pixel(point.x), y: yScale.pixel(point.y)) }
        drawFront(front.map { place(points[$0]) }, into: &document)
        var occupied = points.map { point -> Box in let p = place(point); return Box(x: p.x - 8, y: p.y - 8, width: 16, height: 16) }
        for (index, point) in points.enumerated() {
            let p = place(point)
            if front.contains(index) {
                document.marker(.circle, x: p.x, y: p.y, radius: 13, fill: "none", stroke: PlotPalette.ink)
            }
            document.marker(PlotPalette.marker(point.series), x: p.x, y: p.y, radius: 7, fill: PlotPalette.colour(point.series))
            let number = String(index + 1)
            if let spot = Self.freeSpot(for: number, near: p, avoiding: occupied, within: (left, right, top, bottom)) {
                occupied.append(spot)
                document.text(number, x: spot.x + 2, y: spot.y + spot.height - 4, size: ChartFrame.textSize, bold: true)
            }
        }
        drawKey(front: front, top: keyTop, into: &document)
        return document
    }

    /// The front as a staircase: across at each point's y to the next point's x, then down.
    func drawFront(_ corners: [(x: Double, y: Double)], into document: inout SVGDocument) {
        guard corners.count > 1 else { return }
        var path: [(x: Double, y: Double)] = [corners[0]]
        for next in corners.dropFirst() {
            path.append((next.x, path[path.count - 1].y))
            path.append(next)
        }
        document.polyline(path, stroke: PlotPalette.ink, width: 2, dash: "8 5")
    }

    func drawKey(front: [Int], top: Double, into document: inout SVGDocument) {
        document.text("Key (* and ringed: on the Pareto front, joined by the dashed line)", x: ChartFrame.margin, y: top - 14,
                      size: ChartFrame.textSize, bold: true)
        let rows = (points.count + keyColumns - 1) / keyColumns
        for (index, point) in points.enumerated() {
            let x = ChartFrame.margin + Double(index / max(rows, 1)) * (ChartFrame.width / 2)
            let y = top + Double(index % max(rows, 1)) * Self.keyRowHeight + 20
            document.marker(PlotPalette.marker(point.series), x: x + 8, y: y - 7, radius: 6, fill: PlotPalette.colour(point.series))
            document.text(keyEntry(index, onFront: front.contains(index)), x: x + 22, y: y, size: ChartFrame.textSize)
        }
    }

    struct Box {
        var x, y, width, height: Double

        func overlaps(_ other: Box) -> Bool {
            x < other.x + other.width && other.x < x + width && y < other.y + other.height && other.y < y + height
        }
    }

    /// The first of eight spots around `p` where `text` covers no occupied box and stays in the plot.
    static func freeSpot(for text: String, near p: (x: Double, y: Double), avoiding occupied: [Box],
                         within bounds: (left: Double, right: Double, top: Double, bottom: Double)) -> Box? {
        let width = ChartFrame.estimatedWidth(text, size: ChartFrame.textSize) + 4
        let height = 22.0
        let offsets: [(Double, Double)] = [(10, -height - 4), (10, 4), (-10 - width, -height - 4), (-10 - width, 4),
                                           (12, -height / 2), (-12 - width, -height / 2), (-width / 2, -height - 12), (-width / 2, 12)]
        for (dx, dy) in offsets {
            let box = Box(x: p.x + dx, y: p.y + dy, width: width, height: height)
            let inside = box.x >= bounds.left && box.x + width <= bounds.right && box.y >= bounds.top && box.y + height <= bounds.bottom
            if inside, !occupied.contains(where: box.overlaps) { return box }
        }
        return nil
    }
}
