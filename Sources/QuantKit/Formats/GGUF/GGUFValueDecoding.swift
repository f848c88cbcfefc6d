/// Reading metadata values: a type number, then the value as that type stores it.
///
/// Numbers are little-endian, a bool is one byte (non-zero is true, as ggml reads it), a string
/// is a `UInt64` length and its bytes, an array is its element type (`UInt32`), its count
/// (`UInt64`) and the elements back to back; an element that is itself an array carries its
/// own element type and count.
///
/// Before an array is allocated its count is checked against what the rest of the file can
/// hold at the elements' smallest size (`GGUFValueType.minimumEncodedSize`) and against ggml's
/// `GGUF_MAX_ARRAY_ELEMENTS` (2^30), so a file can make the reader hold about as many elements
/// as it has bytes, never more. Nesting deeper than `maxArrayNesting` is refused before it
/// recurses further.
extension GGUFHeaderCursor {
    /// ggml's `GGUF_MAX_ARRAY_ELEMENTS`.
    static let maxArrayElements: UInt64 = 1 << 30
    /// The deepest nesting of arrays read: arrays of arrays are rare (gguf-py can write them,
    /// ggml cannot read them), and the limit keeps the recursion's stack bounded.
    static let maxArrayNesting = 64

    /// Reads a `UInt32` type number, refusing numbers GGUF does not define.
    mutating func valueType(key: GGUFString, field: @autoclosure () -> String) throws(GGUFError) -> GGUFValueType {
        let number = try integer(UInt32.self, field: field())
        guard let type = GGUFValueType(rawValue: number) else { throw .unknownValueType(key: key, number: number) }
        return type
    }

    /// Reads one value of `type`, the value of `key`; `depth` arrays enclose it.
    mutating func value(of type: GGUFValueType, key: GGUFString, depth: Int = 0) throws(GGUFError) -> GGUFValue {
        let field = "the value of '\(key)'"
        switch type {
        case .uint8: return .uint8(try integer(field: field))
        case .int8: return .int8(try integer(field: field))
        case .uint16: return .uint16(try integer(field: field))
        case .int16: return .int16(try integer(field: field))
        case .uint32: return .uint32(try integer(field: field))
        case .int32: return .int32(try integer(field: field))
        case .uint64: return .uint64(try integer(field: field))
        case .int64: return .int64(try integer(field: field))
        case .float32: return .float32(Float(bitPattern: try integer(field: field)))
        case .float64: return .float64(Double(bitPattern: try integer(field: field)))
        case .bool: return .bool(try integer(UInt8.self, field: field) != 0)
        case .string: return .string(try string(field: field))
        case .array: return .array(try array(key: key, depth: depth + 1))
        }
    }

    /// Reads an array's element type, count and elements; `depth` counts this array.
    mutating func array(key: GGUFString, depth: Int) throws(GGUFError) -> GGUFArray {
        guard depth <= Self.maxArrayNesting else { throw .arrayNestedTooDeep(key: key, limit: Self.maxArrayNesting) }
        let type = try valueType(key: key, field: "the element type of '\(key)'")
        let declared = try integer(UInt64.self, field: "the length of '\(key)'")
        let limit = min(Self.maxArrayElements, bytesLeftInFile / UInt64(type.minimumEncodedSize))
        guard declared <= limit else { throw .arrayTooLong(key: key, count: declared, limit: limit) }
        let count = Int(declared)
        switch type {
        case .uint8: return .uint8(try integers(count, key: key))
        case .int8: return .int8(try integers(count, key: key))
        case .uint16: return .uint16(try integers(count, key: key))
        case .int16: return .int16(try integers(count, key: key))
        case .uint32: return .uint32(try integers(count, key: key))
        case .int32: return .int32(try integers(count, key: key))
        case .uint64: return .uint64(try integers(count, key: key))
        case .int64: return .int64(try integers(count, key: key))
        case .float32: return .float32(try integers(count, key: key).map { Float(bitPattern: $0) })
        case .float64: return .float64(try integers(count, key: key).map { Double(bitPattern: $0) })
        case .bool: return .bool(try integers(count, key: key).map { (byte: UInt8) in byte != 0 })
        case .string:
            var strings: [GGUFString] = []
            for _ in 0 ..< count { strings.append(try string(field: "an element of '\(key)'")) }
            return .string(strings)
        case .array:
            var arrays: [GGUFArray] = []
            for _ in 0 ..< count { arrays.append(try array(key: key, depth: depth + 1)) }
            return .array(arrays)
        }
    }

    /// Reads `count` little-endian `T`s stored back to back.
    private mutating func integers<T: FixedWidthInteger>(_ count: Int, key: GGUFString) throws(GGUFError) -> [T] {
        let size = MemoryLayout<T>.size
        let raw = try bytes(UInt64(count * size), field: "the elements of '\(key)'")
        return raw.withUnsafeBytes { buffer in
            (0 ..< count).map { T(littleEndian: buffer.loadUnaligned(fromByteOffset: $0 * size, as: T.self)) }
        }
    }
}
