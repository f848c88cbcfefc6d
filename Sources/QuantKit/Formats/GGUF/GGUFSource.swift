#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A GGUF file (llama.cpp's format) seen as a source of tensors.
///
/// Opening reads and checks the header only (`GGUFHeader`: every tensor's size, alignment and
/// place in the file is checked before any data is read). The data is plain little-endian
/// bytes: `load` reads a tensor with one copy, `read` maps it into memory.
///
/// GGUF lists dimensions innermost first (`ne[0]`, the row length, comes first); `tensors`
/// gives them reversed, as the C-order shapes `TensorInfo` holds, so a GGUF `[11008, 4096]`
/// tensor is `[4096, 11008]` here, and its bytes are already in that C order.
///
/// Tensors whose ggml type stores plain elements (f32, f16, bf16, f64 and the integers;
/// `GGMLType.dtype`) are read as they are. Tensors of the block types `GGMLDequantizers` reads
/// (q4_0, q4_1, q5_0, q5_1, q8_0, q2_K ... q6_K) are read as float32, dequantized as ggml's
/// `dequantize_row_<type>` does, bit for bit: `read` into the scratch buffer (the stored blocks
/// mapped, not copied), `copy` a piece of whole blocks at a time (memory: two float32 pieces and
/// the blocks of one). Tensors of other types (IQ*, TQ*, ...) are left out of `tensors`
/// and listed by `unreadableTensors`; asking for one refuses it by name and type. `ggmlTensors`
/// lists every tensor with its ggml type. Every error is a `FileError` naming `path` (and the
/// tensor, where there is one), wrapping a `FileReadError`, a `GGUFError` or a
/// `GGMLQuantizationError`.
public final class GGUFSource: TensorSource, BlockQuantizedSource {
    public let path: String
    /// The header: version, metadata, every tensor, alignment.
    public let header: GGUFHeader
    /// The tensors this reads, in file order, shapes outermost first: those with a `DType` as
    /// stored, those of a block type `GGMLDequantizers` reads as float32.
    public let tensors: [TensorInfo]
    private let file: ReadOnlyFile
    private let entries: [ExactName: GGUFTensorInfo]

    /// Opens `path` and reads and checks its header.
    public init(path: String) throws(FileError) {
        self.path = path
        do {
            file = try ReadOnlyFile(path: path)
            header = try GGUFHeader.read(from: file)
        } catch let error as GGUFError {
            throw FileError(path: path, member: error.tensor, error)
        } catch {
            throw FileError(path: path, error)
        }
        tensors = header.tensors.compactMap { tensor in tensor.readDType.map { TensorInfo(name: tensor.name, dtype: $0, shape: tensor.shape) } }
        entries = Dictionary(uniqueKeysWithValues: header.tensors.map { (ExactName($0.name), $0) })
    }

    /// The file's size in bytes, as it was when opened.
    public var fileSize: UInt64 { file.size }

    /// Every tensor in file order, with its ggml type and dimensions innermost first.
    public var ggmlTensors: [GGUFTensorInfo] { header.tensors }

    /// The tensors of ggml types this does not read (no `DType`, no dequantizer), which
    /// `tensors` leaves out, in file order.
    public var unreadableTensors: [GGUFTensorInfo] { header.tensors.filter { $0.readDType == nil } }

    /// The ggml type and stored size of `name` when it is stored as blocks and read dequantized.
    public func storedBlocks(of name: String) -> (typeName: String, byteCount: Int)? {
        guard let tensor = entries[ExactName(name)], tensor.isDequantizedOnRead else { return nil }
        return (tensor.type.description, tensor.byteCount)
    }

    /// Every metadata entry in file order, typed.
    public var metadata: [GGUFMetadataEntry] { header.metadata }

    /// The metadata entries whose key and string value are UTF-8 (`general.name`, ...).
    public var headerMetadata: [String: String] {
        var strings: [String: String] = [:]
        for entry in header.metadata {
            guard let key = entry.key.string, case .string(let value) = entry.value, let text = value.string else { continue }
            strings[key] = text
        }
        return strings
    }

    /// Reads the tensor called `name` in full.
    public func load(_ name: String) throws -> Tensor {
        let (tensor, dtype) = try readableTensor(name)
        do {
            let bytes = try file.readBytes(at: header.dataStart + tensor.offset, count: tensor.byteCount)
            guard tensor.isDequantizedOnRead else { return try Tensor(dtype: dtype, shape: tensor.shape, bytes: bytes) }
            var values = [Float](repeating: 0, count: tensor.elementCount)
            try bytes.withUnsafeBytes { blocks in
                try values.withUnsafeMutableBufferPointer { try GGMLDequantizers.dequantize(tensor.type, blocks: blocks, into: $0) }
            }
            return Tensor(shape: tensor.shape, values: values)
        } catch {
            throw FileError(path: path, member: name, error)
        }
    }

