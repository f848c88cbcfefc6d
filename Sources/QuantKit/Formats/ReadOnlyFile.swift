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
    /// Not a regular file: a FIFO, pipe, device or socket (refused before it is opened).
    case notRegularFile(SpecialFileKind)
    /// The file ended before `offset + count` bytes could be read.
    case unexpectedEnd(offset: UInt64, count: Int)
    /// A system call failed with `errno`.
    case systemError(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .noSuchFile: "no such file"
        case .isDirectory: "is a directory, not a file"
        case .fileIsEmpty: "file is empty"
        case .notRegularFile(let kind): "is \(kind), not a regular file"
        case .unexpectedEnd(let offset, let count): "file ends before the \(count) bytes at offset \(offset) (truncated?)"
        case .systemError(let operation, let errno): "\(operation) failed: \(String(cString: strerror(errno)))"
        }
    }
}

/// A file opened for reading, its size taken when opened. Every read names its offset
/// (`pread`), so the file has no cursor and one instance can serve several readers, on
/// several threads. Closed when the last reference goes away.
final class ReadOnlyFile: Sendable {
    let descriptor: Int32
    /// The size in bytes at open.
    let size: UInt64

    /// Opens `path`, refusing a missing file, a directory and anything but a regular file.
    ///
    /// The path is `stat`ed before it is opened, and opened non-blocking, so a FIFO is refused
    /// at once instead of blocking `open` until a writer appears; the opened file is checked
    /// again (it may have been replaced in between).
    init(path: String) throws(FileReadError) {
        if let kind = SpecialFileKind.of(path: path) { throw .notRegularFile(kind) }
        descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw errno == ENOENT ? .noSuchFile : .systemError(operation: "open", errno: errno)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let error = errno
            close(descriptor)
            throw .systemError(operation: "stat", errno: error)
        }
        guard (status.st_mode & S_IFMT) != S_IFDIR else {
            close(descriptor)
            throw .isDirectory
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw .notRegularFile(SpecialFileKind(mode: status.st_mode))
        }
        size = UInt64(status.st_size)
    }

    deinit {
        close(descriptor)
    }

    /// Fills `buffer` with the bytes at `offset`, retrying interrupted and short reads; throws
    /// `.unexpectedEnd` when the file ends first.
    func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(FileReadError) {
        var done = 0
        while done < buffer.count {
            let (position, overflow) = offset.addingReportingOverflow(UInt64(done))
            guard !overflow, let fileOffset = off_t(exactly: position) else {
                throw .unexpectedEnd(offset: offset, count: buffer.count)
            }
            let got = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, fileOffset)
            if got < 0 {
                if errno == EINTR { continue }
                throw .systemError(operation: "read", errno: errno)
            }
            guard got > 0 else { throw .unexpectedEnd(offset: offset, count: buffer.count) }
            done += got
        }
    }

    /// The `count` bytes at `offset`; see `read(at:into:)`.
    func readBytes(at offset: UInt64, count: Int) throws(FileReadError) -> [UInt8] {
        var failure: FileReadError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(FileReadError) {
                try read(at: offset, into: UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }
}
