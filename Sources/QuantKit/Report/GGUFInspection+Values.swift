/// The most characters of a string shown before it is cut.
let summarizedStringLength = 60
/// The elements of an array shown before the rest are counted.
let summarizedArrayElements = 4

/// The type of a metadata value as GGUF names it: `uint32`, `string`, `array<string>`,
/// `array<array<int32>>`.
func typeName(of value: GGUFValue) -> String {
    guard case .array(let array) = value else { return "\(value.type)" }
    return arrayTypeName(array)
}

private func arrayTypeName(_ array: GGUFArray) -> String {
    guard case .array(let nested) = array else { return "array<\(array.elementType)>" }
    return "array<" + (nested.first.map(arrayTypeName) ?? "array") + ">"
}

/// A metadata value on one line: numbers as Swift prints them, strings quoted and cut after
/// `summarizedStringLength` characters (`"…" (1234 bytes)`), bytes that are not UTF-8 in hex,
/// arrays as their count and first `summarizedArrayElements` elements
/// (`32000 × ["<unk>", "<s>", "</s>", "<0x00>", …]`).
func summarizedValue(_ value: GGUFValue) -> String {
    switch value {
    case .uint8(let v): "\(v)"
    case .int8(let v): "\(v)"
    case .uint16(let v): "\(v)"
    case .int16(let v): "\(v)"
    case .uint32(let v): "\(v)"
    case .int32(let v): "\(v)"
    case .uint64(let v): "\(v)"
    case .int64(let v): "\(v)"
    case .float32(let v): "\(v)"
    case .float64(let v): "\(v)"
    case .bool(let v): "\(v)"
    case .string(let s): summarizedString(s)
    case .array(let array): summarizedArray(array)
    }
}

private func summarizedString(_ string: GGUFString) -> String {
    guard let text = string.string else {
        return "0x" + string.bytes.prefix(summarizedStringLength / 2).map { String(format: "%02x", $0) }.joined()
            + (string.bytes.count > summarizedStringLength / 2 ? "… (\(string.bytes.count) bytes, not UTF-8)" : " (not UTF-8)")
    }
    let shown = text.count > summarizedStringLength ? String(text.prefix(summarizedStringLength)) + "…" : text
    let escaped = shown.unicodeScalars.map { $0.value < 0x20 || $0 == "\"" || $0 == "\\" ? $0.escaped(asASCII: false) : String($0) }
    return "\"" + escaped.joined() + "\"" + (text.count > summarizedStringLength ? " (\(string.bytes.count) bytes)" : "")
}

private func summarizedArray(_ array: GGUFArray) -> String {
    let first: [String]
    switch array {
    case .uint8(let v): first = v.prefix(summarizedArrayElements).map { "\($0)" }
    case .int8(let v): first = v.prefix(summarizedArrayElements).map { "\($0)" }
    case .uint16(let v): first = v.prefix(summarizedArrayElements).map { "\($0)" }
    case .int16(let v): first = v.prefix(summarizedArrayElements).map { "\($0)" }
    case .uint32(let v): first = v.prefix(summarizedArrayElements).map { "\($0)" }
    case .int32(let v): first = v.prefix(summarizedArrayElements).map { "\($0)" }
    case .uint64(let v): first = v.prefix(summarizedArrayElements).map { "\($0)" }
    case .int64(let v): first = v.prefix(summarizedArrayElements).map { "\($0)" }
    case .float32(let v): first = v.prefix(summarizedArrayElements).map { "\($0)" }
    case .float64(let v): first = v.prefix(summarizedArrayElements).map { "\($0)" }
    case .bool(let v): first = v.prefix(summarizedArrayElements).map { "\($0)" }
    case .string(let v): first = v.prefix(summarizedArrayElements).map(summarizedString)
    case .array(let v): first = v.prefix(summarizedArrayElements).map(summarizedArray)
    }
    return "\(array.count) × [" + first.joined(separator: ", ") + (array.count > summarizedArrayElements ? ", …]" : "]")
}
