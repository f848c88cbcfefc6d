import CKernels
import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Record signatures and fixed sizes from PKWARE's APPNOTE.TXT (version 6.3.10); the section
/// numbers cited throughout the zip code refer to that document.
enum ZipFormat {
    /// Local file header (4.3.7): 30 bytes, then name and extra field.
    static let localHeaderSignature: UInt32 = 0x0403_4b50
    static let localHeaderSize = 30
    /// Central directory file header (4.3.12): 46 bytes, then name, extra field and comment.
    static let centralHeaderSignature: UInt32 = 0x0201_4b50
    static let centralHeaderSize = 46
    /// End of central directory record (4.3.16): 22 bytes, then a comment of at most 65535 bytes.
    static let endRecordSignature: UInt32 = 0x0605_4b50
    static let endRecordSize = 22
    /// ZIP64 end of central directory record (4.3.14): 56 bytes in version 1.
    static let zip64EndRecordSignature: UInt32 = 0x0606_4b50
    static let zip64EndRecordSize = 56
    /// ZIP64 end of central directory locator (4.3.15): 20 bytes, just before the end record.
    static let zip64LocatorSignature: UInt32 = 0x0706_4b50
    static let zip64LocatorSize = 20
    /// Header id of the ZIP64 extended information extra field (4.5.3).
    static let zip64ExtraID: UInt16 = 0x0001

    /// A 16-bit count or 32-bit size/offset of all ones means "see the ZIP64 record" (4.4.1.4).
    static let max16: UInt16 = 0xFFFF
    static let max32: UInt32 = 0xFFFF_FFFF

    /// General purpose flag bits (4.4.4).
    static let flagEncrypted: UInt16 = 1 << 0
    static let flagDataDescriptor: UInt16 = 1 << 3
    static let flagUTF8: UInt16 = 1 << 11

    /// Compression methods (4.4.5).
    static let methodStored: UInt16 = 0
    static let methodDeflate: UInt16 = 8

    /// Version needed to extract (4.4.3.2): 2.0 for deflate, 4.5 for ZIP64.
    static let versionDeflate: UInt16 = 20
    static let versionZip64: UInt16 = 45

    /// MS-DOS date of 1980-01-01 (4.4.6): `(year - 1980) << 9 | month << 5 | day`; time 00:00:00 is 0.
    static let fixedDOSDate: UInt16 = (0 << 9) | (1 << 5) | 1
    static let fixedDOSTime: UInt16 = 0
}

/// Appends little-endian integers to a record being written (APPNOTE 4.4.1.1).
extension Array where Element == UInt8 {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

/// The CRC-32 of APPNOTE 4.4.7 (polynomial 0xEDB88320, as zlib computes it), continued from
/// `crc` over `bytes`; start with 0. See `combinedCRC32` for how long inputs use threads.
func zipCRC32(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer, threads: Int = 1) -> UInt32 {
    guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return crc }
    return combinedCRC32(crc, count: bytes.count, threads: threads) { start, length in
        pieceCRC32(base + start, length)
    }
}

/// Whether this CPU folds CRCs with carry-less multiplication.
private let crcFoldAvailable = ck_crc32_fold_available() != 0

