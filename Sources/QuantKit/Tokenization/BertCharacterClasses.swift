/// The character classes of `tokenizers`' BERT normalizer and pre-tokenizer, as the Rust code
/// computes them.
///
/// `tokenizers` takes "other" (`Cc Cf Co Cs`), "punctuation" (`Pc Pd Ps Pe Pi Pf Po`) and
/// "non-spacing mark" (`Mn`) from the `unicode_categories` crate, whose tables are Unicode 8.0's;
/// whitespace and lowercasing come from Rust's standard library (current Unicode). So a class
/// here is the current general category restricted to characters assigned by Unicode 8.0
/// (`Unicode.Scalar.Properties.age`), with the few characters whose category changed since then
/// listed by hand. `Tests/.../BertCharacterClassesTests` checks every code point against
/// `tokenizers` itself (`Fixtures/tokenizers/make_character_classes.py`).
extension Unicode.Scalar {
    /// Unicode 8.0 `Po` characters that later became symbols or marks.
    private static let punctuationBefore9: Set<UInt32> = [0x166D, 0x111C9]
    /// Unicode 8.0 `Mn` characters now `Mc`.
    private static let nonspacingMarksBefore9: Set<UInt32> = [0x1734, 0x1171E]
    /// Characters now `Mn` that Unicode 8.0 called something else (`Lo`, `Mc`, `Po`).
    private static let nonspacingMarksSince9: Set<UInt32> = [0x1885, 0x1886, 0xA9BD, 0x111C9]

    /// Assigned by Unicode 8.0 or earlier.
    var isInUnicode8: Bool {
        guard let age = properties.age else { return false }
        return age.major < 8 || (age.major == 8 && age.minor == 0)
    }

    /// `BertNormalizer`'s `is_whitespace`: tab, newline, carriage return and Rust's `char::is_whitespace`
    /// (the `White_Space` property).
    var isBertWhitespace: Bool {
        properties.isWhitespace
    }

    /// `BertNormalizer`'s `is_control`: Unicode 8.0 "other" (`Cc Cf Co Cs`) except tab, newline and
    /// carriage return. Unassigned code points (`Cn`) are not "other" in the crate.
    var isBertControl: Bool {
        guard value != 0x09, value != 0x0A, value != 0x0D, isInUnicode8 else { return false }
        switch properties.generalCategory {
        case .control, .format, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// `BertPreTokenizer`'s `is_bert_punc`: ASCII punctuation (which includes `$+<=>^`|~`) or
    /// Unicode 8.0 punctuation.
    var isBertPunctuation: Bool {
        if value < 0x80 { return Self.isASCIIPunctuation(value) }
        if Self.punctuationBefore9.contains(value) { return true }
        guard isInUnicode8 else { return false }
        switch properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// Unicode 8.0 `Mn`, which `strip_accents` removes after NFD.
    var isUnicode8NonspacingMark: Bool {
        if Self.nonspacingMarksBefore9.contains(value) { return true }
        if Self.nonspacingMarksSince9.contains(value) { return false }
        return isInUnicode8 && properties.generalCategory == .nonspacingMark
    }

    /// `BertNormalizer`'s `is_chinese_char`: the CJK Unified Ideographs blocks and extensions as
    /// BERT listed them (not extension E's tail past U+2CEAF, nor F, G, H).
    var isBertChineseCharacter: Bool {
        switch value {
        case 0x4E00 ... 0x9FFF, 0x3400 ... 0x4DBF, 0x20000 ... 0x2A6DF, 0x2A700 ... 0x2B73F,
             0x2B740 ... 0x2B81F, 0x2B920 ... 0x2CEAF, 0xF900 ... 0xFAFF, 0x2F800 ... 0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// Rust's `char::is_ascii_punctuation`: `!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~`.
    private static func isASCIIPunctuation(_ value: UInt32) -> Bool {
        (0x21 ... 0x2F).contains(value) || (0x3A ... 0x40).contains(value) || (0x5B ... 0x60).contains(value)
            || (0x7B ... 0x7E).contains(value)
    }
}
