import CZlib
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a zip archive member by member to a new file, streaming each member's data.
///
/// Layout, per APPNOTE: each member is a local file header (4.3.7) with a ZIP64 extended
/// information extra field (4.5.3) always reserved (as `np.savez` writes it), then its data,
/// stored or raw-deflated (level 6). The header's 32-bit sizes are 0xFFFFFFFF and its CRC is
/// left at 0 until `endMember()` seeks back and writes the CRC and both 64-bit sizes, so no
/// data descriptor is needed. `finish()` writes the central directory (4.3.12) with a ZIP64
/// field only for members whose size or offset reaches 0xFFFFFFFF, then a ZIP64 end record
/// and locator (4.3.14-15) only when the entry count reaches 0xFFFF or the directory's size
/// or offset reaches 0xFFFFFFFF, then the end record (4.3.16).
///
/// Names are written as UTF-8, with flag bit 11 when they are not ASCII. Every timestamp is
/// 1980-01-01 00:00 so the same input gives the same bytes. Writes go through a 1 MiB buffer.
///
/// Call order: `beginMember`, any number of `write` (or, in a stored member, `writeInBackground`
/// and `writePlaced`), `endMember`, repeated; then `finish`.
/// Breaking it is a programming error (a precondition failure). After an error the file is
/// incomplete; the caller, who owns the path, removes it.
public final class ZipWriter {
    /// Bytes buffered before they are written to the file.
    static let bufferCapacity = 1 << 20
    /// Writes of at least this many bytes to a deflated member are compressed in parallel, in
    /// independent blocks of `parallelDeflateBlock` bytes (fixed, so the output is the same for
    /// any thread count; each block costs the ratio only the matches it cannot reach back for).
    static let parallelDeflateThreshold = 2 << 20
    static let parallelDeflateBlock = 1 << 20
    /// Length of the ZIP64 extra field reserved in every local header: id, size, two UInt64.
    static let localZip64ExtraSize = 20

    private var fileDescriptor: Int32
    /// Bytes not yet written, which belong at `bufferStart` in the file.
    private var buffer: [UInt8] = []
    private var bufferStart: UInt64 = 0
    private var records: [CentralRecord] = []
    private var names = Set<ExactName>()
    private var member: OpenMember?
    private var deflater: ZipDeflater?

    /// One finished member, as the central directory will describe it.
    struct CentralRecord {
        var nameBytes: [UInt8]
        var flags: UInt16
        var method: UInt16
        var crc: UInt32
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        var localHeaderOffset: UInt64
    }

    /// The member being written.
    private struct OpenMember {
        var record: CentralRecord
        var dataOffset: UInt64
    }

    /// How many threads compute the CRC-32 of large writes.
    private let threads: Int
    /// The writes of `writeInBackground`, in the background with more than one thread.
    private let background: BackgroundWrites<ZipError>
    /// The open member's CRC after the write in flight, which computes it (nil: no such write).
    private let backgroundCRC = UncheckedSendable(CRCSlot())

    private final class CRCSlot {
        var value: UInt32?
    }

    /// Creates (or truncates) the file at `path`; CRCs of large writes use up to `threads` threads.
    public init(path: String, threads: Int = 1) throws(ZipError) {
        self.threads = threads
        background = BackgroundWrites(enabled: threads > 1)
        fileDescriptor = openForWriting(path)
        guard fileDescriptor >= 0 else { throw .createFailed(zipErrnoMessage(errno)) }
        buffer.reserveCapacity(Self.bufferCapacity)
    }

    deinit {
        try? background.wait()
        if fileDescriptor >= 0 { close(fileDescriptor) }
    }

    /// Appends `bytes` to the open stored member and returns before they reach the file: their
    /// CRC and the `write` run in the background while the caller prepares the next bytes (the
    /// caller's thread goes straight back to work that can be shared between cores). `bytes`
    /// must stay valid and unchanged until the next call to this writer (which first waits for
    /// the write to finish); a call with no bytes just waits. A writer of one thread writes
    /// here, before returning: a run on one thread uses one core.
    public func writeInBackground(_ bytes: UnsafeRawBufferPointer) throws(ZipError) {
        try waitForBackground()
        precondition(member?.record.method == ZipFormat.methodStored, "writeInBackground: no stored member is open")
        guard !bytes.isEmpty else { return }
        member!.record.uncompressedSize += UInt64(bytes.count)
        try flush()
        bufferStart += UInt64(bytes.count)
        let (crc, slot, threads) = (member!.record.crc, backgroundCRC, threads)
        try background.start(bytes) { [fileDescriptor] bytes throws(ZipError) in
            slot.value.value = zipCRC32(crc, bytes, threads: threads)
            try zipWriteFully(fd: fileDescriptor, bytes)
        }
    }

