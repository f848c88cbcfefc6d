import QuantKit
import Testing

@Test func rateIsMeasuredOverTheWindowNotTheWholeRun() {
    var estimate = ProgressEstimate(total: 1000, window: 2)
    // 10 units/s for 4 s, then 50 units/s: after 2 s more the window sees only the fast part.
    for second in 0 ... 4 { estimate.record(done: 10 * second, at: Double(second)) }
    #expect(estimate.rate == 10)
    estimate.record(done: 90, at: 5)
    #expect(estimate.rate == (90.0 - 30) / (5 - 3))
    estimate.record(done: 140, at: 6)
    #expect(estimate.rate == 50)
    #expect(estimate.done == 140)
    #expect(estimate.secondsRemaining == (1000.0 - 140) / 50)
}

@Test func earlyInARunTheRateSpansTheSamplesSoFar() {
    var estimate = ProgressEstimate(total: 100, window: 10)
    #expect(estimate.rate == nil && estimate.secondsRemaining == nil && estimate.done == 0)
    estimate.record(done: 0, at: 3)
    #expect(estimate.rate == nil)
    estimate.record(done: 5, at: 3)
    #expect(estimate.rate == nil, "no time has passed")
    estimate.record(done: 20, at: 4)
    #expect(estimate.rate == 20)
    #expect(estimate.secondsRemaining == 4)
    #expect(estimate.fraction == 0.2)
}

@Test func aClockSteppingBackIsIgnored() {
    var estimate = ProgressEstimate(total: 100)
    estimate.record(done: 10, at: 5)
    estimate.record(done: 20, at: 6)
    estimate.record(done: 90, at: 1)
    #expect(estimate.done == 20 && estimate.rate == 10)
}

@Test func unknownTotalHasARateButNoFractionOrTimeLeft() {
    var estimate = ProgressEstimate(total: nil)
    estimate.record(done: 0, at: 0)
    estimate.record(done: 300, at: 2)
    #expect(estimate.rate == 150)
    #expect(estimate.fraction == nil)
    #expect(estimate.secondsRemaining == nil)
}

@Test func stalledOrFinishedRunsHaveNoOrZeroTimeLeft() {
    var stalled = ProgressEstimate(total: 100)
    stalled.record(done: 40, at: 0)
    stalled.record(done: 40, at: 3)
    #expect(stalled.rate == 0 && stalled.secondsRemaining == nil)
    var finished = ProgressEstimate(total: 100)
    finished.record(done: 100, at: 0)
    #expect(finished.secondsRemaining == 0 && finished.fraction == 1)
    var overshoot = ProgressEstimate(total: 100)
    overshoot.record(done: 130, at: 0)
    #expect(overshoot.fraction == 1)
    #expect(ProgressEstimate(total: 0).fraction == 1)
}

@Test func durationsRoundUpToTheUnitShown() {
    let cases: [(Double, String)] = [
        (0, "0s"), (0.2, "1s"), (1, "1s"), (9.01, "10s"), (59, "59s"), (59.2, "1m00s"), (60, "1m00s"),
        (61.5, "1m02s"), (605, "10m05s"), (3599, "59m59s"), (3599.5, "1h00m"), (3600, "1h00m"),
        (3601, "1h01m"), (3661, "1h02m"), (36000 + 59 * 60, "10h59m"),
    ]
    for (seconds, text) in cases {
        #expect(ProgressEstimate.formattedDuration(seconds) == text, "\(seconds)")
    }
}
