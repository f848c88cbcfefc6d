/// A read cursor over the first bytes of a GGUF file (`ByteReader` over `prefix`), which
/// knows the size of the whole file and names what it reads in its errors.
///
/// A read that runs past `prefix` throws `GGUFError.truncated` naming the field, its offset and
/// its size. The caller tells a truncated file from a header longer than the prefix read so far
/// by comparing the end of that range with the file's size (`GGUFHeader.read`).
struct GGUFHeaderCursor {
    private var reader: ByteReader
    /// The size of the whole file, of which `reader` holds the start.
    let fileSize: UInt64

    init(prefix: [UInt8], fileSize: UInt64) {
        reader = ByteReader(prefix)
        self.fileSize = fileSize
    }

    /// The offset of the next byte to read.
    var offset: UInt64 { UInt64(reader.offset) }

    /// The bytes of the file after `offset` (not only those of the prefix).
    var bytesLeftInFile: UInt64 { fileSize - min(fileSize, offset) }

    /// Reads a little-endian `T`; moves past it on success.
    mutating func integer<T: FixedWidthInteger>(_ type: T.Type = T.self, field: @autoclosure () -> String) throws(GGUFError) -> T {
        guard let value = reader.readInteger(as: T.self, endianness: .little) else {
            throw .truncated(field: field(), offset: offset, count: UInt64(MemoryLayout<T>.size))
        }
        return value
    }

    /// Reads `count` bytes; moves past them on success.
    mutating func bytes(_ count: UInt64, field: @autoclosure () -> String) throws(GGUFError) -> [UInt8] {
        guard count <= UInt64(reader.remaining), let bytes = reader.readBytes(Int(count)) else {
            throw .truncated(field: field(), offset: offset, count: count)
        }
        return bytes
    }

    /// Reads a string: a `UInt64` length, then that many bytes.
    mutating func string(field: @autoclosure () -> String) throws(GGUFError) -> GGUFString {
        let length = try integer(UInt64.self, field: "the length of " + field())
        return GGUFString(bytes: try bytes(length, field: field()))
    }
}
