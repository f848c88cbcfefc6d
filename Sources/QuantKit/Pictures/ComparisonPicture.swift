import Foundation
import SVGPlot

/// The size/quality scatter of a comparison: one point per choice (size on x, quality on y),
/// coloured and shaped by method, the Pareto front (smallest size for its quality) marked, and
/// every point named in the key. Sizes are drawn in the binary unit of the largest (B, KiB,
/// MiB or GiB); `percent` draws a quality in [0, 1] as a percentage.
public struct ComparisonPicture: Sendable {
    /// One evaluated quantization choice, as the size/quality scatter draws it: what `eval
    /// --compare` produces for an MLP (`SchemeComparison.points`) and for a transformer.
    public struct Point: Sendable, Equatable {
        /// The method's label (`rtn`, `rtn+mse`, `gptq`, `awq`).
        public let method: String
        public let scheme: String
        public let bits: Int
        /// The quantized model's stored bytes.
        public let bytes: Int
        /// The quality measure, higher better (accuracy, top-1 agreement or cosine similarity).
        public let quality: Double

        public init(method: String, scheme: String, bits: Int, bytes: Int, quality: Double) {
            self.method = method
            self.scheme = scheme
            self.bits = bits
            self.bytes = bytes
            self.quality = quality
        }

        /// `scheme, b-bit, method`: how the chart names the point.
        public var label: String { "\(scheme), \(bits)-bit, \(method)" }
    }

    public let title: String
    public let points: [Point]
    /// The quality axis's title without its unit, e.g. `top-1 agreement with the float model`.
    public let quality: String
    public let percent: Bool

    public init(title: String, points: [Point], quality: String, percent: Bool) {
        self.title = title
        self.points = points
        self.quality = quality
        self.percent = percent
    }

    /// The unit of the largest size and its divisor.
    var sizeUnit: (name: String, divisor: Double) {
        let largest = points.map(\.bytes).max() ?? 0
        let units = [("B", 1.0), ("KiB", 1024.0), ("MiB", 1048576.0), ("GiB", 1073741824.0)]
        return units.last { Double(largest) >= $0.1 } ?? units[0]
    }

    public func chart() -> SVGDocument {
        let methods = points.map(\.method).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let legend = methods.enumerated().map { LegendEntry(label: $1, colour: PlotPalette.colour($0), swatch: .marker(PlotPalette.marker($0))) }
        let unit = sizeUnit
        let scale = percent ? 100.0 : 1
        let drawn = points.map { point in
            ScatterChart.Point(label: point.label, x: Double(point.bytes) / unit.divisor, y: point.quality * scale,
                               series: methods.firstIndex(of: point.method)!)
        }
        let qualityUnit = percent ? "%" : ""
        let frame = ChartFrame(title: title, legend: legend,
                               notes: ["Smaller and higher is better; the Pareto front holds the choices nothing beats on both."])
        return ScatterChart(frame: frame, points: drawn, xAxis: "stored size of the quantized model (\(unit.name))",
                            yAxis: quality + (percent ? " (%)" : ""),
                            describe: { point in
                                String(format: "%.3g ", point.x) + unit.name + ", " + String(format: "%.2f", point.y) + qualityUnit
                            }).rendered()
    }
}

extension SchemeComparison {
    /// Each row as a point: its accuracy when the data has labels, else its top-1 agreement.
    public var points: [ComparisonPicture.Point] {
        rows.map { row in
            ComparisonPicture.Point(method: row.method, scheme: row.scheme, bits: row.bits, bytes: row.bytes,
                            quality: row.accuracy ?? row.agreement)
        }
    }

    /// `ComparisonPicture` of `points`.
    public func picture(model: String) -> PlotPage {
        let title = "Size against quality, every scheme and width: " + (model as NSString).lastPathComponent
        let quality = rows.first?.accuracy != nil ? "accuracy on the labels" : "top-1 agreement with the float model"
        return PlotPage(title: title, charts: [ComparisonPicture(title: title, points: points, quality: quality, percent: true).chart()])
    }
}
