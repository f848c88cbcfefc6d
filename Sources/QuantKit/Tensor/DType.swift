/// The element type of a tensor, as stored in a file.
///
/// A runtime value rather than a generic parameter: a weight file mixes element types, and the
/// tool decides per tensor what to do with each. Quantization reads the floating types as
/// float32; every other type is passed through unchanged.
///
/// `bfloat16` (the top 16 bits of a float32: sign, 8-bit exponent, 7-bit mantissa) comes from
/// safetensors files; NumPy has no such type, so it has no NumPy code.
public enum DType: String, Sendable, CaseIterable, Codable {
    case float16, bfloat16, float32, float64
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case bool
    /// FP8 elements (`FloatFormat.e4m3fn`, `.e5m2`), as safetensors' `F8_E4M3` and `F8_E5M2`
    /// store them; NumPy has no such types.
    case float8E4M3FN = "float8_e4m3fn", float8E5M2 = "float8_e5m2"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .int8, .uint8, .bool, .float8E4M3FN, .float8E5M2: 1
        case .float16, .bfloat16, .int16, .uint16: 2
        case .float32, .int32, .uint32: 4
        case .float64, .int64, .uint64: 8
        }
    }

    /// Whether quantization can read this type (it is converted to float32 first).
    public var isFloatingPoint: Bool {
        switch self {
        case .float16, .bfloat16, .float32, .float64, .float8E4M3FN, .float8E5M2: true
        default: false
        }
    }

    /// The element format of an FP8 type; nil for every other.
    public var floatFormat: FloatFormat? {
        switch self {
        case .float8E4M3FN: .e4m3fn
        case .float8E5M2: .e5m2
        default: nil
        }
    }

    /// The NumPy type code without byte order: `f4`, `i1`, `u8`, `b1`; nil for `bfloat16`,
    /// which NumPy lacks (`NPZWriter` stores it widened to float32), and for the FP8 types.
    public var numpyTypeCode: String? {
        switch self {
        case .bfloat16, .float8E4M3FN, .float8E5M2: nil
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

    /// The safetensors dtype name: `F32`, `BF16`, `I8`, `BOOL`.
    public var safetensorsCode: String {
        switch self {
        case .float16: "F16"
        case .bfloat16: "BF16"
        case .float32: "F32"
        case .float64: "F64"
        case .int8: "I8"
        case .int16: "I16"
        case .int32: "I32"
        case .int64: "I64"
        case .uint8: "U8"
        case .uint16: "U16"
        case .uint32: "U32"
        case .uint64: "U64"
        case .bool: "BOOL"
        case .float8E4M3FN: FloatFormat.e4m3fn.safetensorsCode
        case .float8E5M2: FloatFormat.e5m2.safetensorsCode
        }
    }

    /// The type with safetensors name `code` (`F32`, `BF16`, ...; case-sensitive, as the format
    /// is), or nil for the names quantize does not read (`F8_E8M0`, `C64`, ...) and unknown ones.
    public init?(safetensorsCode code: String) {
        guard let match = DType.allCases.first(where: { $0.safetensorsCode == code }) else { return nil }
        self = match
    }
}
