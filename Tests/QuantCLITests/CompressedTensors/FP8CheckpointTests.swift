import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// FP8 output against compressed-tensors 0.20.1's own `float-quantized` checkpoints of the
/// digits MLP and the edge-case MLP (`Fixtures/fp8/library_written_fp8.py`), per tensor and per
/// channel.
@Suite struct FP8CheckpointTests {
    static let kinds = ["digits", "edge"].flatMap { model in ["tensor", "channel", "block"].map { "\(model)-fp8-\($0)" } }
        + ["edge-fp8-partialblock"]

    static func input(_ kind: String) -> String {
        kind.hasPrefix("digits") ? fixture("compressed_tensors/digits-float.safetensors") : fixture("fp8/edge-float.safetensors")
    }

    /// The block's columns for a kind: 16 for the digits MLP, 4 for the edge MLP, 6 (dividing
    /// none of its rows) for `edge-fp8-partialblock`; nil when it has no blocks.
    static func blockColumns(_ kind: String) -> Int? {
        guard kind.hasSuffix("block") else { return nil }
        return kind.hasPrefix("digits") ? 16 : kind.hasSuffix("partialblock") ? 6 : 4
    }

    /// Our options for a kind: blocks of 16x16 for the digits MLP, 3x4 (3x6) for the edge MLP.
    static func options(_ kind: String) -> [String] {
        if let columns = blockColumns(kind) {
            return ["--scheme", "fp8-block", "--block", (kind.hasPrefix("digits") ? "16x" : "3x") + "\(columns)"]
        }
        return ["--scheme", kind.hasSuffix("tensor") ? "fp8" : "fp8-per-channel"]
    }

    /// Our float-quantized file is the library's, tensor for tensor and byte for byte.
    @Test(arguments: kinds)
    func safetensorsOutputIsTheLibrarysBytes(kind: String) throws {
        let folder = try TemporaryFolder()
        let output = folder.path("ours.safetensors")
        let result = cli([Self.input(kind), "-o", output, "--report", "none"] + Self.options(kind))
        #expect(result.status == .success, "\(result.err)")
        let ours = try storedTensors(output)
        let library = try storedTensors(fixture("fp8/library/\(kind)/model.safetensors"))
        #expect(Set(ours.keys) == Set(library.keys))
        for (name, tensor) in library {
            #expect(ours[name] == tensor, "\(kind): \(name)")
        }
        #expect(ours["fc1.weight"]?.dtype == .float8E4M3FN)
    }

