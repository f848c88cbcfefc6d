/// One `NAME=TYPE` rule of llama-quantize's tensor types (`parse_tensor_type` in quantize.cpp):
/// NAME, everything before the first `=`, lower-cased, is a regular expression searched for
/// anywhere in a tensor's name (`std::regex_search`; this tool's regular expressions are
/// Swift's, which agree with ECMAScript's on the usual syntax); TYPE is a ggml type name in any
/// case. Rules are tried in the order given and the first that matches sets the type; a rule
/// applies only when the file type is a block type (not F32, F16 or BF16), and its type still
/// falls back when the rows do not fit its blocks.
///
/// `@unchecked Sendable` as `LayerRule` is: a compiled `Regex` is immutable once built.
public struct GGUFTensorTypeRule: @unchecked Sendable {
    /// The pattern as applied (lower-cased).
    public let pattern: String
    public let type: GGMLType
    let regex: Regex<AnyRegexOutput>

    /// The rule `text` spells; nil when it has no `=`, an empty name or an empty type.
    /// - Throws: `GGUFRuleError` for a type this tool does not write or a pattern that is not a
    ///   regular expression.
    public init?(parsing text: String) throws(GGUFRuleError) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex, text.index(after: equals) != text.endIndex else {
            return nil
        }
        pattern = text[..<equals].lowercased()
        let typeName = String(text[text.index(after: equals)...])
        guard let type = GGMLType(writableNamed: typeName) else { throw .type(typeName) }
        self.type = type
        do {
            regex = try Regex(pattern)
        } catch {
            throw .pattern(pattern, "\(error)")
        }
    }

    func matches(_ name: String) -> Bool {
        name.contains(regex)
    }
}

/// Why a tensor type rule or a type name is refused.
public enum GGUFRuleError: Error, Equatable {
    case type(String)
    case pattern(String, String)
}

extension GGMLType {
    /// The type ggml calls `name` (any case, as llama-quantize's `parse_ggml_type` matches),
    /// if this tool writes it (`GGMLQuantizers.types`).
    public init?(writableNamed name: String) {
        guard let type = GGMLQuantizers.types.first(where: { $0.description.lowercased() == name.lowercased() }) else {
            return nil
        }
        self = type
    }
}
