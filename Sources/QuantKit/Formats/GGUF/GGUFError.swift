/// Why a GGUF file cannot be read; `description` is one human sentence.
///
/// Cases about one tensor carry its name, and `GGUFSource` wraps every case in a `FileError`
/// whose member is `tensor`, so the message names file, tensor and problem:
/// `model.gguf: 'blk.0.ffn_up.weight': offset 96 is not a multiple of the alignment (32)`.
public enum GGUFError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not start with `GGUF`.
    case badMagic(prefix: [UInt8])
    /// The version field reads as a byte-swapped small number: a big-endian file.
    case bigEndian(version: UInt32)
    /// A version other than 2 and 3.
    case unsupportedVersion(UInt32)
    /// The file ends before the `count` bytes of `field` at `offset`.
    case truncated(field: String, offset: UInt64, count: UInt64)
    /// More tensors than the file could describe at 32 bytes each (the smallest tensor info).
    case tooManyTensors(count: UInt64, limit: UInt64)
    /// More metadata entries than the file could hold at 14 bytes each (the smallest entry).
    case tooManyMetadataEntries(count: UInt64, limit: UInt64)
    /// Metadata entry `index` (from 0) has an empty key.
    case emptyKey(index: UInt64)
    /// Two metadata entries share a key.
    case duplicateKey(GGUFString)
    /// A value type number GGUF does not define (of the value, or of an array's elements).
    case unknownValueType(key: GGUFString, number: UInt32)
    /// An array longer than the rest of the file could hold, or than ggml's limit of 2^30.
    case arrayTooLong(key: GGUFString, count: UInt64, limit: UInt64)
    /// Arrays nested deeper than `limit`.
    case arrayNestedTooDeep(key: GGUFString, limit: Int)
    /// `general.alignment` is not a `uint32`.
    case alignmentNotUInt32(GGUFValueType)
    /// `general.alignment` is not a power of two.
    case alignmentNotPowerOfTwo(UInt32)
    /// Tensor `index` (from 0) has a name that is not UTF-8.
    case tensorNameNotUTF8(index: UInt64)
    /// Two tensors share a name.
    case duplicateTensor(String)
    /// A count of dimensions outside 1...4.
    case invalidDimensionCount(tensor: String, count: UInt32)
    /// The element count or byte size does not fit in 64 bits.
    case sizeOverflow(tensor: String, dims: [UInt64])
    /// A ggml type number that is not a type (unknown, or retired).
    case unknownTensorType(tensor: String, number: UInt32)
    /// The row length (`dims[0]`) is not a multiple of the type's block size.
    case partialBlock(tensor: String, type: GGMLType, rowLength: UInt64)
    /// The offset is not a multiple of the alignment.
    case misalignedOffset(tensor: String, offset: UInt64, alignment: Int)
    /// The data runs past the end of the file.
    case dataPastEnd(tensor: String, offset: UInt64, byteCount: Int, dataSize: UInt64)
    /// The data shares bytes with that of `other`.
    case overlap(tensor: String, other: String)
    /// A tensor was requested by a name the file does not hold.
    case noSuchTensor(String)
    /// A tensor of a ggml type this tool neither reads as elements nor dequantizes.
    case unreadableType(tensor: String, type: GGMLType)

    /// The tensor the problem is in, if any (the member of the wrapping `FileError`).
    public var tensor: String? {
        switch self {
        case .duplicateTensor(let tensor), .invalidDimensionCount(let tensor, _), .sizeOverflow(let tensor, _),
             .unknownTensorType(let tensor, _), .partialBlock(let tensor, _, _), .misalignedOffset(let tensor, _, _),
             .dataPastEnd(let tensor, _, _, _), .overlap(let tensor, _), .unreadableType(let tensor, _):
            tensor
        default:
            nil
        }
    }

    public var description: String {
        switch self {
        case .badMagic(let prefix):
            "not a GGUF file (starts with \(quotedBytes(prefix)), not \"GGUF\")"
        case .bigEndian(let version):
            "GGUF version field reads \(version) (0x\(String(version, radix: 16))): a big-endian file; only little-endian GGUF is read"
        case .unsupportedVersion(let version):
            version == 1
                ? "GGUF version 1 is not supported (llama.cpp no longer reads it); versions 2 and 3 are read"
                : "GGUF version \(version) is not supported; versions 2 and 3 are read"
        case .truncated(let field, let offset, let count):
            "file ends inside \(field) (\(count) bytes at offset \(offset)); truncated?"
        case .tooManyTensors(let count, let limit):
            "the header declares \(count) tensors; the file's size allows at most \(limit)"
        case .tooManyMetadataEntries(let count, let limit):
            "the header declares \(count) metadata entries; the file's size allows at most \(limit)"
        case .emptyKey(let index):
            "metadata entry \(index) has an empty key"
        case .duplicateKey(let key):
            "metadata key '\(key)' appears twice"
        case .unknownValueType(let key, let number):
            "metadata '\(key)' has value type \(number), which GGUF does not define"
        case .arrayTooLong(let key, let count, let limit):
            "metadata '\(key)' declares an array of \(count) elements; at most \(limit) fit"
        case .arrayNestedTooDeep(let key, let limit):
            "metadata '\(key)' nests arrays deeper than \(limit) levels"
        case .alignmentNotUInt32(let type):
            "general.alignment is a \(type), not a uint32"
        case .alignmentNotPowerOfTwo(let alignment):
            "general.alignment \(alignment) is not a power of two"
        case .tensorNameNotUTF8(let index):
            "the name of tensor \(index) is not valid UTF-8"
        case .duplicateTensor:
            "two tensors have this name"
        case .invalidDimensionCount(_, let count):
            "\(count) dimensions; ggml tensors have 1 to \(ggmlMaxDimensions)"
        case .sizeOverflow(_, let dims):
            "dimensions \(dims) (innermost first) overflow 64 bits"
        case .unknownTensorType(_, let number):
            "ggml type \(number) is not a type this tool knows"
        case .partialBlock(_, let type, let rowLength):
            "row length \(rowLength) is not a multiple of \(type)'s block size (\(type.blockSize))"
        case .misalignedOffset(_, let offset, let alignment):
            "offset \(offset) is not a multiple of the alignment (\(alignment))"
        case .dataPastEnd(_, let offset, let byteCount, let dataSize):
            "\(byteCount) bytes at offset \(offset) run past the end of the data section (\(dataSize) bytes)"
        case .overlap(_, let other):
            "data overlaps that of '\(other)'"
        case .noSuchTensor(let name):
            "no tensor called '\(name)'"
        case .unreadableType(_, let type):
            "tensor is \(type), a ggml type this tool does not read (it reads f32, f16, bf16, f64, the integer types, "
                + GGMLDequantizers.types.filter { $0.dtype == nil }.map(\.description).joined(separator: ", ") + ")"
        }
    }
}

/// `bytes` in double quotes, printable ASCII as it is and other bytes as `\xNN`.
private func quotedBytes(_ bytes: [UInt8]) -> String {
    let shown = bytes.map { (0x20 ..< 0x7F).contains($0) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }
    return "\"" + shown.joined() + "\""
}
