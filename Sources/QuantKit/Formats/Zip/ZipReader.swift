#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A zip archive opened for reading: its central directory parsed and validated up front,
/// member data read on demand with `pread`, so memory follows the central directory and the
/// member being read, never the file.
///
/// Opening finds the end of central directory record (APPNOTE 4.3.16) by scanning backwards
/// over at most the last 22 + 65535 bytes (the record and the longest comment), taking the
/// last signature whose comment length reaches exactly the end of the file. When a ZIP64 end
/// of central directory locator (4.3.15) sits just before it, the ZIP64 record (4.3.14)
/// supplies the entry count, size and offset of the central directory. Each central
/// directory header (4.3.12) then becomes a `ZipEntry`, with ZIP64 extended information
/// (4.5.3) substituted for 32-bit fields that hold 0xFFFFFFFF.
///
/// Refused at open: empty files, files without an end record, multi-disk archives, a central
/// directory outside the file or whose entry count disagrees with the record, more than
/// `maxEntryCount` entries, unsafe or duplicate names, and members whose data would extend
/// into the central directory. Refused when a member is opened: see `openMember(_:)`.
public final class ZipReader: Sendable {
    /// The most entries an archive may declare; larger counts are refused before any is read.
    public static let maxEntryCount = 1_000_000

    /// The path the archive was opened from.
    public let path: String
    /// The members in central directory order.
    public let entries: [ZipEntry]
    /// The archive comment (4.3.16), raw bytes.
    public let comment: [UInt8]
    let file: ReadOnlyFile
    /// Where the central directory starts: every member's data must end at or before it.
    let centralDirectoryOffset: UInt64

    /// How many threads verify the CRC-32 of large reads.
    public let threads: Int

    /// Opens and validates the archive at `path`; CRCs of large reads use up to `threads` threads.
    public init(path: String, threads: Int = 1) throws(ZipError) {
        self.threads = threads
        do {
            file = try ReadOnlyFile(path: path)
        } catch {
            throw .file(error)
        }
        let directory = try ZipCentralDirectory(file: file)
        self.path = path
        self.entries = directory.entries
        self.comment = directory.comment
        self.centralDirectoryOffset = directory.offset
    }

    /// The entry called `name`, if any.
    ///
    /// - Complexity: O(n) in the number of entries.
    public func entry(named name: String) -> ZipEntry? {
        entries.first { $0.name.isSameName(as: name) }
    }

    /// Opens `entry` (one of `entries`) for streaming.
    ///
    /// Refuses encrypted members, methods other than stored (0) and deflate (8), stored members
    /// whose two sizes differ, deflate members declaring more than `compressed * 1032 + 64 KiB`
    /// bytes (deflate's best ratio is about 1032:1, so more is a zip bomb), a local header
    /// (4.3.7) without its signature, and data running into the central directory. Sizes and
    /// CRC always come from the central directory: a local header written with a data
    /// descriptor (flag bit 3) holds zeros there.
    public func openMember(_ entry: ZipEntry) throws(ZipError) -> ZipMemberReader {
        try ZipMemberReader(archive: self, entry: entry)
    }

    /// The whole uncompressed content of `entry`, verified; see `ZipMemberReader.readAll()`.
    public func readAll(_ entry: ZipEntry) throws(ZipError) -> [UInt8] {
        try openMember(entry).readAll()
    }
}

/// The parsed central directory of an archive; see `ZipReader`.
struct ZipCentralDirectory {
    let entries: [ZipEntry]
    let comment: [UInt8]
    let offset: UInt64

