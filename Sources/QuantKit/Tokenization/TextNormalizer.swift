/// A `tokenizers` normalizer: rewrites the text of a piece (outside the added tokens) before it
/// is pre-tokenized. Text is a list of Unicode scalars, as Rust's `char`s.
protocol TextNormalizer: Sendable {
    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar]
}

/// `normalizers::Sequence`: each normalizer in turn.
struct NormalizerSequence: TextNormalizer {
    let normalizers: [any TextNormalizer]

    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        normalizers.reduce(text) { $1.normalize($0) }
    }
}

/// `normalizers::Lowercase`: every scalar replaced by its full lowercase mapping (`İ` becomes
/// `i` + U+0307), without context (a final `Σ` becomes `σ`, not `ς`), as Rust's `char::to_lowercase`.
struct LowercaseNormalizer: TextNormalizer {
    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        lowercased(text)
    }
}

/// Full lowercase mapping per scalar; ASCII takes a fast path.
func lowercased(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
    var result: [Unicode.Scalar] = []
    result.reserveCapacity(text.count)
    for scalar in text {
        if scalar.isASCII {
            let value = scalar.value
            result.append((0x41 ... 0x5A).contains(value) ? Unicode.Scalar(UInt8(value + 0x20)) : scalar)
        } else {
            result += scalar.properties.lowercaseMapping.unicodeScalars
        }
    }
    return result
}
