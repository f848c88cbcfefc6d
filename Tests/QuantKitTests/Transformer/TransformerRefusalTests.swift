import Foundation
import Testing
@testable import QuantKit

/// Bad checkpoints, configurations and batches: typed errors whose words name the file, the
/// tensor or field, and the problem.
@Suite struct TransformerRefusalTests {
    /// A copy of the tiny decoder `name` in a fresh temporary folder, its config.json edited by `edit`.
    private func editedCopy(of name: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("transformer-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let source = transformerFixtures.appendingPathComponent(name)
        try FileManager.default.copyItem(atPath: source.appendingPathComponent("model.safetensors").path, toPath: folder + "/model.safetensors")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: source.appendingPathComponent("config.json"))) as! [String: Any]
        edit(&config)
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: folder + "/config.json"))
        return folder
    }

    private func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "(no error)"
        } catch {
            return "\(error)"
        }
    }

    @Test func anUnknownArchitectureNamesWhatWasFoundAndWhatIsSupported() throws {
        let folder = try editedCopy(of: "llama") { $0["model_type"] = "gpt2"; $0["architectures"] = ["GPT2LMHeadModel"] }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = message { _ = try loadTransformer(folder: folder) }
        #expect(text == "\(folder)/config.json: architecture model_type 'gpt2' (GPT2LMHeadModel) is not supported "
            + "(supported: model_type 'bert', model_type 'llama', model_type 'mistral', model_type 'qwen2')")
    }

    @Test func aMissingTensorIsNamedWithTheFolder() throws {
        let folder = try editedCopy(of: "llama") { $0["num_hidden_layers"] = 3 }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = message { _ = try loadTransformer(folder: folder) }
        #expect(text == "\(folder): the checkpoint has no tensor 'model.layers.2.self_attn.q_proj.weight'")
    }

    @Test func aTensorOfTheWrongShapeIsNamedWithBothShapes() throws {
        let folder = try editedCopy(of: "qwen2") { $0["intermediate_size"] = 170 }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = message { _ = try loadTransformer(folder: folder) }
        #expect(text == "\(folder): 'model.layers.0.mlp.gate_proj.weight' is (172, 64), expected (170, 64)")
    }

    @Test func tokensOutsideTheVocabularyAndOverlongSequencesAreRefused() throws {
        var (model, _) = try tinyDecoder("mistral")
        #expect(throws: TransformerError.tokenOutOfRange(sequence: 1, position: 2, id: 512, vocabularySize: 512)) {
            _ = try model.embed(TokenBatch([[5, 6], [7, 8, 512]]))
        }
        #expect(throws: TransformerError.tokenOutOfRange(sequence: 0, position: 0, id: -1, vocabularySize: 512)) {
            _ = try model.embed(TokenBatch([[-1]]))
        }
        #expect(throws: TransformerError.emptySequence(sequence: 1)) { _ = try model.embed(TokenBatch([[5], []])) }
        var config = model.config
        config.maxPositions = 8
        model = try LlamaDecoder(config: config, weights: CheckpointWeights(path: transformerFixtures.appendingPathComponent("mistral").path))
        let text = message { _ = try model.hiddenStates(TokenBatch([[1, 2], Array(repeating: 3, count: 9)])) }
        #expect(text == "sequence 1 has 9 tokens, more than max_position_embeddings (8)")
    }

    @Test func unsupportedSettingsAreRefusedByName() throws {
        let cases: [([String: Any], String)] = [
            (["model_type": "llama", "rope_scaling": ["rope_type": "yarn", "factor": 4.0]],
             "rope_type yarn is not supported (supported: default, linear, dynamic, llama3)"),
            (["model_type": "bert", "position_embedding_type": "relative_key"],
             "position_embedding_type relative_key is not supported (supported: absolute)"),
            (["model_type": "bert", "hidden_act": "relu"],
             "hidden_act relu is not supported (supported: gelu, gelu_new, gelu_pytorch_tanh, silu, swish)"),
            (["model_type": "llama", "num_attention_heads": 4, "num_key_value_heads": 3],
             "num_key_value_heads must be a divisor of num_attention_heads (4), not 3"),
            (["model_type": "llama", "hidden_size": "64"], "hidden_size must be an integer of at least 1, not 64"),
        ]
        for (json, expected) in cases {
            #expect(message { _ = try TransformerConfig(json: json) } == expected)
        }
    }

    @Test func poolingModulesOtherThanMeanAndCLSAreRefusedNamingTheFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pooling-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/1_Pooling", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let modules = #"[{"type": "sentence_transformers.models.Transformer", "path": ""}, {"type": "sentence_transformers.models.Pooling", "path": "1_Pooling"}]"#
        try Data(modules.utf8).write(to: URL(fileURLWithPath: folder + "/modules.json"))
        try Data(#"{"pooling_mode_max_tokens": true}"#.utf8).write(to: URL(fileURLWithPath: folder + "/1_Pooling/config.json"))
        #expect(message { _ = try SentencePooling.load(folder: folder) }
            == "\(folder)/1_Pooling/config.json: pooling mode max_tokens is not supported (supported: mean_tokens, cls_token)")
        let withDense = modules.dropLast() + #", {"type": "sentence_transformers.models.Dense", "path": "2_Dense"}]"#
        try Data(withDense.utf8).write(to: URL(fileURLWithPath: folder + "/modules.json"))
        #expect(message { _ = try SentencePooling.load(folder: folder) } == "\(folder)/modules.json: module sentence_transformers.models.Dense "
            + "is not supported (supported: sentence_transformers.models.Transformer, sentence_transformers.models.Pooling, "
            + "sentence_transformers.models.Normalize)")
        try FileManager.default.removeItem(atPath: folder + "/modules.json")
        #expect(try SentencePooling.load(folder: folder) == nil)
    }
}