    init(file: ReadOnlyFile) throws(ZipError) {
        guard file.size > 0 else { throw .emptyFile }
        let end = try Self.findEndRecord(file: file, fileSize: file.size)
        guard end.diskNumber == 0, end.centralDirectoryDisk == 0, end.entriesOnThisDisk == end.totalEntries else {
            throw .spannedArchive
        }
        guard end.totalEntries <= UInt64(ZipReader.maxEntryCount) else {
            throw .tooManyEntries(declared: end.totalEntries, limit: ZipReader.maxEntryCount)
        }
        let (directoryEnd, overflow) = end.centralDirectoryOffset.addingReportingOverflow(end.centralDirectorySize)
        guard !overflow, directoryEnd <= end.directoryLimit, let size = Int(exactly: end.centralDirectorySize) else {
            throw .centralDirectoryOutOfBounds
        }
        // Every header is at least 46 bytes: a count the directory cannot hold is refused
        // before anything is allocated for it.
        guard end.totalEntries <= UInt64(size / ZipFormat.centralHeaderSize) else {
            throw .entryCountMismatch(declared: end.totalEntries, found: size / ZipFormat.centralHeaderSize)
        }
        let bytes = try file.zipReadBytes(at: end.centralDirectoryOffset, count: size)
        var cursor = ByteReader(bytes)
        var entries: [ZipEntry] = []
        entries.reserveCapacity(Int(end.totalEntries))
        var seen = Set<ExactName>()
        while cursor.remaining > 0 {
            guard entries.count < ZipReader.maxEntryCount else {
                throw .tooManyEntries(declared: end.totalEntries, limit: ZipReader.maxEntryCount)
            }
            let entry = try Self.parseHeader(&cursor, index: entries.count)
            guard !isUnsafeZipMemberName(entry.name) else { throw .unsafeName(entry.name) }
            guard seen.insert(ExactName(entry.name)).inserted else { throw .duplicateName(entry.name) }
            let minimumEnd = entry.localHeaderOffset.addingReportingOverflow(UInt64(ZipFormat.localHeaderSize))
            let dataEnd = minimumEnd.partialValue.addingReportingOverflow(entry.compressedSize)
            guard !minimumEnd.overflow, !dataEnd.overflow, dataEnd.partialValue <= end.centralDirectoryOffset else {
                throw .memberDataOutOfBounds(member: entry.name)
            }
            entries.append(entry)
        }
        guard UInt64(entries.count) == end.totalEntries else {
            throw .entryCountMismatch(declared: end.totalEntries, found: entries.count)
        }
        self.entries = entries
        self.comment = end.comment
        self.offset = end.centralDirectoryOffset
    }

    /// The fields of the end of central directory record, ZIP64 values substituted.
    private struct EndRecord {
        var diskNumber: UInt32
        var centralDirectoryDisk: UInt32
        var entriesOnThisDisk: UInt64
        var totalEntries: UInt64
        var centralDirectorySize: UInt64
        var centralDirectoryOffset: UInt64
        /// The offset the central directory must end by: the ZIP64 record, or the end record.
        var directoryLimit: UInt64
        var comment: [UInt8]
    }

    /// Finds and decodes the end record (4.3.16) and, when located, the ZIP64 one (4.3.14-15).
    private static func findEndRecord(file: ReadOnlyFile, fileSize: UInt64) throws(ZipError) -> EndRecord {
        let recordSize = ZipFormat.endRecordSize
        guard fileSize >= UInt64(recordSize) else { throw .noEndOfCentralDirectory }
        let tailCount = Int(min(fileSize, UInt64(recordSize + Int(UInt16.max))))
        let tailStart = fileSize - UInt64(tailCount)
        let tail = try file.zipReadBytes(at: tailStart, count: tailCount)
        var candidate = tailCount - recordSize
        var found: EndRecord?
        while candidate >= 0, found == nil {
            var cursor = ByteReader(tail, offset: candidate)
            if cursor.readInteger(as: UInt32.self) == ZipFormat.endRecordSignature,
               let disk = cursor.readInteger(as: UInt16.self),
               let directoryDisk = cursor.readInteger(as: UInt16.self),
               let onDisk = cursor.readInteger(as: UInt16.self),
               let total = cursor.readInteger(as: UInt16.self),
               let size = cursor.readInteger(as: UInt32.self),
               let offset = cursor.readInteger(as: UInt32.self),
               let commentLength = cursor.readInteger(as: UInt16.self),
               cursor.remaining == Int(commentLength),
               let comment = cursor.readBytes(Int(commentLength)) {
                found = EndRecord(
                    diskNumber: UInt32(disk), centralDirectoryDisk: UInt32(directoryDisk),
                    entriesOnThisDisk: UInt64(onDisk), totalEntries: UInt64(total),
                    centralDirectorySize: UInt64(size), centralDirectoryOffset: UInt64(offset),
                    directoryLimit: tailStart + UInt64(candidate), comment: Array(comment))
            }
            candidate -= 1
        }
        guard var record = found else { throw .noEndOfCentralDirectory }
        try applyZip64(to: &record, file: file)
        return record
    }