/// The CRC-32 (from 0, as zlib's `crc32(0, ...)`) of `length` bytes at `bytes`: folded by
/// `ck_crc32_fold` where the CPU can, the last 16 folded bytes and the tail finished by zlib
/// (a register of 0 is zlib's `crc` argument 0xFFFFFFFF); zlib alone elsewhere.
func pieceCRC32(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> UInt {
    guard crcFoldAvailable, length >= 64 else { return CZlib.crc32(0, bytes, UInt32(length)) }
    let folded = length & ~15
    var out = (UInt64(0), UInt64(0))
    return withUnsafeMutableBytes(of: &out) { out in
        let block = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
        ck_crc32_fold(0xFFFF_FFFF, bytes, folded, block)
        let head = CZlib.crc32(0xFFFF_FFFF, block, 16)
        return CZlib.crc32(head, bytes + folded, UInt32(length - folded))
    }
}

/// The CRC-32 of `count` bytes continued from `crc`, the bytes cut into fixed 4 MiB pieces
/// whose own CRCs (from 0) `pieceCRC(start, length)` computes, on up to `threads` threads.
/// zlib's `crc32_combine` joins them in order into exactly the CRC of the whole (a CRC is
/// linear), so the result never depends on the thread count.
func combinedCRC32(_ crc: UInt32, count: Int, threads: Int, _ pieceCRC: (_ start: Int, _ length: Int) -> UInt) -> UInt32 {
    let piece = 4 << 20
    let pieces = (count + piece - 1) / piece
    var crcs = [UInt](repeating: 0, count: pieces)
    crcs.withUnsafeMutableBufferPointer { crcs in
        parallelFor(pieces, threads: threads) { index in
            crcs[index] = pieceCRC(index * piece, Swift.min(piece, count - index * piece))
        }
    }
    var running = UInt(crc)
    for (index, pieceCRC) in crcs.enumerated() {
        running = CZlib.crc32_combine(running, pieceCRC, Int(Swift.min(piece, count - index * piece)))
    }
    return UInt32(truncatingIfNeeded: running)
}

/// Reads `buffer.count` bytes of `file` at `offset` into `buffer` and returns their CRC-32
/// continued from `crc`: each 4 MiB piece is read and checksummed by the same thread while it
/// is still in cache, on up to `threads` threads.
func zipReadWithCRC(_ file: ReadOnlyFile, at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer, crc: UInt32,
                    threads: Int) throws(ZipError) -> UInt32 {
    guard let base = buffer.baseAddress else { return crc }
    var failures = [FileReadError?](repeating: nil, count: (buffer.count + (4 << 20) - 1) / (4 << 20))
    let result = failures.withUnsafeMutableBufferPointer { failures in
        combinedCRC32(crc, count: buffer.count, threads: threads) { start, length in
            do throws(FileReadError) {
                try file.read(at: offset + UInt64(start), into: UnsafeMutableRawBufferPointer(start: base + start, count: length))
            } catch {
                failures[start / (4 << 20)] = error
            }
            return pieceCRC32((base + start).assumingMemoryBound(to: UInt8.self), length)
        }
    }
    if let failure = failures.lazy.compactMap({ $0 }).first { throw .file(failure) }
    return result
}

/// The text of `errno` code `code`.
func zipErrnoMessage(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// Writes all of `bytes` at the file's current position, retrying on interrupts and short writes.
func zipWriteFully(fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(ZipError) {
    let failure = writeFully(fd, bytes)
    guard failure == 0 else { throw .writeFailed(zipErrnoMessage(failure)) }
}

extension ReadOnlyFile {
    /// `read(at:into:)`, its failure as a `ZipError`.
    func zipRead(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ZipError) {
        do {
            try read(at: offset, into: buffer)
        } catch {
            throw .file(error)
        }
    }

    /// `readBytes(at:count:)`, its failure as a `ZipError`.
    func zipReadBytes(at offset: UInt64, count: Int) throws(ZipError) -> [UInt8] {
        do {
            return try readBytes(at: offset, count: count)
        } catch {
            throw .file(error)
        }
    }
}

/// `array.withUnsafeBytes(body)`, keeping `body`'s typed error (the standard library's method
/// is `rethrows`, which erases it).
func zipWithBytes<Result>(
    of array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(ZipError) -> Result
) throws(ZipError) -> Result {
    let outcome: Swift.Result<Result, ZipError> = array.withUnsafeBytes { buffer in
        do throws(ZipError) {
            return .success(try body(buffer))
        } catch {
            return .failure(error)
        }
    }
    return try outcome.get()
}

/// `array.withUnsafeMutableBytes(body)`, keeping `body`'s typed error (the standard library's
/// method is `rethrows`, which erases it).
func zipWithMutableBytes<Result>(
    of array: inout [UInt8], _ body: (UnsafeMutableRawBufferPointer) throws(ZipError) -> Result
) throws(ZipError) -> Result {
    let outcome: Swift.Result<Result, ZipError> = array.withUnsafeMutableBytes { buffer in
        do throws(ZipError) {
            return .success(try body(buffer))
        } catch {
            return .failure(error)
        }
    }
    return try outcome.get()
}
