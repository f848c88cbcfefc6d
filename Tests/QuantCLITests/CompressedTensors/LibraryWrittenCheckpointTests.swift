import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// Checkpoints that compressed-tensors 0.20.1 itself wrote from the digits MLP
/// (`Fixtures/compressed_tensors/library_written.py`): pack- and int-quantized, symmetric and
/// asymmetric, per channel, per group of 16 and per tensor, 8 and 4 bits. They carry no record
/// of ours: everything is read through config.json's `quantization_config`.
@Suite struct LibraryWrittenCheckpointTests {
    static let root = fixture("compressed_tensors/library")
    static let kinds = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()

    /// `pack-asym-group16-4` -> (pack, asymmetric, group, 16, 4).
    static func describe(_ kind: String) -> (format: String, symmetric: Bool, strategy: String, groupSize: Int?, bits: Int) {
        let parts = kind.split(separator: "-").map(String.init)
        let strategy = parts[2].hasPrefix("group") ? "group" : parts[2]
        return (parts[0], parts[1] == "sym", strategy, Int(parts[2].dropFirst("group".count)), Int(parts[3])!)
    }

    /// Our scheme options for a kind.
    static func options(_ kind: String) -> [String] {
        let k = describe(kind)
        let scheme = switch (k.strategy, k.symmetric) {
        case ("tensor", true): "symmetric"
        case ("tensor", false): "asymmetric"
        case (_, true): "per-channel"
        case (_, false): "per-channel-asymmetric"
        }
        return ["--ct-format", k.format, "--scheme", scheme, "--bits", "\(k.bits)"]
            + (k.groupSize.map { ["--group-size", "\($0)"] } ?? [])
    }

    @Test func everyKindIsThere() {
        #expect(Self.kinds.count == 24)
    }

    @Test(arguments: kinds)
    func inspectReadsTheSchemeFromTheConfig(kind: String) throws {
        let path = Self.root + "/" + kind
        let result = cli(["inspect", path, "--json"])
        #expect(result.status == .success, "\(result.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        #expect(report["written_by"] as? String == "compressed-tensors 0.20.1")
        #expect((report["problems"] as? [String]) == [])
        let expected = try #require(QuantScheme(name: QuantizationSchemeName.of(kind), bits: Self.describe(kind).bits,
                                                groupSize: Self.describe(kind).groupSize)).name
        let quantized = try #require(report["tensors"] as? [[String: Any]]).filter { $0["scheme"] != nil }
        #expect(quantized.compactMap { $0["name"] as? String } == ["fc1.weight", "fc2.weight", "fc3.weight"])
        #expect(quantized.allSatisfy { $0["scheme"] as? String == expected && $0["bits"] as? Int == Self.describe(kind).bits })
        let notes = try #require(report["notes"] as? [String])
        #expect(notes.first?.contains("read from config.json's quantization_config") == true)
        #expect(notes.first?.contains("127.5") == true)
    }

    /// Our dequantization equals the library's own decompression bit for bit.
    @Test(arguments: kinds)
    func dequantizeEqualsTheLibrarysDecompression(kind: String) throws {
        let folder = try TemporaryFolder()
        let output = folder.path("restored.npz")
        let result = cli(["dequantize", Self.root + "/" + kind + "/model.safetensors", "-o", output])
        #expect(result.status == .success, "\(result.err)")
        let ours = try loadAll(output)
        let library = try loadAll(fixture("compressed_tensors/library-decompressed/" + kind + ".npz"))
        #expect(Set(ours.keys) == Set(library.keys))
        for (name, tensor) in library {
            #expect(ours[name] == tensor, "\(kind): \(name)")
        }
    }

    /// With the library's rounding rule, our output is the library's file tensor for tensor,
    /// byte for byte.
    @Test(arguments: kinds)
    func scaleRuleCompressedTensorsWritesTheLibrarysBytes(kind: String) throws {
        let folder = try TemporaryFolder()
        let output = folder.path("ours.safetensors")
        let result = cli([fixture("compressed_tensors/digits-float.safetensors"), "-o", output, "--report", "none",
                          "--scale-rule", "compressed-tensors"] + Self.options(kind))
        #expect(result.status == .success, "\(result.err)")
        let ours = try loadAll(output)
        let library = try loadAll(Self.root + "/" + kind + "/model.safetensors")
        #expect(Set(ours.keys) == Set(library.keys))
        for (name, tensor) in library {
            #expect(ours[name] == tensor, "\(kind): \(name)")
        }
    }

    /// Written as a folder, our `quantization_config` is the library's, key for key (but for the
    /// dynamic per-token input activations our int-quantized groups declare, for vLLM's W8A8).
    @Test(arguments: kinds)
    func quantizationConfigIsTheLibrarys(kind: String) throws {
        let folder = try TemporaryFolder()
        let input = folder.path("mlp")
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture("compressed_tensors/digits-float.safetensors"),
                                         toPath: input + "/model.safetensors")
        try Data(#"{"architectures": ["MLP"], "model_type": "mlp"}"#.utf8).write(to: URL(fileURLWithPath: input + "/config.json"))
        let result = cli([input, "-o", folder.path("out"), "--report", "none"] + Self.options(kind))
        #expect(result.status == .success, "\(result.err)")
        func quantizationConfig(_ path: String) throws -> NSMutableDictionary {
            let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? NSDictionary)
            let entry = try #require((config["quantization_config"] as? NSDictionary)?.mutableCopy() as? NSMutableDictionary)
            let group = try #require(((entry["config_groups"] as? NSDictionary)?["group_0"] as? NSDictionary)?.mutableCopy() as? NSMutableDictionary)
            group.removeObject(forKey: "input_activations")
            entry["config_groups"] = ["group_0": group]
            return entry
        }
        #expect(try quantizationConfig(folder.path("out") + "/config.json")
                == quantizationConfig(Self.root + "/" + kind + "/config.json"))
    }

    /// eval runs the library's quantized MLP against the float one.
    @Test func evalRunsALibraryCheckpoint() throws {
        let result = cli(["eval", fixture("digits/mlp.npz"), Self.root + "/pack-sym-channel-8/model.safetensors",
                          "--input", fixture("digits/test_inputs.npy"), "--labels", fixture("digits/test_labels.npy"),
                          "--report", "json"])
        #expect(result.status == .success, "\(result.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        #expect(abs(try #require(report["accuracy_fp32"] as? Double) - 440.0 / 450.0) < 1e-12)
        let accuracy = try #require(report["accuracy_quantized"] as? Double)
        #expect(accuracy > 0.96)
        #expect(try #require(report["agreement"] as? Double) > 0.98)
    }
}

/// The scheme name a fixture kind stands for.
enum QuantizationSchemeName {
    static func of(_ kind: String) -> String {
        let k = LibraryWrittenCheckpointTests.describe(kind)
        switch (k.strategy, k.symmetric) {
        case ("tensor", true): return "symmetric"
        case ("tensor", false): return "asymmetric"
        case ("channel", true): return "per-channel"
        case ("channel", false): return "per-channel-asymmetric"
        case (_, true): return "group"
        case (_, false): return "group-asymmetric"
        }
    }
}
