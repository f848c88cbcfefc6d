/// Why an importance-matrix file cannot be used; each case is one sentence (`description`), put
/// after the file and entry by `FileError`.
public enum ImportanceMatrixError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file holds no entries (llama.cpp: "no data").
    case noEntries
    /// A legacy file ends inside entry `index` (nil: the header or trailer) where `needed` more
    /// bytes were due.
    case truncated(entry: String?, index: Int?, field: String, needed: Int, remaining: Int)
    /// A legacy length or count that is negative or zero where llama.cpp needs it positive.
    case badLength(entry: String?, index: Int, field: String, value: Int32)
    /// A GGUF importance matrix without `imatrix.datasets`, `imatrix.chunk_count` or
    /// `imatrix.chunk_size` (llama-quantize: "missing imatrix metadata").
    case missingMetadata([String])
    /// A metadata key of the wrong type (`imatrix.chunk_count` and `imatrix.chunk_size` are u32).
    case metadataType(key: String, expected: String, actual: String)
    /// `NAME.in_sum2` without `NAME.counts`, or the other way round.
    case unpaired(entry: String, missing: String)
    /// A sums or counts tensor that is not float32.
    case notFloat32(entry: String, tensor: String, type: GGMLType)
    /// Sums that are not a whole number of experts (`counts` values), or no counts at all.
    case countsMismatch(entry: String, sums: Int, counts: Int)
    /// A count that is NaN, infinite or beyond int64 (llama.cpp rounds it with `lround`).
    case badCount(entry: String, index: Int, value: Float)
    /// A weight that is NaN or infinite (llama-quantize refuses them).
    case nonFiniteWeight(entry: String, index: Int, value: Float)

    /// The entry the problem is in, if any.
    public var entry: String? {
        switch self {
        case .truncated(let entry, _, _, _, _), .badLength(let entry, _, _, _): entry
        case .unpaired(let entry, _), .notFloat32(let entry, _, _), .countsMismatch(let entry, _, _),
             .badCount(let entry, _, _), .nonFiniteWeight(let entry, _, _): entry
        case .noEntries, .missingMetadata, .metadataType: nil
        }
    }

    public var description: String {
        switch self {
        case .noEntries:
            "holds no importance matrix entries"
        case .truncated(_, let index, let field, let needed, let remaining):
            "ends in \(index.map { "entry \($0 + 1)'s " } ?? "the ")\(field): \(needed) bytes needed, \(remaining) left (truncated?)"
        case .badLength(_, let index, let field, let value):
            "entry \(index + 1) has \(field) \(value); it must be positive"
        case .missingMetadata(let keys):
            "has no \(keys.joined(separator: ", ")) metadata; llama-quantize refuses such an importance matrix"
        case .metadataType(let key, let expected, let actual):
            "\(key) is \(actual), not \(expected)"
        case .unpaired(_, let missing):
            "has no \(missing) tensor to go with it"
        case .notFloat32(_, let tensor, let type):
            "\(tensor) is \(type), not f32"
        case .countsMismatch(_, let sums, let counts):
            "\(sums) sums are not a whole number of experts for \(counts) counts"
        case .badCount(_, let index, let value):
            "count \(index) is \(value), not a whole number of rows"
        case .nonFiniteWeight(_, let index, let value):
            "weight \(index) is \(value); an importance matrix must be finite"
        }
    }
}
