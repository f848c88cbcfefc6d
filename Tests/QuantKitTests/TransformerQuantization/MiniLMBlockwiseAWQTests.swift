import Foundation
import Testing
@testable import QuantKit

/// AWQ through all-MiniLM-L6-v2's six blocks, calibrated on Fixtures/eval_text/calibration.txt
/// and evaluated on the held-out Fixtures/eval_text/eval.txt against round to nearest at the
/// same storage. BERT has one exact fold per block (value → attention.output.dense), so AWQ
/// scales one Linear in six and rounds the other five to nearest. The first 64 calibration and
/// 100 evaluation sentences keep the test to a few minutes (all 300 and 300, for the README's
/// numbers, take about 15 minutes of a debug build on two cores).
@Suite(.enabled(if: miniLMAvailable, "all-MiniLM-L6-v2 is not in .cache/ (run python3 Fixtures/minilm/fetch.py); the MiniLM AWQ test is skipped"))
struct MiniLMBlockwiseAWQTests {
    @Test func fourBitPerChannelAWQIsNoWorseThanRoundToNearestOnHeldOutSentences() throws {
        let config = try TransformerConfig.load(path: miniLMFolder + "/config.json")
        let model = try BertEncoder(config: config, weights: CheckpointWeights(path: miniLMFolder))
        let pooling = try #require(try SentencePooling.load(folder: miniLMFolder))
        let calibration = try Self.firstSentences(64, of: "calibration.txt", model: model)
        let evaluation = try Self.firstSentences(100, of: "eval.txt", model: model)
        let schemes = blockLinearSchemes(model, QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 4))
        let awq = try BlockwiseAWQ(model, calibration: calibration.batch, schemes: schemes)
        #expect(awq.scaled.allSatisfy { $0.hasSuffix("attention.output.dense.weight") })
        #expect(awq.notes.last?.contains("no exact fold for AWQ's scales (30 Linears)") == true, "\(awq.notes)")
        let float = pooling.pool(try model.hiddenStates(evaluation.batch))
        func cosine(_ quantized: BertEncoder) throws -> Double {
            try EmbeddingAgreement(float: float, quantized: pooling.pool(try quantized.hiddenStates(evaluation.batch)),
                                   texts: evaluation.sequenceCount, dimension: config.hiddenSize).cosineMean
        }
        let (awqCosine, rtnCosine) = (try cosine(awq.model), try cosine(try replacingWeights(model, try roundToNearestWeights(model, schemes))))
        print("MiniLM per-channel 4-bit on eval.txt (\(evaluation.sequenceCount) texts), calibrated on \(calibration.sequenceCount) "
              + "sequences (\(calibration.tokenCount) tokens): mean cosine awq \(awqCosine), rtn \(rtnCosine); \(awq.scaled.count) of 36 Linears scaled")
        for note in awq.notes { print(note) }
        #expect(awqCosine >= rtnCosine - 1e-4)
    }

    /// The first `count` lines of `Fixtures/eval_text/<file>` as sequences, through a temporary file.
    static func firstSentences(_ count: Int, of file: String, model: BertEncoder) throws -> CalibrationSequences {
        let text = try String(contentsOf: fixturesFolder.appendingPathComponent("eval_text").appendingPathComponent(file), encoding: .utf8)
        let path = NSTemporaryDirectory() + "/minilm-awq-\(UUID().uuidString)-" + file
        try (text.split(separator: "\n").prefix(count).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tokenizer = try Tokenizer.load(folderOrFile: miniLMFolder).tokenizer
        return try CalibrationSequences(textFile: path, tokenizer: tokenizer, maxPositions: model.config.maxPositions)
    }
}
