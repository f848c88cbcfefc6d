/// The type of a GGUF metadata value, as the file numbers it (`enum gguf_type`).
public enum GGUFValueType: UInt32, Sendable, CaseIterable {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// The fewest bytes a value of this type takes in a file: its width for numbers, 1 for a
    /// bool, 8 (the length) for a string, 12 (element type and count) for an array.
    var minimumEncodedSize: Int {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64, .string: 8
        case .array: 12
        }
    }
}

/// A GGUF string: a length-prefixed run of bytes that the format means to be UTF-8 but does not
/// check, so the bytes are kept as they are (and written back as they are).
public struct GGUFString: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public init(_ string: String) {
        bytes = Array(string.utf8)
    }

    /// The bytes as text, nil when they are not valid UTF-8.
    public var string: String? { String(validating: bytes, as: UTF8.self) }

    /// The text, or the bytes decoded with U+FFFD for invalid sequences (for messages).
    public var description: String { String(decoding: bytes, as: UTF8.self) }
}

/// One GGUF metadata value, typed as the file types it.
public enum GGUFValue: Equatable, Sendable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case uint64(UInt64), int64(Int64), float32(Float), float64(Double), bool(Bool)
    case string(GGUFString)
    case array(GGUFArray)

    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .bool: .bool
        case .string: .string
        case .array: .array
        }
    }
}

/// A GGUF metadata array: every element of one type, stored as a Swift array of that type so
/// that a long array costs what its elements do (a token list of 150,000 `int32`s, 600 KB).
/// An element may itself be an array (gguf-py writes lists of lists), each with its own type.
public enum GGUFArray: Equatable, Sendable {
    case uint8([UInt8]), int8([Int8]), uint16([UInt16]), int16([Int16]), uint32([UInt32]), int32([Int32])
    case uint64([UInt64]), int64([Int64]), float32([Float]), float64([Double]), bool([Bool])
    case string([GGUFString])
    case array([GGUFArray])

    public var elementType: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .bool: .bool
        case .string: .string
        case .array: .array
        }
    }

    /// The number of elements.
    public var count: Int {
        switch self {
        case .uint8(let values): values.count
        case .int8(let values): values.count
        case .uint16(let values): values.count
        case .int16(let values): values.count
        case .uint32(let values): values.count
        case .int32(let values): values.count
        case .uint64(let values): values.count
        case .int64(let values): values.count
        case .float32(let values): values.count
        case .float64(let values): values.count
        case .bool(let values): values.count
        case .string(let values): values.count
        case .array(let values): values.count
        }
    }
}

/// One key-value pair of a GGUF file's metadata.
public struct GGUFMetadataEntry: Equatable, Sendable {
    public let key: GGUFString
    public let value: GGUFValue

    public init(key: GGUFString, value: GGUFValue) {
        self.key = key
        self.value = value
    }

    public init(_ key: String, _ value: GGUFValue) {
        self.init(key: GGUFString(key), value: value)
    }
}