    /// Written as a folder, the `quantization_config` is the library's key for key, but for the
    /// dynamic FP8 input activations ours declare (per token, the FP8_DYNAMIC preset's; per group
    /// of the block's columns for blocks, the FP8_BLOCK preset's).
    @Test(arguments: kinds)
    func quantizationConfigIsTheLibrarysWithDynamicActivations(kind: String) throws {
        let folder = try TemporaryFolder()
        let input = folder.path("mlp")
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.input(kind), toPath: input + "/model.safetensors")
        try Data(#"{"architectures": ["MLP"], "model_type": "mlp"}"#.utf8).write(to: URL(fileURLWithPath: input + "/config.json"))
        let result = cli([input, "-o", folder.path("out"), "--report", "none"] + Self.options(kind))
        #expect(result.status == .success, "\(result.err)")
        func entry(_ path: String) throws -> NSMutableDictionary {
            let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? NSDictionary)
            return try #require((config["quantization_config"] as? NSDictionary)?.mutableCopy() as? NSMutableDictionary)
        }
        let ours = try entry(folder.path("out") + "/config.json")
        let library = try entry(fixture("fp8/library/\(kind)/config.json"))
        let group = try #require(((ours["config_groups"] as? NSDictionary)?["group_0"] as? NSDictionary)?.mutableCopy() as? NSMutableDictionary)
        let blockColumns: Any = Self.blockColumns(kind) ?? NSNull()
        #expect(group["input_activations"] as? NSDictionary == [
            "num_bits": 8, "type": "float", "symmetric": true, "strategy": kind.hasSuffix("block") ? "group" : "token",
            "group_size": blockColumns, "dynamic": true,
        ] as NSDictionary)
        group["input_activations"] = NSNull()
        ours["config_groups"] = ["group_0": group]
        #expect(ours == library)
    }

    /// Our dequantization of the library's checkpoint equals the library's decompression.
    @Test(arguments: kinds)
    func dequantizeEqualsTheLibrarysDecompression(kind: String) throws {
        let folder = try TemporaryFolder()
        let output = folder.path("restored.npz")
        let result = cli(["dequantize", fixture("fp8/library/\(kind)/model.safetensors"), "-o", output])
        #expect(result.status == .success, "\(result.err)")
        let ours = try loadAll(output)
        let library = try loadAll(fixture("fp8/library-decompressed/\(kind).npz"))
        #expect(Set(ours.keys) == Set(library.keys))
        for (name, tensor) in library {
            #expect(ours[name] == tensor, "\(kind): \(name)")
        }
    }

    /// `.npz` output: uint8 codes (the E4M3FN bit patterns, the library's), float32 scales of the
    /// tensor's rank, `element_format` in the record; read back to the library's values.
    @Test func npzOutputHoldsBitPatternsAndNamesTheFormat() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("ours.npz")
        let result = cli([Self.input("edge-fp8-channel"), "-o", output, "--report", "none", "--scheme", "fp8-per-channel"])
        #expect(result.status == .success, "\(result.err)")
        let tensors = try loadAll(output)
        let library = try storedTensors(fixture("fp8/library/edge-fp8-channel/model.safetensors"))
        #expect(tensors["fc1.weight"]?.dtype == .uint8 && tensors["fc1.weight"]?.bytes == library["fc1.weight"]?.bytes)
        #expect(tensors["fc1.weight_scale"]?.shape == [8, 1] && tensors["fc1.weight_scale"]?.bytes == library["fc1.weight_scale"]?.bytes)
        let entry = try #require(try metadata(of: output)?.tensors.first { $0.name == "fc1.weight" })
        #expect(entry.elementFormat == "e4m3fn" && entry.scheme == "fp8-per-channel" && entry.codesDtype == "uint8")
        let restored = folder.path("restored.npz")
        #expect(cli(["dequantize", output, "-o", restored]).status == .success)
        let expected = try loadAll(fixture("fp8/library-decompressed/edge-fp8-channel.npz"))
        #expect(try loadAll(restored)["fc1.weight"] == expected["fc1.weight"])
    }

    /// eval runs the library's FP8 checkpoint (dequantized) and our in-memory fp8-per-channel
    /// quantization of the same float MLP alike: the same weights, so the same outputs.
    @Test func evalOfTheLibrarysCheckpointEqualsOurInMemoryFP8() throws {
        let common = ["--input", fixture("digits/test_inputs.npy"), "--labels", fixture("digits/test_labels.npy"), "--report", "json"]
        func report(_ arguments: [String]) throws -> [String: Any] {
            let result = cli(["eval", fixture("digits/mlp.npz")] + arguments + common)
            #expect(result.status == .success, "\(result.err)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        }
        let library = try report([fixture("fp8/library/digits-fp8-channel/model.safetensors")])
        let ours = try report(["--scheme", "fp8-per-channel"])
        #expect(try #require(library["accuracy_quantized"] as? Double) > 0.96)
        for key in ["output_mse", "max_abs_error", "agreement", "accuracy_quantized", "quantized_bytes"] {
            #expect("\(library[key] ?? "nil")" == "\(ours[key] ?? "nil")", "\(key)")
        }
    }

    /// Blocks whose columns divide none of the rows: the report names the weights that end in a
    /// partial block of columns and says vLLM's block kernels need whole ones; the `.npz` holds the
    /// scales once per group of gcd(columns, 6) and reads back to the library's values.
    @Test func partialColumnBlocksAreNotedAndReadBack() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("ours.npz")
        let result = cli([Self.input("edge-fp8-partialblock"), "-o", output] + Self.options("edge-fp8-partialblock"))
        #expect(result.status == .success, "\(result.err)")
        let report = result.out + result.err
        #expect(report.contains("the last block of columns is partial (narrower than 6) in fc1.weight (8, 16), fc2.weight (4, 8), "
                                + "fc3.weight (4, 4)") && report.contains("vLLM"), "\(report)")
        let tensors = try loadAll(output)
        #expect(tensors["fc1.weight_scale"]?.shape == [8, 8] && tensors["fc3.weight_scale"]?.shape == [4, 2])
        let restored = folder.path("restored.npz")
        #expect(cli(["dequantize", output, "-o", restored]).status == .success)
        let expected = try loadAll(fixture("fp8/library-decompressed/edge-fp8-partialblock.npz"))
        let ours = try loadAll(restored)
        for layer in ["fc1", "fc2", "fc3"] {
            #expect(ours[layer + ".weight"] == expected[layer + ".weight"], "\(layer)")
        }
    }

    @Test func fp8ConflictsAreRefusedInOneLine() throws {
        let folder = try TemporaryFolder()
        let input = fixture("fp8/edge-float.safetensors")
        let bits = cli([input, "-o", folder.path("a.npz"), "--scheme", "fp8", "--bits", "4"])
        #expect(bits.status != .success && bits.err.contains("--bits 4") && bits.err.contains("FP8 codes are 8 bits"))
        let clip = cli([input, "-o", folder.path("b.npz"), "--scheme", "fp8", "--clip", "mse"])
        #expect(clip.status != .success && clip.err.contains("--clip mse"))
        let pack = cli([input, "-o", folder.path("c.safetensors"), "--scheme", "fp8", "--ct-format", "pack"])
        #expect(pack.status != .success && pack.err.contains("FP8"), "\(pack.err)")
        let e5m2 = cli([input, "-o", folder.path("d.safetensors"), "--scheme", "fp8-e5m2"])
        #expect(e5m2.status != .success && e5m2.err.contains("E5M2"), "\(e5m2.err)")
        let block = cli([input, "-o", folder.path("e.safetensors"), "--scheme", "fp8-block", "--block", "3x0"])
        #expect(block.status != .success && block.err.contains("--block"), "\(block.err)")
        let stray = cli([input, "-o", folder.path("f.npz"), "--scheme", "fp8", "--block", "3x4"])
        #expect(stray.status != .success && stray.err.contains("--block 3x4"), "\(stray.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("")).isEmpty)
    }
}
