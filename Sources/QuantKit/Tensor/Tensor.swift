/// An n-dimensional array as read from or written to a file.
///
/// Elements are kept as raw bytes in C (row-major) order and little-endian byte order, whatever
/// order the file used; readers normalize, writers emit these bytes as they are. Quantization
/// reads floating tensors through `floatValues()`.
public struct Tensor: Sendable, Equatable {
    public let dtype: DType
    public let shape: [Int]
    /// `elementCount * dtype.byteSize` bytes, C order, little-endian.
    public let bytes: [UInt8]

    /// A tensor over `bytes`, which must hold exactly `shape`'s elements of `dtype`.
    public init(dtype: DType, shape: [Int], bytes: [UInt8]) throws(ShapeError) {
        let expected = try byteCount(of: shape, elementSize: dtype.byteSize)
        precondition(bytes.count == expected, "tensor bytes (\(bytes.count)) do not match shape \(shape) of \(dtype)")
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// A float32 tensor holding `values` in C order; `values.count` must match `shape`.
    public init(shape: [Int], values: [Float]) {
        precondition((try? QuantKit.elementCount(of: shape)) == values.count, "values do not fill shape \(shape)")
        self.dtype = .float32
        self.shape = shape
        self.bytes = values.withUnsafeBytes { [UInt8]($0) }
    }

    public var elementCount: Int { bytes.count / dtype.byteSize }

    /// The elements as float32: float16 and bfloat16 widen exactly (bfloat16 is the high half
    /// of a float32's bits), float64 rounds to nearest even (values beyond float32's range
    /// become infinities). Nil for non-floating types.
    public func floatValues() -> [Float]? {
        guard dtype.isFloatingPoint else { return nil }
        let count = elementCount
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in try! widenToFloat32(raw, dtype: dtype, into: UnsafeMutableRawBufferPointer(buffer)) }
            initialized = count
        }
    }
}

/// Why raw data cannot be read as floats.
struct NotFloatingPoint: Error, CustomStringConvertible {
    let dtype: DType
    var description: String { "\(dtype.rawValue) data is not floating point" }
}

/// Converts `source`, little-endian `dtype` elements, into float32 in `destination` (4 bytes per
/// element): float16, bfloat16 and the FP8 types widen exactly (bfloat16 is the high half of a
/// float32's bits; FP8 through `FloatFormat.decode`), float64 rounds to nearest even (values beyond float32's range become infinities).
func widenToFloat32(_ source: UnsafeRawBufferPointer, dtype: DType, into destination: UnsafeMutableRawBufferPointer)
    throws(NotFloatingPoint) {
    let count = source.count / max(dtype.byteSize, 1)
    precondition(destination.count >= count * 4, "float32 destination too small")
    switch dtype {
    case .float32:
        destination.copyMemory(from: source)
    case .float16:
        for index in 0 ..< count {
            destination.storeBytes(of: Float(source.loadUnaligned(fromByteOffset: index * 2, as: Float16.self)),
                                   toByteOffset: index * 4, as: Float.self)
        }
    case .bfloat16:
        widenBFloat16(source, into: destination)
    case .float64:
        for index in 0 ..< count {
            destination.storeBytes(of: Float(source.loadUnaligned(fromByteOffset: index * 8, as: Double.self)),
                                   toByteOffset: index * 4, as: Float.self)
        }
    case .float8E4M3FN, .float8E5M2:
        let table = dtype.floatFormat!.decodeTable
        for index in 0 ..< count {
            destination.storeBytes(of: table[Int(source[index])], toByteOffset: index * 4, as: Float.self)
        }
    default:
        throw NotFloatingPoint(dtype: dtype)
    }
}

extension Tensor {
    /// The elements of an int32 tensor (little-endian bytes).
    func int32Values() -> [Int32] {
        bytes.withUnsafeBytes { raw in (0 ..< raw.count / 4).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) } }
    }

    /// The elements of an int64 tensor (little-endian bytes).
    func int64Values() -> [Int64] {
        bytes.withUnsafeBytes { raw in (0 ..< raw.count / 8).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) } }
    }
}

extension Tensor {
    /// A tensor of `dtype` whose elements are `values` (integers, or a float type's bit
    /// patterns) of the same size, stored little-endian.
    init<T: FixedWidthInteger>(dtype: DType, shape: [Int], integers values: [T]) {
        precondition(dtype.byteSize == MemoryLayout<T>.size, "\(T.self) values are not \(dtype)")
        try! self.init(dtype: dtype, shape: shape, bytes: values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
    }

    /// `values` stored as the float type `dtype`: float16 and bfloat16 round to nearest even
    /// (exact for values rounded to the type already, as stored scales are), float64 widens.
    init(shape: [Int], values: [Float], storedAs dtype: DType) {
        switch dtype {
        case .float16: self.init(dtype: .float16, shape: shape, integers: values.map { Float16($0).bitPattern })
        case .bfloat16: self.init(dtype: .bfloat16, shape: shape, integers: values.map { bfloat16Bits(rounding: $0) })
        case .float64: self.init(dtype: .float64, shape: shape, integers: values.map { Double($0).bitPattern })
        default: self.init(shape: shape, values: values)
        }
    }
}
