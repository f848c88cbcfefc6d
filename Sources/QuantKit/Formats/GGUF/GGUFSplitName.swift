/// llama.cpp's names for the shards of a split GGUF model (`llama_split_path` and
/// `llama_split_prefix`, llama.cpp's llama.cpp): shard `index` (from 0) of `count` is
/// `PREFIX-%05d-of-%05d.gguf` with `index + 1` and `count` (at least five digits each), so
/// `model-00002-of-00004.gguf` is shard 1 of 4 of the prefix `model`. llama.cpp's loader finds
/// the other shards from the first's name this way; gguf-py's split writer and
/// `llama-quantize --keep-split` name their files this way.
public enum GGUFSplitName {
    /// `PREFIX-0000k-of-0000n.gguf` for shard `index` (from 0) of `count`.
    public static func path(prefix: String, index: Int, count: Int) -> String {
        prefix + suffix(index: index, count: count)
    }

    /// The prefix of `path` when it ends in shard `index`'s suffix and has something before it;
    /// nil otherwise (`llama_split_prefix` returning 0).
    public static func prefix(of path: String, index: Int, count: Int) -> String? {
        let suffix = Array(suffix(index: index, count: count).utf8), bytes = Array(path.utf8)
        guard bytes.count > suffix.count, bytes.suffix(suffix.count).elementsEqual(suffix) else { return nil }
        return String(decoding: bytes.dropLast(suffix.count), as: UTF8.self)
    }

    /// The files a run writes for `output`: `output` itself, or with `keepSplit` its `count`
    /// shards named from `output` less a final `.gguf` (llama-quantize's `--keep-split`, which
    /// names even a single shard `OUT-00001-of-00001.gguf`).
    public static func outputFiles(for output: String, count: Int, keepSplit: Bool) -> [String] {
        guard keepSplit else { return [output] }
        let prefix = output.hasSuffix(".gguf") ? String(output.dropLast(5)) : output
        return (0 ..< count).map { path(prefix: prefix, index: $0, count: count) }
    }

    private static func suffix(index: Int, count: Int) -> String {
        "-" + padded(index + 1) + "-of-" + padded(count) + ".gguf"
    }

    /// `%05d`: at least five digits, zeros in front.
    private static func padded(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }
}
