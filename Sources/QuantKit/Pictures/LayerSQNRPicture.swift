import Foundation
import SVGPlot

/// The per-layer picture of an evaluation: each layer's output SQNR alone (fed the float
/// network's activations) and cumulative (the quantized network up to it), as two lines over
/// depth. A layer kept in float has infinite SQNR alone and is left off the lines (noted).
public struct LayerSQNRPicture: Sendable {
    public let title: String
    /// Layer names in forward order.
    public let layers: [String]
    public let aloneDB: [Double]
    public let cumulativeDB: [Double]

    public init(title: String, layers: [String], aloneDB: [Double], cumulativeDB: [Double]) {
        self.title = title
        self.layers = layers
        self.aloneDB = aloneDB
        self.cumulativeDB = cumulativeDB
    }

    public func chart() -> SVGDocument {
        let exact = layers.indices.filter { !aloneDB[$0].isFinite || !cumulativeDB[$0].isFinite }.count
        let notes = exact == 0 ? [] : ["\(exact) layer\(exact == 1 ? "" : "s") with an infinite or undefined SQNR (kept in float, exact) left off the lines."]
        return LineChart(title: title, positions: layers,
                         series: [LineChart.Series(name: "this layer alone (float inputs)", values: aloneDB),
                                  LineChart.Series(name: "cumulative (quantized network up to it)", values: cumulativeDB)],
                         xAxis: "layer, in forward order (depth)", yAxis: "output SQNR (dB)", notes: notes).rendered()
    }
}

extension EvaluationReport {
    /// `LayerSQNRPicture` of the network's layers.
    public func picture() -> PlotPage {
        let title = "Per-layer output SQNR: " + (model as NSString).lastPathComponent
        let layers = evaluation.layers
        return PlotPage(title: title, charts: [LayerSQNRPicture(title: title, layers: layers.map(\.name),
                                                                aloneDB: layers.map(\.sqnrAloneDB),
                                                                cumulativeDB: layers.map(\.sqnrCumulativeDB)).chart()])
    }
}

extension TransformerEvaluationReport {
    /// `LayerSQNRPicture` of every Linear, in the order the forward pass reached them.
    public func picture() -> PlotPage {
        let title = "Per-Linear output SQNR: " + (model as NSString).lastPathComponent
        let byPrefix = Dictionary(linears.map { ($0.prefix, $0) }, uniquingKeysWith: { first, _ in first })
        let ordered = forwardOrder.compactMap { byPrefix[$0] }
        return PlotPage(title: title, charts: [LayerSQNRPicture(title: title, layers: ordered.map(\.prefix),
                                                                aloneDB: ordered.map(\.sqnrAloneDB),
                                                                cumulativeDB: ordered.map(\.sqnrCumulativeDB)).chart()])
    }
}
