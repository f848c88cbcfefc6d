import Foundation
import SVGPlot

/// The per-tensor picture of a quantization run: one bar per quantized tensor, worst SQNR first,
/// coloured by scheme and width, each with the bytes it saves.
///
/// A tensor whose SQNR is not finite has no bar: `+∞` (an exact reconstruction) is written
/// "exact", `-∞` (an all-zero tensor reconstructed with some error) as its MSE; those with
/// `-∞` come first (they are the worst), the exact ones last. Tensors kept as they were have no
/// error and are counted in a note; past `limit` quantized tensors only the worst `limit` are
/// drawn and a note says how many better ones are left out, so a 200-tensor model stays a
/// readable chart of about 2000 units.
public struct TensorErrorPicture: Sendable {
    public let title: String
    public let lines: [QuantizationReport.TensorLine]
    public let limit: Int

    public init(title: String, lines: [QuantizationReport.TensorLine], limit: Int = 60) {
        self.title = title
        self.lines = lines
        self.limit = limit
    }

    /// The quantized lines, worst first (ties in the given order).
    var worstFirst: [QuantizationReport.TensorLine] {
        let quantized = lines.enumerated().filter { $0.element.scheme != "none" }
        return quantized.sorted { a, b in
            let (x, y) = (a.element.sqnrDB ?? .infinity, b.element.sqnrDB ?? .infinity)
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }

    /// The legend's entry of a line: its scheme and width.
    static func seriesName(_ line: QuantizationReport.TensorLine) -> String {
        line.bits.map { "\(line.scheme), \($0)-bit" } ?? line.scheme
    }

    public func chart() -> SVGDocument {
        let ranked = worstFirst
        let drawn = Array(ranked.prefix(limit))
        let series = drawn.map(Self.seriesName).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let legend = series.enumerated().map { LegendEntry(label: $1, colour: PlotPalette.colour($0), swatch: .box) }
        var notes: [String] = []
        if ranked.count > drawn.count {
            notes.append("The worst \(drawn.count) of \(ranked.count) quantized tensors; \(ranked.count - drawn.count) with higher SQNR are not drawn.")
        }
        let kept = lines.count - ranked.count
        if kept > 0 { notes.append("\(kept) tensor\(kept == 1 ? "" : "s") kept as \(kept == 1 ? "it was" : "they were") (no quantization error) not drawn.") }
        let bars = drawn.map { line in
            let sqnr = line.sqnrDB ?? .infinity
            let text = sqnr.isFinite ? String(format: "%.1f dB", sqnr)
                : sqnr > 0 ? "exact" : "MSE " + String(format: "%.3g", line.mse ?? 0)
            return BarChart.Bar(label: line.name, value: sqnr.isFinite ? sqnr : nil, valueText: text,
                                series: series.firstIndex(of: Self.seriesName(line))!,
                                annotation: formatBytes(max(line.bytesBefore - line.bytesAfter, 0)))
        }
        return BarChart(frame: ChartFrame(title: title, legend: legend, notes: notes), bars: bars,
                        valueAxis: "SQNR of dequantize(quantize(x)) against x (dB, higher is better)",
                        annotationHeading: "bytes saved").rendered()
    }
}

extension QuantizationReport {
    /// `TensorErrorPicture` of this run's tensors.
    public func picture() -> PlotPage {
        let title = "Per-tensor SQNR, worst first: " + (input as NSString).lastPathComponent
        return PlotPage(title: title, charts: [TensorErrorPicture(title: title, lines: tensors).chart()])
    }
}

extension ShardedReport {
    /// `TensorErrorPicture` of every shard's tensors together.
    public func picture() -> PlotPage {
        let title = "Per-tensor SQNR, worst first, over \(shards.count) shards"
        return PlotPage(title: title, charts: [TensorErrorPicture(title: title, lines: shards.flatMap(\.tensors)).chart()])
    }
}
