#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Copying a tensor in bounded pieces, so a tensor kept as it is costs two pieces of memory
/// (`MemoryCost.passthrough`) however large it is.
extension TensorSource {
    /// Hands the data of `name` (C order, little-endian, as `read` gives it) to `body` in order,
    /// in pieces of at most `pieceSize` bytes, then once more with an empty piece. Each piece
    /// stays valid until `body` has been called with the piece after it, so a writer may still
    /// be writing one piece in the background while the next is read; after the empty piece,
    /// none is in use.
    ///
    /// This default is `copyByReading`; the formats' sources read piece by piece.
    public func copy(_ name: String, pieceSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try copyByReading(name, pieceSize: pieceSize, body)
    }

    /// `copy` by reading the whole tensor first (`read`), for data that must be reordered.
    public func copyByReading(_ name: String, pieceSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let scratch = ScratchBuffer()
        let (_, bytes) = try read(name, into: scratch)
        var start = 0
        while start < bytes.count {
            let end = min(start + pieceSize, bytes.count)
            try body(UnsafeRawBufferPointer(rebasing: bytes[start ..< end]))
            start = end
        }
        try body(UnsafeRawBufferPointer(start: nil, count: 0))
    }
}

/// Two buffers of one piece each, used in turn by a piecewise copy (see `TensorSource.copy`).
final class PieceBuffers {
    private let buffers: [UnsafeMutableRawBufferPointer]
    private var turn = 0

    /// Buffers for copying `total` bytes in pieces of at most `pieceSize` bytes.
    init(total: Int, pieceSize: Int) throws(OutOfMemory) {
        let size = min(total, pieceSize)
        let first = try allocateLarge(byteCount: size)
        do {
            buffers = [first, try allocateLarge(byteCount: size)]
        } catch {
            free(first.baseAddress)
            throw error
        }
    }

    deinit { for buffer in buffers { free(buffer.baseAddress) } }

    /// Copies `total` bytes: `fill` writes each piece (given its offset) into a buffer, `body`
    /// receives it; then `body` gets the closing empty piece.
    func copy(total: Int, fill: (_ offset: Int, UnsafeMutableRawBufferPointer) throws -> Void,
              to body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var offset = 0
        while offset < total {
            let buffer = buffers[turn]
            turn ^= 1
            let piece = UnsafeMutableRawBufferPointer(rebasing: buffer[0 ..< min(buffer.count, total - offset)])
            try fill(offset, piece)
            try body(UnsafeRawBufferPointer(piece))
            offset += piece.count
        }
        try body(UnsafeRawBufferPointer(start: nil, count: 0))
    }
}
