#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a GGUF file, version 3 (see `GGUFHeader` for the format), streaming each tensor's
/// bytes as they are made.
///
/// The header holds every tensor's type, dimensions and offset, so the writer is told every
/// tensor up front: `init` checks the metadata and declarations as `GGUFHeader` would, lays the
/// tensors out in the given order (each at the previous one's end rounded up to the alignment:
/// `general.alignment` when the metadata has it, else 32) and writes the header and its padding.
/// Then each tensor is added in exactly that order with exactly its byte count
/// (`GGMLType.byteCount`): the bytes are the caller's, already in the tensor's ggml type,
/// quantized or not. Zero bytes pad every tensor, the last included, to the alignment, as ggml
/// and gguf-py pad them; gguf-py writing the same metadata and tensors makes the same bytes.
/// `finish` checks that every declared tensor was written.
///
/// Also refused: tensor names of 64 bytes or more, which ggml cannot load.
public final class GGUFWriter {
    /// ggml's `GGML_MAX_NAME` (64) less the terminating zero.
    public static let maxNameBytes = 63

    /// The name to put in error messages (the final output path, not the temporary file).
    private let displayPath: String
    private var fileDescriptor: Int32
    private let declared: [GGUFTensorDeclaration]
    private let byteCounts: [Int]
    /// The alignment of the data section and of every tensor in it.
    public let alignment: Int
    /// The index in `declared` of the next tensor to add.
    private var next = 0
    /// False once finished, or when an `add` failed after writing some of its bytes.
    private var usable = true

    /// Creates (or empties) `path` and writes the header for `metadata`, in the order given,
    /// and `tensors` (errors name `displayPath`, `path` by default).
    public init(path: String, displayPath: String? = nil, metadata: [GGUFMetadataEntry],
                tensors: [GGUFTensorDeclaration]) throws(FileError) {
        let displayPath = displayPath ?? path
        self.displayPath = displayPath
        let header: [UInt8]
        do throws(GGUFWriterError) {
            (header, byteCounts, alignment) = try encodeGGUFHeader(metadata: metadata, tensors: tensors)
        } catch {
            throw FileError(path: displayPath, member: error.tensor, error)
        }
        declared = tensors
        fileDescriptor = openForWriting(path)
        guard fileDescriptor >= 0 else {
            throw FileError(path: displayPath, GGUFWriterError.createFailed(String(cString: strerror(errno))))
        }
        do {
            try header.withUnsafeBytes { [fileDescriptor] in try Self.writeFully(fileDescriptor, $0) }
        } catch {
            throw FileError(path: displayPath, error)
        }
    }

    deinit {
        if fileDescriptor >= 0 { close(fileDescriptor) }
    }

    /// Adds the next declared tensor, which must be called `name`: `body` hands its stored
    /// bytes, piece by piece, to `write`, each written before `write` returns. Exactly the
    /// declared byte count must be written; the padding after it is written here.
    public func add(name: String, _ body: (_ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws -> Void) throws {
        let displayPath = self.displayPath
        func failure(_ error: GGUFWriterError) -> FileError { FileError(path: displayPath, member: name, error) }
        guard usable else { throw failure(.closed) }
        guard next < declared.count, declared[next].name.isSameName(as: name) else {
            throw failure(.unexpectedTensor(added: name, expected: next < declared.count ? declared[next].name : nil))
        }
        let expected = byteCounts[next]
        // Unusable until the tensor is complete: a failure leaves the offsets of the rest wrong.
        usable = false
        var written = 0
        let descriptor = fileDescriptor
        try body { (piece) throws(FileError) in
            guard written + piece.count <= expected else {
                throw failure(.wrongByteCount(tensor: name, expected: expected, written: written + piece.count))
            }
            do throws(GGUFWriterError) {
                try Self.writeFully(descriptor, piece)
            } catch {
                throw failure(error)
            }
            written += piece.count
        }
        guard written == expected else { throw failure(.wrongByteCount(tensor: name, expected: expected, written: written)) }
        do throws(GGUFWriterError) {
            try Self.writeZeros(descriptor, count: (alignment - expected % alignment) % alignment)
        } catch {
            throw failure(error)
        }
        next += 1
        usable = true
    }

    /// Adds the next declared tensor, `name`, holding `bytes`.
    public func add(name: String, bytes: UnsafeRawBufferPointer) throws {
        try add(name: name) { write in try write(bytes) }
    }

    /// Closes the file after checking that every declared tensor was added.
    public func finish() throws(FileError) {
        guard usable else { throw FileError(path: displayPath, GGUFWriterError.closed) }
        guard next == declared.count else {
            throw FileError(path: displayPath, GGUFWriterError.missingTensors(declared[next...].map(\.name)))
        }
        usable = false
        let descriptor = fileDescriptor
        fileDescriptor = -1
        guard close(descriptor) == 0 else {
            throw FileError(path: displayPath, GGUFWriterError.writeFailed(String(cString: strerror(errno))))
        }
    }

    /// Writes all of `bytes` to `descriptor` (`QuantKit.writeFully`), its failure as a `GGUFWriterError`.
    private static func writeFully(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(GGUFWriterError) {
        let failure = QuantKit.writeFully(descriptor, bytes)
        guard failure == 0 else { throw .writeFailed(String(cString: strerror(failure))) }
    }

    /// Writes `count` zero bytes, a page at a time (an alignment may be up to 2^31).
    private static func writeZeros(_ descriptor: Int32, count: Int) throws(GGUFWriterError) {
        guard count > 0 else { return }
        let page = UnsafeMutableRawBufferPointer.allocate(byteCount: min(count, 4096), alignment: 1)
        defer { page.deallocate() }
        page.initializeMemory(as: UInt8.self, repeating: 0)
        var left = count
        while left > 0 {
            let piece = min(left, page.count)
            try writeFully(descriptor, UnsafeRawBufferPointer(rebasing: page[0 ..< piece]))
            left -= piece
        }
    }
}
