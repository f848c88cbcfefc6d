/// One member of a zip archive as its central directory header (APPNOTE 4.3.12) describes it,
/// with ZIP64 values (4.5.3) already substituted for the 32-bit placeholders.
public struct ZipEntry: Sendable, Equatable {
    /// The member's path inside the archive, `/`-separated (4.4.17); a name ending in `/` is a
    /// directory. Validated at open: not absolute, no `..` component, no NUL, unique.
    public let name: String
    /// Compression method (4.4.5): 0 stored, 8 deflate; others are listed but refused when opened.
    public let method: UInt16
    /// General purpose bit flags (4.4.4): bit 0 encrypted, bit 3 data descriptor, bit 11 UTF-8 name.
    public let flags: UInt16
    /// CRC-32 of the uncompressed data (4.4.7).
    public let crc32: UInt32
    public let compressedSize: UInt64
    public let uncompressedSize: UInt64
    /// Offset of the member's local file header from the start of the file (4.4.16).
    public let localHeaderOffset: UInt64

    public init(name: String, method: UInt16, flags: UInt16, crc32: UInt32,
                compressedSize: UInt64, uncompressedSize: UInt64, localHeaderOffset: UInt64) {
        self.name = name
        self.method = method
        self.flags = flags
        self.crc32 = crc32
        self.compressedSize = compressedSize
        self.uncompressedSize = uncompressedSize
        self.localHeaderOffset = localHeaderOffset
    }

    /// Whether the name ends in `/`, the zip convention for a directory entry.
    public var isDirectory: Bool { name.hasSuffix("/") }
}

/// Whether a member name could escape the extraction directory or confuse a path API: empty,
/// absolute (`/x`, `\x`, `C:x`), containing a `..` component (`/` or `\` separated), or a NUL.
func isUnsafeZipMemberName(_ name: String) -> Bool {
    let scalars = Array(name.unicodeScalars)
    guard let first = scalars.first else { return true }
    if first == "/" || first == "\\" { return true }
    if scalars.count >= 2, scalars[1] == ":", first.isASCII, first.properties.isAlphabetic { return true }
    if scalars.contains("\0") { return true }
    return name.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "\\" })
        .contains("..")
}
