import Foundation

/// Everything one run puts on disk beyond its temporary files: the outputs it has committed and
/// the folders it created. Until `keep()` they are registered with `InterruptCleanup` (a signal
/// removes them); `undo()` removes them itself, when a later step of the run fails, so a run
/// that does not finish leaves nothing behind. Each run has its own record, so concurrent runs
/// in one process (the tests) never undo each other's files.
public final class OutputRun: @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: [InterruptCleanup.Token] = []

    public init() {}

    /// Records a committed output (called by `AtomicOutput.commit` inside the registry's lock).
    func adopt(_ token: InterruptCleanup.Token) {
        lock.withLock { tokens.append(token) }
    }

    /// Creates `folder` and every missing folder above it, recording each one created.
    public func createFolder(_ folder: String) throws(OutputError) {
        var missing: [String] = []
        var path = folder
        var status = stat()
        while !path.isEmpty, path != "/", path != ".", lstat(path, &status) != 0 {
            missing.append(path)
            path = Self.parentFolder(of: path)
        }
        for path in missing.reversed() {
            let created: Bool = InterruptCleanup.shared.withLock {
                guard mkdir(path, 0o777) == 0 else { return false }
                let token = InterruptCleanup.shared.addLocked(.folder, path)
                lock.withLock { tokens.append(token) }
                return true
            }
            guard created || errno == EEXIST else { throw .cannotCreate(path, String(cString: strerror(errno))) }
        }
    }

    /// The folder part of `path`, trailing slashes ignored: "" for a bare name ("a", "q/"), "/"
    /// for a name at the root. (Foundation's `deletingLastPathComponent` traps on a
    /// one-character relative path.)
    static func parentFolder(of path: String) -> String {
        let slash = UInt8(ascii: "/")
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == slash { bytes.removeLast() }
        guard let last = bytes.lastIndex(of: slash) else { return "" }
        var parent = Array(bytes[..<last])
        while parent.count > 1, parent.last == slash { parent.removeLast() }
        return parent.isEmpty ? "/" : String(decoding: parent, as: UTF8.self)
    }

    /// Removes the committed outputs, then the created folders (newest first, only if empty).
    public func undo() {
        let recorded = lock.withLock { defer { tokens.removeAll() }; return tokens }
        InterruptCleanup.shared.removeAll(recorded)
    }

    /// The run is complete: its files and folders stay.
    public func keep() {
        let recorded = lock.withLock { defer { tokens.removeAll() }; return tokens }
        for token in recorded { InterruptCleanup.shared.remove(token) }
    }
}
