import CZlib

/// Streams the uncompressed content of one member of a `ZipReader`'s archive.
///
/// Stored members (method 0) are read straight from the file; deflate members (method 8,
/// RFC 1951 raw deflate, APPNOTE 4.4.5) are inflated with zlib, reading at most 256 KiB of
/// compressed input at a time. Output never exceeds the central directory's uncompressed size:
/// a stream that would produce more, or ends before producing that many bytes, is an error.
/// When the last declared byte has been produced (before the read that produced it returns),
/// the CRC-32 (4.4.7) of everything read is compared with the central directory's.
///
/// Memory: the 256 KiB input buffer and zlib's ~44 KiB inflate state, whatever the member size.
public final class ZipMemberReader {
    /// The member being read.
    public let entry: ZipEntry
    /// Offset of the member's first data byte: after its local header (4.3.7) and the local
    /// name and extra field, whose lengths may differ from the central directory's.
    public let dataOffset: UInt64
    /// Uncompressed bytes returned so far.
    public private(set) var bytesRead: UInt64 = 0
    private let archive: ZipReader
    private var crc: UInt32 = 0
    private var verified = false
    private let inflater: ZipInflater?

    init(archive: ZipReader, entry: ZipEntry) throws(ZipError) {
        let name = entry.name
        guard entry.flags & ZipFormat.flagEncrypted == 0 else { throw .encrypted(member: name) }
        switch entry.method {
        case ZipFormat.methodStored:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw .storedSizeMismatch(member: name, compressed: entry.compressedSize,
                                          uncompressed: entry.uncompressedSize)
            }
        case ZipFormat.methodDeflate:
            let (expanded, overflow) = entry.compressedSize.multipliedReportingOverflow(by: 1032)
            let (bound, boundOverflow) = expanded.addingReportingOverflow(64 * 1024)
            guard overflow || boundOverflow || entry.uncompressedSize <= bound else {
                throw .implausibleCompressionRatio(member: name, compressed: entry.compressedSize,
                                                   uncompressed: entry.uncompressedSize)
            }
        default:
            throw .unsupportedMethod(member: name, method: entry.method)
        }

        var header = ByteReader(try archive.file.zipReadBytes(at: entry.localHeaderOffset,
                                                     count: ZipFormat.localHeaderSize))
        guard header.readInteger(as: UInt32.self) == ZipFormat.localHeaderSignature else {
            throw .badLocalHeaderSignature(member: name)
        }
        // 4.3.7: the name and extra field lengths sit at offsets 26 and 28.
        _ = header.readBytes(22)
        guard let nameLength = header.readInteger(as: UInt16.self),
              let extraLength = header.readInteger(as: UInt16.self) else { throw .unexpectedEndOfFile }
        let headerLength = UInt64(ZipFormat.localHeaderSize) + UInt64(nameLength) + UInt64(extraLength)
        let (dataOffset, overflow) = entry.localHeaderOffset.addingReportingOverflow(headerLength)
        let (dataEnd, endOverflow) = dataOffset.addingReportingOverflow(entry.compressedSize)
        guard !overflow, !endOverflow, dataEnd <= archive.centralDirectoryOffset else {
            throw .memberDataOutOfBounds(member: name)
        }
        self.entry = entry
        self.dataOffset = dataOffset
        self.archive = archive
        self.inflater = entry.method == ZipFormat.methodDeflate ? try ZipInflater(member: name) : nil
    }

    /// Uncompressed bytes not yet returned.
    public var bytesRemaining: UInt64 { entry.uncompressedSize - bytesRead }

    /// Fills the start of `buffer` with the next bytes of the member and returns how many;
    /// 0 only once the whole member has been read and verified (or when `buffer` is empty).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ZipError) -> Int {
        let count = Int(clamping: min(UInt64(buffer.count), bytesRemaining))
        var produced = 0
        if count > 0 {
            let target = UnsafeMutableRawBufferPointer(rebasing: buffer[0 ..< count])
            if let inflater {
                produced = try inflater.inflate(into: target, file: archive.file,
                                                dataOffset: dataOffset, compressedSize: entry.compressedSize)
                if produced == 0 {
                    throw .inflatesShortOfDeclaredSize(member: entry.name, declared: entry.uncompressedSize,
                                                       actual: bytesRead)
                }
                crc = zipCRC32(crc, UnsafeRawBufferPointer(rebasing: buffer[0 ..< produced]), threads: archive.threads)
            } else {
                crc = try zipReadWithCRC(archive.file, at: dataOffset + bytesRead, into: target, crc: crc, threads: archive.threads)
                produced = count
            }
            bytesRead += UInt64(produced)
        }
        if bytesRemaining == 0, !verified {
            try verify()
        }
        return produced
    }

    /// Maps the rest of a stored member into memory instead of reading it (nil for a deflated
    /// one), verifying the CRC-32 over the mapped bytes; the member then counts as read.
    func mapRest() throws(ZipError) -> FileMapping? {
        guard inflater == nil else { return nil }
        let mapping = try mapRemainingBytes()
        crc = zipCRC32(crc, mapping.bytes, threads: archive.threads)
        bytesRead = entry.uncompressedSize
        try verify()
        return mapping
    }

    /// `mapRest` without the CRC-32 check: the mapping and the check, which the caller makes
    /// over the mapped bytes (`DeferredCRC32`, whose errors name `path`); nil for a deflated
    /// member. The member counts as read and checked here.
    func mapRestLeavingCheck(path: String) throws(ZipError) -> (mapping: FileMapping, check: DeferredCRC32)? {
        guard inflater == nil else { return nil }
        let mapping = try mapRemainingBytes()
        let check = DeferredCRC32(path: path, member: entry.name, expected: entry.crc32, prefix: crc,
                                  byteCount: mapping.bytes.count, threads: archive.threads)
        bytesRead = entry.uncompressedSize
        verified = true
        return (mapping, check)
    }

    /// The stored member's bytes not yet read, mapped into memory.
    private func mapRemainingBytes() throws(ZipError) -> FileMapping {
        do {
            return try FileMapping(file: archive.file, offset: dataOffset + bytesRead, count: Int(clamping: bytesRemaining))
        } catch {
            throw .file(error)
        }
    }

    /// Up to `maxCount` next bytes of the member; empty only once it has been read and verified.
    public func read(maxCount: Int) throws(ZipError) -> [UInt8] {
        let count = Int(clamping: min(UInt64(max(maxCount, 0)), bytesRemaining))
        var bytes = [UInt8](repeating: 0, count: count)
        let produced = try zipWithMutableBytes(of: &bytes) { (buffer) throws(ZipError) in try read(into: buffer) }
        bytes.removeLast(count - produced)
        return bytes
    }

    /// The rest of the member, verified. Capacity is reserved for at most 64 MiB up front and
    /// grows as data actually arrives, so a lying size costs no more than the data it delivers.
    public func readAll() throws(ZipError) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(Int(clamping: min(bytesRemaining, 64 << 20)))
        var chunk = [UInt8](repeating: 0, count: Int(clamping: min(bytesRemaining, 1 << 20)))
        repeat {
            let produced = try zipWithMutableBytes(of: &chunk) { (buffer) throws(ZipError) in try read(into: buffer) }
            result.append(contentsOf: chunk[0 ..< produced])
        } while bytesRemaining > 0
        return result
    }

    /// Checks, once every declared byte has been produced, that a deflate stream ends there
    /// and that the CRC-32 matches.
    private func verify() throws(ZipError) {
        if let inflater {
            try inflater.expectEnd(file: archive.file, dataOffset: dataOffset,
                                   compressedSize: entry.compressedSize, declared: entry.uncompressedSize)
        }
        guard crc == entry.crc32 else {
            throw .crcMismatch(member: entry.name, stored: entry.crc32, computed: crc)
        }
        verified = true
    }
}

