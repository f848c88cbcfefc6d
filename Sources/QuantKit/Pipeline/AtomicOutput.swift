import Foundation

/// An output file that appears whole or not at all.
///
/// Everything is written to a temporary file in the output's own folder (so the final rename
/// stays on one file system and is atomic); `commit()` renames it over the destination,
/// `discard()` removes it. An output that already exists is refused unless `overwrite` is set,
/// and an output that is the same file as an input is refused always.
public final class AtomicOutput {
    public let destination: String
    /// Where the data goes until `commit()`.
    public let temporaryPath: String
    private var finished = false

    public init(destination: String, overwrite: Bool, inputs: [String]) throws(OutputError) {
        for input in inputs where AtomicOutput.isSameFile(input, destination) {
            throw .wouldOverwriteInput(destination)
        }
        var status = stat()
        if lstat(destination, &status) == 0 {
            if (status.st_mode & S_IFMT) == S_IFDIR { throw .isDirectory(destination) }
            if !overwrite { throw .exists(destination) }
        }
        let url = URL(fileURLWithPath: destination)
        let folder = url.deletingLastPathComponent().path
        var template = Array("\(folder)/.\(url.lastPathComponent).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw .cannotCreate(destination, String(cString: strerror(errno))) }
        close(descriptor)
        self.destination = destination
        self.temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Moves the finished temporary file to the destination (replacing it, if `overwrite` allowed that).
    public func commit() throws(OutputError) {
        precondition(!finished, "output committed or discarded twice")
        finished = true
        // mkstemp creates files 0600; give the output the permissions a normal new file gets.
        let mask = umask(0)
        umask(mask)
        chmod(temporaryPath, 0o666 & ~mask)
        guard rename(temporaryPath, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw .cannotCreate(destination, reason)
        }
    }

    /// Removes the temporary file; the destination is untouched.
    public func discard() {
        guard !finished else { return }
        finished = true
        unlink(temporaryPath)
    }

    deinit { discard() }

    /// Whether `a` and `b` name the same existing file (same device and inode).
    static func isSameFile(_ a: String, _ b: String) -> Bool {
        var first = stat()
        var second = stat()
        guard stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }
}

/// Why an output could not be written.
public enum OutputError: Error, Equatable, Sendable, CustomStringConvertible {
    case exists(String)
    case isDirectory(String)
    case wouldOverwriteInput(String)
    case cannotCreate(String, String)

    public var description: String {
        switch self {
        case .exists(let path): "\(path): output exists; pass --force to replace it"
        case .isDirectory(let path): "\(path): output is a directory"
        case .wouldOverwriteInput(let path): "\(path): output is the input file; refusing to overwrite it"
        case .cannotCreate(let path, let reason): "\(path): cannot write output: \(reason)"
        }
    }
}
