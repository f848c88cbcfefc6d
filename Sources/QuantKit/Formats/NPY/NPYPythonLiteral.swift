/// A value of the Python literal subset an `.npy` header is written in.
///
/// The header is `repr()` of a dict, so the grammar is small: strings in single or double
/// quotes, integers (with an optional sign, and the `L` suffix Python 2 wrote on longs),
/// `True`, `False`, `None`, and tuples, lists and dicts of these. Whitespace (space, tab,
/// newline, carriage return) may appear between any two tokens; tuples, lists and dicts may end
/// in a trailing comma. Anything else (expressions, escapes in strings, floats) is refused.
indirect enum PythonLiteral: Equatable, CustomStringConvertible {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([String: PythonLiteral])

    /// The value as Python's `repr()` would print it (dict keys sorted), for error messages.
    var description: String {
        switch self {
        case .string(let text): "'\(text)'"
        case .integer(let value): String(value)
        case .boolean(let value): value ? "True" : "False"
        case .none: "None"
        case .tuple(let items):
            items.count == 1 ? "(\(items[0]),)" : "(" + items.map(\.description).joined(separator: ", ") + ")"
        case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .dict(let entries):
            "{" + entries.keys.sorted().map { "'\($0)': \(entries[$0]!)" }.joined(separator: ", ") + "}"
        }
    }

    /// Parses `text`, which must hold exactly one literal, optionally surrounded by whitespace.
    ///
    /// Errors are one-line reasons such as `unexpected ')' at offset 17`, with offsets counted
    /// in Unicode scalars from the start of `text`.
    static func parse(_ text: String) throws(PythonLiteralError) -> PythonLiteral {
        var parser = PythonLiteralParser(scalars: Array(text.unicodeScalars))
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if parser.position < parser.scalars.count {
            throw parser.unexpected()
        }
        return value
    }
}

/// Why a header is not a Python literal; `description` is the one-line reason.
struct PythonLiteralError: Error, Equatable, CustomStringConvertible {
    let description: String
}

/// A recursive-descent parser over the Unicode scalars of a header.
private struct PythonLiteralParser {
    let scalars: [Unicode.Scalar]
    var position = 0
    /// How deep tuples, lists and dicts may nest; bounds recursion on hostile input.
    static let maximumDepth = 32
    var depth = 0

    mutating func skipWhitespace() {
        while position < scalars.count, [" ", "\t", "\n", "\r"].contains(scalars[position]) {
            position += 1
        }
    }

    func unexpected() -> PythonLiteralError {
        guard position < scalars.count else {
            return PythonLiteralError(description: "unexpected end of header at offset \(position)")
        }
        let scalar = scalars[position]
        let shown = scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7f
            ? "'\(Character(scalar))'" : "U+\(String(scalar.value, radix: 16, uppercase: true))"
        return PythonLiteralError(description: "unexpected \(shown) at offset \(position)")
    }

    /// Consumes `scalar` after optional whitespace, or fails pointing at what is there instead.
    mutating func expect(_ scalar: Unicode.Scalar) throws(PythonLiteralError) {
        skipWhitespace()
        guard position < scalars.count, scalars[position] == scalar else { throw unexpected() }
        position += 1
    }

    /// Consumes `scalar` after optional whitespace if it is next; reports whether it was.
    mutating func consume(_ scalar: Unicode.Scalar) -> Bool {
        skipWhitespace()
        guard position < scalars.count, scalars[position] == scalar else { return false }
        position += 1
        return true
    }

    mutating func parseValue() throws(PythonLiteralError) -> PythonLiteral {
        skipWhitespace()
        guard position < scalars.count else { throw unexpected() }
        switch scalars[position] {
        case "'", "\"": return .string(try parseString())
        case "(", "[", "{":
            guard depth < Self.maximumDepth else {
                throw PythonLiteralError(description: "nesting deeper than \(Self.maximumDepth) at offset \(position)")
            }
            depth += 1
            defer { depth -= 1 }
            switch scalars[position] {
            case "(": return try parseTuple()
            case "[": return .list(try parseSequence(closing: "]"))
            default: return .dict(try parseDict())
            }
        case "-", "+", "0" ... "9": return .integer(try parseInteger())
        case "A" ... "Z", "a" ... "z", "_": return try parseName()
        default: throw unexpected()
        }
    }

