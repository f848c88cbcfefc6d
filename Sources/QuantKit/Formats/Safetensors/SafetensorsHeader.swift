import Foundation

/// The header of a safetensors file, as huggingface/safetensors defines it and checks it.
///
/// A file is an 8-byte little-endian length `N`, `N` bytes of UTF-8 JSON (possibly padded with
/// trailing spaces), then the data section. The JSON is an object mapping each tensor name to
/// `{"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}`, offsets relative to the
/// data section; the optional key `__metadata__` maps to an object of string values.
///
/// Refused before the JSON is parsed: arrays and objects nested deeper than 64 levels, and more
/// than `maxTensorCount` entries.
/// Refused, as the reference implementation refuses them: `N` above 100 MB (`maxLength`) or
/// past the end of the file, a header that is not UTF-8 or does not start with `{`, invalid
/// JSON, dtypes other than the 13 `DType` reads, negative dimensions, element and byte counts
/// that overflow, `end - begin` other than the shape's byte count, and offsets that do not tile
/// the data section exactly (in begin order, each tensor begins where the previous ended, the
/// first at 0, the last ends at the section's end; an empty tensor has `begin == end`). Also
/// refused: a key repeated within any object, which JSON parsers silently collapse.
struct SafetensorsHeader: Equatable {
    /// The largest header length accepted: 100 MB, the reference's `MAX_HEADER_SIZE`.
    static let maxLength = 100_000_000

    /// The most entries (tensors, and `__metadata__`) a header may hold, counted before the
    /// JSON is parsed: a 100 MB header could otherwise list millions of empty tensors.
    static let maxTensorCount = 1_000_000

    /// One tensor and its bytes `begin ..< end` in the data section.
    struct Entry: Equatable {
        let info: TensorInfo
        let begin: Int
        let end: Int
    }

    /// Every tensor in data-offset order (ties, which only empty tensors can have, by name).
    let entries: [Entry]
    /// The `__metadata__` object (empty when absent).
    let metadata: [String: String]

    /// Parses and checks the `N` header bytes `json` for a data section of `dataSize` bytes.
    static func parse(json: [UInt8], dataSize: Int) throws(SafetensorsError) -> SafetensorsHeader {
        guard String(validating: json, as: UTF8.self) != nil else { throw .headerNotUTF8 }
        guard json.first == UInt8(ascii: "{") else { throw .headerNotObject }
        let nesting = jsonNesting(of: json)
        guard nesting.depth <= maxJSONNestingDepth else { throw .headerNestedTooDeep(limit: maxJSONNestingDepth) }
        guard nesting.topLevelMembers <= maxTensorCount else {
            throw .tooManyTensors(count: nesting.topLevelMembers, limit: maxTensorCount)
        }
        let object: [String: JSONValue]
        do {
            object = try JSONDecoder().decode([String: JSONValue].self, from: Data(json))
        } catch {
            throw .invalidJSON(jsonSyntaxError(in: json) ?? "\(error)")
        }
        if let (key, enclosing) = firstDuplicateKey(inJSON: json) { throw .duplicateKey(key, object: enclosing) }

        // Keys equal only up to Unicode normalization collapse in `object`; then the members
        // are taken one by one, as their bytes.
        var members = object.map { (key: $0.key, value: $0.value) }
        if object.count != nesting.topLevelMembers {
            members = try topLevelMembers(ofJSON: json).map { member throws(SafetensorsError) in
                do {
                    return (member.key, try JSONDecoder().decode(JSONValue.self, from: Data(member.value)))
                } catch {
                    throw .invalidJSON("\(error)")
                }
            }
        }
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (name, value) in members.sorted(by: { ExactName($0.key) < ExactName($1.key) }) {
            if name == "__metadata__" {
                metadata = try parseMetadata(value)
            } else {
                entries.append(try parseEntry(name: name, value, dataSize: dataSize))
            }
        }
        entries.sort { ($0.begin, $0.end, ExactName($0.info.name)) < ($1.begin, $1.end, ExactName($1.info.name)) }
        var expectedBegin = 0
        for (index, entry) in entries.enumerated() {
            let name = entry.info.name
            guard entry.begin >= expectedBegin else { throw .overlap(tensor: name, other: entries[index - 1].info.name) }
            guard entry.begin == expectedBegin else { throw .gap(tensor: name, begin: entry.begin, expected: expectedBegin) }
            expectedBegin = entry.end
        }
        guard expectedBegin == dataSize else { throw .trailingData(count: dataSize - expectedBegin) }
        return SafetensorsHeader(entries: entries, metadata: metadata)
    }

    /// The `__metadata__` object, every value a string.
    private static func parseMetadata(_ value: JSONValue) throws(SafetensorsError) -> [String: String] {
        guard case .object(let fields) = value else { throw .metadataNotObject }
        var metadata: [String: String] = [:]
        for (key, field) in fields.sorted(by: { $0.key < $1.key }) {
            guard case .string(let text) = field else { throw .metadataValueNotString(key: key) }
            metadata[key] = text
        }
        return metadata
    }

    /// One tensor's entry, its offsets checked against its shape and the data section alone.
    private static func parseEntry(name: String, _ value: JSONValue, dataSize: Int) throws(SafetensorsError) -> Entry {
        guard case .object(let fields) = value else { throw .invalidEntry(tensor: name, reason: "not a JSON object") }
        guard case .string(let code)? = fields["dtype"] else {
            throw .invalidEntry(tensor: name, reason: "\"dtype\" is missing or not a string")
        }
        guard let dtype = DType(safetensorsCode: code) else { throw .unsupportedDType(tensor: name, code: code) }
        guard case .array(let dims)? = fields["shape"], let shape = integers(dims) else {
            throw .invalidEntry(tensor: name, reason: "\"shape\" is missing or not a list of integers")
        }
        let byteCount: Int
        do {
            byteCount = try QuantKit.byteCount(of: shape, elementSize: dtype.byteSize)
        } catch {
            throw .invalidShape(tensor: name, error)
        }
        guard case .array(let offsets)? = fields["data_offsets"], let pair = integers(offsets),
              pair.count == 2, pair[0] >= 0 else {
            throw .invalidEntry(tensor: name, reason: "\"data_offsets\" is missing or not two non-negative integers")
        }
        let (begin, end) = (pair[0], pair[1])
        guard end >= begin else { throw .reversedOffsets(tensor: name, begin: begin, end: end) }
        guard end <= dataSize else { throw .offsetsPastEnd(tensor: name, end: end, dataSize: dataSize) }
        guard end - begin == byteCount else { throw .sizeMismatch(tensor: name, begin: begin, end: end, expected: byteCount) }
        return Entry(info: TensorInfo(name: name, dtype: dtype, shape: shape), begin: begin, end: end)
    }

    /// Where and why `json` is not JSON, as `JSONSerialization` says it ("Invalid value around
    /// character 5."): `JSONDecoder` only says that it is not.
    private static func jsonSyntaxError(in json: [UInt8]) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(json))
            return nil
        } catch {
            return (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
        }
    }

    /// `values` as integers, or nil when one is not an integer.
    private static func integers(_ values: [JSONValue]) -> [Int]? {
        var result: [Int] = []
        for value in values {
            guard case .integer(let integer) = value else { return nil }
            result.append(integer)
        }
        return result
    }
}
