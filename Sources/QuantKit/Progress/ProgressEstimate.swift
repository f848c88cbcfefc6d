/// How far a long run is and how long it has left, from timed samples of the work done
/// (bytes, blocks, batches: any unit that grows as the work does).
///
/// The rate is measured over a sliding window: `rate = (done₁ - done₀) / (t₁ - t₀)` between the
/// newest sample and the newest one at least `window` seconds older (or the oldest kept, early
/// in a run), so it follows a run that speeds up or slows down instead of averaging its whole
/// history. The time remaining is `(total - done) / rate`; it is unknown (`nil`) while the total
/// is unknown or no time has passed between samples, and while the work stands still.
///
/// Samples are `(time, done)` pairs from the caller's clock (seconds, any origin), so tests
/// need no real clock. At most the samples inside the window plus one are kept.
public struct ProgressEstimate: Sendable, Equatable {
    /// One observation: `done` units finished at `time` seconds.
    public struct Sample: Sendable, Equatable {
        public let time: Double
        public let done: Int
    }

    /// The units of the whole run, when known.
    public let total: Int?
    /// The width of the sliding window, in seconds.
    public let window: Double
    private var samples: [Sample] = []

    /// An estimate of a run of `total` units (`nil`: unknown) with no sample yet.
    /// - Precondition: `window > 0`, `total` is nil or non-negative.
    public init(total: Int?, window: Double = 5) {
        precondition(window > 0 && (total ?? 0) >= 0, "a window must be positive, a total non-negative")
        self.total = total
        self.window = window
    }

    /// Records that `done` units were finished at `time`. A sample older than the newest one
    /// is ignored (a clock that steps back must not give a negative rate).
    public mutating func record(done: Int, at time: Double) {
        if let last = samples.last, time < last.time { return }
        samples.append(Sample(time: time, done: done))
        while samples.count > 2, samples[1].time <= time - window {
            samples.removeFirst()
        }
    }

    /// The units finished at the newest sample (0 before any).
    public var done: Int { samples.last?.done ?? 0 }

    /// The units per second over the window; `nil` until two samples lie apart in time.
    public var rate: Double? {
        guard let first = samples.first, let last = samples.last, last.time > first.time else { return nil }
        return Double(last.done - first.done) / (last.time - first.time)
    }

    /// `done / total`, clamped to `0 ... 1` (a run of total 0 is complete); `nil` when the
    /// total is unknown.
    public var fraction: Double? {
        guard let total else { return nil }
        guard total > 0 else { return 1 }
        return min(max(Double(done) / Double(total), 0), 1)
    }

    /// The seconds left, `(total - done) / rate`: 0 once `done >= total`, `nil` while the total
    /// or the rate is unknown or the rate is not positive.
    public var secondsRemaining: Double? {
        guard let total else { return nil }
        guard done < total else { return 0 }
        guard let rate, rate > 0 else { return nil }
        return Double(total - done) / rate
    }

    /// `seconds` as a terminal shows a time left, rounded up to the unit shown so that it
    /// never reads 0 while work is left: "0s" only for 0, "1s" ... "59s", then "1m00s" ...
    /// "59m59s", then "1h00m" and up (hours and minutes). 0.2 s shows "1s", 59.2 s "1m00s",
    /// 3599.5 s "1h00m", 3661 s "1h02m".
    /// - Precondition: `seconds` is finite and non-negative.
    public static func formattedDuration(_ seconds: Double) -> String {
        precondition(seconds.isFinite && seconds >= 0, "a duration is finite and non-negative")
        let whole = Int(seconds.rounded(.up))
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m" + twoDigits(whole % 60) + "s" }
        let minutes = (whole + 59) / 60
        return "\(minutes / 60)h" + twoDigits(minutes % 60) + "m"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
