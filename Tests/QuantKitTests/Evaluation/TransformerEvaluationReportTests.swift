import Foundation
import Testing
import QuantKit

/// `TransformerEvaluationReport`'s table and JSON, on metrics computed from the
/// Fixtures/eval_metrics inputs and two small layers.
@Suite struct TransformerEvaluationReportTests {
    /// Two layers: `a` quantized per channel at 8 bits (SQNR about 36 dB alone), `b` kept in float (no noise).
    func layersAndSQNR() throws -> ([ExactName: NetworkLayer], LinearSQNRAccumulator) {
        let linear = Linear(weight: [1, -2, 3, 0.5, 4, -1], bias: nil, outFeatures: 2, inFeatures: 3)
        let quantized = QuantizedLinear(from: linear)
        var sqnr = LinearSQNRAccumulator()
        let x: [Float] = [1, 2, 3, -1, 0.5, 2]
        let reference = linear.forward(x, batch: 2)
        sqnr.addAlone("b", reference: reference, output: reference)
        sqnr.addCumulative("b", reference: reference, output: reference)
        sqnr.addAlone("a", reference: reference, output: quantized.forward(x, batch: 2))
        sqnr.addCumulative("a", reference: reference, output: quantized.forward(x, batch: 2))
        return ([ExactName("a"): .quantized(quantized), ExactName("b"): .float(linear)], sqnr)
    }

    /// Whether a value read back from the JSON is `expected`: Foundation's JSON parser on Linux
    /// can miss the last bit or two of a shortest-digits Double, hence 1e-14 relative.
    func readsBack(_ value: Any?, as expected: Double?) -> Bool {
        guard let value = value as? Double, let expected else { return false }
        return abs(value - expected) <= 1e-14 * abs(expected)
    }

