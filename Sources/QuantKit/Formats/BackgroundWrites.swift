import Dispatch

/// Writes handed to a background thread one at a time and in order, so that the caller can
/// prepare the next bytes while the kernel copies these; disabled (a writer of one thread),
/// each write happens on the caller's thread before `start` returns.
///
/// The bytes of a write must stay valid until the next `start` or `wait`, which first wait
/// for it; a failed write's error is thrown by the next `start` or `wait` (and every one
/// after). The owner must `wait` before closing what the writes write to.
final class BackgroundWrites<Failure: Error> {
    private let enabled: Bool
    private let queue = DispatchQueue(label: "quantize.background-write")
    private let writes = DispatchGroup()
    /// The error of a background write, read only after `writes.wait()`.
    private let failure = UncheckedSendable(FailureSlot())

    private final class FailureSlot {
        var error: Failure?
    }

    init(enabled: Bool) {
        self.enabled = enabled
    }

    deinit { writes.wait() }

    /// Waits for the write in flight, if any, and rethrows its error.
    func wait() throws(Failure) {
        writes.wait()
        if let error = failure.value.error { throw error }
    }

    /// Waits for the write in flight, then starts `write(bytes)`: in the background, or here
    /// when disabled.
    func start(_ bytes: UnsafeRawBufferPointer,
               _ write: @escaping @Sendable (UnsafeRawBufferPointer) throws(Failure) -> Void) throws(Failure) {
        try wait()
        guard enabled else { return try write(bytes) }
        let job = UncheckedSendable((bytes, failure.value))
        writes.enter()
        queue.async { [writes] in
            let (bytes, slot) = job.value
            do throws(Failure) {
                try write(bytes)
            } catch {
                slot.error = error
            }
            writes.leave()
        }
    }
}
