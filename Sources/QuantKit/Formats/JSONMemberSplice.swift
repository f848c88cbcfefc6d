/// `json` (the text of a JSON object that `JSONSerialization` accepted) with the top-level
/// member `key` set to `value` (JSON text), every other byte kept as it was: the value replaces
/// an existing member's value in place, or a new member is appended before the closing brace.
///
/// Re-serializing a parsed document would not keep it: Foundation writes the float `1.0` as the
/// integer `1`, and transformers' typed configs then refuse the field (T5's
/// `initializer_factor`). One pass over the bytes tracks string literals and bracket depth only,
/// so keys are compared as written (a key spelled with escapes is not recognised, and gets a
/// second member, which JSON readers resolve to the last one: ours).
func settingTopLevelMember(_ key: String, to value: [UInt8], in json: [UInt8]) -> [UInt8] {
    let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
    let keyBytes = Array("\"\(key)\"".utf8)
    var depth = 0
    var lastMemberEnd: Int?
    var index = 0
    // Where the value of the wanted key starts (after its colon), once seen.
    var valueStart: Int?
    var expectingKey = false
    while index < json.count {
        let byte = json[index]
        switch byte {
        case quote:
            let start = index
            index += 1
            while json[index] != quote {
                if json[index] == backslash { index += 1 }
                index += 1
            }
            if depth == 1, expectingKey, Array(json[start ... index]) == keyBytes {
                var colon = index + 1
                while json[colon] != UInt8(ascii: ":") { colon += 1 }
                valueStart = colon + 1
            }
            if depth == 1 { expectingKey = false; lastMemberEnd = index + 1 }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            depth += 1
            if depth == 1 { expectingKey = true }
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            depth -= 1
            if depth == 1 { lastMemberEnd = index + 1 }
            if depth == 0 {
                if let start = valueStart, let end = lastMemberEnd {
                    return Array(json[..<start]) + Array(" ".utf8) + value + Array(json[end...])
                }
                let separator = lastMemberEnd == nil ? "\n  " : ",\n  "
                let insertAt = lastMemberEnd ?? index
                return Array(json[..<insertAt]) + Array((separator + "\"\(key)\": ").utf8) + value + Array("\n".utf8)
                    + Array(json[index...])
            }
        case UInt8(ascii: ","):
            if depth == 1 {
                if let start = valueStart, let end = lastMemberEnd, end > start {
                    return Array(json[..<start]) + Array(" ".utf8) + value + Array(json[end...])
                }
                expectingKey = true
            }
        default:
            if depth == 1, !expectingKey, byte > 0x20 { lastMemberEnd = index + 1 }
        }
        index += 1
    }
    return json
}