    func json(_ report: TransformerEvaluationReport) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(report.renderedJSON().utf8)) as? [String: Any])
    }

    @Test func encoderReportListsLayersWorstFirstWithItsAgreement() throws {
        let agreement = try EmbeddingAgreement(float: EvalMetricsFixture.floats("embeddings_float"),
                                               quantized: EvalMetricsFixture.floats("embeddings_quantized"), texts: 40, dimension: 16)
        let (layers, sqnr) = try layersAndSQNR()
        let report = TransformerEvaluationReport(model: "minilm/", quantized: "minilm-int8/", data: "lines.txt: 40 texts",
                                                 compute: .dequant, comparison: .encoder(agreement), sqnr: sqnr, layers: layers,
                                                 floatBytes: 4000, quantizedBytes: 1000, notes: ["2 texts truncated to 512 tokens."])
        let object = try json(report)
        let encoder = try #require(object["encoder"] as? [String: Any])
        #expect(object["decoder"] is NSNull)
        #expect(encoder["texts"] as? Int == 40)
        #expect(readsBack(encoder["cosine_mean"], as: agreement.cosineMean))
        #expect(readsBack(encoder["neighbour_agreement"], as: agreement.neighbourAgreement))
        #expect(readsBack(encoder["similarity_spearman"], as: agreement.similaritySpearman))
        #expect(readsBack(encoder["largest_similarity_change"], as: agreement.largestSimilarityChange))
        #expect(encoder["neighbours_within_reach"] as? Int == agreement.neighboursWithinReach)
        #expect(object["compression"] as? Double == 4)
        let linears = try #require(object["linears"] as? [[String: Any]])
        #expect(linears.map { $0["name"] as? String } == ["a", "b"])
        #expect(linears[0]["scheme"] as? String == "per-channel" && linears[0]["bits"] as? Int == 8)
        #expect(linears[0]["shape"] as? [Int] == [2, 3])
        #expect(linears[1]["scheme"] as? String == "none" && linears[1]["bits"] is NSNull && linears[1]["sqnr_alone_db"] is NSNull)
        #expect(abs((linears[0]["sqnr_alone_db"] as? Double ?? 0) - sqnr.lines[1].aloneDB) < 1e-12)

        let table = report.renderedTable()
        let expectedSummary = String(format: "embedding cosine             mean %.6f, min %.6f\n", agreement.cosineMean, agreement.cosineMin)
        #expect(table.contains(expectedSummary))
        #expect(table.contains(String(format: "nearest-neighbour agreement  60.00%% (largest similarity change %.5f; %d of 40 texts lead "
                                      + "their runner-up by less than twice it, and only those can change neighbour)\n",
                                      agreement.largestSimilarityChange, agreement.neighboursWithinReach)))
        #expect(table.contains("size                         3.9 KiB -> 1000 B (4.00x)\n"))
        #expect(table.hasSuffix("\nnote: 2 texts truncated to 512 tokens.\n"))
        let rows = table.split(separator: "\n").filter { $0.hasPrefix("a ") || $0.hasPrefix("b ") }
        #expect(rows.count == 2 && rows[0].hasPrefix("a ") && rows[1].hasSuffix("inf                 inf"))
    }

    @Test func nonFiniteEmbeddingsGiveNullsNotACrash() throws {
        let agreement = try EmbeddingAgreement(float: [.nan, 1, 1, 0], quantized: [1, 1, 1, 0], texts: 2, dimension: 2)
        let report = TransformerEvaluationReport(model: "m", quantized: "q", data: "d", compute: .dequant,
                                                 comparison: .encoder(agreement), sqnr: LinearSQNRAccumulator(), layers: [:])
        let encoder = try #require(try json(report)["encoder"] as? [String: Any])
        #expect(encoder["cosine_mean"] is NSNull)
    }

    @Test func decoderReportCarriesEveryStatistic() throws {
        var divergence = NextTokenDivergence(scoring: .secondHalf)
        divergence.add(floatLogits: try EvalMetricsFixture.floats("logits_float_0"),
                       quantizedLogits: try EvalMetricsFixture.floats("logits_quantized_0"),
                       tokens: try EvalMetricsFixture.integers("tokens_0"), vocabularySize: 50)
        let statistics = try #require(divergence.statistics)
        let (layers, sqnr) = try layersAndSQNR()
        let report = TransformerEvaluationReport(model: "tiny-llama/", quantized: "tiny-llama-q4/", data: "tokens.npy",
                                                 compute: .int8, comparison: .decoder(statistics, scoring: .secondHalf),
                                                 sqnr: sqnr, layers: layers)
        let object = try json(report)
        let decoder = try #require(object["decoder"] as? [String: Any])
        #expect(object["encoder"] is NSNull && object["compression"] is NSNull && object["compute"] as? String == "int8")
        #expect(decoder["scoring"] as? String == "second-half" && decoder["positions"] as? Int == 19)
        let expected: [String: Double] = [
            "kl_mean": statistics.klMean, "kl_mean_uncertainty": statistics.klMeanUncertainty, "kl_median": statistics.klMedian,
            "kl_99": statistics.kl99, "kl_99_9": statistics.kl999, "kl_max": statistics.klMax, "same_top": statistics.sameTopFraction,
            "same_top_uncertainty": statistics.sameTopUncertainty, "ppl_float": statistics.perplexityFloat,
            "ppl_float_uncertainty": statistics.perplexityFloatUncertainty, "ppl_quantized": statistics.perplexityQuantized,
            "ppl_quantized_uncertainty": statistics.perplexityQuantizedUncertainty, "ppl_ratio": statistics.perplexityRatio,
            "ppl_ratio_uncertainty": statistics.perplexityRatioUncertainty, "ln_ppl_ratio": statistics.logPerplexityRatio,
            "ln_ppl_ratio_uncertainty": statistics.logPerplexityRatioUncertainty,
        ]
        #expect(Set(decoder.keys) == Set(expected.keys).union(["scoring", "positions"]))
        for (key, value) in expected {
            #expect(readsBack(decoder[key], as: value), "\(key)")
        }
        let table = report.renderedTable()
        #expect(table.contains("positions scored   19 (the second half of each sequence)\n"))
        #expect(table.contains(String(format: "PPL(Q)/PPL(float)  %.6f ± %.6f\n", statistics.perplexityRatio,
                                      statistics.perplexityRatioUncertainty)))
    }
}
