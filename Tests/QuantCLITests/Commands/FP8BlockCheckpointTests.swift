import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// The DeepSeek-style FP8 checkpoint of `Fixtures/fp8/library_written_fp8.py` (128x128
/// `weight_scale_inv` blocks, a plain F8_E4M3 and an F8_E5M2 tensor) through the commands:
/// its values are `Float8Source`'s, which `Float8SourceTests` holds to torch's.
@Suite struct FP8BlockCheckpointTests {
    static let input = fixture("fp8/deepseek-block.safetensors")

    @Test func dequantizeWritesEveryFP8TensorAsFloat32() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("restored.npz")
        let result = cli(["dequantize", Self.input, "-o", output])
        #expect(result.status == .success, "\(result.err)")
        #expect(result.out.contains("3 tensors dequantized to float32, 1 copied"), "\(result.out)")
        let ours = try loadAll(output)
        let source = try openTensorSource(path: Self.input)
        for name in ["w.weight", "plain.weight", "e5m2.weight", "norm.weight"] {
            #expect(ours[name] == (try source.load(name)), "\(name)")
        }
        #expect(ours["w.weight_scale_inv"] == nil)
    }

    @Test func anFP8CheckpointQuantizesToInt8AndInspects() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("int8.npz")
        let result = cli([Self.input, "-o", output, "--scheme", "per-channel", "--report", "none"])
        #expect(result.status == .success, "\(result.err)")
        let entries = try #require(try metadata(of: output)).tensors.map(\.name).sorted()
        #expect(entries == ["e5m2.weight", "plain.weight", "w.weight"])
        let inspect = cli(["inspect", Self.input])
        #expect(inspect.status == .success, "\(inspect.err)")
        #expect(inspect.out.contains("w.weight"))
    }

    @Test func aTruncatedFP8TensorIsRefusedInOneLine() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("short.safetensors")
        let header = Array(#"{"w":{"dtype":"F8_E4M3","shape":[4,4],"data_offsets":[0,15]}}"#.utf8)
        var bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header
        bytes += [UInt8](repeating: 0x38, count: 15)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = cli(["dequantize", path, "-o", folder.path("out.npz")])
        #expect(result.status != .success)
        #expect(result.err.hasPrefix("quantize: " + path + ": ") && result.err.contains("'w'"), "\(result.err)")
        #expect(result.err.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.path("out.npz")))
    }
}
