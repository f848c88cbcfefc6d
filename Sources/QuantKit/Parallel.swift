import Dispatch
import Foundation
import Synchronization

/// How many threads the parallel loops (quantization, checksums, deflate, matrix multiplies)
/// use unless told otherwise: one per active core.
public let defaultThreadCount = ProcessInfo.processInfo.activeProcessorCount

/// Calls `body(index)` for every index in `0 ..< count`, on up to `threads` threads at once,
/// each thread taking the next index not yet taken, so that a thread that starts late or shares
/// its core (with the background writer, or another process) takes fewer; returns when all
/// calls have returned.
///
/// `body` is not required to be `@Sendable`: it typically writes through unsafe pointers,
/// and the caller guarantees that different indices touch disjoint memory (each index owns
/// its output slot). That is the one rule every parallel loop of this library follows, and
/// why the results never depend on the thread count or on which thread ran which index.
func parallelFor(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    let workers = max(1, min(threads, count))
    guard workers > 1 else {
        for index in 0 ..< count { body(index) }
        return
    }
    let next = Atomic<Int>(0)
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while case let index = next.add(1, ordering: .relaxed).oldValue, index < count {
                shared.value(index)
            }
        }
    }
}

/// A value handed to other threads under a guarantee the compiler cannot check (see
/// `parallelFor` and `ZipWriter.writeInBackground`).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

