/// Text as it may appear inside an SVG or HTML document.
///
/// XML 1.0 allows tab, newline, carriage return and the characters from U+0020 up, except
/// U+FFFE and U+FFFF (Swift strings hold no lone surrogates: bytes that were not UTF-8 became
/// U+FFFD when the string was decoded). Every other character becomes U+FFFD, and the five
/// markup characters `& < > " '` become entity references, so any tensor name is safe as
/// element text and as an attribute value.
public func xmlEscaped(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        case "'": escaped += "&apos;"
        case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
        default:
            let allowed = scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF
            escaped.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
        }
    }
    return escaped
}

/// `text` shortened to at most `limit` characters by replacing its middle with `…`, so both the
/// start of a tensor name (its block) and its end (its role) stay visible.
public func middleTruncated(_ text: String, limit: Int) -> String {
    guard text.count > limit, limit >= 3 else { return text }
    let head = (limit - 1) / 2
    let tail = limit - 1 - head
    return String(text.prefix(head)) + "…" + String(text.suffix(tail))
}

/// A coordinate or length as the document writes it: at most two decimals, no trailing zeros,
/// no `-0`, the same characters on every platform (so the same chart is the same bytes).
func svgNumber(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let hundredths = (value * 100).rounded()
    if hundredths == 0 { return "0" }
    let negative = hundredths < 0
    let magnitude = Int(abs(hundredths))
    var text = String(magnitude / 100)
    let fraction = magnitude % 100
    if fraction != 0 {
        text += fraction % 10 == 0 ? "." + String(fraction / 10) : (fraction < 10 ? ".0" : ".") + String(fraction)
    }
    return negative ? "-" + text : text
}