    /// Appends the next `count` bytes of the open stored member, which `body` writes through the
    /// `PlacedPieces` it is given (from any thread, in any order, each byte once), and continues
    /// the member's CRC-32 with theirs. A failed write is reported through `describe`. After an
    /// error the archive is incomplete, as after any other.
    public func writePlaced(count: Int, describe: @escaping @Sendable (ZipError) -> FileError,
                            _ body: (PlacedPieces) throws -> Void) throws {
        do throws(ZipError) {
            try waitForBackground()
            precondition(member?.record.method == ZipFormat.methodStored, "writePlaced: no stored member is open")
            try flush()
        } catch {
            throw describe(error)
        }
        let pieces = PlacedPieces(descriptor: fileDescriptor, fileOffset: bufferStart, byteCount: count, checksummed: true) {
            describe(.writeFailed(zipErrnoMessage($0)))
        }
        try body(pieces)
        let crc = pieces.finish()
        member!.record.crc = UInt32(truncatingIfNeeded: CZlib.crc32_combine(UInt(member!.record.crc), crc, count))
        member!.record.uncompressedSize += UInt64(count)
        bufferStart += UInt64(count)
        // The pieces went to their offsets; the writes that follow go on from the data's end.
        guard lseek(fileDescriptor, off_t(bufferStart), SEEK_SET) >= 0 else {
            throw describe(.writeFailed(zipErrnoMessage(errno)))
        }
    }

    /// Waits for the write in flight, if any (rethrowing its error), and takes the CRC it computed.
    private func waitForBackground() throws(ZipError) {
        defer { backgroundCRC.value.value = nil }
        try background.wait()
        if let crc = backgroundCRC.value.value { member!.record.crc = crc }
    }

    /// The file offset the next byte will be written at.
    private var position: UInt64 { bufferStart + UInt64(buffer.count) }

    /// Starts a member called `name`, deflated when `compressed`, stored otherwise.
    ///
    /// Refuses names the reader would refuse (absolute, `..`, NUL, empty), duplicates, names
    /// longer than 65535 UTF-8 bytes, and more than `ZipReader.maxEntryCount` members.
    public func beginMember(name: String, compressed: Bool) throws(ZipError) {
        try waitForBackground()
        precondition(fileDescriptor >= 0 && member == nil, "beginMember: a member is open or the archive is finished")
        guard !isUnsafeZipMemberName(name) else { throw .unsafeName(name) }
        let nameBytes = Array(name.utf8)
        guard nameBytes.count <= Int(UInt16.max) else { throw .nameTooLong(name) }
        guard !names.contains(ExactName(name)) else { throw .duplicateName(name) }
        guard records.count < ZipReader.maxEntryCount else {
            throw .tooManyEntries(declared: UInt64(records.count) + 1, limit: ZipReader.maxEntryCount)
        }
        let flags: UInt16 = nameBytes.allSatisfy { $0 < 0x80 } ? 0 : ZipFormat.flagUTF8
        let method = compressed ? ZipFormat.methodDeflate : ZipFormat.methodStored
        let offset = position

        var header: [UInt8] = []
        header.reserveCapacity(ZipFormat.localHeaderSize + nameBytes.count + Self.localZip64ExtraSize)
        header.appendLittleEndian(ZipFormat.localHeaderSignature)
        header.appendLittleEndian(ZipFormat.versionZip64)
        header.appendLittleEndian(flags)
        header.appendLittleEndian(method)
        header.appendLittleEndian(ZipFormat.fixedDOSTime)
        header.appendLittleEndian(ZipFormat.fixedDOSDate)
        header.appendLittleEndian(UInt32(0))  // CRC-32, patched by endMember
        header.appendLittleEndian(ZipFormat.max32)  // compressed size: see the ZIP64 field
        header.appendLittleEndian(ZipFormat.max32)  // uncompressed size: see the ZIP64 field
        header.appendLittleEndian(UInt16(nameBytes.count))
        header.appendLittleEndian(UInt16(Self.localZip64ExtraSize))
        header.append(contentsOf: nameBytes)
        header.appendLittleEndian(ZipFormat.zip64ExtraID)
        header.appendLittleEndian(UInt16(16))
        header.appendLittleEndian(UInt64(0))  // uncompressed size, patched by endMember
        header.appendLittleEndian(UInt64(0))  // compressed size, patched by endMember
        try append(header)

        if compressed {
            if let deflater {
                try deflater.reset()
            } else {
                deflater = try ZipDeflater()
            }
        }
        names.insert(ExactName(name))
        member = OpenMember(
            record: CentralRecord(nameBytes: nameBytes, flags: flags, method: method, crc: 0,
                                  compressedSize: 0, uncompressedSize: 0, localHeaderOffset: offset),
            dataOffset: position)
    }

