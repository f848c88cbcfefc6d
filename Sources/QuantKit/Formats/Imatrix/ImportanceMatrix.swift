/// An importance matrix ("imatrix") as llama.cpp's `llama-quantize --imatrix FILE` loads it
/// (tools/quantize/quantize.cpp `load_imatrix`, common/imatrix-loader.cpp): for each entry, named
/// as the model tensor it weighs (`blk.0.ffn_down.weight`), one weight per column of that tensor,
/// expert after expert for a 3-D (mixture-of-experts) tensor.
///
/// Two file formats hold it, told apart by the GGUF magic:
/// - GGUF (what `llama-imatrix` writes now): per entry `NAME.in_sum2` (float32
///   `[columns, experts]`: Σ x² of each input column over the rows seen) and `NAME.counts`
///   (float32 `[1, experts]`: the rows seen), with `imatrix.datasets`, `imatrix.chunk_count` and
///   `imatrix.chunk_size` (llama-quantize refuses the file without all three). Weight =
///   `in_sum2 / Float(count)` in float32, count = `lround(counts)`; an expert with count <= 0
///   gets weights 1.
/// - legacy `.dat`: int32 entry count; per entry int32 name length, the name, int32 `ncall`,
///   int32 value count and the float32 values (already means, times `ncall`); then optionally
///   int32 chunk count, int32 length and the dataset name. Weight = `value / Float(ncall)`
///   when `ncall > 0`, else the value; a later entry of the same name replaces an earlier one.
///
/// Hostile files get an `ImportanceMatrixError` naming the entry, never a read past the end:
/// truncation, absurd counts and lengths, sums that are not whole experts, NaN or infinite
/// weights (llama-quantize refuses those too).
public struct ImportanceMatrix: Sendable {
    public enum Format: String, Sendable { case gguf, legacy }

    public let format: Format
    /// Per entry name, the weights of its columns (`columns · experts` values).
    public let weights: [String: [Float]]
    /// The datasets it was computed on (the first is recorded as `quantize.imatrix.dataset`).
    public let datasets: [String]
    /// The chunks it was computed on, as llama-quantize reads it (an int32; recorded as
    /// `quantize.imatrix.chunks_count` when positive).
    public let chunkCount: Int32

    public init(format: Format, weights: [String: [Float]], datasets: [String], chunkCount: Int32) {
        self.format = format
        self.weights = weights
        self.datasets = datasets
        self.chunkCount = chunkCount
    }

    /// Reads the importance matrix in `path`, in either format.
    ///
    /// - Throws: `FileError` naming `path` (and the entry) with an `ImportanceMatrixError`, a
    ///   `GGUFError` or a read error.
    /// - Complexity: O(file size).
    public static func load(path: String) throws -> ImportanceMatrix {
        let file: ReadOnlyFile
        let bytes: [UInt8]
        do {
            file = try ReadOnlyFile(path: path)
            bytes = try file.readBytes(at: 0, count: Int(min(file.size, 4)))
        } catch {
            throw FileError(path: path, error)
        }
        if bytes == GGUFHeader.magic { return try loadGGUF(path: path) }
        let contents: [UInt8]
        do {
            contents = try file.readBytes(at: 0, count: Int(file.size))
        } catch {
            throw FileError(path: path, error)
        }
        do throws(ImportanceMatrixError) {
            return try loadLegacy(contents)
        } catch {
            throw FileError(path: path, member: error.entry, error)
        }
    }

    /// The first non-finite weight of `values` as an error, if any (llama-quantize refuses an
    /// importance matrix holding one).
    static func checkFinite(_ values: [Float], entry: String) throws(ImportanceMatrixError) {
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteWeight(entry: entry, index: index, value: values[index])
        }
    }
}
