#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte buffer reused from one tensor to the next, so that streaming a file tensor by tensor
/// allocates once (the size of the largest tensor) instead of once per tensor, and never
/// zero-fills what is about to be overwritten. Memory comes from `allocateLarge`, so running
/// out is a thrown `OutOfMemory`.
public final class ScratchBuffer {
    private var storage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    /// What owns bytes handed out in place of the buffer (a file mapping), kept alive until the
    /// next call.
    private var held: AnyObject?

    public init() {}

    deinit { free(storage.baseAddress) }

    /// The first `count` bytes of the buffer, grown (contents dropped) when it is smaller;
    /// valid until the next call. The bytes are uninitialized until the caller writes them.
    public func prepare(count: Int) throws(OutOfMemory) -> UnsafeMutableRawBufferPointer {
        held = nil
        if storage.count < count {
            release()
            storage = try allocateLarge(byteCount: count)
        }
        return UnsafeMutableRawBufferPointer(rebasing: storage[0 ..< count])
    }

    /// Frees the buffer and whatever is held, before a reader maps a tensor in its place (so
    /// that memory stays one tensor).
    func release() {
        held = nil
        free(storage.baseAddress)
        storage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    }

    /// Keeps `owner` (whose memory a reader returns instead of the buffer's) alive until the
    /// next call.
    func hold(_ owner: AnyObject) {
        held = owner
    }
}
