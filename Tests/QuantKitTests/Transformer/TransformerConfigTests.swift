import Foundation
import Testing
@testable import QuantKit

/// config.json as transformers reads it: fields, defaults, both rope spellings, windows.
@Suite struct TransformerConfigTests {
    private func fixtureConfig(_ name: String) throws -> TransformerConfig {
        try TransformerConfig.load(path: transformerFixtures.appendingPathComponent(name).appendingPathComponent("config.json").path)
    }

    @Test func theTinyDecodersConfigurationsAreReadAsWritten() throws {
        let llama = try fixtureConfig("llama"), qwen2 = try fixtureConfig("qwen2"), mistral = try fixtureConfig("mistral")
        #expect(llama.family == .llama && llama.headCount == 4 && llama.keyValueHeadCount == 2 && llama.headDim == 16)
        #expect(llama.rotary?.scaling == .llama3(factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4, originalMaxPositions: 256))
        #expect(!llama.tieWordEmbeddings && !llama.queryKeyValueBias && llama.activation == .silu && llama.normEpsilon == 1e-6)
        #expect(qwen2.queryKeyValueBias && !qwen2.outputProjectionBias && qwen2.tieWordEmbeddings)
        #expect(qwen2.rotary == RotaryParameters(theta: 50000, scaling: .none, dimension: 16))
        #expect(qwen2.slidingWindows == [nil, nil])
        #expect(mistral.slidingWindows == [32, 32] && !mistral.queryKeyValueBias)
    }

    @Test func olderRopeScalingAndTopLevelThetaAreRead() throws {
        let config = try TransformerConfig(json: ["model_type": "llama", "hidden_size": 64, "num_attention_heads": 4,
                                                  "rope_theta": 500000.0, "rope_scaling": ["type": "linear", "factor": 2.0]])
        #expect(config.rotary == RotaryParameters(theta: 500000, scaling: .linear(factor: 2), dimension: 16))
        let frequencies = config.rotary!.inverseFrequencies
        #expect(frequencies.count == 8 && frequencies[0] == 0.5)
        let dynamic = try TransformerConfig(json: ["model_type": "llama", "rope_scaling": ["rope_type": "dynamic", "factor": 2.0]])
        #expect(dynamic.rotary?.scaling == RotaryParameters.Scaling.none)
    }

    @Test func defaultsAreThoseOfTheModelTypesConfigurationClass() throws {
        let bert = try TransformerConfig(json: ["architectures": ["BertForMaskedLM"]])
        #expect(bert.modelType == "bert" && bert.hiddenSize == 768 && bert.headDim == 64 && bert.activation == .gelu)
        #expect(bert.normEpsilon == Float(1e-12) && bert.typeVocabularySize == 2 && bert.maxPositions == 512)
        let mistral = try TransformerConfig(json: ["model_type": "mistral", "sliding_window": NSNull()])
        #expect(mistral.keyValueHeadCount == 8 && mistral.slidingWindows.allSatisfy { $0 == nil })
        let qwen2 = try TransformerConfig(json: ["model_type": "qwen2", "num_hidden_layers": 4, "use_sliding_window": true,
                                                 "sliding_window": 16, "max_window_layers": 2])
        #expect(qwen2.slidingWindows == [nil, nil, 16, 16] && qwen2.vocabularySize == 151_936)
    }

    @Test func windowsLimitEachQueryToItsLatestKeys() {
        #expect(AttentionMask.causal(window: 3).keys(query: 5, length: 9) == 3 ..< 6)
        #expect(AttentionMask.causal(window: 3).keys(query: 1, length: 9) == 0 ..< 2)
        #expect(AttentionMask.causal(window: nil).keys(query: 4, length: 9) == 0 ..< 5)
        #expect(AttentionMask.bidirectional.keys(query: 4, length: 9) == 0 ..< 9)
    }
}
