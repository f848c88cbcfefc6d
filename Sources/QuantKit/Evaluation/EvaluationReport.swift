import Foundation

/// An `Evaluation` with what it was run on, as `quantize eval` prints it.
public struct EvaluationReport: Sendable, Encodable {
    public let model: String
    /// `in memory (per-channel, 8 bits)` or the archive's path.
    public let quantized: String
    public let data: String
    public let activation: Activation
    public let layout: NetworkLayout
    public let evaluation: Evaluation

    public init(model: String, quantized: String, data: String, activation: Activation, layout: NetworkLayout,
                evaluation: Evaluation) {
        self.model = model
        self.quantized = quantized
        self.data = data
        self.activation = activation
        self.layout = layout
        self.evaluation = evaluation
    }

    enum Key: String, CodingKey {
        case model, quantized, data, activation, compute, samples, agreement, cosine, layers, compression
        case outputMSE = "output_mse", maxAbsError = "max_abs_error", sqnrDB = "sqnr_db"
        case accuracyFloat = "accuracy_fp32", accuracyQuantized = "accuracy_quantized", accuracyDelta = "accuracy_delta"
        case floatBytes = "float_bytes", quantizedBytes = "quantized_bytes", ignored = "ignored_tensors"
        case paths = "int8_vs_dequant"
        // Layer and path fields.
        case name, shape, scheme, bits, sqnrAlone = "sqnr_alone_db", sqnrCumulative = "sqnr_cumulative_db"
        case maxDeviation = "max_layer_deviation", maxBoundRatio = "max_bound_ratio"
    }

    public func encode(to encoder: any Encoder) throws {
        let e = evaluation
        var root = encoder.container(keyedBy: Key.self)
        try root.encode(model, forKey: .model)
        try root.encode(quantized, forKey: .quantized)
        try root.encode(data, forKey: .data)
        try root.encode(activation, forKey: .activation)
        try root.encode(e.compute, forKey: .compute)
        try root.encode(e.samples, forKey: .samples)
        try root.encode(e.output.agreement, forKey: .agreement)
        try root.encode(e.output.mse, forKey: .outputMSE)
        try root.encode(e.output.maxAbsError, forKey: .maxAbsError)
        try root.encode(e.output.cosine, forKey: .cosine)
        try root.encode(finiteOrNil(e.output.sqnrDB), forKey: .sqnrDB)
        try root.encode(e.accuracyFloat, forKey: .accuracyFloat)
        try root.encode(e.accuracyQuantized, forKey: .accuracyQuantized)
        try root.encode(accuracyDelta, forKey: .accuracyDelta)
        try root.encode(e.floatBytes, forKey: .floatBytes)
        try root.encode(e.quantizedBytes, forKey: .quantizedBytes)
        try root.encode(e.compression, forKey: .compression)
        try root.encode(layout.ignored, forKey: .ignored)
        var layers = root.nestedUnkeyedContainer(forKey: .layers)
        for line in e.layers {
            var layer = layers.nestedContainer(keyedBy: Key.self)
            try layer.encode(line.name, forKey: .name)
            try layer.encode([line.outFeatures, line.inFeatures], forKey: .shape)
            try layer.encode(line.scheme?.label ?? "none", forKey: .scheme)
            try layer.encode(line.scheme?.bits, forKey: .bits)
            try layer.encode(finiteOrNil(line.sqnrAloneDB), forKey: .sqnrAlone)
            try layer.encode(finiteOrNil(line.sqnrCumulativeDB), forKey: .sqnrCumulative)
        }
        if let paths = e.paths {
            var check = root.nestedContainer(keyedBy: Key.self, forKey: .paths)
            try check.encode(paths.agreement, forKey: .agreement)
            try check.encode(paths.maxDeviation, forKey: .maxDeviation)
            try check.encode(paths.maxBoundRatio, forKey: .maxBoundRatio)
        } else {
            try root.encodeNil(forKey: .paths)
        }
    }

    /// Quantized minus float accuracy, in 0..1 units; nil without labels.
    public var accuracyDelta: Double? {
        guard let a = evaluation.accuracyQuantized, let b = evaluation.accuracyFloat else { return nil }
        return a - b
    }

    /// The human report.
    public func renderedTable() -> String {
        let e = evaluation
        var text = "model      \(model): \(layout.layers.map(\.summary).joined(separator: ", ")), \(activation.rawValue) between layers\n"
        if !layout.ignored.isEmpty {
            text += "           not part of the chain, ignored: \(layout.ignored.joined(separator: ", "))\n"
        }
        text += "quantized  \(quantized); compute \(e.compute.rawValue)\n"
        text += "data       \(data)\n\n"
        var table = TextTable(columns: [("layer", .left), ("shape", .left), ("scheme", .left), ("bits", .right),
                                        ("SQNR alone dB", .right), ("SQNR cumulative dB", .right)])
        for line in e.layers {
            table.append([line.name, formatShape([line.outFeatures, line.inFeatures]), line.scheme?.label ?? "none",
                          line.scheme.map { String($0.bits) } ?? "-", decibels(line.sqnrAloneDB), decibels(line.sqnrCumulativeDB)])
        }
        text += table.rendered() + "\n"
        var summary: [(String, String)] = [
            ("samples", "\(e.samples)"),
            ("agreement (top-1)", percent(e.output.agreement)),
        ]
        if let a = e.accuracyFloat, let b = e.accuracyQuantized, let delta = accuracyDelta {
            summary.append(("accuracy fp32", percent(a)))
            summary.append(("accuracy quantized", percent(b) + String(format: " (%+.2f points)", 100 * delta)))
        }
        summary += [
            ("output MSE", String(format: "%.4e", e.output.mse)),
            ("max abs error", String(format: "%.4e", e.output.maxAbsError)),
            ("cosine (mean)", String(format: "%.6f", e.output.cosine)),
            ("output SQNR", decibels(e.output.sqnrDB) + " dB"),
            ("size", "\(formatBytes(e.floatBytes)) -> \(formatBytes(e.quantizedBytes)) (" + String(format: "%.2fx", e.compression) + ")"),
        ]
        if let paths = e.paths {
            summary.append(("int8 vs dequant", percent(paths.agreement) + " top-1 agreement; largest layer deviation "
                + String(format: "%.3e", paths.maxDeviation) + ", " + String(format: "%.2f", paths.maxBoundRatio)
                + " of its bound"))
        }
        let width = summary.map(\.0.count).max() ?? 0
        text += summary.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 + "\n" }.joined()
        return text
    }

    /// One JSON object, keys sorted, ending in a newline.
    public func renderedJSON() -> String {
        encodeJSON(self)
    }
}