    /// A quoted string without escapes; the closing quote must match the opening one.
    mutating func parseString() throws(PythonLiteralError) -> String {
        let start = position
        let quote = scalars[position]
        position += 1
        var text = String.UnicodeScalarView()
        while position < scalars.count, scalars[position] != quote {
            switch scalars[position] {
            case "\\":
                throw PythonLiteralError(description: "escape sequences in strings are not supported at offset \(position)")
            case "\n":
                throw PythonLiteralError(description: "unterminated string starting at offset \(start)")
            default:
                text.append(scalars[position])
                position += 1
            }
        }
        guard position < scalars.count else {
            throw PythonLiteralError(description: "unterminated string starting at offset \(start)")
        }
        position += 1
        return String(text)
    }

    /// A decimal integer with optional sign; spaces may follow the sign, as in Python.
    mutating func parseInteger() throws(PythonLiteralError) -> Int {
        let start = position
        var negative = false
        if scalars[position] == "-" || scalars[position] == "+" {
            negative = scalars[position] == "-"
            position += 1
            skipWhitespace()
        }
        let digitsStart = position
        var magnitude: UInt = 0
        var overflow = false
        while position < scalars.count, ("0" ... "9").contains(scalars[position]) {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt(scalars[position].value - 0x30))
            overflow = overflow || o1 || o2
            magnitude = sum
            position += 1
        }
        guard position > digitsStart else { throw unexpected() }
        // Python 2 wrote longs as `3L`; NumPy still reads such version 1 and 2 headers.
        if position < scalars.count, scalars[position] == "L" || scalars[position] == "l" {
            position += 1
        }
        let limit = negative ? UInt(Int.max) + 1 : UInt(Int.max)
        guard !overflow, magnitude <= limit else {
            let literal = String(String.UnicodeScalarView(scalars[start ..< position]))
            throw PythonLiteralError(description: "integer \(literal) at offset \(start) does not fit in 64 bits")
        }
        return negative ? Int(truncatingIfNeeded: 0 &- magnitude) : Int(magnitude)
    }

    /// `True`, `False` or `None`; any other name is not a literal.
    mutating func parseName() throws(PythonLiteralError) -> PythonLiteral {
        let start = position
        while position < scalars.count,
              scalars[position].properties.isAlphabetic || scalars[position] == "_"
              || ("0" ... "9").contains(scalars[position]) {
            position += 1
        }
        switch String(String.UnicodeScalarView(scalars[start ..< position])) {
        case "True": return .boolean(true)
        case "False": return .boolean(false)
        case "None": return .none
        case let name:
            throw PythonLiteralError(description: "'\(name)' at offset \(start) is not a literal")
        }
    }

    /// `()`, `(x,)`, `(x, y)`, `(x, y,)`; `(x)` is just `x` in parentheses, as in Python.
    mutating func parseTuple() throws(PythonLiteralError) -> PythonLiteral {
        position += 1
        if consume(")") { return .tuple([]) }
        let first = try parseValue()
        if consume(")") { return first }
        try expect(",")
        var items = [first]
        while !consume(")") {
            items.append(try parseValue())
            if consume(")") { break }
            try expect(",")
        }
        return .tuple(items)
    }

    /// The items of a list up to `closing`, with an optional trailing comma.
    mutating func parseSequence(closing: Unicode.Scalar) throws(PythonLiteralError) -> [PythonLiteral] {
        position += 1
        var items: [PythonLiteral] = []
        while !consume(closing) {
            items.append(try parseValue())
            if consume(closing) { break }
            try expect(",")
        }
        return items
    }

    /// A dict with string keys, each key once, and an optional trailing comma.
    mutating func parseDict() throws(PythonLiteralError) -> [String: PythonLiteral] {
        position += 1
        var entries: [String: PythonLiteral] = [:]
        while !consume("}") {
            skipWhitespace()
            let keyOffset = position
            guard case .string(let key) = try parseValue() else {
                throw PythonLiteralError(description: "dict key at offset \(keyOffset) is not a string")
            }
            guard entries[key] == nil else {
                throw PythonLiteralError(description: "duplicate key '\(key)' at offset \(keyOffset)")
            }
            try expect(":")
            entries[key] = try parseValue()
            if consume("}") { break }
            try expect(",")
        }
        return entries
    }
}