    /// Replaces the end record's fields by the ZIP64 record's when a locator precedes it.
    private static func applyZip64(to record: inout EndRecord, file: ReadOnlyFile) throws(ZipError) {
        let endOffset = record.directoryLimit
        guard endOffset >= UInt64(ZipFormat.zip64LocatorSize) else { return }
        let locatorOffset = endOffset - UInt64(ZipFormat.zip64LocatorSize)
        var locator = ByteReader(try file.zipReadBytes(at: locatorOffset, count: ZipFormat.zip64LocatorSize))
        guard locator.readInteger(as: UInt32.self) == ZipFormat.zip64LocatorSignature else { return }
        guard let recordDisk = locator.readInteger(as: UInt32.self),
              let recordOffset = locator.readInteger(as: UInt64.self),
              let diskCount = locator.readInteger(as: UInt32.self) else { throw .badZip64EndRecord }
        guard recordDisk == 0, diskCount <= 1 else { throw .spannedArchive }
        let (recordEnd, overflow) = recordOffset.addingReportingOverflow(UInt64(ZipFormat.zip64EndRecordSize))
        guard !overflow, recordEnd <= locatorOffset else { throw .badZip64EndRecord }
        var zip64 = ByteReader(try file.zipReadBytes(at: recordOffset, count: ZipFormat.zip64EndRecordSize))
        guard zip64.readInteger(as: UInt32.self) == ZipFormat.zip64EndRecordSignature,
              let remainingSize = zip64.readInteger(as: UInt64.self),
              remainingSize >= UInt64(ZipFormat.zip64EndRecordSize - 12),
              zip64.readInteger(as: UInt16.self) != nil,  // version made by
              zip64.readInteger(as: UInt16.self) != nil,  // version needed to extract
              let disk = zip64.readInteger(as: UInt32.self),
              let directoryDisk = zip64.readInteger(as: UInt32.self),
              let onDisk = zip64.readInteger(as: UInt64.self),
              let total = zip64.readInteger(as: UInt64.self),
              let size = zip64.readInteger(as: UInt64.self),
              let offset = zip64.readInteger(as: UInt64.self) else { throw .badZip64EndRecord }
        record.diskNumber = disk
        record.centralDirectoryDisk = directoryDisk
        record.entriesOnThisDisk = onDisk
        record.totalEntries = total
        record.centralDirectorySize = size
        record.centralDirectoryOffset = offset
        record.directoryLimit = recordOffset
    }

