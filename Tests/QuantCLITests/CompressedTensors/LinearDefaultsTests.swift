import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// The Linear-only defaults on a small Llama-shaped folder with an untied head: what is
/// quantized, what stays in float and why, and the `quantization_config` written for it.
@Suite struct LinearDefaultsTests {
    static let tensorNames = [
        ("model.embed_tokens.weight", [32, 16]), ("model.layers.0.self_attn.q_proj.weight", [16, 16]),
        ("model.layers.0.mlp.down_proj.weight", [16, 32]), ("model.layers.0.input_layernorm.weight", [16]),
        ("model.norm.weight", [16]), ("lm_head.weight", [32, 16]),
    ]

    /// Writes the folder (config.json with `tie_word_embeddings: false`) and returns its path.
    static func llamaFolder(_ folder: TemporaryFolder) throws -> String {
        let input = folder.path("llama")
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        let tensors = tensorNames.enumerated().map { index, entry in
            (entry.0, floatTensor(seededValues(entry.1.reduce(1, *), seed: UInt64(index)), shape: entry.1, dtype: .bfloat16))
        }
        try writeSafetensors(tensors, to: input + "/model.safetensors", metadata: ["format": "pt"])
        try Data(#"{"model_type": "llama", "architectures": ["LlamaForCausalLM"], "tie_word_embeddings": false}"#.utf8)
            .write(to: URL(fileURLWithPath: input + "/config.json"))
        return input
    }

    static func quantizationConfig(_ output: String) throws -> [String: Any] {
        let config = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: output + "/config.json"))) as? [String: Any])
        return try #require(config["quantization_config"] as? [String: Any])
    }

    @Test func linearWeightsAreQuantizedAndTheHeadIsIgnored() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out")
        let result = cli([try Self.llamaFolder(folder), "-o", output])
        #expect(result.status == .success, "\(result.err)")
        #expect(result.out.contains("note: kept in float, since only Linear weights are quantized by default"))
        #expect(result.out.contains("an embedding table: model.embed_tokens.weight; the output head: lm_head.weight"))
        let quantization = try Self.quantizationConfig(output)
        let groups = try #require(quantization["config_groups"] as? [String: [String: Any]])
        #expect(groups["group_0"]?["targets"] as? [String] == ["Linear"])
        #expect(groups["group_0"]?["format"] as? String == "pack-quantized")
        #expect(quantization["ignore"] as? [String] == ["lm_head"])
        #expect(quantization["version"] as? String == "0.20.1")
        #expect(quantization["sparsity_config"] as? [String: Any] != nil)
        #expect(quantization["transform_config"] as? [String: Any] != nil)
        #expect(quantization.keys.contains("global_compression_ratio"))
        let written = try loadAll(output + "/model.safetensors")
        #expect(written["model.embed_tokens.weight"]?.dtype == .bfloat16)
        #expect(written["lm_head.weight"]?.dtype == .bfloat16)
        #expect(written["model.layers.0.self_attn.q_proj.weight_packed"]?.dtype == .int32)
    }

    /// Two schemes make two groups, which name their modules exactly.
    @Test func severalSchemesTargetModulesByName() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out")
        let result = cli([try Self.llamaFolder(folder), "-o", output, "--layer", "down_proj=per-channel:4"])
        #expect(result.status == .success, "\(result.err)")
        let groups = try #require(try Self.quantizationConfig(output)["config_groups"] as? [String: [String: Any]])
        #expect(groups["group_0"]?["targets"] as? [String] == ["model.layers.0.self_attn.q_proj"])
        #expect(groups["group_1"]?["targets"] as? [String] == ["model.layers.0.mlp.down_proj"])
    }

    /// An embedding is refused in compressed-tensors output (nothing loads it) and quantized
    /// in .npz when asked for; an untied head may be asked for in either.
    @Test func anEmbeddingGoesIntoNPZOnly() throws {
        let folder = try TemporaryFolder()
        let input = try Self.llamaFolder(folder)
        let refused = cli([input, "-o", folder.path("ct"), "--include", "embed_tokens"])
        #expect(refused.status == .failure)
        #expect(refused.err.contains("tensor 'model.embed_tokens.weight' is an embedding table"))
        #expect(refused.err.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.path("ct")))
        let npz = cli([input, "-o", folder.path("npz"), "--format", "npz", "--include", "embed_tokens", "--report", "json"])
        #expect(npz.status == .success, "\(npz.err)")
        #expect(npz.out.contains("\"scheme\" : \"per-channel\""))
        let head = cli([input, "-o", folder.path("head"), "--include", "lm_head|proj"])
        #expect(head.status == .success, "\(head.err)")
        #expect(try loadAll(folder.path("head") + "/model.safetensors")["lm_head.weight_packed"] != nil)
    }

    @Test func scaleRuleRefusesWhatItCannotReproduce() {
        let clip = cli([fixture("digits/mlp.npz"), "-o", "/nonexistent/x.npz", "--scale-rule", "compressed-tensors", "--clip", "mse"])
        #expect(clip.status == .usage)
        #expect(clip.err.contains("--scale-rule compressed-tensors"))
        let gptq = cli([fixture("digits/mlp.npz"), "-o", "/nonexistent/x.npz", "--scale-rule", "compressed-tensors",
                        "--method", "gptq", "--calibration", fixture("digits/calibration_inputs.npy")])
        #expect(gptq.status == .usage)
        #expect(gptq.err.contains("--method gptq or awq"))
    }
}
