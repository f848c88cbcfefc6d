import ArgKit
import Foundation
import QuantKit

/// The progress bar of a long run, drawn on standard error when it is a terminal: each frame
/// (`ProgressLine`) replaces the last in place (`\r`, then the frame, then "erase to the end of
/// the line"), at most one frame per `interval` seconds (the first always shows), fitted to the
/// terminal's width as it is at each frame.
///
/// `make` gives none for a console whose error stream is no terminal, or with `--quiet`: a
/// pipe or a file never gets progress bytes. `finish()` erases the bar, so the next line (the
/// report, an error) starts clean; a run that fails calls it too (`defer`), and an interrupt
/// erases it from `InterruptCleanup`'s own line.
final class TerminalProgress: @unchecked Sendable {
    private let console: Console
    private let interval: Double
    private let clock: @Sendable () -> Double
    private let lock = NSLock()
    private var line: ProgressLine?
    private var lastDrawn: Double?

    /// A bar on `console`'s error stream, or nil when it is no terminal or `quiet`.
    static func make(_ console: Console, quiet: Bool, interval: Double = 0.1,
                     clock: @escaping @Sendable () -> Double = TerminalProgress.monotonicSeconds) -> TerminalProgress? {
        console.errIsTerminal && !quiet ? TerminalProgress(console: console, interval: interval, clock: clock) : nil
    }

    private init(console: Console, interval: Double, clock: @escaping @Sendable () -> Double) {
        (self.console, self.interval, self.clock) = (console, interval, clock)
    }

    /// Records that `done` of `total` units (nil: unknown) are finished, and redraws the bar
    /// unless the last frame is younger than the interval. A new `total` or `unit` starts a
    /// new estimate.
    func update(label: String, done: Int, total: Int?, unit: ProgressLine.Unit) {
        lock.withLock {
            let now = clock()
            if line == nil || line?.estimate.total != total || line?.unit != unit {
                line = ProgressLine(label: label, estimate: ProgressEstimate(total: total), unit: unit)
            }
            line!.label = label
            line!.estimate.record(done: done, at: now)
            if let lastDrawn, now - lastDrawn < interval { return }
            lastDrawn = now
            let frame = "\r" + line!.rendered(columns: console.errColumns()) + TerminalProgress.eraseToEndOfLine
            InterruptCleanup.terminalLock.withLock { console.err(frame) }
        }
    }

    /// Erases the bar, if one was drawn; the next update draws a new one.
    func finish() {
        lock.withLock {
            if lastDrawn != nil { InterruptCleanup.terminalLock.withLock { console.err("\r" + TerminalProgress.eraseToEndOfLine) } }
            (line, lastDrawn) = (nil, nil)
        }
    }

    /// `--quiet`, for every command that draws a bar.
    static let quietOption = OptionSpec.flag("quiet", help: "Draw no progress bar (one is drawn only when standard error is a terminal).")

    /// ECMA-48 "erase in line" from the cursor to the end.
    static let eraseToEndOfLine = "\u{1B}[K"

    /// Seconds of the monotonic clock (unaffected by changes of the wall clock).
    @Sendable static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
