import Foundation

/// An output file that appears whole or not at all.
///
/// Everything is written to a temporary file in the output's own folder (so the final step
/// stays on one file system and is atomic; see `TemporaryOutputName` for its name, and the
/// stale ones of killed runs this removes). The temporary file is registered with
/// `InterruptCleanup`, so a signal removes it too.
///
/// `commit()` without `overwrite` never replaces anything, even a file that appeared after
/// `init` checked (another run writing the same output): it hard-links the temporary file to
/// the destination (`link(2)` fails with `EEXIST` rather than replace) and then removes the
/// temporary name; on a file system without hard links it falls back to checking then
/// renaming. With `overwrite`, `rename(2)` replaces the destination, which must be a regular
/// file (or a symbolic link to one): devices, FIFOs, sockets and folders are refused. An output
/// that is the same file as an input is refused always.
public final class AtomicOutput {
    public let destination: String
    /// Where the data goes until `commit()`.
    public let temporaryPath: String
    private let overwrite: Bool
    private let token: InterruptCleanup.Token
    private let run: OutputRun?
    private var finished = false

    /// Prepares `destination`; with `run`, the committed file is recorded there (and removed
    /// again if the run is undone or interrupted).
    public init(destination: String, overwrite: Bool, inputs: [String], run: OutputRun? = nil) throws(OutputError) {
        guard !destination.isEmpty else { throw .emptyPath }
        for input in inputs where AtomicOutput.isSameFile(input, destination) {
            throw .wouldOverwriteInput(destination)
        }
        try AtomicOutput.checkReplaceable(destination, overwrite: overwrite)
        let url = URL(fileURLWithPath: destination)
        let folder = url.deletingLastPathComponent().path
        TemporaryOutputName.removeStale(inFolder: folder, runStart: InterruptCleanup.shared.processStart)
        let name = TemporaryOutputName.template(outputName: url.lastPathComponent, pid: getpid())
        var template = Array("\(folder)/\(name)".utf8CString)
        // Created and registered under the lock: a signal never finds a temporary file the
        // registry does not know.
        let (descriptor, token) = InterruptCleanup.shared.withLock {
            let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            return (descriptor, descriptor >= 0 ? InterruptCleanup.shared.addLocked(.file, path) : nil)
        }
        guard descriptor >= 0, let token else { throw .cannotCreate(destination, String(cString: strerror(errno))) }
        close(descriptor)
        self.destination = destination
        self.temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        self.overwrite = overwrite
        self.token = token
        self.run = run
    }

    /// Moves the finished temporary file to the destination: never replacing anything without
    /// `overwrite`, only a regular file with it.
    public func commit() throws(OutputError) {
        precondition(!finished, "output committed or discarded twice")
        finished = true
        // mkstemp creates files 0600; give the output the permissions a normal new file gets.
        let mask = umask(0)
        umask(mask)
        chmod(temporaryPath, 0o666 & ~mask)
        let failure: OutputError? = InterruptCleanup.shared.withLock {
            do throws(OutputError) {
                try AtomicOutput.checkReplaceable(destination, overwrite: overwrite)
                try overwrite ? replace() : linkWithoutReplacing()
            } catch {
                unlink(temporaryPath)
                return error
            }
            if let run {
                InterruptCleanup.shared.replaceLocked(token, with: destination)
                run.adopt(token)
            }
            return nil
        }
        if run == nil { InterruptCleanup.shared.remove(token) }
        if let failure { throw failure }
    }

    private func replace() throws(OutputError) {
        guard rename(temporaryPath, destination) == 0 else { throw .cannotCreate(destination, String(cString: strerror(errno))) }
    }

    private func linkWithoutReplacing() throws(OutputError) {
        if link(temporaryPath, destination) == 0 {
            unlink(temporaryPath)
            return
        }
        switch errno {
        case EEXIST:
            throw .exists(destination)
        case EPERM, EOPNOTSUPP, EMLINK:
            // No hard links here (some FUSE and FAT file systems): the check just made by
            // `checkReplaceable` is the best that remains.
            try replace()
        default:
            throw .cannotCreate(destination, String(cString: strerror(errno)))
        }
    }

    /// Removes the temporary file; the destination is untouched.
    public func discard() {
        guard !finished else { return }
        finished = true
        unlink(temporaryPath)
        InterruptCleanup.shared.remove(token)
    }

    deinit { discard() }

    /// Refuses a destination that is a folder, that exists when `overwrite` is not set, or that
    /// is not a regular file (after following symbolic links) when it is.
    static func checkReplaceable(_ destination: String, overwrite: Bool) throws(OutputError) {
        var status = stat()
        guard lstat(destination, &status) == 0 else { return }
        var target = status
        if (status.st_mode & S_IFMT) == S_IFLNK, stat(destination, &target) != 0 { target = status }
        if (target.st_mode & S_IFMT) == S_IFDIR { throw .isDirectory(destination) }
        if !overwrite { throw .exists(destination) }
        let kind = target.st_mode & S_IFMT
        guard kind == S_IFREG || kind == S_IFLNK else { throw .notRegularFile(destination, SpecialFileKind(mode: kind)) }
    }

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
    case emptyPath
    case exists(String)
    case isDirectory(String)
    case notRegularFile(String, SpecialFileKind)
    case wouldOverwriteInput(String)
    case cannotCreate(String, String)

    public var description: String {
        switch self {
        case .emptyPath: "the output path is empty"
        case .exists(let path): "\(path.escapedForMessage): output exists"
        case .isDirectory(let path): "\(path.escapedForMessage): output is a directory"
        case .notRegularFile(let path, let kind):
            "\(path.escapedForMessage): output is \(kind), not a regular file; refusing to replace it"
        case .wouldOverwriteInput(let path): "\(path.escapedForMessage): output is the input file; refusing to overwrite it"
        case .cannotCreate(let path, let reason): "\(path.escapedForMessage): cannot write output: \(reason)"
        }
    }
}
