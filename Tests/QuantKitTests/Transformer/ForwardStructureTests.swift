import Foundation
import Testing
@testable import QuantKit

/// The block-by-block structure: the observer, batching, replaced Linears.
@Suite struct ForwardStructureTests {
    @Test(arguments: ["llama", "qwen2"])
    func observerSeesEveryLinearOncePerBlockWithItsShapes(name: String) throws {
        let (model, batch) = try tinyDecoder(name)
        var calls: [LinearCall] = []
        let hidden = try model.hiddenStates(batch) { calls.append($0) }
        _ = model.logits(model.normalized(hidden)) { calls.append($0) }
        let expected = model.blocks.flatMap { $0.linears } + [model.head]
        #expect(calls.map(\.prefix) == expected.map(\.prefix))
        #expect(calls.map(\.prefix).first == "model.layers.0.self_attn.q_proj" && calls.last?.prefix == "lm_head")
        let tokens = batch.lengths.reduce(0, +)
        for (call, module) in zip(calls, expected) {
            #expect(call.rows == tokens && call.inFeatures == module.inFeatures && call.outFeatures == module.outFeatures,
                    "\(call.prefix): \(call.rows) rows, \(call.inFeatures) -> \(call.outFeatures)")
            #expect(call.output == module.layer.forward(call.input, batch: call.rows, compute: .dequant))
        }
        let shapes = calls.prefix(7).map { [$0.inFeatures, $0.outFeatures] }
        #expect(shapes == [[64, 64], [64, 32], [64, 32], [64, 64], [64, 172], [64, 172], [172, 64]])
    }

    @Test(arguments: ["llama", "mistral"])
    func aSequenceGivesTheSameOutputsAloneAsInABatch(name: String) throws {
        let (model, batch) = try tinyDecoder(name)
        let together = try model.hiddenStates(batch)
        for (index, sequence) in batch.sequences.enumerated() {
            let alone = try model.hiddenStates(TokenBatch([sequence]))
            let parity = Parity(alone.values, Array(together.sequence(index)))
            #expect(parity.relative <= 1e-6, "sequence \(index): \(parity)")
        }
    }

    @Test func aReplacedLinearRunsInItsBlockAndAWrongShapeIsRefused() throws {
        let (model, batch) = try tinyDecoder("qwen2")
        let prefix = "model.layers.1.mlp.down_proj"
        guard case .float(let float) = try #require(model.blocks[1].linears.first { $0.prefix == prefix }).layer else {
            Issue.record("the checkpoint's Linears are float")
            return
        }
        var quantized = model
        quantized.blocks[1] = try model.blocks[1].replacing([prefix: .quantized(QuantizedLinear(from: float, bits: 4))])
        var seen: [String: [Float]] = [:]
        let hidden = try model.embed(batch)
        let floatOutput = model.block(1, model.block(0, hidden))
        let quantizedOutput = quantized.block(1, quantized.block(0, hidden)) { seen[$0.prefix] = $0.output }
        let parity = Parity(quantizedOutput.values, floatOutput.values)
        #expect(parity.maxDifference > 0 && parity.relative < 0.5, "4-bit down_proj: \(parity)")
        #expect(seen[prefix] == QuantizedLinear(from: float, bits: 4).forward(try #require(seenInput(quantized, hidden, prefix)), batch: hidden.tokenCount))
        let wrong = Linear(weight: Array(repeating: 0, count: 64 * 64), bias: nil, outFeatures: 64, inFeatures: 64)
        #expect(throws: TransformerError.replacementMismatch(prefix: prefix, expected: [64, 172], found: [64, 64])) {
            _ = try model.blocks[1].replacing([prefix: .float(wrong)])
        }
        #expect(throws: TransformerError.unknownModule("model.layers.0.mlp.down_proj")) {
            _ = try model.blocks[1].replacing(["model.layers.0.mlp.down_proj": .float(wrong)])
        }
    }

    /// A quantized Linear runs on the int8 path when the block is asked to, and float ones are
    /// unchanged by it.
    @Test func computeReachesTheQuantizedLinears() throws {
        let (model, batch) = try tinyDecoder("llama")
        let prefix = "model.layers.0.self_attn.v_proj"
        guard case .float(let float) = try #require(model.blocks[0].linears.first { $0.prefix == prefix }).layer else {
            Issue.record("the checkpoint's Linears are float")
            return
        }
        let quantized = QuantizedLinear(from: float, bits: 8)
        let block = try model.blocks[0].replacing([prefix: .quantized(quantized)])
        let hidden = try model.embed(batch)
        var calls: [String: LinearCall] = [:]
        _ = block.forward(hidden, compute: .int8) { calls[$0.prefix] = $0 }
        let call = try #require(calls[prefix])
        #expect(call.output == quantized.forwardInt8(call.input, batch: call.rows))
        #expect(call.output != quantized.forward(call.input, batch: call.rows))
        let query = try #require(calls["model.layers.0.self_attn.q_proj"])
        #expect(query.output == model.blocks[0].linears[0].layer.forward(query.input, batch: query.rows, compute: .dequant))
    }

    /// The input block 1's Linear `prefix` receives in `model`.
    private func seenInput(_ model: LlamaDecoder, _ hidden: HiddenStates, _ prefix: String) -> [Float]? {
        var input: [Float]?
        _ = model.block(1, model.block(0, hidden)) { if $0.prefix == prefix { input = $0.input } }
        return input
    }
}
