import Foundation
import Testing
@testable import QuantKit

/// Float weights from sharded folders and half-precision files.
@Suite struct CheckpointWeightsTests {
    private func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    private func write(_ tensors: [(String, Tensor)], to path: String) throws {
        let writer = try SafetensorsWriter(path: path, displayPath: path,
                                           tensors: tensors.map { TensorInfo(name: $0.0, dtype: $0.1.dtype, shape: $0.1.shape) }, metadata: [:])
        for (name, tensor) in tensors { try writer.add(name: name, tensor: tensor) }
        try writer.finish()
    }

    /// The qwen2 fixture split into two shards listed by a `model.safetensors.index.json`,
    /// the second in float16: the model reads the same tensors, the float16 ones rounded.
    @Test func aShardedFolderWithAnIndexGivesTheModelEveryTensor() throws {
        let original = transformerFixtures.appendingPathComponent("qwen2").path
        let source = try SafetensorsSource(path: original + "/model.safetensors")
        let names = source.tensors.map(\.name)
        let (first, second) = (names.filter { !$0.contains("layers.1.") }, names.filter { $0.contains("layers.1.") })
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.copyItem(atPath: original + "/config.json", toPath: folder + "/config.json")
        try write(first.map { ($0, try source.load($0)) }, to: folder + "/model-00001-of-00002.safetensors")
        try write(second.map { name in
            let tensor = try source.load(name)
            return (name, Tensor(shape: tensor.shape, values: tensor.floatValues()!, storedAs: .float16))
        }, to: folder + "/model-00002-of-00002.safetensors")
        let map = Dictionary(uniqueKeysWithValues: first.map { ($0, "model-00001-of-00002.safetensors") }
            + second.map { ($0, "model-00002-of-00002.safetensors") })
        try JSONSerialization.data(withJSONObject: ["metadata": [:], "weight_map": map])
            .write(to: URL(fileURLWithPath: folder + "/model.safetensors.index.json"))

        let sharded = try CheckpointWeights(path: folder), whole = try CheckpointWeights(path: original)
        for name in names {
            let expected = try whole.floatTensor(name).values
            let rounded = name.contains("layers.1.") ? expected.map { Float(Float16($0)) } : expected
            #expect(try sharded.floatTensor(name).values == rounded, "\(name)")
        }
        let model = try #require(try loadTransformer(folder: folder) as? LlamaDecoder)
        let reference = try tinyDecoder("qwen2")
        let parity = Parity(model.normalized(try model.hiddenStates(reference.batch)).values,
                            reference.model.normalized(try reference.model.hiddenStates(reference.batch)).values)
        #expect(parity.maxDifference > 0 && parity.relative < 1e-2, "float16 layer 1: \(parity)")
    }

    @Test func integerTensorsAndMissingNamesAreRefusedNamingTheFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/weights.safetensors"
        try write([("ids", Tensor(dtype: .int32, shape: [2], integers: [Int32(1), 2])),
                   ("w.weight", Tensor(shape: [3], values: [1, 2, 3]))], to: path)
        let weights = try CheckpointWeights(path: path)
        #expect(weights.contains("ids") && !weights.contains("w.bias"))
        #expect("\(try #require(throws: FileError.self) { _ = try weights.floatTensor("ids") })"
            == "\(path): 'ids' is int32, not a floating-point tensor")
        #expect("\(try #require(throws: FileError.self) { _ = try weights.linear("w") })"
            == "\(path): 'w.weight' is (3,), not a Linear weight [out, in]")
        #expect("\(try #require(throws: FileError.self) { _ = try weights.floatTensor("x") })"
            == "\(path): the checkpoint has no tensor 'x'")
    }
}
