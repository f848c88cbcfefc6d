import CZlib
import Foundation

/// The CRC-32 check of a stored member's data left to its reader (`DeferredCheck`): each
/// piece's CRC is computed where the piece is absorbed, and `finish` joins them in offset
/// order with zlib's `crc32_combine` onto the CRC of the bytes before the data (the `.npy`
/// header), which is exactly the CRC of the whole member.
final class DeferredCRC32: DeferredCheck, @unchecked Sendable {
    private let path: String
    private let member: String
    private let expected: UInt32
    /// The CRC-32 of the member's bytes before the data.
    private let prefix: UInt32
    private let byteCount: Int
    private let threads: Int
    private let lock = NSLock()
    private var pieces: [(offset: Int, count: Int, crc: UInt)] = []

    /// The check of the `byteCount` data bytes of `member` (in the archive at `path`) whose CRC-32,
    /// continued from `prefix`, must be `expected`.
    init(path: String, member: String, expected: UInt32, prefix: UInt32, byteCount: Int, threads: Int) {
        (self.path, self.member, self.expected, self.prefix, self.byteCount, self.threads) =
            (path, member, expected, prefix, byteCount, threads)
    }

    func absorb(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let crc = pieceCRC32(base.assumingMemoryBound(to: UInt8.self), bytes.count)
        lock.withLock { pieces.append((offset, bytes.count, crc)) }
    }

    func finish() throws {
        let ordered = lock.withLock { pieces.sorted { $0.offset < $1.offset } }
        var running = UInt(prefix)
        var covered = 0
        for piece in ordered {
            precondition(piece.offset == covered, "DeferredCRC32: bytes \(covered) ..< \(piece.offset) were not absorbed")
            running = CZlib.crc32_combine(running, piece.crc, piece.count)
            covered += piece.count
        }
        precondition(covered == byteCount, "DeferredCRC32: \(covered) of \(byteCount) bytes absorbed")
        try compare(UInt32(truncatingIfNeeded: running))
    }

    func check(_ data: UnsafeRawBufferPointer) throws {
        try compare(zipCRC32(prefix, data, threads: threads))
    }

    private func compare(_ computed: UInt32) throws {
        guard computed == expected else {
            throw FileError(path: path, ZipError.crcMismatch(member: member, stored: expected, computed: computed))
        }
    }
}
