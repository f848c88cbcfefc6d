import Foundation

extension TransformerEvaluationReport {
    /// The human report: what was compared, one row per Linear layer (worst first), then the
    /// model-level comparison and the notes.
    public func renderedTable() -> String {
        var text = "model      \(model)\n"
        text += "quantized  \(quantized); compute \(compute.rawValue)\n"
        text += "data       \(data)\n\n"
        var table = TextTable(columns: [("layer", .left), ("shape", .left), ("scheme", .left), ("bits", .right),
                                        ("SQNR alone dB", .right), ("SQNR cumulative dB", .right)])
        for line in linears {
            table.append([line.prefix, formatShape([line.outFeatures, line.inFeatures]), line.schemeLabel,
                          line.schemeBits.map { String($0) } ?? "-", decibels(line.sqnrAloneDB), decibels(line.sqnrCumulativeDB)])
        }
        text += table.rendered() + "\n"
        var summary: [(String, String)]
        switch comparison {
        case .encoder(let agreement): summary = encoderSummary(agreement)
        case .decoder(let statistics, let scoring): summary = decoderSummary(statistics, scoring: scoring)
        }
        if let floatBytes, let quantizedBytes, let compression {
            summary.append(("size", "\(formatBytes(floatBytes)) -> \(formatBytes(quantizedBytes)) (" + String(format: "%.2fx", compression) + ")"))
        }
        let width = summary.map(\.0.count).max() ?? 0
        text += summary.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 + "\n" }.joined()
        if !notes.isEmpty {
            text += "\n" + notes.map { "note: " + $0 + "\n" }.joined()
        }
        return text
    }

    private func encoderSummary(_ a: EmbeddingAgreement) -> [(String, String)] {
        [
            ("texts", "\(a.texts)"),
            ("embedding cosine", String(format: "mean %.6f, min %.6f", a.cosineMean, a.cosineMin)),
            ("nearest-neighbour agreement", a.neighbourAgreement.map(percent).map { $0 + reach(a) } ?? "- (fewer than 2 texts)"),
            ("similarity Spearman", a.similaritySpearman.map { String(format: "%.6f", $0) } ?? "- (undefined)"),
        ]
    }

    /// Which texts the similarity change could move (`EmbeddingAgreement.neighboursWithinReach`).
    private func reach(_ a: EmbeddingAgreement) -> String {
        guard a.texts >= 3 else { return "" }
        return String(format: " (largest similarity change %.5f; %d of %d texts lead their runner-up by less than twice it, "
                      + "and only those can change neighbour)", a.largestSimilarityChange, a.neighboursWithinReach, a.texts)
    }

    private func decoderSummary(_ s: NextTokenStatistics, scoring: ScoredPositions) -> [(String, String)] {
        let positions = scoring == .all ? "every position with a next token" : "the second half of each sequence"
        return [
            ("positions scored", "\(s.positions) (\(positions))"),
            ("KL divergence", String(format: "mean %.6f ± %.6f; median %.6f, 99%% %.6f, 99.9%% %.6f, max %.6f",
                                     s.klMean, s.klMeanUncertainty, s.klMedian, s.kl99, s.kl999, s.klMax)),
            ("same top token", String(format: "%.2f%% ± %.2f%%", 100 * s.sameTopFraction, 100 * s.sameTopUncertainty)),
            ("perplexity", String(format: "float %.4f ± %.4f, quantized %.4f ± %.4f", s.perplexityFloat, s.perplexityFloatUncertainty,
                                  s.perplexityQuantized, s.perplexityQuantizedUncertainty)),
            ("PPL(Q)/PPL(float)", String(format: "%.6f ± %.6f", s.perplexityRatio, s.perplexityRatioUncertainty)),
        ]
    }
}
