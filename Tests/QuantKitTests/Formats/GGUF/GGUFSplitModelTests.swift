import Foundation
import Testing
@testable import QuantKit

/// Fixtures/gguf/split: tiny_split-0000k-of-00004.gguf, written by gguf-py's split writer
/// (make_split_fixtures.py), and broken copies of it.
@Suite struct GGUFSplitModelTests {
    static let folder = fixturesFolder.appendingPathComponent("gguf/split")
    static func shard(_ number: Int) -> String { folder.appendingPathComponent("tiny_split-0000\(number)-of-00004.gguf").path }

    /// A scratch folder holding copies of the shards `numbers` under the names `names`.
    private func copies(_ numbers: [Int], names: [String]? = nil) throws -> String {
        let scratch = NSTemporaryDirectory() + "/gguf-split-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        for (index, number) in numbers.enumerated() {
            let name = names?[index] ?? "tiny_split-0000\(number)-of-00004.gguf"
            try FileManager.default.copyItem(atPath: Self.shard(number), toPath: scratch + "/" + name)
        }
        return scratch
    }

    /// The message of the error opening `path` throws.
    private func refusal(_ path: String) -> String {
        do {
            _ = try GGUFSplitModel(path: path)
            return "opened"
        } catch {
            return "\(error)"
        }
    }

    @Test func theFirstShardOpensEveryShardInOrder() throws {
        let model = try GGUFSplitModel(path: Self.shard(1))
        #expect(model.paths == (1 ... 4).map(Self.shard))
        #expect(model.ggmlTensors.count == 21)
        #expect(model.shardOfTensor == [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3])
        #expect(model.ggmlTensors.map(\.name) == (0 ..< 4).flatMap { model.shards[$0].ggmlTensors.map(\.name) })
        #expect(model.metadata.first?.key.string == "general.architecture")
        #expect(try model.source(of: "output_norm.weight").path == Self.shard(4))
    }

    @Test func aFileWithoutSplitKeysIsTheWholeModel() throws {
        let path = fixturesFolder.appendingPathComponent("gguf/pure/tiny_llama.gguf").path
        let model = try GGUFSplitModel(path: path)
        #expect(model.paths == [path] && model.shardOfTensor.allSatisfy { $0 == 0 } && model.ggmlTensors.count == 23)
    }

    @Test func anotherShardThanTheFirstIsRefused() {
        #expect(refusal(Self.shard(2)) == "\(Self.shard(2)): is shard 2 of 4 (split.no 1); give the first shard, whose name "
            + "ends in -00001-of-00004.gguf")
    }

    @Test func aMissingShardIsNamed() throws {
        let scratch = try copies([1, 2, 4])
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        #expect(refusal(scratch + "/tiny_split-00001-of-00004.gguf")
            == "\(scratch)/tiny_split-00003-of-00004.gguf: shard 3 of 4 is missing (named after the first shard)")
    }

    @Test func aShardUnderAnotherShardsNameIsRefused() throws {
        let scratch = try copies([1, 3, 3, 4], names: (1 ... 4).map { "tiny_split-0000\($0)-of-00004.gguf" })
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        #expect(refusal(scratch + "/tiny_split-00001-of-00004.gguf")
            == "\(scratch)/tiny_split-00002-of-00004.gguf: holds split.no 2, but its name makes it shard 2 (split.no 1)")
    }

    @Test func aFirstShardNotNamedAsOneCannotFindTheOthers() throws {
        let scratch = try copies([1], names: ["model.gguf"])
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        #expect(refusal(scratch + "/model.gguf") == "\(scratch)/model.gguf: is the first of 4 shards (split.count), but its "
            + "name does not end in -00001-of-00004.gguf, so the other shards cannot be found")
    }

    /// Shards written by `GGUFWriter` with `metadata[k]` and the tensors `names[k]` each.
    private func writeShards(_ scratch: String, metadata: [[GGUFMetadataEntry]], names: [[String]]) throws -> String {
        for (index, (entries, tensors)) in zip(metadata, names).enumerated() {
            let path = GGUFSplitName.path(prefix: scratch + "/m", index: index, count: metadata.count)
            let writer = try GGUFWriter(path: path, metadata: entries,
                                        tensors: tensors.map { GGUFTensorDeclaration(name: $0, type: .f32, dims: [4]) })
            for name in tensors { try [Float](repeating: 1, count: 4).withUnsafeBytes { try writer.add(name: name, bytes: $0) } }
            try writer.finish()
        }
        return GGUFSplitName.path(prefix: scratch + "/m", index: 0, count: metadata.count)
    }

    private func keys(_ number: Int, _ count: Int, _ tensors: Int) -> [GGUFMetadataEntry] {
        GGUFPlan.splitKeys(shard: number, count: count, tensorCount: tensors)
    }

    @Test func inconsistentShardsAreRefusedNamingTheShard() throws {
        let scratch = try copies([])
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let second = scratch + "/m-00002-of-00002.gguf", first = scratch + "/m-00001-of-00002.gguf"
        var path = try writeShards(scratch, metadata: [keys(0, 2, 2), keys(1, 2, 2)], names: [["a"], ["a"]])
        #expect(refusal(path) == "\(second): 'a': is also in \(first)")
        path = try writeShards(scratch, metadata: [keys(0, 2, 3), keys(1, 2, 3)], names: [["a"], ["b"]])
        #expect(refusal(path) == "\(first): split.tensors.count is 3, but the shards hold 2 tensors")
        path = try writeShards(scratch, metadata: [keys(0, 2, 2), [keys(1, 2, 2)[0], GGUFMetadataEntry("split.count", .uint16(3))]],
                               names: [["a"], ["b"]])
        #expect(refusal(path) == "\(second): has split.count 3, but the first shard has 2")
        path = try writeShards(scratch, metadata: [keys(0, 2, 2), []], names: [["a"], ["b"]])
        #expect(refusal(path) == "\(second): has no split.no, which every shard of a split model has")
        path = try writeShards(scratch, metadata: [[GGUFMetadataEntry("split.count", .uint32(2))], []], names: [["a"], ["b"]])
        #expect(refusal(path) == "\(first): metadata split.count is a uint32, not a uint16")
        path = try writeShards(scratch, metadata: [Array(keys(0, 2, 2).prefix(2)), keys(1, 2, 2)], names: [["a"], ["b"]])
        #expect(refusal(path) == "\(first): has no split.tensors.count, which every shard of a split model has")
    }
}
