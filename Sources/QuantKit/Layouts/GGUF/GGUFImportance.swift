/// An importance matrix given to a GGUF run (`llama-quantize --imatrix FILE`): the matrix, and
/// the file name exactly as the command line gave it, which llama-quantize records as
/// `quantize.imatrix.file`.
public struct GGUFImportance: Sendable {
    public let matrix: ImportanceMatrix
    /// The path as given (recorded, cut to 127 bytes, as `quantize.imatrix.file`).
    public let recordedPath: String

    public init(matrix: ImportanceMatrix, recordedPath: String) {
        self.matrix = matrix
        self.recordedPath = recordedPath
    }

    /// Reads the importance matrix at `path`, recorded as `path`.
    public init(path: String) throws {
        self.init(matrix: try ImportanceMatrix.load(path: path), recordedPath: path)
    }

    /// llama-quantize's `quantize.imatrix.*` keys (quantize.cpp's kv overrides, in its order):
    /// `file` (the path as given) and, when the matrix names a dataset, `dataset` (the first),
    /// each cut to 127 bytes; `entries_count` (the number of entries, u32) and, when positive,
    /// `chunks_count` (u32). Each replaces a key of the same name in `metadata` and is appended
    /// (ggml's `gguf_set_val_*` removes, then appends).
    public func metadata(after metadata: [GGUFMetadataEntry]) -> [GGUFMetadataEntry] {
        var added = [GGUFMetadataEntry("quantize.imatrix.file", .string(Self.cut(recordedPath)))]
        if let dataset = matrix.datasets.first {
            added.append(GGUFMetadataEntry("quantize.imatrix.dataset", .string(Self.cut(dataset))))
        }
        added.append(GGUFMetadataEntry("quantize.imatrix.entries_count", .uint32(UInt32(matrix.weights.count))))
        if matrix.chunkCount > 0 {
            added.append(GGUFMetadataEntry("quantize.imatrix.chunks_count", .uint32(UInt32(matrix.chunkCount))))
        }
        let replaced = Set(added.map(\.key))
        return metadata.filter { !replaced.contains($0.key) } + added
    }

    /// `strncpy(value, text, 127)`: the bytes up to the first zero byte, at most 127.
    private static func cut(_ text: String) -> GGUFString {
        GGUFString(bytes: Array(text.utf8.prefix { $0 != 0 }.prefix(127)))
    }
}
