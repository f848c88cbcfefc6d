/// The tensors that follow a weight's codes in the compressed-tensors layout (see
/// `CompressedTensorsFormat`): the scale in the weight's float type, then the shape
/// (`pack-quantized`) and the zero point (asymmetric schemes), in the order `members(of:scheme:)`
/// lists them.
extension CompressedTensorsFormat {
    func auxiliaryTensors(of info: TensorInfo, scheme: QuantScheme, scales: [Float], zeroPoints: [Int32]) -> [Tensor] {
        let members = self.members(of: info, scheme: scheme)
        let scale = members[1]
        var tensors = [Tensor(shape: scale.shape, values: scales, storedAs: scale.dtype)]
        if self == .packQuantized {
            tensors.append(Tensor(dtype: .int64, shape: [2], integers: info.shape.map(Int64.init)))
        }
        if !scheme.symmetric, let zeroPoint = members.last {
            let shift = Int32(1 << (scheme.bits - 1))
            if zeroPoint.dtype == .int8 {
                tensors.append(Tensor(dtype: .int8, shape: zeroPoint.shape, integers: zeroPoints.map { Int8(truncatingIfNeeded: $0 - shift) }))
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
                tensors.append(Tensor(dtype: .int32, shape: zeroPoint.shape, integers: stored))
            }
        }
        return tensors
    }
}
