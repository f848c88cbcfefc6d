import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `quantize FOLDER -o OUT --scheme nvfp4 | mxfp4 | mxfp8`: the checkpoint folder with its
/// `config.json` carrying compressed-tensors 0.20.1's own `quantization_config` for the
/// format's preset (`Fixtures/mx/library_written_mx.py`, `headed-*`: the head ignored), its
/// companions copied, and sharded inputs with their index.
@Suite struct MicroscalingFolderTests {
    static func jsonObject(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test(arguments: MicroscalingFormat.allCases)
    func folderConfigIsTheLibrarys(format: MicroscalingFormat) throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out")
        let result = cli([fixture("mx/headed-float"), "-o", output, "--scheme", format.rawValue, "--report", "json"])
        #expect(result.status == .success, "\(result.err)")
        let ours = try Self.jsonObject(output + "/config.json")
        let library = try Self.jsonObject(fixture("mx/library/headed-\(format.rawValue)/config.json"))
        let mine = try #require(ours["quantization_config"] as? NSDictionary)
        #expect(mine == library["quantization_config"] as? NSDictionary, "\(mine)")
        #expect(ours["architectures"] as? [String] == ["HeadedMLP"] && ours["tie_word_embeddings"] as? Bool == false)
        let companion = "tokenizer_config.json"
        #expect(FileManager.default.contents(atPath: output + "/" + companion)
            == FileManager.default.contents(atPath: fixture("mx/headed-float/" + companion)))
        let tensors = try storedTensors(output + "/model.safetensors")
        #expect(tensors["lm_head.weight"] != nil && tensors["fc1.weight_scale"] != nil)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        #expect(report["kept"] as? [String] == ["lm_head.weight"])
    }

    /// Two shards of a Llama-style folder with its index: each shard written under its name, the
    /// index naming the new members, NVFP4's q/k/v global scale shared across the shards
    /// (computed from the largest amax of the three, wherever it lies), the head ignored.
    @Test func shardedFolderWritesEachShardAndItsIndex() throws {
        let folder = try TemporaryFolder()
        let input = folder.path("in")
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        let prefix = "model.layers.0.self_attn."
        func weight(_ scale: Float) -> Tensor { Tensor(shape: [4, 32], values: (0 ..< 128).map { Float($0 % 7 - 3) * scale }) }
        try writeSafetensors([(prefix + "q_proj.weight", weight(1)), (prefix + "k_proj.weight", weight(2))],
                             to: input + "/model-00001-of-00002.safetensors")
        try writeSafetensors([(prefix + "v_proj.weight", weight(8)), ("lm_head.weight", weight(1))],
                             to: input + "/model-00002-of-00002.safetensors")
        let map = [prefix + "q_proj.weight": "model-00001-of-00002.safetensors", prefix + "k_proj.weight": "model-00001-of-00002.safetensors",
                   prefix + "v_proj.weight": "model-00002-of-00002.safetensors", "lm_head.weight": "model-00002-of-00002.safetensors"]
        try JSONSerialization.data(withJSONObject: ["metadata": [String: Any](), "weight_map": map])
            .write(to: URL(fileURLWithPath: input + "/model.safetensors.index.json"))
        try Data(#"{"model_type": "llama", "tie_word_embeddings": false}"#.utf8).write(to: URL(fileURLWithPath: input + "/config.json"))
        let output = folder.path("out")
        let plan = cli([input, "-o", output, "--scheme", "nvfp4", "--dry-run"])
        #expect(plan.out.contains("\(prefix)q_proj.weight: global scale shared with \(prefix)k_proj.weight, \(prefix)v_proj.weight"),
                "\(plan.out)")
        let result = cli([input, "-o", output, "--scheme", "nvfp4"])
        #expect(result.status == .success, "\(result.err)")
        let first = try storedTensors(output + "/model-00001-of-00002.safetensors")
        let second = try storedTensors(output + "/model-00002-of-00002.safetensors")
        let shared = MicroscaledTensor.globalScale(amax: 24)
        for global in [first[prefix + "q_proj.weight_global_scale"], second[prefix + "v_proj.weight_global_scale"]] {
            #expect(global?.floatValues() == [shared])
        }
        let index = try #require(try Self.jsonObject(output + "/model.safetensors.index.json")["weight_map"] as? [String: String])
        #expect(index[prefix + "k_proj.weight_packed"] == "model-00001-of-00002.safetensors")
        #expect(index[prefix + "v_proj.weight_scale"] == "model-00002-of-00002.safetensors")
        #expect(index[prefix + "q_proj.weight"] == nil && index["lm_head.weight"] == "model-00002-of-00002.safetensors")
        let config = try #require(try Self.jsonObject(output + "/config.json")["quantization_config"] as? [String: Any])
        #expect(config["ignore"] as? [String] == ["lm_head"] && config["format"] as? String == "nvfp4-pack-quantized")
    }

    /// `--dry-run` writes nothing and plans what the run writes: the format, each weight's bytes and
    /// bits per weight as the written file has them, the kept tensors, the files.
    @Test(arguments: MicroscalingFormat.allCases)
    func dryRunPlansWhatTheRunWrites(format: MicroscalingFormat) throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out")
        let plan = cli([fixture("mx/headed-float"), "-o", output, "--scheme", format.rawValue, "--dry-run", "--report", "json"])
        #expect(plan.status == .success, "\(plan.err)")
        #expect(!FileManager.default.fileExists(atPath: output))
        let planned = try #require(try JSONSerialization.jsonObject(with: Data(plan.out.utf8)) as? [String: Any])
        let run = cli([fixture("mx/headed-float"), "-o", output, "--scheme", format.rawValue, "--report", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        #expect(planned["format"] as? String == format.rawValue && planned["stored_as"] as? String == format.storedDescription)
        #expect(planned["bits_per_weight"] as? Double == report["bits_per_weight"] as? Double)
        #expect(planned["kept"] as? [String] == ["lm_head.weight"] && report["kept"] as? [String] == ["lm_head.weight"])
        #expect(planned["outputs"] as? [String] == ["model.safetensors", "config.json", "tokenizer_config.json"].map { output + "/" + $0 })
        let written = try storedTensors(output + "/model.safetensors")
        for tensor in try #require(planned["tensors"] as? [[String: Any]]) {
            let module = String(try #require(tensor["name"] as? String).dropLast(".weight".count))
            let bytes = written.filter { $0.key.hasPrefix(module + ".") }.values.reduce(0) { $0 + $1.bytes.count }
            #expect(tensor["bytes_after"] as? Int == bytes, "\(module)")
        }
        let table = cli([fixture("mx/headed-float"), "-o", folder.path("other"), "--scheme", format.rawValue, "--dry-run"])
        #expect(table.out.contains("kept (float32)") && table.out.contains(format.storedDescription)
            && table.out.hasSuffix("nothing written (dry run)\n"), "\(table.out)")
    }

    /// A bad weight in the second shard stops the run before anything is written.
    @Test func badShardWritesNothing() throws {
        let folder = try TemporaryFolder()
        let input = folder.path("in")
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        try writeSafetensors([("a.weight", Tensor(shape: [2, 32], values: [Float](repeating: 1, count: 64)))], to: input + "/a.safetensors")
        try writeSafetensors([("b.weight", Tensor(shape: [2, 24], values: [Float](repeating: 1, count: 48)))], to: input + "/b.safetensors")
        for dryRun in [[], ["--dry-run"]] {
            let result = cli([input, "-o", folder.path("out"), "--scheme", "mxfp4"] + dryRun)
            #expect(result.status != .success && result.err.contains("'b.weight'") && result.err.contains("not whole groups of 32"),
                    "\(result.err)")
            #expect(!FileManager.default.fileExists(atPath: folder.path("out")))
        }
    }
}
