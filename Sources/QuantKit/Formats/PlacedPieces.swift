import CZlib
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The data of one tensor written straight to its place in the file, piece by piece, in any
/// order and from any thread (`TensorFileWriter.addPlaced`): each piece is one `pwrite` at its
/// offset, made by the thread that produced it, with its CRC-32 computed there too when the
/// format keeps one. No thread waits for another's piece and no piece is copied to a writer
/// thread: a quantizing thread stores what it has just made while it is in its cache.
///
/// `finish` checks that the pieces cover the `byteCount` bytes exactly once and joins their
/// CRCs in offset order with zlib's `crc32_combine`, which gives exactly the CRC-32 of the
/// whole data.
public final class PlacedPieces: Sendable {
    /// The bytes of the tensor's data.
    public let byteCount: Int
    private let descriptor: Int32
    /// Where the data's first byte goes in the file.
    private let fileOffset: UInt64
    private let checksummed: Bool
    /// The error a failed write is reported as, from its `errno`.
    private let failure: @Sendable (Int32) -> FileError
    private let pieces = Mutex<[(offset: Int, count: Int, crc: UInt)]>([])

    /// A place for `byteCount` bytes at `fileOffset` of the file open for writing as
    /// `descriptor`; their CRC-32 is computed when `checksummed`.
    init(descriptor: Int32, fileOffset: UInt64, byteCount: Int, checksummed: Bool,
         failure: @escaping @Sendable (Int32) -> FileError) {
        (self.descriptor, self.fileOffset, self.byteCount, self.checksummed, self.failure) =
            (descriptor, fileOffset, byteCount, checksummed, failure)
    }

    /// Writes `bytes` at byte `offset` of the data. Thread-safe; pieces must not overlap.
    public func place(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileError) {
        precondition(offset >= 0 && offset <= byteCount - bytes.count, "PlacedPieces: a piece outside the data")
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let crc = checksummed ? pieceCRC32(base.assumingMemoryBound(to: UInt8.self), bytes.count) : 0
        let error = writeFully(descriptor, bytes, at: fileOffset + UInt64(offset))
        guard error == 0 else { throw failure(error) }
        pieces.withLock { $0.append((offset, bytes.count, crc)) }
    }

    /// The CRC-32 of the data (from 0, as zlib's `crc32(0, ...)`; 0 when not checksummed),
    /// once every byte has been placed exactly once (a programming error otherwise).
    func finish() -> UInt {
        let ordered = pieces.withLock { $0.sorted { $0.offset < $1.offset } }
        var crc: UInt = 0
        var covered = 0
        for piece in ordered {
            precondition(piece.offset == covered, "PlacedPieces: bytes \(covered) ..< \(piece.offset) were not placed once")
            crc = checksummed ? CZlib.crc32_combine(crc, piece.crc, piece.count) : 0
            covered += piece.count
        }
        precondition(covered == byteCount, "PlacedPieces: \(covered) of \(byteCount) bytes placed")
        return crc
    }
}
