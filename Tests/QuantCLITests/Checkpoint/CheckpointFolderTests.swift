import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// Hugging Face-like folders quantized to the compressed-tensors layout: companions, the
/// config's `quantization_config`, the rewritten index, and refusals that leave nothing behind.
@Suite struct CheckpointFolderTests {
    /// The options of the folder runs: per-channel 8 bits by default, the MLP weights asymmetric
    /// per tensor at 4 bits, the pooler kept in float.
    static let options = ["--scheme", "per-channel", "--bits", "8", "--layer", "mlp=asymmetric:4", "--exclude", "pooler",
                          "--report", "none"]

    @Test(arguments: ["pack", "int"])
    func folderGetsCompanionsConfigAndIndex(ctFormat: String) throws {
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("model")
        try ModelParts.write(to: input)
        let output = folder.path("quantized")
        let result = cli([input.path, "-o", output, "--ct-format", ctFormat] + Self.options)
        try #require(result.status == .success, "\(result.err)")
        #expect(filesUnder(output) == ["1_Pooling/config.json", "config.json", "model-00001-of-00002.safetensors",
                                       "model-00002-of-00002.safetensors", "model.safetensors.index.json", "tokenizer.json"])
        #expect(FileManager.default.contents(atPath: output + "/tokenizer.json") == ModelParts.tokenizer)
        #expect(FileManager.default.contents(atPath: output + "/1_Pooling/config.json") == ModelParts.pooling)

        // config.json: every original key kept, plus quantization_config.
        let original = try #require(try JSONSerialization.jsonObject(with: ModelParts.config) as? [String: Any])
        let config = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: output + "/config.json"))) as? [String: Any])
        #expect(Set(config.keys) == Set(original.keys).union(["quantization_config"]))
        for (key, value) in original {
            #expect((config[key] as? NSObject)?.isEqual(value) == true, "config.json key '\(key)' changed")
        }
        let quantization = try #require(config["quantization_config"] as? [String: Any])
        #expect(quantization["quant_method"] as? String == "compressed-tensors")
        #expect(quantization["format"] as? String == (ctFormat == "int" ? "int-quantized" : "pack-quantized"))
        #expect(quantization["quantization_status"] as? String == "compressed")
        #expect(quantization["ignore"] as? [String] == ["pooler.dense"])
        let groups = try #require(quantization["config_groups"] as? [String: [String: Any]])
        var targetsByScheme: [String: [String]] = [:]
        for (name, group) in groups {
            let weights = try #require(group["weights"] as? [String: Any], "\(name)")
            #expect(weights["type"] as? String == "int")
            #expect(weights["group_size"] is NSNull)
            let key = "\(weights["num_bits"] as? Int ?? 0) \(weights["symmetric"] as? Bool == true ? "symmetric" : "asymmetric") "
                + (weights["strategy"] as? String ?? "?")
            #expect(targetsByScheme[key] == nil, "one group per scheme")
            targetsByScheme[key] = try #require(group["targets"] as? [String])
            if ctFormat == "int" {
                let inputs = try #require(group["input_activations"] as? [String: Any], "\(name)")
                #expect(inputs["strategy"] as? String == "token")
                #expect(inputs["dynamic"] as? Bool == true)
                #expect(inputs["num_bits"] as? Int == 8)
            } else {
                #expect(group["input_activations"] is NSNull, "pack-quantized groups are weight-only")
            }
        }
        #expect(targetsByScheme.mapValues { $0.sorted() } == [
            "8 symmetric channel": ["encoder.layer.0.attention.query", "encoder.layer.1.attention.query"],
            "4 asymmetric tensor": ["encoder.layer.0.mlp.up", "encoder.layer.1.mlp.up"],
        ])

        // Every target is a quantized module of the output: its codes are there under the layout's name.
        let headers = try ModelParts.shardNames.map { try RawSafetensorsHeader(path: output + "/" + $0) }
        let codesSuffix = ctFormat == "int" ? ".weight" : ".weight_packed"
        for target in targetsByScheme.values.joined() {
            let codes = headers.compactMap { $0.entries[target + codesSuffix] }
            #expect(codes.count == 1 && codes.first?.dtype == (ctFormat == "int" ? "I8" : "I32"), "\(target)")
        }
        #expect(headers[1].entries["pooler.dense.weight"]?.dtype == "F32")

        // The index maps every output tensor to its shard, and its total is their data bytes.
        let index = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: output + "/model.safetensors.index.json"))) as? [String: Any])
        var expectedMap: [String: String] = [:]
        for (header, shard) in zip(headers, ModelParts.shardNames) {
            for name in header.entries.keys { expectedMap[name] = shard }
        }
        #expect(index["weight_map"] as? [String: String] == expectedMap)
        #expect((index["metadata"] as? [String: Any])?["total_size"] as? Int == headers.reduce(0) { $0 + $1.dataBytes })

        // Each shard is what quantizing it alone gives.
        for shard in ModelParts.shardNames {
            let alone = folder.path("alone-" + shard)
            #expect(cli([input.path + "/" + shard, "-o", alone, "--ct-format", ctFormat] + Self.options).status == .success)
            #expect(try loadAll(alone) == loadAll(output + "/" + shard), "\(shard)")
        }
        #expect(cli(["inspect", output]).status == .success)
    }

    /// Runs `arguments`, expecting `status`, one line on stderr containing each of `naming`,
    /// and nothing at `output` afterwards.
    func expectRefusal(_ arguments: [String], status: CLI.ExitStatus = .failure, naming: [String], output: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        let result = cli(arguments)
        #expect(result.status == status, "\(result.err)", sourceLocation: sourceLocation)
        #expect(result.err.split(separator: "\n").count == 1 && result.err.hasSuffix("\n"), "\(result.err)",
                sourceLocation: sourceLocation)
        for word in naming {
            #expect(result.err.contains(word), "'\(word)' is not in: \(result.err)", sourceLocation: sourceLocation)
        }
        #expect(!FileManager.default.fileExists(atPath: output), "\(output) was left behind", sourceLocation: sourceLocation)
    }

    @Test func anIndexListingAMissingShardIsRefused() throws {
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("model")
        try ModelParts.write(to: input, extraIndexEntries: ["lm_head.weight": "model-00003-of-00003.safetensors"])
        let output = folder.path("quantized")
        expectRefusal([input.path, "-o", output] + Self.options,
                      naming: ["model.safetensors.index.json", "model-00003-of-00003.safetensors"], output: output)
    }

    @Test func aFolderWithoutWeightsIsRefused() throws {
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        try ModelParts.config.write(to: input.appendingPathComponent("config.json"))
        try ModelParts.tokenizer.write(to: input.appendingPathComponent("tokenizer.json"))
        let output = folder.path("quantized")
        expectRefusal([input.path, "-o", output, "--format", "safetensors"], naming: [input.path, "no weights"], output: output)
    }

    @Test(arguments: [("conv.weight", [2, 3, 4]), ("lm_head.kernel", [4, 4])])
    // Selected with --include: by default neither is a Linear weight, so neither is selected.
    func aTensorTheLayoutCannotHoldIsRefusedByName(name: String, shape: [Int]) throws {
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("model")
        let extra = (name, floatTensor(seededValues(shape.reduce(1, *), seed: 31), shape: shape, dtype: .float32))
        try ModelParts.write(to: input, shard2: ModelParts.shard2() + [extra])
        let output = folder.path("quantized")
        let selected = ["--include", "^" + name + "$"]
        expectRefusal([input.path, "-o", output] + Self.options + selected, naming: [ModelParts.shardNames[1], name],
                      output: output)
        // The same tensor in a single file.
        let single = folder.path("single.safetensors")
        try writeSafetensors([extra], to: single)
        let singleOutput = folder.path("single-out.safetensors")
        expectRefusal([single, "-o", singleOutput] + selected, naming: [single, name], output: singleOutput)
        // Not a Linear weight, it stays in float by default and is copied.
        let kept = cli([single, "-o", singleOutput])
        #expect(kept.status == .success, "\(kept.err)")
        #expect(try loadAll(singleOutput) == [name: extra.1])
    }

    @Test func aNaNInTheSecondShardRemovesTheFirstShardsOutput() throws {
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("model")
        var shard2 = ModelParts.shard2()
        var values = floats(shard2[1].1)
        values[7] = .nan
        shard2[1].1 = Tensor(shape: [5, 33], values: values)
        try ModelParts.write(to: input, shard2: shard2)
        let output = folder.path("quantized")
        expectRefusal([input.path, "-o", output] + Self.options,
                      naming: [ModelParts.shardNames[1], "encoder.layer.1.mlp.up.weight", "NaN"], output: output)

        // An output folder that existed before stays, empty.
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let again = cli([input.path, "-o", output] + Self.options)
        #expect(again.status == .failure)
        #expect(try FileManager.default.contentsOfDirectory(atPath: output) == [])
    }

    @Test func compressWithSafetensorsOutputIsAUsageError() throws {
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("model")
        try ModelParts.write(to: input)
        let output = folder.path("quantized")
        expectRefusal([input.path, "-o", output, "--compress"], status: .usage, naming: ["--compress"], output: output)
        let single = folder.path("single.safetensors")
        expectRefusal([input.path + "/" + ModelParts.shardNames[0], "-o", single, "--compress"], status: .usage,
                      naming: ["--compress"], output: single)
    }

    @Test func aTruncatedSafetensorsInputIsRefused() throws {
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("model")
        try ModelParts.write(to: input)
        let shard = input.appendingPathComponent(ModelParts.shardNames[1])
        let bytes = try Data(contentsOf: shard)
        try bytes.prefix(bytes.count - 10).write(to: shard)
        let output = folder.path("quantized")
        expectRefusal([input.path, "-o", output] + Self.options, naming: [shard.path], output: output)
        let singleOutput = folder.path("single.safetensors")
        expectRefusal([shard.path, "-o", singleOutput], naming: [shard.path], output: singleOutput)
    }
}
