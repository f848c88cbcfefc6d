/// Why a zip archive (or an `.npz`, which is one) was refused, read or written unsuccessfully.
///
/// Each case carries what a user needs to find the problem; `description` is one sentence
/// without the file name (a `FileError` adds it).
public enum ZipError: Error, Equatable, Sendable, CustomStringConvertible {
    // Archive structure (found when the archive is opened).
    case emptyFile
    case noEndOfCentralDirectory
    case spannedArchive
    case badZip64EndRecord
    case centralDirectoryOutOfBounds
    case truncatedCentralDirectory(entryIndex: Int)
    case entryCountMismatch(declared: UInt64, found: Int)
    case tooManyEntries(declared: UInt64, limit: Int)
    case badZip64ExtraField(member: String)
    case nameNotUTF8(member: String)
    case nonASCIILegacyName(member: String)
    case unsafeName(String)
    case duplicateName(String)
    case memberDataOutOfBounds(member: String)

    // Member data (found when a member is opened or read).
    case encrypted(member: String)
    case unsupportedMethod(member: String, method: UInt16)
    case storedSizeMismatch(member: String, compressed: UInt64, uncompressed: UInt64)
    case implausibleCompressionRatio(member: String, compressed: UInt64, uncompressed: UInt64)
    case badLocalHeaderSignature(member: String)
    case corruptDeflate(member: String, message: String)
    case inflatesBeyondDeclaredSize(member: String, declared: UInt64)
    case inflatesShortOfDeclaredSize(member: String, declared: UInt64, actual: UInt64)
    case crcMismatch(member: String, stored: UInt32, computed: UInt32)

    // Writing.
    case nameTooLong(String)

    // The file system.
    /// Reading the archive failed (or it ended early).
    case file(FileReadError)
    /// A record was cut short.
    case unexpectedEndOfFile
    /// The output could not be created.
    case createFailed(String)
    case writeFailed(String)
    case zlibFailed(String)

    public var description: String {
        switch self {
        case .emptyFile: "empty file (not a zip archive)"
        case .noEndOfCentralDirectory: "not a zip archive: no end-of-central-directory record (truncated or not a zip)"
        case .spannedArchive: "archives spanning several disks are not supported"
        case .badZip64EndRecord: "bad ZIP64 end-of-central-directory record or locator"
        case .centralDirectoryOutOfBounds: "central directory lies outside the file (truncated or inconsistent archive)"
        case .truncatedCentralDirectory(let index): "central directory is truncated or corrupt at entry \(index)"
        case .entryCountMismatch(let declared, let found):
            "central directory declares \(declared) entries but holds \(found)"
        case .tooManyEntries(let declared, let limit):
            "archive declares \(declared) entries, more than the limit of \(limit)"
        case .badZip64ExtraField(let member): "member '\(member)': ZIP64 extra field is missing or too short"
        case .nameNotUTF8(let member): "member name '\(member)' is flagged UTF-8 but is not valid UTF-8"
        case .nonASCIILegacyName(let member):
            "member name '\(member)' is not ASCII and not flagged UTF-8 (CP437 names are not supported)"
        case .unsafeName(let name): "unsafe member name '\(name)'"
        case .duplicateName(let name): "duplicate member name '\(name)'"
        case .memberDataOutOfBounds(let member):
            "member '\(member)': data extends past the central directory or the end of the file"
        case .encrypted(let member): "member '\(member)': encrypted members are not supported"
        case .unsupportedMethod(let member, let method):
            "member '\(member)': compression method \(method)\(zipMethodName(method).map { " (\($0))" } ?? "") is not supported (only stored and deflate)"
        case .storedSizeMismatch(let member, let compressed, let uncompressed):
            "member '\(member)': stored member has compressed size \(compressed) but uncompressed size \(uncompressed)"
        case .implausibleCompressionRatio(let member, let compressed, let uncompressed):
            "member '\(member)': declared size \(uncompressed) is implausible for \(compressed) compressed bytes (zip bomb?)"
        case .badLocalHeaderSignature(let member): "member '\(member)': local file header signature mismatch"
        case .corruptDeflate(let member, let message): "member '\(member)': corrupt deflate data (\(message))"
        case .inflatesBeyondDeclaredSize(let member, let declared):
            "member '\(member)': inflates to more than its declared \(declared) bytes"
        case .inflatesShortOfDeclaredSize(let member, let declared, let actual):
            "member '\(member)': inflates to \(actual) bytes, declared \(declared)"
        case .crcMismatch(let member, let stored, let computed):
            "member '\(member)': CRC-32 mismatch (stored 0x\(hex8(stored)), computed 0x\(hex8(computed)))"
        case .nameTooLong(let name): "member name '\(name.prefix(64))...' is longer than 65535 bytes"
        case .file(let error): "\(error)"
        case .createFailed(let message): "cannot create: \(message)"
        case .unexpectedEndOfFile: "unexpected end of file (truncated archive)"
        case .writeFailed(let message): "write failed: \(message)"
        case .zlibFailed(let message): "zlib failed: \(message)"
        }
    }
}

/// The APPNOTE 4.4.5 name of a compression method this reader does not support, if it has one.
private func zipMethodName(_ method: UInt16) -> String? {
    switch method {
    case 1: "shrunk"
    case 6: "imploded"
    case 9: "deflate64"
    case 12: "bzip2"
    case 14: "LZMA"
    case 93: "zstd"
    case 95: "xz"
    case 98: "PPMd"
    case 99: "AES encrypted"
    default: nil
    }
}

/// `value` as eight lowercase hex digits.
private func hex8(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
}
