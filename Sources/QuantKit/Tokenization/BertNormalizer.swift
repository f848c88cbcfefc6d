import Foundation

/// `normalizers::BertNormalizer`, in `tokenizers`' order, per scalar as the Rust code works:
///
/// 1. `clean_text`: drop U+0000, U+FFFD and "other" characters (`isBertControl`), then turn
///    every whitespace character into a space;
/// 2. `handle_chinese_chars`: put a space on each side of every CJK ideograph;
/// 3. `strip_accents` (when absent, it follows `lowercase`): canonical decomposition (NFD),
///    then drop the Unicode 8.0 non-spacing marks;
/// 4. `lowercase`: the full lowercase mapping of each scalar, without context.
struct BertNormalizer: TextNormalizer {
    var cleanText = true
    var handleChineseChars = true
    /// nil: strip accents exactly when lowercasing (the `None` rule of `tokenizers`).
    var stripAccents: Bool? = nil
    var lowercase = true

    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var scalars = text
        if cleanText {
            scalars = scalars.compactMap { scalar in
                if scalar.value == 0 || scalar.value == 0xFFFD || scalar.isBertControl { return nil }
                return scalar.isBertWhitespace ? " " : scalar
            }
        }
        if handleChineseChars, scalars.contains(where: \.isBertChineseCharacter) {
            scalars = scalars.flatMap { $0.isBertChineseCharacter ? [" ", $0, " "] : [$0] }
        }
        if stripAccents ?? lowercase {
            scalars = canonicalDecomposition(scalars).filter { !$0.isUnicode8NonspacingMark }
        }
        return lowercase ? lowercased(scalars) : scalars
    }
}

/// NFD as `tokenizers`' normalization crate computes it: each scalar assigned by Unicode 8.0 is
/// decomposed (by Foundation), later ones stay as they are, and every run of scalars with a
/// non-zero canonical combining class is stably sorted by that class.
func canonicalDecomposition(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
    // No scalar below U+00C0 decomposes or combines.
    guard text.contains(where: { $0.value >= 0xC0 }) else { return text }
    var result: [Unicode.Scalar] = []
    result.reserveCapacity(text.count)
    for scalar in text {
        if scalar.value < 0xC0 || !scalar.isInUnicode8 {
            result.append(scalar)
        } else {
            result += String(Character(scalar)).decomposedStringWithCanonicalMapping.unicodeScalars
        }
    }
    var start = 0
    while start < result.count {
        guard combiningClass(result[start]) != 0 else { start += 1; continue }
        var end = start
        while end < result.count, combiningClass(result[end]) != 0 { end += 1 }
        let run = result[start ..< end].enumerated().sorted {
            (combiningClass($0.element), $0.offset) < (combiningClass($1.element), $1.offset)
        }
        result.replaceSubrange(start ..< end, with: run.map(\.element))
        start = end
    }
    return result
}

/// The canonical combining class, 0 for characters newer than Unicode 8.0 (unknown to the crate).
private func combiningClass(_ scalar: Unicode.Scalar) -> UInt8 {
    guard scalar.value >= 0x300, scalar.isInUnicode8 else { return 0 }
    return scalar.properties.canonicalCombiningClass.rawValue
}
