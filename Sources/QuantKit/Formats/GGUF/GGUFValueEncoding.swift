/// Appending GGUF's encodings of strings and metadata values (the inverse of
/// `GGUFValueDecoding`): little-endian numbers, a bool as the byte 0 or 1, a string as its
/// `UInt64` length and bytes, an array as its element type (`UInt32`), count (`UInt64`) and
/// elements, an element that is an array encoded the same way. gguf-py writes the same bytes.
extension Array where Element == UInt8 {
    mutating func appendGGUF(_ string: GGUFString) {
        appendLittleEndian(UInt64(string.bytes.count))
        append(contentsOf: string.bytes)
    }

    /// The value's type number, then the value.
    mutating func appendGGUF(_ value: GGUFValue) {
        appendLittleEndian(value.type.rawValue)
        switch value {
        case .uint8(let number): appendLittleEndian(number)
        case .int8(let number): appendLittleEndian(number)
        case .uint16(let number): appendLittleEndian(number)
        case .int16(let number): appendLittleEndian(number)
        case .uint32(let number): appendLittleEndian(number)
        case .int32(let number): appendLittleEndian(number)
        case .uint64(let number): appendLittleEndian(number)
        case .int64(let number): appendLittleEndian(number)
        case .float32(let number): appendLittleEndian(number.bitPattern)
        case .float64(let number): appendLittleEndian(number.bitPattern)
        case .bool(let flag): append(flag ? 1 : 0)
        case .string(let string): appendGGUF(string)
        case .array(let array): appendGGUF(array)
        }
    }

    /// The element type, the count, then the elements without type numbers.
    mutating func appendGGUF(_ array: GGUFArray) {
        appendLittleEndian(array.elementType.rawValue)
        appendLittleEndian(UInt64(array.count))
        switch array {
        case .uint8(let numbers): append(contentsOf: numbers)
        case .int8(let numbers): for number in numbers { appendLittleEndian(number) }
        case .uint16(let numbers): for number in numbers { appendLittleEndian(number) }
        case .int16(let numbers): for number in numbers { appendLittleEndian(number) }
        case .uint32(let numbers): for number in numbers { appendLittleEndian(number) }
        case .int32(let numbers): for number in numbers { appendLittleEndian(number) }
        case .uint64(let numbers): for number in numbers { appendLittleEndian(number) }
        case .int64(let numbers): for number in numbers { appendLittleEndian(number) }
        case .float32(let numbers): for number in numbers { appendLittleEndian(number.bitPattern) }
        case .float64(let numbers): for number in numbers { appendLittleEndian(number.bitPattern) }
        case .bool(let flags): for flag in flags { append(flag ? 1 : 0) }
        case .string(let strings): for string in strings { appendGGUF(string) }
        case .array(let arrays): for element in arrays { appendGGUF(element) }
        }
    }
}
