/// The byte order of a multi-byte integer in a file.
public enum Endianness: Sendable, Equatable {
    case little, big

    /// The byte order of the machine running this code.
    public static var host: Endianness { 1.littleEndian == 1 ? .little : .big }
}

/// A read cursor over bytes held in memory, shared by every file format.
///
/// The reader index (`offset`) starts at 0 and only moves forward. Every read either succeeds
/// in full and moves the index past what it read, or returns nil and leaves the index where it
/// was, so a caller can report how far it got. Integers are assembled by copying bytes into a
/// value, never by loading from an unaligned address.
public struct ByteReader: Sendable {
    /// The whole buffer being read; `offset` indexes into it.
    public let bytes: [UInt8]
    /// The number of bytes consumed so far, which is the index of the next byte to read.
    public private(set) var offset: Int = 0

    /// A reader over `bytes` whose next read starts at `offset` (0 by default).
    public init(_ bytes: [UInt8], offset: Int = 0) {
        precondition((0 ... bytes.count).contains(offset), "offset \(offset) outside 0...\(bytes.count)")
        self.bytes = bytes
        self.offset = offset
    }

    /// The number of bytes left after `offset`.
    public var remaining: Int { bytes.count - offset }

    /// Reads a `T` stored in `endianness` byte order.
    ///
    /// Moves `offset` forward by `MemoryLayout<T>.size` on success; returns nil without moving
    /// when fewer bytes than that remain.
    public mutating func readInteger<T: FixedWidthInteger>(
        as type: T.Type = T.self,
        endianness: Endianness = .little
    ) -> T? {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { return nil }
        var stored = T.zero
        withUnsafeMutableBytes(of: &stored) { destination in
            destination.copyBytes(from: bytes[offset ..< offset + size])
        }
        offset += size
        return endianness == .little ? T(littleEndian: stored) : T(bigEndian: stored)
    }

    /// Reads the next `count` bytes as a new array.
    ///
    /// Moves `offset` forward by `count` on success; returns nil without moving when `count` is
    /// negative or fewer than `count` bytes remain.
    public mutating func readBytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, remaining >= count else { return nil }
        let slice = bytes[offset ..< offset + count]
        offset += count
        return Array(slice)
    }
}
