/// Problems with a quantized archive's structure.
public enum ArchiveError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidMetadata(String)
    case missingMember(tensor: String, member: String)
    case wrongDType(member: String, expected: DType, actual: DType)
    case wrongShape(member: String, expected: [Int], actual: [Int])
    case codeOutOfRange(tensor: String, index: [Int], code: Int, range: ClosedRange<Int>)
    case invalidScale(tensor: String, index: Int, value: Float)
    /// A scale of a full-range tensor (`SymmetricRange.full`) that is zero or not finite.
    case invalidFullRangeScale(tensor: String, index: Int, value: Float)
    /// A float code (`QuantScheme.floatFormat`) whose bits are NaN or an infinity.
    case nonFiniteCode(tensor: String, index: [Int], bits: UInt8, format: FloatFormat)

    public var description: String {
        switch self {
        case .invalidMetadata(let reason):
            "invalid __quantization__ metadata: \(reason)"
        case .missingMember(let tensor, let member):
            "quantized tensor '\(tensor)' has no '\(member)' member"
        case .wrongDType(let member, let expected, let actual):
            "'\(member)' is \(actual.rawValue), expected \(expected.rawValue)"
        case .wrongShape(let member, let expected, let actual):
            "'\(member)' has shape \(formatShape(actual)), expected \(formatShape(expected))"
        case .codeOutOfRange(let tensor, let index, let code, let range):
            "'\(tensor)' has code \(code) at index \(index) outside \(range.lowerBound)...\(range.upperBound)"
        case .invalidScale(let tensor, let index, let value):
            "'\(tensor)' has scale \(value) at position \(index); scales must be finite and positive"
        case .invalidFullRangeScale(let tensor, let index, let value):
            "'\(tensor)' has scale \(value) at position \(index); full-range scales must be finite and nonzero"
        case .nonFiniteCode(let tensor, let index, let bits, let format):
            "'\(tensor)' has code 0x\(String(bits, radix: 16, uppercase: true)) at index \(index), which is "
                + "\(format.decode(bits)) in \(format.rawValue); codes must be finite"
        }
    }
}
