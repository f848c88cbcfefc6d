/// Why a safetensors file cannot be read; `description` is one human sentence.
///
/// Cases about one tensor carry its name, and `SafetensorsSource` wraps every case in a
/// `FileError` whose member is `tensor`, so the message names file, tensor and problem:
/// `model.safetensors: 'fc1.weight': data_offsets [0, 20] hold 20 bytes but the shape needs 24`.
public enum SafetensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is shorter than the 8-byte header length that starts it.
    case truncatedHeaderLength(fileSize: UInt64)
    /// The header length exceeds `SafetensorsHeader.maxLength` (100 MB, the reference limit).
    case headerTooLarge(declared: UInt64)
    /// The header length runs past the end of the file.
    case headerPastEnd(declared: UInt64, available: UInt64)
    /// The header is not valid UTF-8.
    case headerNotUTF8
    /// The header does not start with `{`.
    case headerNotObject
    /// Arrays and objects nest deeper than `limit` levels (checked before parsing).
    case headerNestedTooDeep(limit: Int)
    /// The header lists more than `limit` entries (checked before parsing).
    case tooManyTensors(count: Int, limit: Int)
    /// The header is not valid JSON; the reason is the parser's.
    case invalidJSON(String)
    /// A key appears twice in one JSON object (`object` is the top-level key holding that
    /// object, nil when the duplicate is a top-level key, a tensor name).
    case duplicateKey(String, object: String?)
    /// `__metadata__` is not an object.
    case metadataNotObject
    /// A `__metadata__` value is not a string.
    case metadataValueNotString(key: String)
    /// A tensor's entry is malformed (not an object, a field missing or of the wrong type).
    case invalidEntry(tensor: String, reason: String)
    /// A dtype quantize does not read (`F8_E8M0`, `C64`, ...) or that safetensors does not define.
    case unsupportedDType(tensor: String, code: String)
    /// A negative dimension, or an element or byte count that overflows.
    case invalidShape(tensor: String, ShapeError)
    /// `data_offsets` end before they begin.
    case reversedOffsets(tensor: String, begin: Int, end: Int)
    /// `data_offsets` end past the data section.
    case offsetsPastEnd(tensor: String, end: Int, dataSize: Int)
    /// The byte range does not hold what dtype and shape need.
    case sizeMismatch(tensor: String, begin: Int, end: Int, expected: Int)
    /// The tensor's bytes start inside those of `other` (the tensor before it in data order).
    case overlap(tensor: String, other: String)
    /// Unused bytes between the previous tensor's end (`expected`) and this tensor's begin.
    case gap(tensor: String, begin: Int, expected: Int)
    /// Bytes after the last tensor's data.
    case trailingData(count: Int)
    /// A tensor was requested by a name the file does not hold.
    case noSuchTensor(String)

    /// The tensor the problem is in, if any (the member of the wrapping `FileError`).
    public var tensor: String? {
        switch self {
        case .invalidEntry(let tensor, _), .unsupportedDType(let tensor, _), .invalidShape(let tensor, _),
             .reversedOffsets(let tensor, _, _), .offsetsPastEnd(let tensor, _, _), .sizeMismatch(let tensor, _, _, _),
             .overlap(let tensor, _), .gap(let tensor, _, _):
            tensor
        case .duplicateKey(let key, let object):
            object ?? key
        default:
            nil
        }
    }

    public var description: String {
        switch self {
        case .truncatedHeaderLength(let fileSize):
            "not a safetensors file: \(fileSize) bytes is too short for the 8-byte header length"
        case .headerTooLarge(let declared):
            "safetensors header length \(declared) exceeds the limit of \(SafetensorsHeader.maxLength) bytes"
        case .headerPastEnd(let declared, let available):
            "safetensors header length (\(declared) bytes) runs past the end of the file (\(available) bytes after the length)"
        case .headerNotUTF8:
            "safetensors header is not valid UTF-8"
        case .headerNotObject:
            "safetensors header does not start with '{' (not a JSON object)"
        case .headerNestedTooDeep(let limit):
            "safetensors header nests arrays or objects deeper than \(limit) levels"
        case .tooManyTensors(let count, let limit):
            "safetensors header lists \(count) entries, more than the limit of \(limit)"
        case .invalidJSON(let reason):
            "safetensors header is not valid JSON: \(reason)"
        case .duplicateKey(let key, let object):
            object == nil ? "the header names \"\(key)\" twice" : "key \"\(key)\" appears twice in this entry"
        case .metadataNotObject:
            "__metadata__ is not a JSON object"
        case .metadataValueNotString(let key):
            "__metadata__ value of \"\(key)\" is not a string"
        case .invalidEntry(_, let reason):
            "invalid header entry: \(reason)"
        case .unsupportedDType(_, let code):
            DType.safetensorsCodesNotRead.contains(code)
                ? "dtype \(code) is not supported; quantize reads \(Self.supportedCodes)"
                : "unknown dtype \"\(code)\"; quantize reads \(Self.supportedCodes)"
        case .invalidShape(_, let error):
            "invalid shape: \(error)"
        case .reversedOffsets(_, let begin, let end):
            "data_offsets [\(begin), \(end)] end before they begin"
        case .offsetsPastEnd(_, let end, let dataSize):
            "data_offsets end at \(end), past the end of the data section (\(dataSize) bytes)"
        case .sizeMismatch(_, let begin, let end, let expected):
            "data_offsets [\(begin), \(end)] hold \(end - begin) bytes but dtype and shape need \(expected)"
        case .overlap(_, let other):
            "data overlaps that of '\(other)'"
        case .gap(_, let begin, let expected):
            "data begins at \(begin), leaving \(begin - expected) unused bytes after the previous tensor (ends at \(expected))"
        case .trailingData(let count):
            "\(count) bytes after the last tensor's data belong to no tensor"
        case .noSuchTensor(let name):
            "no tensor called '\(name)'"
        }
    }

    private static let supportedCodes = DType.allCases.map(\.safetensorsCode).joined(separator: ", ")
}

