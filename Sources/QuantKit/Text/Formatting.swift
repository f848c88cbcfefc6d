import Foundation

/// `value`, or nil when it is an infinity (JSON has none; an exact match has infinite SQNR).
func finiteOrNil(_ value: Double) -> Double? {
    value.isFinite ? value : nil
}

/// `97.78%`.
func percent(_ fraction: Double) -> String {
    String(format: "%.2f%%", 100 * fraction)
}

/// Decibels with two decimals, `inf` for an exact match.
func decibels(_ value: Double) -> String {
    value.isFinite ? String(format: "%.2f", value) : (value > 0 ? "inf" : "-inf")
}

/// Pretty, key-sorted JSON of `value` with a final newline.
func encodeJSON(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    // Reports hold strings, integers, finite doubles and arrays of them: encoding cannot fail.
    return String(decoding: try! encoder.encode(value), as: UTF8.self) + "\n"
}
