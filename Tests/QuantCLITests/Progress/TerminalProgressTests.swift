import Foundation
@testable import QuantCLI
import QuantKit
import Testing

/// A console collecting what goes to standard error, with the given terminal answer.
private final class Captured: @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [String] = []
    var text: [String] { lock.withLock { chunks } }
    func console(terminal: Bool) -> Console {
        Console(out: { _ in }, err: { chunk in self.lock.withLock { self.chunks.append(chunk) } }, errIsTerminal: terminal,
                errColumns: { 60 })
    }
}

private final class FakeClock: @unchecked Sendable {
    var now = 0.0
}

@Test func framesAreThrottledRedrawnInPlaceAndErasedAtTheEnd() throws {
    let captured = Captured()
    let clock = FakeClock()
    let made = TerminalProgress.make(captured.console(terminal: true), quiet: false, interval: 0.1, clock: { @Sendable in clock.now })
    let bar = try #require(made)
    for step in 0 ... 20 {
        clock.now = Double(step) * 0.03
        bar.update(label: "w", done: step, total: 20, unit: .items("blocks"))
    }
    bar.finish()
    let frames = captured.text
    // The first frame at 0, then one at least 0.1 s after the last drawn: 0, 0.12, 0.24, 0.36, 0.48, 0.6.
    #expect(frames.count == 7)
    #expect(frames.dropLast().allSatisfy { $0.hasPrefix("\r") && $0.hasSuffix("\u{1B}[K") && $0.count <= 59 + 4 })
    #expect(frames[1].contains("4/20 blocks") && frames[1].contains("ETA 1s"))
    #expect(frames.last == "\r\u{1B}[K")
}

@Test func noTerminalOrQuietMeansNoBar() {
    #expect(TerminalProgress.make(Captured().console(terminal: false), quiet: false) == nil)
    #expect(TerminalProgress.make(Captured().console(terminal: true), quiet: true) == nil)
}

@Test func finishingABarNeverDrawnWritesNothing() throws {
    let captured = Captured()
    try #require(TerminalProgress.make(captured.console(terminal: true), quiet: false)).finish()
    #expect(captured.text.isEmpty)
}
