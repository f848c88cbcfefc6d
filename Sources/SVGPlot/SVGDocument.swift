/// An SVG picture built element by element, rendered to text that is the same bytes for the
/// same calls.
///
/// The document is self-contained: no script, no external font, image or link. Its size is a
/// `viewBox` with `width="100%"`, so a browser scales it to the page (a 1200-unit-wide chart
/// drawn at 600 px halves every font size: the sizes used by the charts stay at 10 px or more
/// then). Text is escaped with `xmlEscaped`.
public struct SVGDocument: Sendable {
    public let width: Double
    public let height: Double
    /// What the document is about: its `<title>` (and the HTML page's heading).
    public let title: String
    private var elements: [String] = []

    public init(width: Double, height: Double, title: String) {
        self.width = width
        self.height = height
        self.title = title
    }

    /// How text sits on its anchor point.
    public enum Anchor: String, Sendable {
        case start, middle, end
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                              stroke: String? = nil) {
        elements.append("<rect x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" width=\"\(svgNumber(max(width, 0)))\" "
                        + "height=\"\(svgNumber(max(height, 0)))\" fill=\"\(fill)\""
                        + (stroke.map { " stroke=\"\($0)\"" } ?? "") + "/>")
    }

    /// A straight line; `dash` is an SVG `stroke-dasharray` such as `"8 4"`.
    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String,
                              width: Double = 1, dash: String? = nil) {
        elements.append("<line x1=\"\(svgNumber(x1))\" y1=\"\(svgNumber(y1))\" x2=\"\(svgNumber(x2))\" "
                        + "y2=\"\(svgNumber(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(svgNumber(width))\""
                        + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>")
    }

    /// A polyline through `points`, unfilled.
    public mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 2,
                                  dash: String? = nil) {
        let coordinates = points.map { "\(svgNumber($0.x)),\(svgNumber($0.y))" }.joined(separator: " ")
        elements.append("<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(stroke)\" "
                        + "stroke-width=\"\(svgNumber(width))\"" + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>")
    }

    /// A marker centred on `(x, y)` with half-size `radius`.
    public mutating func marker(_ shape: MarkerShape, x: Double, y: Double, radius: Double, fill: String,
                                stroke: String = "#000000") {
        let tail = " fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"1.5\"/>"
        switch shape {
        case .circle:
            elements.append("<circle cx=\"\(svgNumber(x))\" cy=\"\(svgNumber(y))\" r=\"\(svgNumber(radius))\"" + tail)
        case .square:
            rect(x: x - radius, y: y - radius, width: 2 * radius, height: 2 * radius, fill: fill, stroke: stroke)
        case .triangle, .diamond:
            let corners = shape == .triangle
                ? [(x, y - radius * 1.2), (x + radius * 1.1, y + radius * 0.8), (x - radius * 1.1, y + radius * 0.8)]
                : [(x, y - radius * 1.3), (x + radius * 1.3, y), (x, y + radius * 1.3), (x - radius * 1.3, y)]
            let points = corners.map { "\(svgNumber($0.0)),\(svgNumber($0.1))" }.joined(separator: " ")
            elements.append("<polygon points=\"\(points)\"" + tail)
        }
    }

    /// Text at `(x, y)` (the baseline); `rotated` turns it a quarter counter-clockwise (a
    /// vertical axis title); `tooltip` becomes a `<title>` child (the full name of a shortened label).
    public mutating func text(_ content: String, x: Double, y: Double, size: Double, anchor: Anchor = .start,
                              bold: Bool = false, monospace: Bool = false, fill: String = "#000000",
                              rotated: Bool = false, tooltip: String? = nil) {
        var attributes = "x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" font-size=\"\(svgNumber(size))\""
        attributes += " font-family=\"\(monospace ? "monospace" : "sans-serif")\" text-anchor=\"\(anchor.rawValue)\""
        if bold { attributes += " font-weight=\"bold\"" }
        if fill != "#000000" { attributes += " fill=\"\(fill)\"" }
        if rotated { attributes += " transform=\"rotate(-90 \(svgNumber(x)) \(svgNumber(y)))\"" }
        let hover = tooltip.map { "<title>\(xmlEscaped($0))</title>" } ?? ""
        elements.append("<text \(attributes)>\(hover)\(xmlEscaped(content))</text>")
    }

    /// The document as a standalone SVG file.
    public func rendered() -> String {
        renderedElement(x: nil, y: nil) + "\n"
    }

    /// The `<svg>` element; placed at `(x, y)` when nested in another SVG.
    func renderedElement(x: Double?, y: Double?) -> String {
        let box = "0 0 \(svgNumber(width)) \(svgNumber(height))"
        var opening = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"\(box)\""
        if let x, let y {
            opening += " x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" width=\"\(svgNumber(width))\" height=\"\(svgNumber(height))\""
        } else {
            opening += " width=\"100%\" preserveAspectRatio=\"xMidYMin meet\""
        }
        var lines = [opening + ">", "<title>\(xmlEscaped(title))</title>",
                     "<rect x=\"0\" y=\"0\" width=\"\(svgNumber(width))\" height=\"\(svgNumber(height))\" fill=\"#ffffff\"/>"]
        lines += elements
        lines.append("</svg>")
        return lines.joined(separator: "\n")
    }
}

/// The shape of a scatter or line marker: a second cue beside colour, for greyscale prints.
public enum MarkerShape: Sendable, CaseIterable {
    case circle, square, triangle, diamond
}
