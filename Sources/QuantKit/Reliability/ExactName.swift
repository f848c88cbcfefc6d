/// A tensor or member name compared, hashed and ordered as its UTF-8 bytes.
///
/// Swift's `String` compares by canonical equivalence: `"é"` as one scalar (NFC, U+00E9) and
/// as `e` + combining acute (NFD, U+0065 U+0301) are `==` and hash alike. File formats do not
/// normalize: NumPy's `np.savez` writes both as two members, safetensors headers may hold both
/// keys, and a reader that keys a dictionary by `String` would call them duplicates or silently
/// merge them. Every set and dictionary keyed by a name uses this type instead.
public struct ExactName: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let string: String

    public init(_ string: String) {
        self.string = string
    }

    public static func == (a: ExactName, b: ExactName) -> Bool {
        a.string.utf8.elementsEqual(b.string.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        for byte in string.utf8 { hasher.combine(byte) }
        hasher.combine(string.utf8.count)
    }

    /// Byte order (what `sorted()` gives in Python for UTF-8 names' code points).
    public static func < (a: ExactName, b: ExactName) -> Bool {
        a.string.utf8.lexicographicallyPrecedes(b.string.utf8)
    }

    public var description: String { string }
}

extension String {
    /// Whether the two strings are the same bytes (not merely canonically equivalent).
    public func isSameName(as other: String) -> Bool {
        utf8.elementsEqual(other.utf8)
    }
}
