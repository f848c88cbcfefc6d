import Foundation

/// A JSON document as a tree: Foundation's `JSONDecoder` parses the text, format readers walk
/// the tree and throw their own typed errors.
///
/// A number is `.integer` when `JSONDecoder` reads it as an `Int` (which includes integral
/// spellings such as `2.0` and `1e2`), `.number` otherwise (fractions, and integers beyond
/// `Int`). Duplicate keys keep one value; see `firstDuplicateKey(inJSON:)`.
indirect enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}

/// The first key that appears twice in one object of `json`, with the top-level key whose
/// value holds that object (nil when the duplicate is itself a top-level key); nil when every
/// object's keys are distinct. `JSONDecoder` and `JSONSerialization` silently keep one of two
/// values for a key, so readers that must refuse duplicates look here.
///
/// `json` must be text `JSONDecoder` accepted: one pass tracks only brackets, commas and string
/// literals, and decodes a key's escapes only when it has any (`"a"` and `"\u0061"` are one key).
func firstDuplicateKey(inJSON json: [UInt8]) -> (key: String, object: String?)? {
    let quote = UInt8(ascii: "\"")
    // One level per open object (its keys so far) or array (nil).
    var levels: [(keys: Set<ExactName>?, expectingKey: Bool)] = []
    var topLevelKey: String?
    var index = 0
    while index < json.count {
        switch json[index] {
        case UInt8(ascii: "{"):
            levels.append(([], true))
        case UInt8(ascii: "["):
            levels.append((nil, false))
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            levels.removeLast()
        case UInt8(ascii: ","):
            if levels[levels.count - 1].keys != nil { levels[levels.count - 1].expectingKey = true }
        case quote:
            let literal = JSONStringLiteral(in: json, at: index)
            index = literal.end
            guard let level = levels.last, level.keys != nil, level.expectingKey else { break }
            let key = literal.decoded(from: json)
            guard !level.keys!.contains(ExactName(key)) else { return (key, levels.count == 1 ? nil : topLevelKey) }
            levels[levels.count - 1].keys!.insert(ExactName(key))
            levels[levels.count - 1].expectingKey = false
            if levels.count == 1 { topLevelKey = key }
        default:
            break
        }
        index += 1
    }
    return nil
}

/// How deep arrays and objects nest in `json` (0 for a scalar) and how many members its
/// outermost object has (0 when it is not an object), measured in one pass over the bytes
/// without parsing: readers refuse deep or huge documents before `JSONDecoder` builds a tree.
///
/// Only brackets, colons and string literals are tracked, so on text that is not JSON the
/// counts are meaningless (but finite); the parser then refuses the text itself.
///
/// - Complexity: O(n) time, O(1) memory.
func jsonNesting(of json: [UInt8]) -> (depth: Int, topLevelMembers: Int) {
    var depth = 0, deepest = 0, members = 0
    var inString = false, escaped = false
    var outermostIsObject = false
    for byte in json {
        if inString {
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                inString = false
            }
            continue
        }
        switch byte {
        case UInt8(ascii: "\""):
            inString = true
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            if depth == 0 { outermostIsObject = byte == UInt8(ascii: "{") }
            depth += 1
            deepest = max(deepest, depth)
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            depth = max(0, depth - 1)
        case UInt8(ascii: ":") where depth == 1 && outermostIsObject:
            members += 1
        default:
            break
        }
    }
    return (deepest, members)
}

/// How deep arrays and objects may nest in the JSON quantize reads (safetensors headers and
/// the `__quantization__` record need 3 and 4). Foundation's parser stops at 512 on its own;
/// this bound is far below it, so deep documents are refused with a clear error before parsing.
let maxJSONNestingDepth = 64

/// The members of the outermost object of `json`, in order: each key as written (escapes
/// decoded), and the bytes of its value. Decoding into a `[String: JSONValue]` merges keys that
/// are equal only up to Unicode normalization (`String` compares by canonical equivalence);
/// these keys stay as their bytes (see `ExactName`).
///
/// `json` must be an object `JSONDecoder` accepted: only brackets, commas, colons and string
/// literals are tracked.
func topLevelMembers(ofJSON json: [UInt8]) -> [(key: String, value: ArraySlice<UInt8>)] {
    let quote = UInt8(ascii: "\"")
    var members: [(key: String, value: ArraySlice<UInt8>)] = []
    var depth = 0
    var key: String?
    var valueStart = 0
    var index = 0
    func endValue(at end: Int) {
        if depth == 1, let name = key {
            members.append((name, json[valueStart ..< end]))
            key = nil
        }
    }
    while index < json.count {
        switch json[index] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            depth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            endValue(at: index)
            depth -= 1
        case UInt8(ascii: ","):
            endValue(at: index)
        case quote:
            let literal = JSONStringLiteral(in: json, at: index)
            index = literal.end
            guard depth == 1, key == nil else { break }
            key = literal.decoded(from: json)
            while json[index] != UInt8(ascii: ":") { index += 1 }
            valueStart = index + 1
        default:
            break
        }
        index += 1
    }
    return members
}

/// A string literal of JSON text that `JSONDecoder` accepted: from its opening quote at
/// `start` to its closing quote at `end`.
struct JSONStringLiteral {
    let start: Int
    let end: Int
    /// Whether it holds a backslash escape (only then is it decoded by `JSONDecoder`).
    let escaped: Bool

    init(in json: [UInt8], at start: Int) {
        var index = start + 1
        var escaped = false
        while json[index] != UInt8(ascii: "\"") {
            if json[index] == UInt8(ascii: "\\") { escaped = true; index += 1 }
            index += 1
        }
        self.start = start
        self.end = index
        self.escaped = escaped
    }

    /// The string it stands for.
    func decoded(from json: [UInt8]) -> String {
        escaped ? (try? JSONDecoder().decode(String.self, from: Data(json[start ... end]))) ?? ""
            : String(decoding: json[start + 1 ..< end], as: UTF8.self)
    }
}
