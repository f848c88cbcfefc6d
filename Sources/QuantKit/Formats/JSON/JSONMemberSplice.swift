/// `json` (the text of a JSON object that `JSONSerialization` accepted) with the top-level
/// member `key` set to `value` (JSON text), every other byte kept as it was: the value replaces
/// the member's value in place (its last occurrence, the one JSON readers keep), or a new
/// member is appended after the last one.
///
/// Re-serializing a parsed document would not keep it: Foundation writes the float `1.0` as the
/// integer `1`, and transformers' typed configs then refuse the field (T5's
/// `initializer_factor`).
func settingTopLevelMember(_ key: String, to value: [UInt8], in json: [UInt8]) -> [UInt8] {
    let members = topLevelMembers(ofJSON: json)
    func valueEnd(_ slice: ArraySlice<UInt8>) -> Int {
        var end = slice.endIndex
        while end > slice.startIndex, [0x20, 0x09, 0x0A, 0x0D].contains(json[end - 1]) { end -= 1 }
        return end
    }
    if let existing = members.last(where: { ExactName($0.key) == ExactName(key) }) {
        return Array(json[..<existing.value.startIndex]) + Array(" ".utf8) + value + Array(json[valueEnd(existing.value)...])
    }
    let member = Array("\"\(key)\": ".utf8) + value
    if let last = members.last {
        let end = valueEnd(last.value)
        return Array(json[..<end]) + Array(",\n  ".utf8) + member + Array(json[end...])
    }
    guard let close = json.lastIndex(of: UInt8(ascii: "}")) else { return json }
    return Array(json[..<close]) + Array("\n  ".utf8) + member + Array("\n".utf8) + Array(json[close...])
}
