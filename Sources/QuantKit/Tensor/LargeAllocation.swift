#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Allocates `byteCount` bytes aligned to 64, uninitialized: the one place tensor-sized memory
/// comes from (`ScratchBuffer`), so that running out is an `OutOfMemory` error naming the
/// size, not a Swift runtime trap with a backtrace. Free with `free`.
///
/// `Array` and `UnsafeMutableRawBufferPointer.allocate` trap when `malloc` fails; this asks
/// `posix_memalign` and reports its failure instead.
func allocateLarge(byteCount: Int) throws(OutOfMemory) -> UnsafeMutableRawBufferPointer {
    guard byteCount > 0 else { return UnsafeMutableRawBufferPointer(start: nil, count: 0) }
    var pointer: UnsafeMutableRawPointer?
    guard posix_memalign(&pointer, 64, byteCount) == 0, let pointer else { throw OutOfMemory(byteCount: byteCount) }
    return UnsafeMutableRawBufferPointer(start: pointer, count: byteCount)
}

/// An allocation of `byteCount` bytes failed (a memory budget above what the system gives).
public struct OutOfMemory: Error, Equatable, Sendable, CustomStringConvertible {
    public let byteCount: Int

    public var description: String { "out of memory: could not allocate \(formatBytes(byteCount))" }
}
