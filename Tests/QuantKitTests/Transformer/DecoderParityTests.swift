import Foundation
import Testing
@testable import QuantKit

/// The Llama-family forward pass against transformers on the tiny random decoders of
/// make_tiny_decoders.py (random weights: these numbers say nothing about a trained model).
@Suite struct DecoderParityTests {
    @Test(arguments: ["llama", "qwen2", "mistral"])
    func hiddenStatesAndLogitsMatchTransformers(name: String) throws {
        let (model, batch) = try tinyDecoder(name)
        let lengths = batch.lengths, width = model.config.hiddenSize
        let hidden = try model.hiddenStates(batch)
        let normalized = model.normalized(hidden)
        let logits = model.logits(normalized)
        let checks = [
            ("before the final norm", hidden.values, try fixtureFloats(name, "hidden_before_norm.npy"), width),
            ("last_hidden_state", normalized.values, try fixtureFloats(name, "hidden_after_norm.npy"), width),
            ("logits", logits, try fixtureFloats(name, "logits.npy"), model.config.vocabularySize),
        ]
        for (what, ours, padded, rowWidth) in checks {
            let parity = Parity(ours, realTokenRows(padded, lengths: lengths, width: rowWidth))
            print("\(name) \(what): \(parity)")
            #expect(parity.relative <= 1e-4, "\(name) \(what): \(parity)")
        }
    }

    @Test func mistralSlidingWindowMatchesTransformers() throws {
        var (model, batch) = try tinyDecoder("mistral")
        var config = model.config
        config.slidingWindows = Array(repeating: 5, count: config.layerCount)
        model = try LlamaDecoder(config: config, weights: CheckpointWeights(path: transformerFixtures.appendingPathComponent("mistral").path))
        let ours = model.normalized(try model.hiddenStates(batch)).values
        let theirs = realTokenRows(try fixtureFloats("mistral", "window5_hidden_after_norm.npy"), lengths: batch.lengths, width: 64)
        let unwindowed = realTokenRows(try fixtureFloats("mistral", "hidden_after_norm.npy"), lengths: batch.lengths, width: 64)
        let parity = Parity(ours, theirs)
        print("mistral window 5 last_hidden_state: \(parity)")
        #expect(parity.relative <= 1e-4, "\(parity)")
        #expect(Parity(ours, unwindowed).relative > 0.1, "a window of 5 must change sequences longer than 5")
    }

    @Test(arguments: ["llama", "qwen2", "mistral"])
    func inverseFrequenciesMatchTransformersBitForBit(name: String) throws {
        let (model, _) = try tinyDecoder(name)
        let ours = model.config.rotary!.inverseFrequencies, theirs = try fixtureFloats(name, "inv_freq.npy")
        #expect(ours.map(\.bitPattern) == theirs.map(\.bitPattern), "\(ours) against \(theirs)")
    }
}
