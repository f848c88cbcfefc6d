import Foundation

extension TransformerComparison {
    /// One table, a blank line between widths: scheme, bits, method, size (bytes of the quantized
    /// tensors and bits per weight), then for an encoder the embedding cosine (mean, min),
    /// nearest-neighbour agreement and similarity Spearman, for a decoder the mean and 99th
    /// percentile KL divergence, the same-top-token percentage and PPL(Q)/PPL(float); then the
    /// float size and the notes.
    public func renderedTable() -> String {
        let isEncoder = if case .encoder = points.first?.metrics { true } else { false }
        let metricColumns = isEncoder
            ? ["cosine mean", "cosine min", "neighbours", "Spearman"] : ["KL mean", "KL 99%", "same top", "PPL ratio"]
        var table = TextTable(columns: [("scheme", .left), ("bits", .right), ("method", .left), ("size", .right),
                                        ("bits/weight", .right)] + metricColumns.map { ($0, .right) })
        for point in points {
            table.append([point.scheme, "\(point.bits)", point.method, formatBytes(point.bytes),
                          String(format: "%.2f", point.bitsPerWeight)] + Self.metricCells(point.metrics))
        }
        // The header and its rule, then the rows, a blank line before each new width.
        var lines = table.rendered().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for index in points.indices.reversed() where index > 0 && points[index - 1].bits != points[index].bits {
            lines.insert("", at: 2 + index)
        }
        var text = "model      \(model)\ndata       \(run.origin); compute \(run.compute.rawValue)\n\n"
        text += lines.joined(separator: "\n")
        text += "\nfloat: \(formatBytes(floatBytes)); size is the quantized Linear weights as an .npz output stores them, "
            + "bits/weight counts their scales and zero points\n"
        if !notes.isEmpty { text += "\n" + notes.map { "note: " + $0 + "\n" }.joined() }
        return text
    }

    private static func metricCells(_ metrics: TransformerEvaluationReport.Comparison) -> [String] {
        switch metrics {
        case .encoder(let a):
            [String(format: "%.6f", a.cosineMean), String(format: "%.6f", a.cosineMin), a.neighbourAgreement.map(percent) ?? "-",
             a.similaritySpearman.map { String(format: "%.6f", $0) } ?? "-"]
        case .decoder(let s, _):
            [String(format: "%.6f", s.klMean), String(format: "%.6f", s.kl99), percent(s.sameTopFraction),
             String(format: "%.6f", s.perplexityRatio)]
        }
    }

    /// One JSON object, keys sorted: `model`, `data`, `compute`, `float_bytes`, `notes`, and
    /// `rows` in the table's order, each with `scheme`, `bits`, `method`, `bytes`, `weights`,
    /// `bits_per_weight` and `encoder` or `decoder` with the fields of `quantize eval`'s report
    /// (`TransformerEvaluationReport`), the other null.
    public func renderedJSON() -> String {
        encodeJSON(self)
    }
}

extension TransformerComparison: Encodable {
    enum Key: String, CodingKey {
        case model, data, compute, notes, rows, scheme, bits, method, bytes, weights, encoder, decoder
        case floatBytes = "float_bytes", bitsPerWeight = "bits_per_weight"
    }

    public func encode(to encoder: any Encoder) throws {
        var root = encoder.container(keyedBy: Key.self)
        try root.encode(model, forKey: .model)
        try root.encode(run.origin, forKey: .data)
        try root.encode(run.compute, forKey: .compute)
        try root.encode(floatBytes, forKey: .floatBytes)
        try root.encode(notes, forKey: .notes)
        var rows = root.nestedUnkeyedContainer(forKey: .rows)
        for point in points {
            var row = rows.nestedContainer(keyedBy: Key.self)
            try row.encode(point.scheme, forKey: .scheme)
            try row.encode(point.bits, forKey: .bits)
            try row.encode(point.method, forKey: .method)
            try row.encode(point.bytes, forKey: .bytes)
            try row.encode(point.weights, forKey: .weights)
            try row.encode(point.bitsPerWeight, forKey: .bitsPerWeight)
            typealias Report = TransformerEvaluationReport
            switch point.metrics {
            case .encoder(let agreement):
                try Report.encodeEncoder(agreement, into: row.nestedContainer(keyedBy: Report.Key.self, forKey: .encoder))
                try row.encodeNil(forKey: .decoder)
            case .decoder(let statistics, let scoring):
                try Report.encodeDecoder(statistics, scoring: scoring, into: row.nestedContainer(keyedBy: Report.Key.self, forKey: .decoder))
                try row.encodeNil(forKey: .encoder)
            }
        }
    }
}
