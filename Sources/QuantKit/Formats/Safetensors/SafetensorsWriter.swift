#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes tensors as a safetensors file (see `SafetensorsHeader` for the format).
///
/// The header comes first and holds every tensor's offsets, so the writer is told every tensor
/// up front: `init` lays them out back to back in the given order and writes the header, then
/// each tensor is added in exactly that order with exactly its declared dtype, shape and byte
/// count (anything else throws `SafetensorsWriterError`, the file then being unusable except
/// for an out-of-order, dtype or shape mistake, which is caught before a byte is written).
/// `finish` checks that every declared tensor was written. bfloat16 is stored as it is (`BF16`).
///
/// The output is deterministic: the same tensors and metadata give the same bytes.
public final class SafetensorsWriter: TensorFileWriter {
    /// The name to put in error messages (the final output path, not the temporary file).
    private let displayPath: String
    private var fileDescriptor: Int32
    private let declared: [TensorInfo]
    private let byteCounts: [Int]
    /// The index in `declared` of the next tensor to add.
    private var next = 0
    /// Where the next tensor's data starts in the file.
    private var dataEnd: UInt64 = 0
    /// False once finished, or when an `add` failed after writing some of its bytes.
    private var usable = true
    /// The pieces' writes, in the background with more than one thread.
    private let background: BackgroundWrites<SafetensorsWriterError>

    /// Creates (or truncates) `path` and writes the header for `tensors` and `metadata`
    /// (errors name `displayPath`). Refuses duplicate tensor names, the name `__metadata__`,
    /// invalid shapes, and a header longer than `SafetensorsHeader.maxLength`. With more than
    /// one thread, pieces are written in the background while the next is prepared.
    public init(path: String, displayPath: String, tensors: [TensorInfo], metadata: [String: String],
                threads: Int = 1) throws(FileError) {
        self.displayPath = displayPath
        background = BackgroundWrites(enabled: threads > 1)
        let header: [UInt8]
        do throws(SafetensorsWriterError) {
            (header, byteCounts) = try encodeSafetensorsHeader(tensors: tensors, metadata: metadata)
        } catch {
            let member: String? = switch error {
            case .duplicateTensor(let name): name
            default: nil
            }
            throw FileError(path: displayPath, member: member, error)
        }
        declared = tensors
        fileDescriptor = openForWriting(path)
        guard fileDescriptor >= 0 else {
            throw FileError(path: displayPath, SafetensorsWriterError.createFailed(String(cString: strerror(errno))))
        }
        do {
            try header.withUnsafeBytes { [fileDescriptor] in try Self.writeFully(fileDescriptor, $0) }
            dataEnd = UInt64(header.count)
        } catch {
            throw FileError(path: displayPath, error)
        }
    }

    deinit {
        try? background.wait()
        if fileDescriptor >= 0 { close(fileDescriptor) }
    }

    /// Each piece is one `write` call.
    public var preferredWriteSize: Int { 1 << 20 }

