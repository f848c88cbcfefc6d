import ArgKit
import QuantKit

/// Parses `--layer REGEX=SCHEME[:BITS]`. The split is at the last `=`, so the pattern may hold
/// `=` itself; BITS defaults to `--bits`; the other settings are the run's (`options`).
func parseLayerRule(_ text: String, options: SchemeOptions) throws(UsageError) -> LayerRule {
    let expected = "REGEX=SCHEME[:BITS] with SCHEME among \(QuantizeCommand.schemeChoices.joined(separator: ", ")) and BITS from 2 to 8"
    guard let equals = text.lastIndex(of: "="), equals != text.startIndex else {
        throw .invalidValue(option: "--layer", value: text, expected: expected)
    }
    let pattern = String(text[..<equals])
    let schemePart = text[text.index(after: equals)...].split(separator: ":", omittingEmptySubsequences: false)
    guard schemePart.count <= 2 else { throw .invalidValue(option: "--layer", value: text, expected: expected) }
    var bits = options.bits
    if schemePart.count == 2 {
        guard let given = Int(schemePart[1]), QuantScheme.bitRange.contains(given) else {
            throw .invalidValue(option: "--layer", value: text, expected: expected)
        }
        bits = given
    }
    let scheme = try options.scheme(String(schemePart[0]), bits: bits, given: "--layer \(text)",
                                    orThrow: .invalidValue(option: "--layer", value: text, expected: expected))
    do {
        return try LayerRule(pattern: pattern, scheme: scheme)
    } catch {
        throw .invalidValue(option: "--layer", value: text, expected: "a valid regular expression before '=' (\(error))")
    }
}

/// Compiles each of `patterns`, or throws a usage error naming `option` and the bad pattern.
func compilePatterns(_ patterns: [String], option: String) throws(UsageError) -> [Regex<AnyRegexOutput>] {
    var compiled: [Regex<AnyRegexOutput>] = []
    for pattern in patterns {
        do {
            compiled.append(try Regex(pattern))
        } catch {
            throw .invalidValue(option: option, value: pattern, expected: "a valid regular expression (\(error))")
        }
    }
    return compiled
}