@available(*, unavailable, message: "a member reader holds mutable stream state; use it from one task")
extension ZipMemberReader: Sendable {}

/// A zlib raw-inflate stream (window bits -15: no zlib or gzip wrapper) over one member's
/// compressed bytes, reading them from the file in chunks of `inputCapacity`.
private final class ZipInflater {
    static let inputCapacity = 256 * 1024
    private let member: String
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    /// Compressed bytes read from the file so far.
    private var consumed: UInt64 = 0
    private var ended = false

    init(member: String) throws(ZipError) {
        self.member = member
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: Self.inputCapacity, alignment: 16)
        let status = inflateInit2_(stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            input.deallocate()
            throw .zlibFailed("inflateInit2 returned \(status)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    /// Inflates into `output` until at least one byte is produced or the stream ends;
    /// returns the number of bytes produced (0 means the stream has ended).
    func inflate(into output: UnsafeMutableRawBufferPointer, file: ReadOnlyFile, dataOffset: UInt64,
                 compressedSize: UInt64) throws(ZipError) -> Int {
        guard !ended else { return 0 }
        // zlib counts in 32-bit uInt: ask for at most 1 GiB per call.
        let capacity = min(output.count, 1 << 30)
        stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = UInt32(capacity)
        while stream.pointee.avail_out == UInt32(capacity) {
            if stream.pointee.avail_in == 0, consumed < compressedSize {
                let count = Int(min(UInt64(Self.inputCapacity), compressedSize - consumed))
                let chunk = UnsafeMutableRawBufferPointer(rebasing: input[0 ..< count])
                try file.zipRead(at: dataOffset + consumed, into: chunk)
                consumed += UInt64(count)
                stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_in = UInt32(count)
            }
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                ended = true
                return capacity - Int(stream.pointee.avail_out)
            case Z_BUF_ERROR where stream.pointee.avail_in == 0 && consumed == compressedSize:
                throw .corruptDeflate(member: member, message: "compressed data ends before the deflate stream")
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw .corruptDeflate(member: member, message: message)
            }
        }
        return capacity - Int(stream.pointee.avail_out)
    }

    /// Throws unless the stream ends without producing another byte.
    func expectEnd(file: ReadOnlyFile, dataOffset: UInt64, compressedSize: UInt64, declared: UInt64) throws(ZipError) {
        var probe: [UInt8] = [0]
        let produced = try zipWithMutableBytes(of: &probe) { (buffer) throws(ZipError) in
            try inflate(into: buffer, file: file, dataOffset: dataOffset, compressedSize: compressedSize)
        }
        guard produced == 0 else { throw .inflatesBeyondDeclaredSize(member: member, declared: declared) }
    }
}
