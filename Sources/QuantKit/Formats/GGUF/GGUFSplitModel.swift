import Foundation

/// A GGUF model in one file, or split in shards (`PREFIX-00001-of-0000N.gguf` ...; gguf-py's
/// split writer, `llama-gguf-split` and `llama-quantize --keep-split` write them), opened from
/// its first file as llama.cpp's loader opens it (`llama_model_loader`):
///
/// - a first file without `split.count`, or with 0 or 1, is the whole model;
/// - otherwise its `split.no` must be 0, and shard `k` of `N` is found by name
///   (`GGUFSplitName`); each must exist and hold `split.no` = `k`, and, when it has one, the
///   first shard's `split.count`;
/// - `split.tensors.count` of the first shard must equal the number of tensors of all shards,
///   and no tensor name may be in two shards.
///
/// The metadata is the first shard's (the others' hold only the split keys, as llama.cpp
/// writes them). Opening reads each shard's header only (`GGUFSource`). Every error is a
/// `FileError` naming the shard it is about (a missing one by the name it should have), with a
/// `GGUFSplitError` or the shard's own `GGUFError`.
public final class GGUFSplitModel {
    /// The shards in order; one for a model in one file.
    public let shards: [GGUFSource]
    /// Every tensor: the first shard's in file order, then the second's, ...
    public let ggmlTensors: [GGUFTensorInfo]
    /// The index in `shards` of each of `ggmlTensors`.
    public let shardOfTensor: [Int]
    private let shardByName: [ExactName: Int]

    /// Opens `path`, the model's first (or only) file, and finds and checks the other shards.
    public init(path: String) throws(FileError) {
        let first = try GGUFSource(path: path)
        let count = try Self.integer("split.count", of: first, as: .uint16) ?? 0
        var shards = [first]
        if count > 1 {
            let number = try Self.shardNumber(of: first)
            guard number == 0 else { throw FileError(path: path, GGUFSplitError.notFirstShard(number: number, count: count)) }
            guard let prefix = GGUFSplitName.prefix(of: path, index: 0, count: count) else {
                throw FileError(path: path, GGUFSplitError.unsplitName(count: count))
            }
            for index in 1 ..< count {
                shards.append(try Self.shard(GGUFSplitName.path(prefix: prefix, index: index, count: count), index: index,
                                             count: count))
            }
        }
        var tensors: [GGUFTensorInfo] = [], owners: [Int] = [], byName: [ExactName: Int] = [:]
        for (index, shard) in shards.enumerated() {
            for tensor in shard.ggmlTensors {
                if let other = byName[ExactName(tensor.name)] {
                    throw FileError(path: shard.path, member: tensor.name,
                                    GGUFSplitError.duplicateTensor(tensor.name, otherShard: shards[other].path))
                }
                byName[ExactName(tensor.name)] = index
                tensors.append(tensor)
                owners.append(index)
            }
        }
        if count > 1 {
            let declared = try Self.integer("split.tensors.count", of: first, as: .int32)
            guard let declared else { throw FileError(path: path, GGUFSplitError.missingKey("split.tensors.count")) }
            guard declared == tensors.count else {
                throw FileError(path: path, GGUFSplitError.tensorCount(declared: declared, found: tensors.count))
            }
        }
        (self.shards, ggmlTensors, shardOfTensor, shardByName) = (shards, tensors, owners, byName)
    }

    /// The shards' paths, in order.
    public var paths: [String] { shards.map(\.path) }

    /// The first shard's metadata entries, in file order.
    public var metadata: [GGUFMetadataEntry] { shards[0].metadata }

    /// The shard holding the tensor `name`.
    public func source(of name: String) throws(FileError) -> GGUFSource {
        guard let index = shardByName[ExactName(name)] else { throw FileError(path: shards[0].path, GGUFError.noSuchTensor(name)) }
        return shards[index]
    }

    /// Opens shard `index` of `count` at `path` and checks its split keys.
    private static func shard(_ path: String, index: Int, count: Int) throws(FileError) -> GGUFSource {
        guard FileManager.default.fileExists(atPath: path) else {
            throw FileError(path: path, GGUFSplitError.missingShard(index: index, count: count))
        }
        let shard = try GGUFSource(path: path)
        let number = try shardNumber(of: shard)
        guard number == index else { throw FileError(path: path, GGUFSplitError.wrongShardNumber(found: number, expected: index)) }
        if let stated = try integer("split.count", of: shard, as: .uint16), stated != count {
            throw FileError(path: path, GGUFSplitError.countMismatch(found: stated, expected: count))
        }
        return shard
    }

    /// `split.no`, which a shard of a split model must have.
    private static func shardNumber(of shard: GGUFSource) throws(FileError) -> Int {
        guard let number = try integer("split.no", of: shard, as: .uint16) else {
            throw FileError(path: shard.path, GGUFSplitError.missingKey("split.no"))
        }
        return number
    }

    /// The value of `key` when present, which must be of `type` (uint16 or int32, as
    /// llama.cpp's loader reads the split keys).
    private static func integer(_ key: String, of shard: GGUFSource, as type: GGUFValueType) throws(FileError) -> Int? {
        guard let entry = shard.metadata.first(where: { $0.key.string == key }) else { return nil }
        switch (entry.value, type) {
        case (.uint16(let value), .uint16): return Int(value)
        case (.int32(let value), .int32): return Int(value)
        default: throw FileError(path: shard.path, GGUFSplitError.keyType(key: key, found: entry.value.type, expected: type))
        }
    }
}