    /// Decodes the central directory header (4.3.12) at the cursor.
    static func parseHeader(_ cursor: inout ByteReader, index: Int) throws(ZipError) -> ZipEntry {
        guard cursor.readInteger(as: UInt32.self) == ZipFormat.centralHeaderSignature,
              cursor.readInteger(as: UInt16.self) != nil,  // version made by
              cursor.readInteger(as: UInt16.self) != nil,  // version needed to extract
              let flags = cursor.readInteger(as: UInt16.self),
              let method = cursor.readInteger(as: UInt16.self),
              cursor.readInteger(as: UInt32.self) != nil,  // modification time and date
              let crc = cursor.readInteger(as: UInt32.self),
              let compressed32 = cursor.readInteger(as: UInt32.self),
              let uncompressed32 = cursor.readInteger(as: UInt32.self),
              let nameLength = cursor.readInteger(as: UInt16.self),
              let extraLength = cursor.readInteger(as: UInt16.self),
              let commentLength = cursor.readInteger(as: UInt16.self),
              let disk16 = cursor.readInteger(as: UInt16.self),
              cursor.readInteger(as: UInt16.self) != nil,  // internal attributes
              cursor.readInteger(as: UInt32.self) != nil,  // external attributes
              let offset32 = cursor.readInteger(as: UInt32.self),
              let nameBytes = cursor.readBytes(Int(nameLength)),
              let extra = cursor.readBytes(Int(extraLength)),
              cursor.readBytes(Int(commentLength)) != nil else {
            throw .truncatedCentralDirectory(entryIndex: index)
        }
        let name = try decodeName(Array(nameBytes), flags: flags)

        // 4.5.3: the ZIP64 field holds, in this order, only the values whose 32-bit (or, for
        // the disk, 16-bit) field is all ones.
        var uncompressed = UInt64(uncompressed32)
        var compressed = UInt64(compressed32)
        var offset = UInt64(offset32)
        let max32 = ZipFormat.max32
        if uncompressed32 == max32 || compressed32 == max32 || offset32 == max32 || disk16 == ZipFormat.max16 {
            guard var field = zip64Field(in: Array(extra)) else { throw .badZip64ExtraField(member: name) }
            if uncompressed32 == max32 {
                guard let value = field.readInteger(as: UInt64.self) else { throw .badZip64ExtraField(member: name) }
                uncompressed = value
            }
            if compressed32 == max32 {
                guard let value = field.readInteger(as: UInt64.self) else { throw .badZip64ExtraField(member: name) }
                compressed = value
            }
            if offset32 == max32 {
                guard let value = field.readInteger(as: UInt64.self) else { throw .badZip64ExtraField(member: name) }
                offset = value
            }
            if disk16 == ZipFormat.max16 {
                guard let disk = field.readInteger(as: UInt32.self) else { throw .badZip64ExtraField(member: name) }
                guard disk == 0 else { throw .spannedArchive }
            }
        } else if disk16 != 0 {
            throw .spannedArchive
        }
        return ZipEntry(name: name, method: method, flags: flags, crc32: crc, compressedSize: compressed,
                        uncompressedSize: uncompressed, localHeaderOffset: offset)
    }

    /// The data of the ZIP64 extended information field (header id 0x0001) in an extra field
    /// made of `id: UInt16, size: UInt16, data` blocks (4.5.1), or nil when absent or cut short.
    private static func zip64Field(in extra: [UInt8]) -> ByteReader? {
        var cursor = ByteReader(extra)
        while let id = cursor.readInteger(as: UInt16.self), let size = cursor.readInteger(as: UInt16.self) {
            guard let data = cursor.readBytes(Int(size)) else { return nil }
            if id == ZipFormat.zip64ExtraID { return ByteReader(data) }
        }
        return nil
    }

    /// The member name: UTF-8 when flag bit 11 is set (4.4.4, appendix D), otherwise IBM
    /// CP437, of which only the ASCII subset is accepted.
    private static func decodeName(_ bytes: [UInt8], flags: UInt16) throws(ZipError) -> String {
        if flags & ZipFormat.flagUTF8 != 0 {
            guard let name = String(validating: bytes, as: UTF8.self) else {
                throw .nameNotUTF8(member: String(decoding: bytes, as: UTF8.self))
            }
            return name
        }
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            throw .nonASCIILegacyName(member: String(decoding: bytes, as: UTF8.self))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