    /// Appends `bytes` to the open member's uncompressed content.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(ZipError) {
        try waitForBackground()
        precondition(member != nil, "write: no member is open")
        member!.record.crc = zipCRC32(member!.record.crc, bytes, threads: threads)
        member!.record.uncompressedSize += UInt64(bytes.count)
        if member!.record.method != ZipFormat.methodDeflate {
            try append(bytes)
        } else if bytes.count < Self.parallelDeflateThreshold {
            try deflater!.deflate(bytes, finish: false) { (output) throws(ZipError) in try append(output) }
        } else {
            // Close the running stream on a byte boundary (not final), then append blocks
            // compressed independently on every thread, pigz-style; a fresh stream follows, so
            // no back-reference ever reaches across a block.
            try deflater!.deflate(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_SYNC_FLUSH) {
                (output) throws(ZipError) in try append(output)
            }
            try deflater!.reset()
            for block in try ZipDeflater.deflateBlocks(bytes, blockSize: Self.parallelDeflateBlock, threads: threads) {
                try append(block)
            }
        }
    }

    /// Appends `bytes` to the open member's uncompressed content.
    public func write(_ bytes: [UInt8]) throws(ZipError) {
        try zipWithBytes(of: bytes) { (raw) throws(ZipError) in try write(raw) }
    }

    /// Ends the open member: flushes the deflate stream and patches the local header's CRC-32
    /// (offset 14) and the sizes in its ZIP64 field (after the name, at +4 and +12).
    public func endMember() throws(ZipError) {
        try waitForBackground()
        precondition(member != nil, "endMember: no member is open")
        if member!.record.method == ZipFormat.methodDeflate {
            try deflater!.deflate(UnsafeRawBufferPointer(start: nil, count: 0), finish: true) {
                (output) throws(ZipError) in try append(output)
            }
        }
        var record = member!.record
        record.compressedSize = position - member!.dataOffset
        member = nil

        var crc: [UInt8] = []
        crc.appendLittleEndian(record.crc)
        try patch(at: record.localHeaderOffset + 14, with: crc)
        var sizes: [UInt8] = []
        sizes.appendLittleEndian(record.uncompressedSize)
        sizes.appendLittleEndian(record.compressedSize)
        let zip64Values = record.localHeaderOffset + UInt64(ZipFormat.localHeaderSize + record.nameBytes.count + 4)
        try patch(at: zip64Values, with: sizes)
        records.append(record)
    }

    /// Writes the central directory and end records and closes the file.
    public func finish() throws(ZipError) {
        try waitForBackground()
        precondition(fileDescriptor >= 0 && member == nil, "finish: a member is open or the archive is finished")
        let directoryOffset = position
        for record in records {
            try append(Self.centralHeader(for: record))
        }
        let directorySize = position - directoryOffset
        let count = UInt64(records.count)

        var end: [UInt8] = []
        let needsZip64 = count >= UInt64(ZipFormat.max16) || directorySize >= UInt64(ZipFormat.max32)
            || directoryOffset >= UInt64(ZipFormat.max32)
        if needsZip64 {
            let zip64Offset = position
            end.appendLittleEndian(ZipFormat.zip64EndRecordSignature)
            end.appendLittleEndian(UInt64(ZipFormat.zip64EndRecordSize - 12))  // size of the rest
            end.appendLittleEndian(ZipFormat.versionZip64)  // version made by (MS-DOS host)
            end.appendLittleEndian(ZipFormat.versionZip64)  // version needed to extract
            end.appendLittleEndian(UInt32(0))  // this disk
            end.appendLittleEndian(UInt32(0))  // disk where the central directory starts
            end.appendLittleEndian(count)  // entries on this disk
            end.appendLittleEndian(count)  // entries in total
            end.appendLittleEndian(directorySize)
            end.appendLittleEndian(directoryOffset)
            end.appendLittleEndian(ZipFormat.zip64LocatorSignature)
            end.appendLittleEndian(UInt32(0))  // disk holding the ZIP64 end record
            end.appendLittleEndian(zip64Offset)
            end.appendLittleEndian(UInt32(1))  // total number of disks
        }
        let count16 = UInt16(clamping: min(count, UInt64(ZipFormat.max16)))
        end.appendLittleEndian(ZipFormat.endRecordSignature)
        end.appendLittleEndian(UInt16(0))  // this disk
        end.appendLittleEndian(UInt16(0))  // disk where the central directory starts
        end.appendLittleEndian(count16)
        end.appendLittleEndian(count16)
        end.appendLittleEndian(UInt32(clamping: min(directorySize, UInt64(ZipFormat.max32))))
        end.appendLittleEndian(UInt32(clamping: min(directoryOffset, UInt64(ZipFormat.max32))))
        end.appendLittleEndian(UInt16(0))  // comment length
        try append(end)
        try flush()
        let fd = fileDescriptor
        fileDescriptor = -1
        guard close(fd) == 0 else { throw .writeFailed(zipErrnoMessage(errno)) }
    }

    /// The central directory header (4.3.12) of `record`, with a ZIP64 field holding exactly
    /// the values that do not fit in 32 bits, in the order of 4.5.3.
    static func centralHeader(for record: CentralRecord) -> [UInt8] {
        let limit = UInt64(ZipFormat.max32)
        var zip64: [UInt8] = []
        if record.uncompressedSize >= limit { zip64.appendLittleEndian(record.uncompressedSize) }
        if record.compressedSize >= limit { zip64.appendLittleEndian(record.compressedSize) }
        if record.localHeaderOffset >= limit { zip64.appendLittleEndian(record.localHeaderOffset) }
        var extra: [UInt8] = []
        if !zip64.isEmpty {
            extra.appendLittleEndian(ZipFormat.zip64ExtraID)
            extra.appendLittleEndian(UInt16(zip64.count))
            extra.append(contentsOf: zip64)
        }
        let needed = extra.isEmpty ? ZipFormat.versionDeflate : ZipFormat.versionZip64

        var header: [UInt8] = []
        header.reserveCapacity(ZipFormat.centralHeaderSize + record.nameBytes.count + extra.count)
        header.appendLittleEndian(ZipFormat.centralHeaderSignature)
        header.appendLittleEndian(ZipFormat.versionZip64)  // version made by (MS-DOS host)
        header.appendLittleEndian(needed)
        header.appendLittleEndian(record.flags)
        header.appendLittleEndian(record.method)
        header.appendLittleEndian(ZipFormat.fixedDOSTime)
        header.appendLittleEndian(ZipFormat.fixedDOSDate)
        header.appendLittleEndian(record.crc)
        header.appendLittleEndian(UInt32(clamping: min(record.compressedSize, limit)))
        header.appendLittleEndian(UInt32(clamping: min(record.uncompressedSize, limit)))
        header.appendLittleEndian(UInt16(record.nameBytes.count))
        header.appendLittleEndian(UInt16(extra.count))
        header.appendLittleEndian(UInt16(0))  // comment length
        header.appendLittleEndian(UInt16(0))  // disk number start
        header.appendLittleEndian(UInt16(0))  // internal attributes
        header.appendLittleEndian(UInt32(0))  // external attributes
        header.appendLittleEndian(UInt32(clamping: min(record.localHeaderOffset, limit)))
        header.append(contentsOf: record.nameBytes)
        header.append(contentsOf: extra)
        return header
    }

    /// Buffers `bytes`, writing the buffer out when it reaches `bufferCapacity`.
    private func append(_ bytes: [UInt8]) throws(ZipError) {
        try zipWithBytes(of: bytes) { (raw) throws(ZipError) in try append(raw) }
    }

    /// Buffers `bytes`, writing the buffer out when it reaches `bufferCapacity`.
    private func append(_ bytes: UnsafeRawBufferPointer) throws(ZipError) {
        if buffer.count + bytes.count > Self.bufferCapacity { try flush() }
        if bytes.count >= Self.bufferCapacity {
            try zipWriteFully(fd: fileDescriptor, bytes)
            bufferStart += UInt64(bytes.count)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Writes the buffer to the file and empties it.
    private func flush() throws(ZipError) {
        try zipWithBytes(of: buffer) { (raw) throws(ZipError) in try zipWriteFully(fd: fileDescriptor, raw) }
        bufferStart += UInt64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Overwrites already-written bytes at file offset `offset`: in the buffer when they are
    /// still there, with `pwrite` for the part already in the file.
    private func patch(at offset: UInt64, with bytes: [UInt8]) throws(ZipError) {
        for (index, byte) in bytes.enumerated() where offset + UInt64(index) >= bufferStart {
            buffer[Int(offset + UInt64(index) - bufferStart)] = byte
        }
        guard offset < bufferStart else { return }
        let fileCount = Int(min(UInt64(bytes.count), bufferStart - offset))
        var done = 0
        while done < fileCount {
            let written = bytes.withUnsafeBytes { raw in
                pwrite(fileDescriptor, raw.baseAddress! + done, fileCount - done, off_t(offset) + off_t(done))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw .writeFailed(zipErrnoMessage(errno))
            }
            done += written
        }
    }
}

@available(*, unavailable, message: "a zip writer holds mutable file state; use it from one task")
extension ZipWriter: Sendable {}

/// A zlib raw-deflate stream (window bits -15, memory level 8, level 6), reset per member.
private final class ZipDeflater {
    static let outputCapacity = 256 * 1024
    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutableRawBufferPointer

    init() throws(ZipError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        output = .allocate(byteCount: Self.outputCapacity, alignment: 16)
        let status = deflateInit2_(stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            output.deallocate()
            throw .zlibFailed("deflateInit2 returned \(status)")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
        output.deallocate()
    }

    /// Starts a new member's stream.
    func reset() throws(ZipError) {
        let status = deflateReset(stream)
        guard status == Z_OK else { throw .zlibFailed("deflateReset returned \(status)") }
    }

    /// Compresses `input` (ending the stream when `finish`), handing each full or final piece
    /// of compressed output to `sink`.
    func deflate(_ input: UnsafeRawBufferPointer, finish: Bool,
                 sink: (UnsafeRawBufferPointer) throws(ZipError) -> Void) throws(ZipError) {
        try deflate(input, flush: finish ? Z_FINISH : Z_NO_FLUSH, sink: sink)
    }

    /// Compresses `input`, then applies `flush` (`Z_NO_FLUSH`, `Z_SYNC_FLUSH` or `Z_FINISH`),
    /// handing each full or final piece of compressed output to `sink`.
    func deflate(_ input: UnsafeRawBufferPointer, flush mode: Int32,
                 sink: (UnsafeRawBufferPointer) throws(ZipError) -> Void) throws(ZipError) {
        var offset = 0
        repeat {
            // zlib counts in 32-bit uInt: feed at most 1 GiB per call.
            let count = min(input.count - offset, 1 << 30)
            stream.pointee.next_in = count == 0 ? nil
                : UnsafeMutablePointer(mutating: (input.baseAddress! + offset).assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = UInt32(count)
            offset += count
            let flush = offset == input.count ? mode : Z_NO_FLUSH
            var status: Int32
            repeat {
                stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = UInt32(Self.outputCapacity)
                status = CZlib.deflate(stream, flush)
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw .zlibFailed("deflate returned \(status)")
                }
                let produced = Self.outputCapacity - Int(stream.pointee.avail_out)
                if produced > 0 {
                    try sink(UnsafeRawBufferPointer(rebasing: output[0 ..< produced]))
                }
            } while stream.pointee.avail_out == 0 || (flush == Z_FINISH && status != Z_STREAM_END)
        } while offset < input.count
    }

    /// `input` cut into blocks of `blockSize` bytes, each compressed by its own stream and
    /// closed with a sync flush (byte-aligned, not final), on up to `threads` threads:
    /// concatenated, they continue any raw deflate stream that was itself sync-flushed.
    static func deflateBlocks(_ input: UnsafeRawBufferPointer, blockSize: Int, threads: Int) throws(ZipError) -> [[UInt8]] {
        let count = (input.count + blockSize - 1) / blockSize
        var blocks = [[UInt8]](repeating: [], count: count)
        var failures = [ZipError?](repeating: nil, count: count)
        blocks.withUnsafeMutableBufferPointer { blocks in
            failures.withUnsafeMutableBufferPointer { failures in
                parallelFor(count, threads: threads) { index in
                    let start = index * blockSize
                    let block = UnsafeRawBufferPointer(rebasing: input[start ..< min(start + blockSize, input.count)])
                    do throws(ZipError) {
                        let deflater = try ZipDeflater()
                        try deflater.deflate(block, flush: Z_SYNC_FLUSH) { (output) throws(ZipError) in
                            blocks[index].append(contentsOf: output)
                        }
                    } catch {
                        failures[index] = error
                    }
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        return blocks
    }
}
