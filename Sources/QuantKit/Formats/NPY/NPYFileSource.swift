/// A single `.npy` file seen as a source of one tensor, named after the file's stem
/// (`weights/fc1.npy` holds `fc1`).
///
/// Creating the source reads only the header; `load` reads the data straight into the tensor's
/// storage (one copy for little-endian C-order files). Every error is a `FileError` naming
/// `path`, wrapping a `FileReadError` or an `NPYError`.
public struct NPYFileSource: TensorSource {
    public let path: String
    public let header: NPYHeader
    public var tensors: [TensorInfo] { [TensorInfo(name: name, dtype: header.dtype, shape: header.shape)] }
    /// The file name without directories and without its last extension.
    public let name: String

    /// Opens `path` and reads its header; the file must hold exactly header and data.
    public init(path: String) throws(FileError) {
        self.path = path
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex {
            name = String(fileName[..<dot])
        } else {
            name = fileName
        }
        do {
            let file = try ReadOnlyFile(path: path)
            guard file.size > 0 else { throw FileReadError.fileIsEmpty }
            let size = Int(clamping: file.size)
            let prelude = try file.readBytes(at: 0, count: min(NPYHeader.preludeLength, size))
            let headerLength = try NPYHeader.totalHeaderLength(prelude: prelude)
            guard headerLength <= size else {
                throw NPYError.headerLengthPastEnd(declared: headerLength, available: size)
            }
            let headerBytes = headerLength > prelude.count
                ? prelude + (try file.readBytes(at: UInt64(prelude.count), count: headerLength - prelude.count))
                : prelude
            header = try NPYHeader.parse(headerBytes)
            try Self.checkDataSize(of: file, header: header)
        } catch {
            throw FileError(path: path, error)
        }
    }

    /// Reads the tensor; `name` must be the file's stem.
    public func load(_ name: String) throws -> Tensor {
        guard name == self.name else {
            throw FileError(path: path, NPYError.noSuchTensor(requested: name, available: self.name))
        }
        do {
            let file = try ReadOnlyFile(path: path)
            // The file may have changed since `init` read its header.
            try Self.checkDataSize(of: file, header: header)
            let data = try file.readBytes(at: UInt64(header.headerLength), count: header.dataByteCount)
            return try makeTensor(header: header, data: data)
        } catch {
            throw FileError(path: path, error)
        }
    }

    /// The data, mapped into memory (`FileMapping`, held by `scratch`); big-endian and
    /// Fortran-order files go through `load`, which reorders them.
    public func read(_ name: String, into scratch: ScratchBuffer) throws -> (info: TensorInfo, bytes: UnsafeRawBufferPointer) {
        guard name == self.name else {
            throw FileError(path: path, NPYError.noSuchTensor(requested: name, available: self.name))
        }
        guard !header.fortranOrder, !header.bigEndian || header.dtype.byteSize == 1 else {
            return try readByLoading(name, into: scratch)
        }
        do {
            let file = try ReadOnlyFile(path: path)
            try Self.checkDataSize(of: file, header: header)
            scratch.release()
            let mapping = try FileMapping(file: file, offset: UInt64(header.headerLength), count: header.dataByteCount)
            scratch.hold(mapping)
            return (TensorInfo(name: name, dtype: header.dtype, shape: header.shape), mapping.bytes)
        } catch {
            throw FileError(path: path, error)
        }
    }

    /// Copies the data in pieces read with `pread` (see `TensorSource.copy`); big-endian and
    /// Fortran-order files are reordered whole, through `load`.
    public func copy(_ name: String, pieceSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard name == self.name else {
            throw FileError(path: path, NPYError.noSuchTensor(requested: name, available: self.name))
        }
        guard !header.fortranOrder, !header.bigEndian || header.dtype.byteSize == 1 else {
            return try copyByReading(name, pieceSize: pieceSize, body)
        }
        let start = UInt64(header.headerLength)
        do {
            let file = try ReadOnlyFile(path: path)
            try Self.checkDataSize(of: file, header: header)
            try PieceBuffers(total: header.dataByteCount, pieceSize: pieceSize).copy(
                total: header.dataByteCount, fill: { offset, piece in try file.read(at: start + UInt64(offset), into: piece) },
                to: body)
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(path: path, error)
        }
    }

    /// Refuses a file whose data is shorter or longer than `header`'s shape implies.
    private static func checkDataSize(of file: ReadOnlyFile, header: NPYHeader) throws(NPYError) {
        let dataBytes = Int(clamping: file.size) - header.headerLength
        guard dataBytes >= header.dataByteCount else {
            throw .truncatedData(expected: header.dataByteCount, actual: dataBytes)
        }
        guard dataBytes == header.dataByteCount else {
            throw .trailingData(count: dataBytes - header.dataByteCount)
        }
    }
}
