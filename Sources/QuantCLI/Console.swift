import Foundation

/// Where a command's words go: reports and help to `out`, errors and progress to `err`.
/// Tests pass closures that collect the text; the executable passes the standard streams.
public struct Console: Sendable {
    public let out: @Sendable (String) -> Void
    public let err: @Sendable (String) -> Void
    /// Whether `err` is a terminal: progress lines are shown only then.
    public let errIsTerminal: Bool
    /// The width of `err`'s terminal, in columns, asked at each call (a window may be resized).
    public let errColumns: @Sendable () -> Int

    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void, errIsTerminal: Bool,
                errColumns: @escaping @Sendable () -> Int = { 80 }) {
        self.out = out
        self.err = err
        self.errIsTerminal = errIsTerminal
        self.errColumns = errColumns
    }

    /// The process's standard output and standard error.
    public static let standard = Console(
        out: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
        err: { text in FileHandle.standardError.write(Data(text.utf8)) },
        errIsTerminal: isatty(STDERR_FILENO) != 0,
        errColumns: standardErrorColumns
    )

    /// The columns of the terminal on standard error (`TIOCGWINSZ`), 80 when it gives none.
    @Sendable static func standardErrorColumns() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
