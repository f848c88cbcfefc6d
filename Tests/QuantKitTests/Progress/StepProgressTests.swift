import Foundation
@testable import QuantKit
import Testing

/// The `(done, total)` calls a computation makes, in order.
private final class StepCalls: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [[Int]] = []
    var calls: [[Int]] { lock.withLock { recorded } }
    var progress: StepProgress { { done, total in self.lock.withLock { self.recorded.append([done, total]) } } }
}

private let fourBit = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 4)

@Test(arguments: [GPTQ() as any QuantizationMethod, AWQ()])
func layerMethodsReportEveryLayerBeforeItAndTheEnd(method: any QuantizationMethod) throws {
    let steps = StepCalls()
    var layers = SeamNetwork().toQuantize([fourBit, fourBit])
    layers.progress = steps.progress
    let withProgress = try method.quantize(layers)
    #expect(steps.calls == [[0, 2], [1, 2], [2, 2]])
    // Reporting changes nothing.
    #expect(withProgress.weights == (try method.quantize(SeamNetwork().toQuantize([fourBit, fourBit]))).weights)
}

@Test func gptqThroughBlocksReportsEveryBlock() throws {
    let (model, _) = try tinyDecoder("llama")
    let calibration = TokenBatch(pseudoRandomSequences(count: 4, length: 8, vocabulary: model.config.vocabularySize, seed: 3))
    let steps = StepCalls()
    _ = try gptqThroughBlocks(model, calibration: calibration, schemes: blockLinearSchemes(model, fourBit), threads: 1,
                              progress: steps.progress)
    let blocks = model.blocks.count
    #expect(blocks >= 2)
    #expect(steps.calls == (0 ... blocks).map { [$0, blocks] })
}

@Test func awqThroughBlocksReportsEveryBlock() throws {
    let (model, _) = try tinyDecoder("llama")
    let calibration = TokenBatch(pseudoRandomSequences(count: 4, length: 8, vocabulary: model.config.vocabularySize, seed: 3))
    let steps = StepCalls()
    let schemes = blockLinearSchemes(model, fourBit)
    let withProgress = try BlockwiseAWQ(model, calibration: calibration, schemes: schemes, progress: steps.progress)
    #expect(steps.calls == (0 ... model.blocks.count).map { [$0, model.blocks.count] })
    // Reporting changes nothing.
    let without = try BlockwiseAWQ(model, calibration: calibration, schemes: schemes)
    #expect(withProgress.quantized.mapValues(\.codes) == without.quantized.mapValues(\.codes))
}

@Test func transformerEvaluationReportsEveryBatch() throws {
    let folder = transformerFixtures.appendingPathComponent("llama").path
    let model = try loadTransformer(config: TransformerConfig.load(path: folder + "/config.json"),
                                    weights: CheckpointWeights(path: folder))
    let sequences = pseudoRandomSequences(count: 7, length: 6, vocabulary: model.config.vocabularySize, seed: 5)
    let steps = StepCalls()
    _ = try TransformerEvaluation(float: model, quantized: model, sequences: sequences, batch: 3, compute: .dequant,
                                  pooling: SentencePooling(mode: .mean, normalize: false), progress: steps.progress)
    #expect(steps.calls == [[0, 3], [1, 3], [2, 3], [3, 3]])
}
