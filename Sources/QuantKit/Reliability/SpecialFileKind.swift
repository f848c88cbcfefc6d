#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path is when it is not a regular file or a folder: the kinds of file an input is
/// refused as before a byte is read (a FIFO would block `open` until a writer came, a device
/// never ends, a pipe cannot be read twice), and an output is refused as by `--force`.
public enum SpecialFileKind: Equatable, Sendable, CustomStringConvertible {
    case fifo
    /// A pipe reached through `/dev/stdin`, `/dev/fd/N` or `/proc/self/fd/N`.
    case pipe
    case characterDevice
    case blockDevice
    case socket
    case directory
    case symbolicLink
    case unknown(mode: UInt32)

    /// The kind `mode`'s file type bits (`st_mode & S_IFMT`) name.
    public init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFIFO: self = .fifo
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFSOCK: self = .socket
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symbolicLink
        default: self = .unknown(mode: UInt32(mode & S_IFMT))
        }
    }

    /// The kind of `path` (followed through symbolic links) when it is not a regular file or a
    /// folder; nil for those, and for a path that does not exist (the caller's `open` says so).
    /// Only `stat`s the path: nothing is opened, so a FIFO cannot block.
    public static func of(path: String) -> SpecialFileKind? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        let type = status.st_mode & S_IFMT
        guard type != S_IFREG, type != S_IFDIR else { return nil }
        guard type == S_IFIFO else { return SpecialFileKind(mode: type) }
        var link = stat()
        // A named pipe is a FIFO in the file system itself; reached through a link it is a pipe.
        return lstat(path, &link) == 0 && (link.st_mode & S_IFMT) == S_IFIFO ? .fifo : .pipe
    }

    public var description: String {
        switch self {
        case .fifo: "a FIFO (named pipe)"
        case .pipe: "a pipe"
        case .characterDevice: "a character device"
        case .blockDevice: "a block device"
        case .socket: "a socket"
        case .directory: "a directory"
        case .symbolicLink: "a symbolic link"
        case .unknown(let mode): "a special file (type 0o\(String(mode, radix: 8)))"
        }
    }
}