    /// The data of `name`, mapped into memory (`FileMapping`, held by `scratch`).
    public func read(_ name: String, into scratch: ScratchBuffer) throws -> (info: TensorInfo, bytes: UnsafeRawBufferPointer) {
        let (tensor, dtype) = try readableTensor(name)
        let info = TensorInfo(name: tensor.name, dtype: dtype, shape: tensor.shape)
        do {
            guard tensor.isDequantizedOnRead else {
                scratch.release()
                let mapping = try FileMapping(file: file, offset: header.dataStart + tensor.offset, count: tensor.byteCount)
                scratch.hold(mapping)
                return (info, mapping.bytes)
            }
            let values = try scratch.prepare(count: 4 * tensor.elementCount).bindMemory(to: Float.self)
            let mapping = try FileMapping(file: file, offset: header.dataStart + tensor.offset, count: tensor.byteCount)
            try GGMLDequantizers.dequantize(tensor.type, blocks: mapping.bytes, into: values)
            return (info, UnsafeRawBufferPointer(values))
        } catch {
            throw FileError(path: path, member: name, error)
        }
    }

    /// Copies `name` in pieces read with `pread` (see `TensorSource.copy`); a tensor read
    /// dequantized comes in pieces of whole blocks' float32 values (at least one block's).
    public func copy(_ name: String, pieceSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let tensor = try readableTensor(name).tensor
        guard tensor.isDequantizedOnRead else { return try copyBytes(of: tensor, pieceSize: pieceSize, body) }
        try copyDequantized(tensor, pieceSize: pieceSize, body)
    }

    /// `copy` of a tensor read dequantized: the blocks of each piece read with `pread` into one
    /// buffer, then dequantized into the piece.
    private func copyDequantized(_ tensor: GGUFTensorInfo, pieceSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let type = tensor.type
        let valueBytesPerBlock = 4 * type.blockSize
        let blocksPerPiece = max(1, pieceSize / valueBytesPerBlock)
        let start = header.dataStart + tensor.offset
        do {
            let blocks = try allocateLarge(byteCount: min(tensor.byteCount, blocksPerPiece * type.blockBytes))
            defer { free(blocks.baseAddress) }
            try PieceBuffers(total: 4 * tensor.elementCount, pieceSize: blocksPerPiece * valueBytesPerBlock).copy(
                total: 4 * tensor.elementCount,
                fill: { offset, piece in
                    let first = offset / valueBytesPerBlock, count = piece.count / valueBytesPerBlock
                    let stored = UnsafeMutableRawBufferPointer(rebasing: blocks[0 ..< count * type.blockBytes])
                    try file.read(at: start + UInt64(first * type.blockBytes), into: stored)
                    try GGMLDequantizers.dequantize(type, blocks: UnsafeRawBufferPointer(stored), into: piece.bindMemory(to: Float.self))
                },
                to: body)
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(path: path, member: tensor.name, error)
        }
    }

    /// `copy` for a tensor of any ggml type, its stored bytes as they are (to copy a block-type
    /// tensor into another GGUF file).
    public func copyStoredBytes(_ name: String, pieceSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try copyBytes(of: ggmlTensor(name), pieceSize: pieceSize, body)
    }

    /// The stored bytes of `tensor`, mapped into memory (`FileMapping`): read where the page
    /// cache holds them, with no copy; the caller may release the pages it is done with.
    func mapStoredBytes(of tensor: GGUFTensorInfo) throws(FileError) -> FileMapping {
        do {
            return try FileMapping(file: file, offset: header.dataStart + tensor.offset, count: tensor.byteCount)
        } catch {
            throw FileError(path: path, member: tensor.name, error)
        }
    }

    /// Hands the stored bytes of `tensor` to `body` in pieces, then an empty piece.
    private func copyBytes(of tensor: GGUFTensorInfo, pieceSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let name = tensor.name
        let start = header.dataStart + tensor.offset
        do {
            try PieceBuffers(total: tensor.byteCount, pieceSize: pieceSize).copy(
                total: tensor.byteCount, fill: { offset, piece in try file.read(at: start + UInt64(offset), into: piece) },
                to: body)
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(path: path, member: name, error)
        }
    }

    /// The tensor `name` of any type, or a `FileError` wrapping `.noSuchTensor`.
    public func ggmlTensor(_ name: String) throws(FileError) -> GGUFTensorInfo {
        guard let tensor = entries[ExactName(name)] else { throw FileError(path: path, GGUFError.noSuchTensor(name)) }
        return tensor
    }

    /// The tensor `name` and the `DType` it is read as, refusing a tensor of a type this does
    /// not read.
    private func readableTensor(_ name: String) throws(FileError) -> (tensor: GGUFTensorInfo, dtype: DType) {
        let tensor = try ggmlTensor(name)
        guard let dtype = tensor.readDType else {
            throw FileError(path: path, member: name, GGUFError.unreadableType(tensor: name, type: tensor.type))
        }
        return (tensor, dtype)
    }
}
