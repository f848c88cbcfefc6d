import Foundation
import Testing

@testable import QuantKit

/// FP8 checkpoints read as float32 (`Float8Source`): the DeepSeek-style block checkpoint of
/// `Fixtures/fp8/library_written_fp8.py`, against the SHA-256 of torch's dequantization.
@Suite struct Float8SourceTests {
    static let path = fixturesFolder.appendingPathComponent("fp8/deepseek-block.safetensors").path

    static func torchDigests() throws -> [String: String] {
        let text = try String(contentsOf: fixturesFolder.appendingPathComponent("fp8/deepseek-block-dequantized.sha256"), encoding: .utf8)
        return Dictionary(uniqueKeysWithValues: text.split(separator: "\n").map { line in
            let parts = line.split(separator: " ")
            return (String(parts[0]), String(parts[1]))
        })
    }

    @Test func blockScaledPlainAndE5M2TensorsReadAsTorchDequantizesThem() throws {
        let source = try openTensorSource(path: Self.path)
        #expect(source.tensors.map(\.name).sorted() == ["e5m2.weight", "norm.weight", "plain.weight", "w.weight"])
        #expect(source.tensors.allSatisfy { $0.dtype == .float32 })
        #expect(source.tensors.first { $0.name == "w.weight" }?.shape == [130, 260])
        let digests = try Self.torchDigests()
        #expect(digests.count == 4)
        for (name, digest) in digests {
            let tensor = try source.load(name)
            #expect(sha256Hex(tensor.bytes) == digest, "\(name)")
        }
        let blocks = try #require(source as? any BlockQuantizedSource)
        #expect(blocks.storedBlocks(of: "w.weight")?.typeName == "F8_E4M3 x 128x128 weight_scale_inv")
        #expect(blocks.storedBlocks(of: "w.weight")?.byteCount == 130 * 260 + 6 * 4)
        #expect(blocks.storedBlocks(of: "e5m2.weight")?.typeName == "F8_E5M2")
        #expect(blocks.storedBlocks(of: "norm.weight") == nil)
    }

    /// A file whose FP8 weights have compressed-tensors scales is read as stored.
    @Test func compressedTensorsFilesAreLeftAsStored() throws {
        let path = fixturesFolder.appendingPathComponent("fp8/library/edge-fp8-channel/model.safetensors").path
        let source = try openTensorSource(path: path)
        #expect(source is SafetensorsSource)
        #expect(source.tensors.first { $0.name == "fc1.weight" }?.dtype == .float8E4M3FN)
    }

    @Test func aBlockScaleOfTheWrongShapeIsRefusedInOneLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fp8-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bad.safetensors").path
        let infos = [TensorInfo(name: "w.weight", dtype: .float8E4M3FN, shape: [130, 260]),
                     TensorInfo(name: "w.weight_scale_inv", dtype: .float32, shape: [1, 3])]
        let writer = try SafetensorsWriter(path: path, displayPath: path, tensors: infos, metadata: [:])
        try writer.add(name: "w.weight", tensor: try Tensor(dtype: .float8E4M3FN, shape: [130, 260], bytes: [UInt8](repeating: 0x38, count: 130 * 260)))
        try writer.add(name: "w.weight_scale_inv", tensor: Tensor(shape: [1, 3], values: [1, 2, 3]))
        try writer.finish()
        #expect {
            _ = try openTensorSource(path: path)
        } throws: { error in
            let message = "\(error)"
            return message == path + ": 'w.weight_scale_inv' is float32 (1, 3); the 128x128 block scales of the (130, 260) FP8 "
                + "weight 'w.weight' must be a float tensor of shape (2, 3)"
        }
    }
}
