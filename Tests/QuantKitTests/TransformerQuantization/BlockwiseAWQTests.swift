import Foundation
import Testing
@testable import QuantKit

/// AWQ through the blocks of the tiny random decoders (Fixtures/transformers/): the folds leave
/// the float model unchanged, the scales bring each block's output no farther from float than
/// round to nearest, and outlier columns come from the captured inputs.
struct BlockwiseAWQTests {
    static func perChannel(_ bits: Int) -> QuantScheme { QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: bits) }

    /// Deterministic scales in [1/4, 4] (SplitMix64 from `seed`), log-uniform.
    static func scales(_ count: Int, seed: UInt64) -> [Float] {
        pseudoRandomSequences(count: 1, length: count, vocabulary: 1 << 20, seed: seed)[0].map { Float(pow(2.0, 4.0 * Double($0) / Double(1 << 20) - 2)) }
    }

    @Test(arguments: ["llama", "qwen2", "mistral"])
    func everyFoldLeavesTheFloatModelsHiddenStatesUnchanged(_ name: String) throws {
        let (model, batch) = try tinyDecoder(name)
        var folded = model
        for index in model.blocks.indices {
            let folds = model.blocks[index].scaleFolds
            #expect(folds.count == 4 && folds[0].headRepeat == model.config.headCount / model.config.keyValueHeadCount)
            for (position, fold) in folds.enumerated() {
                let scales = Self.scales(fold.sourceWidth, seed: UInt64(10 * index + position))
                folded.blocks[index] = try folded.blocks[index].folding(scales, at: fold)
            }
            #expect(folded.blocks[index].norms != model.blocks[index].norms)
        }
        let (reference, after) = (try model.hiddenStates(batch).values, try folded.hiddenStates(batch).values)
        let largest = reference.map(abs).max()!
        let difference = zip(reference, after).map { abs($0 - $1) }.max()!
        print("tiny \(name): every fold with scales in [1/4, 4]: max |Δ hidden| / max |hidden| = \(difference / largest)")
        #expect(difference / largest <= 2e-6)
    }

    @Test(arguments: [3, 4])
    func awqBringsEveryBlockNoFartherFromFloatThanRoundToNearest(_ bits: Int) throws {
        let (model, evaluation) = try tinyDecoder("llama")
        let calibration = TokenBatch(pseudoRandomSequences(count: 16, length: 32, vocabulary: model.config.vocabularySize, seed: 5))
        let schemes = blockLinearSchemes(model, Self.perChannel(bits))
        let awq = try BlockwiseAWQ(model, calibration: calibration, schemes: schemes, sequencesPerBatch: 5)
        let rtn = try BlockwiseAWQ(model, calibration: calibration, schemes: schemes, searchesScales: false)
        #expect(awq.quantized.count == 14 && rtn.scaled.isEmpty)
        let plain = try roundToNearestWeights(model, schemes)
        #expect(rtn.quantized.allSatisfy { $0.value.codes == plain[$0.key]!.codes && $0.value.scales == plain[$0.key]!.scales })
        // Each block on its calibration input through the AWQ-quantized blocks before it.
        var input = try model.embed(calibration)
        for index in model.blocks.indices {
            let float = model.block(index, input).values
            let awqError = meanSquaredDifference(awq.model.block(index, input).values, float)
            let rtnError = meanSquaredDifference(rtn.model.block(index, input).values, float)
            print("tiny llama \(bits)-bit per channel, block \(index) output MSE to float: awq \(awqError), rtn \(rtnError)")
            #expect(awqError <= rtnError)
            input = awq.model.block(index, input)
        }
        #expect(awq.scaled.contains("model.layers.0.self_attn.o_proj.weight"), "\(awq.notes)")
        func heldOutError(_ quantized: LlamaDecoder) throws -> Double {
            meanSquaredDifference(try quantized.hiddenStates(evaluation).values, try model.hiddenStates(evaluation).values)
        }
        let (awqHeldOut, rtnHeldOut) = (try heldOutError(awq.model), try heldOutError(rtn.model))
        print("tiny llama \(bits)-bit per channel, held-out last hidden MSE: awq \(awqHeldOut), rtn \(rtnHeldOut)")
        #expect(awqHeldOut < rtnHeldOut)
    }

    @Test func outlierColumnsAreThoseWhoseCapturedInputsExceedTheThreshold() throws {
        let (model, _) = try tinyDecoder("qwen2")
        let calibration = TokenBatch(pseudoRandomSequences(count: 6, length: 24, vocabulary: model.config.vocabularySize, seed: 9))
        let threshold: Float = 1.5
        let kept = try BlockwiseAWQ(model, calibration: calibration, schemes: blockLinearSchemes(model, Self.perChannel(4)),
                                    weightMethod: OutlierColumnsKept(base: RoundToNearest(), threshold: threshold),
                                    searchesScales: false)
        // Block 1's inputs come from block 0 as quantized, outlier columns included.
        var input = try model.embed(calibration)
        var total = 0
        for index in model.blocks.indices {
            var expected: [String: [Int]] = [:]
            _ = model.block(index, input) { call in
                expected[call.prefix] = (0 ..< call.inFeatures).filter { k in
                    (0 ..< call.rows).contains { abs(call.input[$0 * call.inFeatures + k]) > threshold }
                }
            }
            for linear in model.blocks[index].linears {
                let columns = kept.quantized[linear.prefix + ".weight"]?.outliers?.columns ?? []
                #expect(columns == expected[linear.prefix], "\(linear.prefix)")
                total += columns.count
            }
            input = kept.model.block(index, input)
        }
        #expect(total > 0)
    }
}
