/// Why an `.npy` file (or `.npz` member) cannot be read; `description` is one human sentence.
public enum NPYError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not start with `\x93NUMPY`.
    case badMagic
    /// A format version other than 1.0, 2.0 or 3.0.
    case unsupportedVersion(major: UInt8, minor: UInt8)
    /// The file ends inside the fixed prelude (magic, version, header length).
    case truncatedHeader(expected: Int, actual: Int)
    /// The header length field claims more bytes than the file holds.
    case headerLengthPastEnd(declared: Int, available: Int)
    /// The header length field exceeds `NPYHeader.maxDictLength`.
    case headerTooLarge(declared: Int, limit: Int)
    /// The header dict is malformed; the reason names the problem and where it is.
    case invalidHeader(String)
    /// The array holds Python objects (`|O`), which only unpickling can read.
    case objectDType
    /// A dtype quantize cannot represent, as written in the header (`<c8`, `[('a', '<f4')]`).
    case unsupportedDType(String)
    /// The shape has a negative dimension or its size overflows.
    case invalidShape(ShapeError)
    /// Fewer data bytes than the shape and dtype require.
    case truncatedData(expected: Int, actual: Int)
    /// Bytes left over after the array data (an `.npy` file ends with its data).
    case trailingData(count: Int)
    /// A tensor was requested by a name the file does not hold.
    case noSuchTensor(requested: String, available: String)

    public var description: String {
        switch self {
        case .badMagic:
            "not a NumPy .npy file (it does not start with \\x93NUMPY)"
        case .unsupportedVersion(let major, let minor):
            "unsupported .npy format version \(major).\(minor) (quantize reads 1.0, 2.0 and 3.0)"
        case .truncatedHeader(let expected, let actual):
            "truncated .npy header: expected at least \(expected) bytes, found \(actual)"
        case .headerLengthPastEnd(let declared, let available):
            "the .npy header length (\(declared) bytes) runs past the end of the file (\(available) bytes)"
        case .headerTooLarge(let declared, let limit):
            "the .npy header length (\(declared) bytes) exceeds the limit of \(limit) bytes"
        case .invalidHeader(let reason):
            "invalid .npy header: \(reason)"
        case .objectDType:
            "object arrays (|O) are refused: they need pickle, which quantize never runs"
        case .unsupportedDType(let descr):
            "unsupported dtype \(descr): \(Self.reason(forUnsupported: descr)); quantize reads "
                + "float16/32/64, signed and unsigned integers of 1 to 8 bytes, and bool"
        case .invalidShape(let error):
            "invalid .npy shape: \(error)"
        case .truncatedData(let expected, let actual):
            "truncated .npy data: the shape needs \(expected) bytes, found \(actual)"
        case .trailingData(let count):
            "\(count) unexpected bytes after the array data"
        case .noSuchTensor(let requested, let available):
            "no tensor named '\(requested)' (this .npy file holds only '\(available)')"
        }
    }

    /// What kind of dtype `descr` (as written in the header, quotes included) is, judged from
    /// its type letter: `'<c8'` is complex.
    private static func reason(forUnsupported descr: String) -> String {
        if descr.hasPrefix("[") || descr.hasPrefix("(") || descr.hasPrefix("{") {
            return "structured arrays are not supported"
        }
        let code = descr.filter { !"'\"<>=|".contains($0) }
        let sizeIsNumeric = code.count > 1 && code.dropFirst().allSatisfy { ("0" ... "9").contains($0) }
        switch code.first {
        case "c": return "complex numbers are not supported"
        case "U", "S", "a": return "string arrays are not supported"
        case "V": return "raw void records are not supported"
        case "M", "m": return "datetimes and timedeltas are not supported"
        case "g": return "long double is not supported"
        case "f" where sizeIsNumeric: return "only 2, 4 and 8-byte floats are supported"
        case "i" where sizeIsNumeric, "u" where sizeIsNumeric: return "only 1, 2, 4 and 8-byte integers are supported"
        default: return "not a type quantize knows"
        }
    }
}
