/// Told how far a long computation is: `done` of `total` steps (layers, blocks, batches) are
/// finished, `0 <= done <= total`. Called with `done = 0` before the first step and with
/// `done = total` after the last, from the computation's own thread, so a terminal's progress
/// bar can follow it (`ProgressEstimate`).
public typealias StepProgress = @Sendable (_ done: Int, _ total: Int) -> Void
