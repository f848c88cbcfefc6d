import Foundation
import Testing
@testable import QuantKit

/// `TransformerEvaluation` of all-MiniLM-L6-v2 rounded to nearest per channel, on the 300
/// held-out sentences of Fixtures/eval_text/eval.txt: the must-show numbers.
@Suite(.enabled(if: miniLMAvailable, "all-MiniLM-L6-v2 is not in .cache/ (run python3 Fixtures/minilm/fetch.py); the real-model tests are skipped"))
struct MiniLMEvaluationTests {
    static let evalText = fixturesFolder.appendingPathComponent("eval_text/eval.txt").path

    /// MiniLM against itself with its Linear weights per-channel at `bits` bits.
    static func agreement(bits: Int, compute: ComputePath = .dequant) throws -> EmbeddingAgreement {
        let config = try TransformerConfig.load(path: miniLMFolder + "/config.json")
        let weights = try CheckpointWeights(path: miniLMFolder)
        let rules = SelectionRules(defaultScheme: QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: bits))
        let replaced = try roundToNearestCheckpoint(path: miniLMFolder, rules: rules)
        let (tokenizer, tokenizerPath) = try Tokenizer.load(folderOrFile: miniLMFolder)
        let input = try EvaluationSequences(textPath: evalText, tokenizer: tokenizer, tokenizerPath: tokenizerPath,
                                            maxLength: config.maxPositions, truncate: false)
        #expect(input.sequences.count == 300)
        let evaluation = try TransformerEvaluation(
            float: loadTransformer(config: config, weights: weights),
            quantized: loadTransformer(config: config, weights: InMemoryQuantizedWeights(float: weights, replaced: replaced)),
            sequences: input.sequences, batch: 32, compute: compute,
            pooling: try #require(try SentencePooling.load(folder: miniLMFolder)))
        // Every Linear of the six layers is quantized, and BertModel's pooler (which sentence
        // embeddings do not run), as `quantize FOLDER` selects them; the SQNRs cover the 36 run.
        #expect(replaced.count == 37)
        #expect(replaced["pooler.dense.weight"] != nil)
        #expect(evaluation.sqnr.lines.count == 36)
        guard case .encoder(let agreement) = evaluation.comparison else { throw TransformerEvaluationError.modelsDiffer }
        return agreement
    }

    /// `make_minilm_rtn_reference.py`'s torch numbers for `bits`.
    static func reference(bits: Int) throws -> [String: Double] {
        let url = transformerFixtures.appendingPathComponent("minilm/rtn_eval_reference.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        return try #require(object?["bits_\(bits)"] as? [String: Double])
    }

    /// Cosines and neighbours as torch computes them with the same rounded weights; the 8-bit
    /// cosine is the bar. Neighbour agreement is below 100% at 8 bits in both: eight of
    /// the 300 texts have float top-two neighbours within 0.0065 in cosine, and change.
    @Test(arguments: [8, 4])
    func perChannelRoundToNearestCostsWhatTorchMeasures(_ bits: Int) throws {
        let agreement = try Self.agreement(bits: bits)
        let reference = try Self.reference(bits: bits)
        print("MiniLM eval.txt, RTN per-channel \(bits) bits: cosine mean \(agreement.cosineMean) min \(agreement.cosineMin) "
              + "neighbours \(agreement.neighbourAgreement ?? .nan) spearman \(agreement.similaritySpearman ?? .nan)")
        #expect(agreement.texts == 300)
        #expect(abs(agreement.cosineMean - reference["cosine_mean"]!) < 1e-6)
        #expect(abs(agreement.cosineMin - reference["cosine_min"]!) < 1e-6)
        #expect(agreement.neighbourAgreement == reference["neighbour_agreement"])
        if bits == 8 {
            #expect(agreement.cosineMean >= 0.9995)
        } else {
            // Four bits loses far more: more than ten times int8's distance from cosine 1.
            #expect(1 - agreement.cosineMean > 10 * (1 - (try Self.reference(bits: 8))["cosine_mean"]!))
        }
    }
}