    /// Adds the next declared tensor, which must be called `name` with `dtype` and `shape`;
    /// `body` hands its C-order little-endian data, piece by piece, to `write`, each piece
    /// written (in the background with more than one thread) before the next is taken and all
    /// before `add` returns. Exactly the declared byte count must be written.
    public func add(name: String, dtype: DType, shape: [Int],
                    _ body: (_ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws -> Void) throws {
        let displayPath = self.displayPath
        func failure(_ error: SafetensorsWriterError) -> FileError { FileError(path: displayPath, member: name, error) }
        let expected = try nextByteCount(name: name, dtype: dtype, shape: shape)
        // Unusable until the tensor is complete: a failure leaves the offsets of the rest wrong.
        usable = false
        var written = 0
        let descriptor = fileDescriptor
        do {
            try body { (piece) throws(FileError) in
                guard written + piece.count <= expected else {
                    throw failure(.wrongByteCount(expected: expected, written: written + piece.count))
                }
                do throws(SafetensorsWriterError) {
                    try background.start(piece) { piece throws(SafetensorsWriterError) in try Self.writeFully(descriptor, piece) }
                } catch {
                    throw failure(error)
                }
                written += piece.count
            }
            try background.wait()
        } catch let error as SafetensorsWriterError {
            throw failure(error)
        } catch {
            try? background.wait()
            throw error
        }
        guard written == expected else { throw failure(.wrongByteCount(expected: expected, written: written)) }
        next += 1
        dataEnd += UInt64(expected)
        usable = true
    }

    /// Adds the next declared tensor, as `add` does, its data placed piece by piece at the
    /// offsets the header gave it (`TensorFileWriter.addPlaced`).
    public func addPlaced(name: String, dtype: DType, shape: [Int], _ body: (PlacedPieces) throws -> Void) throws -> Bool {
        let expected = try nextByteCount(name: name, dtype: dtype, shape: shape)
        let displayPath = self.displayPath
        let pieces = PlacedPieces(descriptor: fileDescriptor, fileOffset: dataEnd, byteCount: expected, checksummed: false) {
            FileError(path: displayPath, member: name, SafetensorsWriterError.writeFailed(String(cString: strerror($0))))
        }
        usable = false
        try body(pieces)
        _ = pieces.finish()
        next += 1
        dataEnd += UInt64(expected)
        // The pieces went to their offsets; the next tensor's `add` writes on from here.
        guard lseek(fileDescriptor, off_t(dataEnd), SEEK_SET) >= 0 else {
            throw FileError(path: displayPath, member: name, SafetensorsWriterError.writeFailed(String(cString: strerror(errno))))
        }
        usable = true
        return true
    }

    /// The byte count of the next declared tensor, which must be `name` with `dtype` and `shape`.
    private func nextByteCount(name: String, dtype: DType, shape: [Int]) throws(FileError) -> Int {
        func failure(_ error: SafetensorsWriterError) -> FileError { FileError(path: displayPath, member: name, error) }
        guard usable else { throw failure(.closed) }
        guard next < declared.count, declared[next].name.isSameName(as: name) else {
            throw failure(.unexpectedTensor(added: name, expected: next < declared.count ? declared[next].name : nil))
        }
        let added = TensorInfo(name: name, dtype: dtype, shape: shape)
        guard added == declared[next] else { throw failure(.mismatchedTensor(declared: declared[next], added: added)) }
        return byteCounts[next]
    }

    /// Closes the file after checking that every declared tensor was added.
    public func finish() throws(FileError) {
        guard usable else { throw FileError(path: displayPath, SafetensorsWriterError.closed) }
        guard next == declared.count else {
            throw FileError(path: displayPath, SafetensorsWriterError.missingTensors(declared[next...].map(\.name)))
        }
        usable = false
        let descriptor = fileDescriptor
        fileDescriptor = -1
        guard close(descriptor) == 0 else {
            throw FileError(path: displayPath, SafetensorsWriterError.writeFailed(String(cString: strerror(errno))))
        }
    }

    /// Writes all of `bytes` to `descriptor` (`QuantKit.writeFully`), its failure as a `SafetensorsWriterError`.
    private static func writeFully(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(SafetensorsWriterError) {
        let failure = QuantKit.writeFully(descriptor, bytes)
        guard failure == 0 else { throw .writeFailed(String(cString: strerror(failure))) }
    }
}

/// The start of a safetensors file holding `tensors` back to back in the given order, and
/// each tensor's byte count.
///
/// The 8-byte little-endian length, then the JSON header without whitespace: `__metadata__`
/// first (keys sorted) when `metadata` is not empty, then each tensor in order as
/// `"name":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}`; strings escaped as JSON
/// requires (`"`, `\` and control characters; everything else as UTF-8). Spaces pad the header
/// to a multiple of 8 bytes, so the data section starts 8-byte aligned.
func encodeSafetensorsHeader(tensors: [TensorInfo], metadata: [String: String])
    throws(SafetensorsWriterError) -> (bytes: [UInt8], byteCounts: [Int]) {
    var fields: [String] = []
    if !metadata.isEmpty {
        let pairs = metadata.sorted { $0.key < $1.key }.map { jsonStringLiteral($0.key) + ":" + jsonStringLiteral($0.value) }
        fields.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
    }
    var names: Set<ExactName> = []
    var byteCounts: [Int] = []
    var offset = 0
    for info in tensors {
        guard info.name != "__metadata__" else { throw .reservedName }
        guard names.insert(ExactName(info.name)).inserted else { throw .duplicateTensor(info.name) }
        let count: Int
        do {
            count = try byteCount(of: info.shape, elementSize: info.dtype.byteSize)
        } catch {
            throw .invalidShape(error)
        }
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard !overflow else { throw .invalidShape(.byteSizeOverflow(info.shape, elementSize: info.dtype.byteSize)) }
        let shape = info.shape.map(String.init).joined(separator: ",")
        fields.append(jsonStringLiteral(info.name) + ":{\"dtype\":\"\(info.dtype.safetensorsCode)\",\"shape\":[\(shape)],"
            + "\"data_offsets\":[\(offset),\(end)]}")
        byteCounts.append(count)
        offset = end
    }
    var json = Array(("{" + fields.joined(separator: ",") + "}").utf8)
    json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8)
    guard json.count <= SafetensorsHeader.maxLength else { throw .headerTooLarge(json.count) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(8 + json.count)
    bytes.appendLittleEndian(UInt64(json.count))
    return (bytes + json, byteCounts)
}

/// `text` as a JSON string literal: quotes, `\"` and `\\`, control characters as `\n`, `\r`,
/// `\t`, `\b`, `\f` or `\u00XX`; every other character as it is (UTF-8).
func jsonStringLiteral(_ text: String) -> String {
    var literal = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": literal += "\\\""
        case "\\": literal += "\\\\"
        case "\n": literal += "\\n"
        case "\r": literal += "\\r"
        case "\t": literal += "\\t"
        case "\u{08}": literal += "\\b"
        case "\u{0C}": literal += "\\f"
        case "\u{00}" ..< "\u{20}":
            let hex = String(scalar.value, radix: 16)
            literal += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: literal.unicodeScalars.append(scalar)
        }
    }
    return literal + "\""
}
