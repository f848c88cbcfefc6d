/// The tensors that follow a weight's codes in the compressed-tensors layout (see
/// `CompressedTensorsFormat`): the scale in the weight's float type, then the shape
/// (`pack-quantized`) and the zero point (asymmetric schemes), in the order `members(of:scheme:)`
/// lists them.
extension CompressedTensorsFormat {
    func auxiliaryTensors(of info: TensorInfo, scheme: QuantScheme, scales: [Float], zeroPoints: [Int32]) -> [Tensor] {
        let members = self.members(of: info, scheme: scheme)
        let scale = members[1]
        var tensors = [Self.floatTensor(scales, dtype: scale.dtype, shape: scale.shape)]
        if self == .packQuantized {
            tensors.append(try! Tensor(dtype: .int64, shape: [2], bytes: info.shape.flatMap { Self.littleEndianBytes(Int64($0)) }))
        }
        if !scheme.symmetric, let zeroPoint = members.last {
            let shift = Int32(1 << (scheme.bits - 1))
            if zeroPoint.dtype == .int8 {
                tensors.append(try! Tensor(dtype: .int8, shape: zeroPoint.shape,
                                           bytes: zeroPoints.map { UInt8(truncatingIfNeeded: $0 - shift) }))
            } else {
                // Per channel or group in pack-quantized: each column of the unsigned zero points
                // (ours, `[out, columns]`) packed down the output axis into `[words, columns]`.
                let columns = zeroPoint.shape[1]
                let out = zeroPoints.count / columns
                var stored = [UInt32](repeating: 0, count: zeroPoint.shape[0] * columns)
                for column in 0 ..< columns {
                    var packer = CodePacker<UInt32>(bits: scheme.bits, rowLength: out)
                    var words: [UInt32] = []
                    stride(from: column, to: zeroPoints.count, by: columns).map { UInt8(truncatingIfNeeded: zeroPoints[$0]) }
                        .withUnsafeBytes { packer.pack($0, into: &words) }
                    for (row, word) in words.enumerated() { stored[row * columns + column] = word }
                }
                tensors.append(try! Tensor(dtype: .int32, shape: zeroPoint.shape, bytes: stored.flatMap(Self.littleEndianBytes)))
            }
        }
        return tensors
    }

    /// `values` stored as `dtype` (float16, bfloat16, float32 or float64); the values were
    /// rounded to `dtype` already (`ScaleStorage`), so the conversion is exact.
    static func floatTensor(_ values: [Float], dtype: DType, shape: [Int]) -> Tensor {
        let bytes: [UInt8] = switch dtype {
        case .float16: values.flatMap { littleEndianBytes(Float16($0).bitPattern) }
        case .bfloat16: values.flatMap { littleEndianBytes(bfloat16Bits(rounding: $0)) }
        case .float64: values.flatMap { littleEndianBytes(Double($0).bitPattern) }
        default: values.flatMap { littleEndianBytes($0.bitPattern) }
        }
        return try! Tensor(dtype: dtype == .float16 || dtype == .bfloat16 || dtype == .float64 ? dtype : .float32,
                           shape: shape, bytes: bytes)
    }

    static func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
