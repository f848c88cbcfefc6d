import Foundation
import Testing
@testable import QuantKit

/// GPTQ through all-MiniLM-L6-v2's six blocks, calibrated on Fixtures/eval_text/calibration.txt
/// and evaluated on the held-out Fixtures/eval_text/eval.txt: the pooled sentence embeddings'
/// cosine to the float model's (`EmbeddingAgreement`), against round to nearest at the same
/// storage.
@Suite(.enabled(if: miniLMAvailable, "all-MiniLM-L6-v2 is not in .cache/ (run python3 Fixtures/minilm/fetch.py); the MiniLM GPTQ tests are skipped"))
struct MiniLMBlockwiseGPTQTests {
    static func sentences(_ file: String, model: BertEncoder) throws -> CalibrationSequences {
        let tokenizer = try Tokenizer.load(folderOrFile: miniLMFolder).tokenizer
        let path = fixturesFolder.appendingPathComponent("eval_text").appendingPathComponent(file).path
        return try CalibrationSequences(textFile: path, tokenizer: tokenizer, maxPositions: model.config.maxPositions)
    }

    /// Mean cosine of the pooled embeddings of eval.txt, GPTQ and round to nearest under `scheme`.
    static func cosines(_ scheme: QuantScheme) throws -> (gptq: Double, rtn: Double) {
        let config = try TransformerConfig.load(path: miniLMFolder + "/config.json")
        let model = try BertEncoder(config: config, weights: CheckpointWeights(path: miniLMFolder))
        let pooling = try #require(try SentencePooling.load(folder: miniLMFolder))
        let (calibration, evaluation) = (try sentences("calibration.txt", model: model), try sentences("eval.txt", model: model))
        #expect(calibration.sequenceCount == 300 && evaluation.sequenceCount >= 200)
        let schemes = blockLinearSchemes(model, scheme)
        let gptq = try gptqThroughBlocks(model, calibration: calibration.batch, schemes: schemes)
        let float = pooling.pool(try model.hiddenStates(evaluation.batch))
        func cosine(_ weights: [String: QuantizedTensor]) throws -> Double {
            let quantized = pooling.pool(try replacingWeights(model, weights).hiddenStates(evaluation.batch))
            return try EmbeddingAgreement(float: float, quantized: quantized, texts: evaluation.sequenceCount,
                                          dimension: config.hiddenSize).cosineMean
        }
        let result = (gptq: try cosine(gptq), rtn: try cosine(try roundToNearestWeights(model, schemes)))
        print("MiniLM \(scheme.name) \(scheme.bits)-bit on eval.txt (\(evaluation.sequenceCount) texts), calibrated on "
              + "\(calibration.sequenceCount) sequences (\(calibration.tokenCount) tokens): mean cosine gptq \(result.gptq), rtn \(result.rtn)")
        return result
    }

    @Test func fourBitPerChannelGPTQClosesHalfOfRoundToNearestsGap() throws {
        let (gptq, rtn) = try Self.cosines(QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 4))
        #expect(1 - gptq <= 0.5 * (1 - rtn))
    }

    @Test func fourBitGroup128GPTQBeatsRoundToNearest() throws {
        let (gptq, rtn) = try Self.cosines(QuantScheme(symmetric: true, granularity: .perGroup(size: 128), bits: 4))
        #expect(gptq > rtn)
    }
}
