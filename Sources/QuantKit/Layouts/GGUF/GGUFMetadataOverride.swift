#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One `KEY=TYPE:VALUE` metadata override, read as llama.cpp reads it
/// (`string_parse_kv_override` in common.cpp) and written as llama-quantize writes it:
///
/// - `KEY` is everything before the first `=`, 1 to 127 bytes;
/// - `int:V` is C's `atol(V)` (leading blanks and a sign, digits up to the first other
///   character, 0 when there are none), written as a uint32 holding `|V|` modulo 2^32
///   (`-7` → 7);
/// - `float:V` is C's `atof(V)` (0 when not a number), written as float32 (`0.1` →
///   0.100000001490116);
/// - `bool:true` or `bool:false`, nothing else; `str:V` at most 127 bytes.
///
/// Each override removes the key from the output's metadata, wherever it was, and appends it
/// (ggml's `gguf_set_val_*`), in the order given, after `general.quantization_version` and
/// `general.file_type`.
public struct GGUFMetadataOverride: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case integer(Int64), float(Double), bool(Bool), string(String)
    }

    public let key: String
    public let value: Value

    /// The longest key and string value llama.cpp's fixed buffers hold.
    static let maximumLength = 127

    /// The override `text` spells, nil when llama.cpp would refuse it.
    public init?(parsing text: String) {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let key = String(text[..<equals])
        guard !key.isEmpty, key.utf8.count <= Self.maximumLength else { return nil }
        let rest = String(text[text.index(after: equals)...])
        let parsed: Value
        if let number = rest.dropping(prefix: "int:") {
            parsed = .integer(Int64(strtol(number, nil, 10)))
        } else if let number = rest.dropping(prefix: "float:") {
            parsed = .float(strtod(number, nil))
        } else if let word = rest.dropping(prefix: "bool:") {
            guard word == "true" || word == "false" else { return nil }
            parsed = .bool(word == "true")
        } else if let string = rest.dropping(prefix: "str:") {
            guard string.utf8.count <= Self.maximumLength else { return nil }
            parsed = .string(string)
        } else {
            return nil
        }
        self.key = key
        self.value = parsed
    }

    /// The metadata value llama-quantize writes for it.
    var metadataValue: GGUFValue {
        switch value {
        case .integer(let number): .uint32(UInt32(truncatingIfNeeded: number.magnitude))
        case .float(let number): .float32(Float(number))
        case .bool(let flag): .bool(flag)
        case .string(let text): .string(GGUFString(text))
        }
    }
}

extension String {
    /// The rest of the string after `prefix`, nil when it does not start with it.
    fileprivate func dropping(prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
