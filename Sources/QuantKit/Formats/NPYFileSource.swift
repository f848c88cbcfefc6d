#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file cannot be opened or read, before its format is looked at.
public enum FileReadError: Error, Equatable, Sendable, CustomStringConvertible {
    case noSuchFile
    case isDirectory
    case fileIsEmpty
    /// A system call failed with `errno`.
    case systemError(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .noSuchFile: "no such file"
        case .isDirectory: "is a directory, not a file"
        case .fileIsEmpty: "file is empty"
        case .systemError(let operation, let errno): "\(operation) failed: \(String(cString: strerror(errno)))"
        }
    }
}

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
            let file = try _OpenFile(path: path)
            defer { file.closeFile() }
            let prelude = try file.readBytes(count: min(NPYHeader.preludeLength, file.size))
            let headerLength = try NPYHeader.totalHeaderLength(prelude: prelude)
            guard headerLength <= file.size else {
                throw NPYError.headerLengthPastEnd(declared: headerLength, available: file.size)
            }
            let headerBytes = headerLength > prelude.count
                ? prelude + (try file.readBytes(count: headerLength - prelude.count))
                : prelude
            header = try NPYHeader.parse(headerBytes)
            let dataBytes = file.size - headerLength
            guard dataBytes >= header.dataByteCount else {
                throw NPYError.truncatedData(expected: header.dataByteCount, actual: dataBytes)
            }
            guard dataBytes == header.dataByteCount else {
                throw NPYError.trailingData(count: dataBytes - header.dataByteCount)
            }
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
            let file = try _OpenFile(path: path)
            defer { file.closeFile() }
            try file.seek(to: header.headerLength)
            // Reading one byte more than expected catches a file that grew since `init`.
            let data = try file.readBytes(count: header.dataByteCount + 1)
            return try makeTensor(header: header, data: data)
        } catch {
            throw FileError(path: path, error)
        }
    }
}

/// An open file descriptor for reading, with its size taken when opened.
struct _OpenFile {
    let descriptor: Int32
    let size: Int

    /// Opens `path` read-only, refusing directories and empty files.
    init(path: String) throws(FileReadError) {
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw errno == ENOENT ? .noSuchFile : .systemError(operation: "open", errno: errno)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let error = errno
            close(descriptor)
            throw .systemError(operation: "stat", errno: error)
        }
        size = Int(status.st_size)
        if (status.st_mode & S_IFMT) == S_IFDIR || size == 0 {
            close(descriptor)
            throw (status.st_mode & S_IFMT) == S_IFDIR ? .isDirectory : .fileIsEmpty
        }
    }

    func closeFile() {
        _ = close(descriptor)
    }

    func seek(to offset: Int) throws(FileReadError) {
        guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else {
            throw .systemError(operation: "seek", errno: errno)
        }
    }

    /// Reads up to `count` bytes, fewer only at the end of the file.
    func readBytes(count: Int) throws(FileReadError) -> [UInt8] {
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            while initialized < count {
                let got = read(descriptor, buffer.baseAddress! + initialized, count - initialized)
                if got > 0 {
                    initialized += got
                } else if got == 0 {
                    break
                } else if errno != EINTR {
                    failure = errno
                    break
                }
            }
        }
        guard failure == 0 else { throw .systemError(operation: "read", errno: failure) }
        return bytes
    }
}
