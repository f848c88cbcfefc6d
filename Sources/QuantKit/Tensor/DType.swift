/// The element type of a tensor, as stored in a file.
///
/// A runtime value rather than a generic parameter: a weight file mixes element types, and the
/// tool decides per tensor what to do with each. Quantization reads the floating types as
/// float32; every other type is passed through unchanged.
public enum DType: String, Sendable, CaseIterable, Codable {
    case float16, float32, float64
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case bool

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .int8, .uint8, .bool: 1
        case .float16, .int16, .uint16: 2
        case .float32, .int32, .uint32: 4
        case .float64, .int64, .uint64: 8
        }
    }

    /// Whether quantization can read this type (it is converted to float32 first).
    public var isFloatingPoint: Bool {
        switch self {
        case .float16, .float32, .float64: true
        default: false
        }
    }

    /// The NumPy type code without byte order: `f4`, `i1`, `u8`, `b1`.
    public var numpyTypeCode: String {
        switch self {
        case .float16: "f2"
        case .float32: "f4"
        case .float64: "f8"
        case .int8: "i1"
        case .int16: "i2"
        case .int32: "i4"
        case .int64: "i8"
        case .uint8: "u1"
        case .uint16: "u2"
        case .uint32: "u4"
        case .uint64: "u8"
        case .bool: "b1"
        }
    }

    /// The type with NumPy code `code` (`f4`, `i1`, ...), or nil when there is none.
    public init?(numpyTypeCode code: String) {
        guard let match = DType.allCases.first(where: { $0.numpyTypeCode == code }) else { return nil }
        self = match
    }
}
