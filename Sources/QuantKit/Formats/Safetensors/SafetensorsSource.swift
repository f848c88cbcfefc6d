/// A safetensors file (huggingface/safetensors) seen as a source of tensors.
///
/// Opening reads the 8-byte header length and the JSON header only, and checks the header as
/// `SafetensorsHeader` describes (bounded to 100 MB before a byte of it is read; offsets that
/// tile the data section exactly). The data is then plain little-endian C-order bytes: `load`
/// reads a tensor with one copy, `read` maps it into memory. Every error is a `FileError`
/// naming `path` (and the tensor, where there is one), wrapping a `FileReadError` or a
/// `SafetensorsError`.
public final class SafetensorsSource: TensorSource {
    public let path: String
    /// Every tensor in data-offset order.
    public let tensors: [TensorInfo]
    /// The header's `__metadata__` (string keys and values; empty when absent).
    public let headerMetadata: [String: String]
    private let file: ReadOnlyFile
    /// Where the data section starts in the file: 8 + the header length.
    private let dataStart: UInt64
    private let entries: [ExactName: SafetensorsHeader.Entry]

    /// Opens `path` and reads and checks its header.
    public init(path: String) throws(FileError) {
        self.path = path
        let header: SafetensorsHeader
        do {
            file = try ReadOnlyFile(path: path)
            guard file.size >= 8 else { throw SafetensorsError.truncatedHeaderLength(fileSize: file.size) }
            let lengthBytes = try file.readBytes(at: 0, count: 8)
            let length = lengthBytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
            guard length <= UInt64(SafetensorsHeader.maxLength) else { throw SafetensorsError.headerTooLarge(declared: length) }
            guard length <= file.size - 8 else {
                throw SafetensorsError.headerPastEnd(declared: length, available: file.size - 8)
            }
            dataStart = 8 + length
            header = try SafetensorsHeader.parse(json: file.readBytes(at: 8, count: Int(length)),
                                                 dataSize: Int(clamping: file.size - dataStart))
        } catch let error as SafetensorsError {
            throw FileError(path: path, member: error.tensor, error)
        } catch {
            throw FileError(path: path, error)
        }
        tensors = header.entries.map(\.info)
        headerMetadata = header.metadata
        entries = Dictionary(uniqueKeysWithValues: header.entries.map { (ExactName($0.info.name), $0) })
    }

    /// Reads the tensor called `name` in full.
    public func load(_ name: String) throws -> Tensor {
        let entry = try self.entry(name)
        do {
            let bytes = try file.readBytes(at: dataStart + UInt64(entry.begin), count: entry.end - entry.begin)
            return try Tensor(dtype: entry.info.dtype, shape: entry.info.shape, bytes: bytes)
        } catch {
            throw FileError(path: path, member: name, error)
        }
    }

    /// The data of `name`, mapped into memory (`FileMapping`, held by `scratch`).
    public func read(_ name: String, into scratch: ScratchBuffer) throws -> (info: TensorInfo, bytes: UnsafeRawBufferPointer) {
        let entry = try self.entry(name)
        do {
            scratch.release()
            let mapping = try FileMapping(file: file, offset: dataStart + UInt64(entry.begin), count: entry.end - entry.begin)
            scratch.hold(mapping)
            return (entry.info, mapping.bytes)
        } catch {
            throw FileError(path: path, member: name, error)
        }
    }

    /// Copies `name` in pieces read with `pread` (see `TensorSource.copy`).
    public func copy(_ name: String, pieceSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let entry = try self.entry(name)
        let start = dataStart + UInt64(entry.begin)
        do {
            try PieceBuffers(total: entry.end - entry.begin, pieceSize: pieceSize).copy(
                total: entry.end - entry.begin, fill: { offset, piece in try file.read(at: start + UInt64(offset), into: piece) },
                to: body)
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(path: path, member: name, error)
        }
    }

    /// The entry of `name`, or a `FileError` wrapping `.noSuchTensor`.
    private func entry(_ name: String) throws(FileError) -> SafetensorsHeader.Entry {
        guard let entry = entries[ExactName(name)] else { throw FileError(path: path, SafetensorsError.noSuchTensor(name)) }
        return entry
    }
}
