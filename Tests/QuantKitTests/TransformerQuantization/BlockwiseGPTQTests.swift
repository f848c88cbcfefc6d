import Foundation
import Testing
@testable import QuantKit

/// GPTQ through the blocks of a tiny random Llama decoder (Fixtures/transformers/llama):
/// against round to nearest, and sharing Hessians between Linears fed the same input.
struct BlockwiseGPTQTests {
    static let fourBitPerChannel = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 4)

    @Test func gptqThroughTheBlocksGivesALowerLogitErrorThanRoundToNearest() throws {
        let (model, evaluation) = try tinyDecoder("llama")
        let calibration = TokenBatch(pseudoRandomSequences(count: 24, length: 32, vocabulary: model.config.vocabularySize, seed: 7))
        let schemes = blockLinearSchemes(model, Self.fourBitPerChannel)
        let gptq = try gptqThroughBlocks(model, calibration: calibration, schemes: schemes, sequencesPerBatch: 5, threads: 2)
        #expect(Set(gptq.keys) == Set(schemes.keys) && gptq.count == 14)
        let float = model.logits(model.normalized(try model.hiddenStates(evaluation)))
        func logitError(_ weights: [String: QuantizedTensor]) throws -> Double {
            let quantized = try replacingWeights(model, weights)
            return meanSquaredDifference(quantized.logits(quantized.normalized(try quantized.hiddenStates(evaluation))), float)
        }
        let (gptqError, rtnError) = (try logitError(gptq), try logitError(try roundToNearestWeights(model, schemes)))
        print("tiny llama, 4-bit per channel, logits MSE to float: gptq \(gptqError), rtn \(rtnError)")
        #expect(gptqError < rtnError)
    }

    @Test func theBatchingOfCalibrationSequencesDoesNotChangeTheCodesBeyondRounding() throws {
        let (model, _) = try tinyDecoder("llama")
        let calibration = TokenBatch(pseudoRandomSequences(count: 6, length: 20, vocabulary: model.config.vocabularySize, seed: 3))
        let schemes = blockLinearSchemes(model, Self.fourBitPerChannel)
        let one = try gptqThroughBlocks(model, calibration: calibration, schemes: schemes, sequencesPerBatch: 1, threads: 1)
        let all = try gptqThroughBlocks(model, calibration: calibration, schemes: schemes, sequencesPerBatch: 6, threads: 2)
        for (name, tensor) in one {
            let other = try #require(all[name])
            let differing = zip(tensor.codes, other.codes).filter { $0 != $1 }.count
            #expect(differing * 200 <= tensor.codes.count, "\(name): \(differing) codes differ")
        }
    }

    @Test func onlyTheSelectedLinearsAreQuantizedAndTheFirstBlockMatchesGPTQOnItsCapturedInputs() throws {
        let (model, _) = try tinyDecoder("llama")
        let calibration = TokenBatch(pseudoRandomSequences(count: 4, length: 16, vocabulary: model.config.vocabularySize, seed: 11))
        let name = "model.layers.0.self_attn.k_proj.weight"
        let gptq = try gptqThroughBlocks(model, calibration: calibration, schemes: [name: Self.fourBitPerChannel], threads: 1)
        #expect(Array(gptq.keys) == [name])
        var inputs: [Float] = [], rows = 0
        _ = model.block(0, try model.embed(calibration)) { call in
            if call.prefix == "model.layers.0.self_attn.k_proj" { (inputs, rows) = (call.input, call.rows) }
        }
        guard case .float(let k) = model.blocks[0].linears.first(where: { $0.prefix + ".weight" == name })!.layer else {
            Issue.record("k_proj is not float")
            return
        }
        let direct = try gptqQuantize(weight: k.weight, outFeatures: k.outFeatures, inFeatures: k.inFeatures, inputs: inputs,
                                      samples: rows, scheme: Self.fourBitPerChannel, threads: 1)
        let differing = zip(direct.codes, try #require(gptq[name]).codes).filter { $0 != $1 }.count
        #expect(direct.scales == gptq[name]!.scales && differing * 200 <= direct.codes.count)
    }
}
