import Foundation

/// What a run has put on disk and must take away again if it is interrupted: temporary files,
/// outputs committed by a run that has not finished, and folders it created.
///
/// SIGINT, SIGTERM and SIGHUP are blocked in every thread (`install()` runs before any other
/// thread exists, and threads inherit the mask), and one dedicated thread waits for them with
/// `sigwait`. That thread is an ordinary thread, not a signal handler, so it may take the
/// registry's lock: it removes every registered file, then every registered folder (deepest
/// first, `rmdir`, so a folder that somehow holds other files stays), writes one line (on a
/// terminal, first erasing the line a progress bar may hold) and ends
/// the process with `128 + signal` (130, 143, 129). Whoever changes the file system in a way the
/// registry records (a commit renaming a temporary file) does it under the same lock, so the
/// cleanup never sees a half-done step.
///
/// A process that never calls `install()` (the tests, a library user) keeps the default signal
/// behaviour; the registry then only costs a few dictionary entries per run.
public final class InterruptCleanup: @unchecked Sendable {
    /// The registry of this process.
    public static let shared = InterruptCleanup()

    /// A registered path; hand it back to `remove(_:)`.
    public struct Token: Hashable, Sendable {
        fileprivate let id: Int
    }

    public enum Kind: Sendable {
        case file, folder
    }

    private let lock = NSLock()
    private var nextID = 0
    private var entries: [Int: (kind: Kind, path: String)] = [:]

    /// When this process started (used to recognize leftover temporary files of older runs).
    public let processStart = Date()

    /// Records `path` for removal on interrupt.
    public func add(_ kind: Kind, _ path: String) -> Token {
        lock.withLock { addLocked(kind, path) }
    }

    /// `add`, inside `withLock`.
    func addLocked(_ kind: Kind, _ path: String) -> Token {
        nextID += 1
        entries[nextID] = (kind, path)
        return Token(id: nextID)
    }

    /// Forgets `token`: its path stays whatever happens.
    public func remove(_ token: Token) {
        lock.withLock { _ = entries.removeValue(forKey: token.id) }
    }

    /// Runs `body` with the registry locked: a file-system step and the registry change that
    /// records it happen together or not at all, as the cleanup sees them.
    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        try lock.withLock(body)
    }

    /// Changes what `token` records (a temporary file that has become the committed output);
    /// call inside `withLock`.
    func replaceLocked(_ token: Token, with path: String) {
        entries[token.id]?.path = path
    }

    /// Removes every registered file, then every registered folder, newest first.
    func removeEverything() {
        lock.withLock { removeLocked(Array(entries.keys)) }
    }

    /// Removes the files, then the folders, of `tokens`, newest first, and forgets them.
    func removeAll(_ tokens: [Token]) {
        lock.withLock { removeLocked(tokens.map(\.id)) }
    }

    private func removeLocked(_ ids: [Int]) {
        let ordered = ids.sorted(by: >).compactMap { entries.removeValue(forKey: $0) }
        for (kind, path) in ordered where kind == .file { unlink(path) }
        for (kind, path) in ordered where kind == .folder { rmdir(path) }
    }

    /// Held while a progress frame is written to the terminal; the interrupt line takes it and
    /// never gives it back (the process ends), so no frame is drawn after that line.
    public static let terminalLock = NSLock()

    /// Blocks SIGINT, SIGTERM and SIGHUP in this thread (and so in every thread started after)
    /// and starts the thread that waits for them. Call first thing in `main`, before any other
    /// thread exists.
    public static func install() {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let waiting = signals
        let thread = Thread {
            var set = waiting
            var received: Int32 = 0
            while sigwait(&set, &received) != 0 {}
            shared.removeEverything()
            // On a terminal the line first erases whatever progress bar is drawn, after any frame
            // being written, and no frame follows it.
            terminalLock.lock()
            let erase = isatty(STDERR_FILENO) != 0 ? "\r\u{1B}[K" : ""
            let line = Array((erase + "quantize: interrupted; nothing written\n").utf8)
            _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            _exit(128 + received)
        }
        thread.start()
    }
}
