import Foundation

/// `normalizers::NFC`, `NFD`, `NFKC` and `NFKD`: the Unicode normalization forms, by
/// Foundation (ICU). `tokenizers` uses the `unicode-normalization-alignments` crate, whose
/// tables are older, so characters given decompositions by later Unicode versions may differ;
/// on the parity corpus (Qwen2's NFC) and the component cases they agree.
struct UnicodeNormalizer: TextNormalizer {
    enum Form: String, Sendable, CaseIterable {
        case nfc = "NFC", nfd = "NFD", nfkc = "NFKC", nfkd = "NFKD"
    }

    let form: Form

    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        // Below U+00A0 every form is the identity.
        guard text.contains(where: { $0.value >= 0xA0 }) else { return text }
        let string = String(String.UnicodeScalarView(text))
        let normalized = switch form {
        case .nfc: string.precomposedStringWithCanonicalMapping
        case .nfd: string.decomposedStringWithCanonicalMapping
        case .nfkc: string.precomposedStringWithCompatibilityMapping
        case .nfkd: string.decomposedStringWithCompatibilityMapping
        }
        return Array(normalized.unicodeScalars)
    }
}
