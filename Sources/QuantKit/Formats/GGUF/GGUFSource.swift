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
/// Only tensors whose ggml type stores plain elements (f32, f16, bf16, f64 and the integers;
/// `GGMLType.dtype`) can be read as arrays, so only those are in `tensors`. Tensors of ggml
/// block types (q4_0, q6_K, ...) are in `ggmlTensors` with every other tensor, and are listed
/// on their own by `blockTypeTensors`; asking `load` or `read` for one refuses it by name and
/// type. Every error is a `FileError` naming `path` (and the tensor, where there is one),
/// wrapping a `FileReadError` or a `GGUFError`.
public final class GGUFSource: TensorSource {
    public let path: String
    /// The header: version, metadata, every tensor, alignment.
    public let header: GGUFHeader
    /// The tensors with a `DType`, in file order, shapes outermost first.
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
        tensors = header.tensors.compactMap { tensor in
            tensor.type.dtype.map { TensorInfo(name: tensor.name, dtype: $0, shape: tensor.shape) }
        }
        entries = Dictionary(uniqueKeysWithValues: header.tensors.map { (ExactName($0.name), $0) })
    }

    /// Every tensor in file order, with its ggml type and dimensions innermost first.
    public var ggmlTensors: [GGUFTensorInfo] { header.tensors }

    /// The tensors of ggml block types, which `tensors` leaves out, in file order.
    public var blockTypeTensors: [GGUFTensorInfo] { header.tensors.filter { $0.type.dtype == nil } }

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
        let (tensor, dtype) = try arrayTensor(name)
        do {
            let bytes = try file.readBytes(at: header.dataStart + tensor.offset, count: tensor.byteCount)
            return try Tensor(dtype: dtype, shape: tensor.shape, bytes: bytes)
        } catch {
            throw FileError(path: path, member: name, error)
        }
    }

    /// The data of `name`, mapped into memory (`FileMapping`, held by `scratch`).
    public func read(_ name: String, into scratch: ScratchBuffer) throws -> (info: TensorInfo, bytes: UnsafeRawBufferPointer) {
        let (tensor, dtype) = try arrayTensor(name)
        do {
            scratch.release()
            let mapping = try FileMapping(file: file, offset: header.dataStart + tensor.offset, count: tensor.byteCount)
            scratch.hold(mapping)
            return (TensorInfo(name: tensor.name, dtype: dtype, shape: tensor.shape), mapping.bytes)
        } catch {
            throw FileError(path: path, member: name, error)
        }
    }

    /// Copies `name` in pieces read with `pread` (see `TensorSource.copy`).
    public func copy(_ name: String, pieceSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try copyBytes(of: arrayTensor(name).tensor, pieceSize: pieceSize, body)
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

    /// The tensor `name` and its `DType`, refusing a block-type tensor.
    private func arrayTensor(_ name: String) throws(FileError) -> (tensor: GGUFTensorInfo, dtype: DType) {
        let tensor = try ggmlTensor(name)
        guard let dtype = tensor.type.dtype else {
            throw FileError(path: path, member: name, GGUFError.blockTypeTensor(tensor: name, type: tensor.type))
        }
        return (tensor, dtype)
    }
}
