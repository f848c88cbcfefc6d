/// Why the shards of a split GGUF model do not make one model; `description` is one sentence,
/// put after the file (and tensor) it is about by `FileError`.
public enum GGUFSplitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A split key of another value type than llama.cpp's loader reads (`split.no` and
    /// `split.count` are uint16, `split.tensors.count` int32).
    case keyType(key: String, found: GGUFValueType, expected: GGUFValueType)
    /// A split key a split model's shard must have.
    case missingKey(String)
    /// The file opened is not the first shard (`split.no` is not 0).
    case notFirstShard(number: Int, count: Int)
    /// The first of `count` shards is not named `PREFIX-00001-of-0000N.gguf`, so the others
    /// cannot be found.
    case unsplitName(count: Int)
    /// Shard `index` (from 0) of `count`, named after the first shard, does not exist.
    case missingShard(index: Int, count: Int)
    /// A shard whose `split.no` is not the one its name gives.
    case wrongShardNumber(found: Int, expected: Int)
    /// A shard whose `split.count` is not the first shard's.
    case countMismatch(found: Int, expected: Int)
    /// `split.tensors.count` of the first shard is not the number of tensors the shards hold.
    case tensorCount(declared: Int, found: Int)
    /// A tensor also in an earlier shard.
    case duplicateTensor(String, otherShard: String)

    /// The tensor the problem is in, if any.
    public var tensor: String? {
        guard case .duplicateTensor(let name, _) = self else { return nil }
        return name
    }

    public var description: String {
        switch self {
        case .keyType(let key, let found, let expected):
            "metadata \(key) is a \(found), not a \(expected)"
        case .missingKey(let key):
            "has no \(key), which every shard of a split model has"
        case .notFirstShard(let number, let count):
            "is shard \(number + 1) of \(count) (split.no \(number)); give the first shard, whose name ends in "
                + GGUFSplitName.path(prefix: "", index: 0, count: count)
        case .unsplitName(let count):
            "is the first of \(count) shards (split.count), but its name does not end in "
                + "\(GGUFSplitName.path(prefix: "", index: 0, count: count)), so the other shards cannot be found"
        case .missingShard(let index, let count):
            "shard \(index + 1) of \(count) is missing (named after the first shard)"
        case .wrongShardNumber(let found, let expected):
            "holds split.no \(found), but its name makes it shard \(expected + 1) (split.no \(expected))"
        case .countMismatch(let found, let expected):
            "has split.count \(found), but the first shard has \(expected)"
        case .tensorCount(let declared, let found):
            "split.tensors.count is \(declared), but the shards hold \(found) tensors"
        case .duplicateTensor(_, let other):
            "is also in \(other)"
        }
    }
}