extension DType {
    /// The safetensors dtypes quantize refuses by name (the reference's other types).
    static let safetensorsCodesNotRead: Set<String> = ["F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64"]
}

/// Why `SafetensorsWriter` cannot write a file; most cases are a caller breaking the writer's
/// contract (tensors added out of the declared order, with other dtypes, shapes or sizes).
public enum SafetensorsWriterError: Error, Equatable, Sendable, CustomStringConvertible {
    case createFailed(String)
    case writeFailed(String)
    /// Two declared tensors share a name.
    case duplicateTensor(String)
    /// A declared tensor is called `__metadata__`, the header's metadata key.
    case reservedName
    /// A declared shape has a negative dimension or its size overflows.
    case invalidShape(ShapeError)
    /// The header would exceed `SafetensorsHeader.maxLength`, which readers refuse.
    case headerTooLarge(Int)
    /// `add` named another tensor than the next declared one (nil: all were written).
    case unexpectedTensor(added: String, expected: String?)
    /// `add` gave another dtype or shape than declared.
    case mismatchedTensor(declared: TensorInfo, added: TensorInfo)
    /// The data handed to `add` was not the declared size (`written`: as far as it got).
    case wrongByteCount(expected: Int, written: Int)
    /// `finish` came before these declared tensors were added.
    case missingTensors([String])
    /// The writer is finished, or an earlier `add` failed part-way and left the file unusable.
    case closed

    public var description: String {
        switch self {
        case .createFailed(let message):
            "cannot create: \(message)"
        case .writeFailed(let message):
            "write failed: \(message)"
        case .duplicateTensor(let name):
            "two tensors are called '\(name)'"
        case .reservedName:
            "a tensor cannot be called __metadata__ (the header's metadata key)"
        case .invalidShape(let error):
            "invalid shape: \(error)"
        case .headerTooLarge(let length):
            "the header would be \(length) bytes, more than the \(SafetensorsHeader.maxLength) readers accept"
        case .unexpectedTensor(let added, let expected):
            expected.map { "tensor '\(added)' added where '\($0)' was declared next" }
                ?? "tensor '\(added)' added after every declared tensor was written"
        case .mismatchedTensor(let declared, let added):
            "added as \(added.dtype) \(formatShape(added.shape)) but declared as \(declared.dtype) \(formatShape(declared.shape))"
        case .wrongByteCount(let expected, let written):
            "\(written) bytes of data written where the declared dtype and shape need \(expected)"
        case .missingTensors(let names):
            "finished before \(names.count) declared tensors were written (first: '\(names[0])')"
        case .closed:
            "the writer is finished or an earlier write failed"
        }
    }
}
