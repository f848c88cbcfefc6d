/// One or more charts written as the file a user asked for: an `.svg` stacks them in one SVG
/// (each a nested `<svg>` below the previous), an `.html` page holds each as inline SVG in its
/// own figure. Both are self-contained (no script, no link, no external font).
public struct PlotPage: Sendable {
    /// The file kinds a plot can be written as, by extension.
    public enum Kind: String, Sendable, CaseIterable {
        case svg, html
    }

    public let title: String
    public let charts: [SVGDocument]

    public init(title: String, charts: [SVGDocument]) {
        self.title = title
        self.charts = charts
    }

    /// The kind named by `path`'s extension (case-insensitive), nil for any other.
    public static func kind(ofPath path: String) -> Kind? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        return Kind(rawValue: name[name.index(after: dot)...].lowercased())
    }

    /// The page's text as `kind`.
    public func rendered(as kind: Kind) -> String {
        switch kind {
        case .svg: renderedSVG()
        case .html: renderedHTML()
        }
    }

    func renderedSVG() -> String {
        if charts.count == 1 { return charts[0].rendered() }
        let height = charts.reduce(0) { $0 + $1.height }
        let box = "0 0 \(svgNumber(ChartFrame.width)) \(svgNumber(height))"
        var lines = ["<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"\(box)\" width=\"100%\" preserveAspectRatio=\"xMidYMin meet\">",
                     "<title>\(xmlEscaped(title))</title>"]
        var y = 0.0
        for chart in charts {
            lines.append(chart.renderedElement(x: 0, y: y))
            y += chart.height
        }
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    func renderedHTML() -> String {
        var lines = ["<!DOCTYPE html>", "<html lang=\"en\">", "<head>", "<meta charset=\"utf-8\">",
                     "<title>\(xmlEscaped(title))</title>",
                     "<style>body{margin:16px;font-family:sans-serif}figure{margin:0 0 24px 0;max-width:1200px}svg{display:block}</style>",
                     "</head>", "<body>", "<h1>\(xmlEscaped(title))</h1>"]
        for chart in charts {
            lines += ["<figure>", chart.renderedElement(x: nil, y: nil), "</figure>"]
        }
        lines += ["</body>", "</html>"]
        return lines.joined(separator: "\n") + "\n"
    }
}
