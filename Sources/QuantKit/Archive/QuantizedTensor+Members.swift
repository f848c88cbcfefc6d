extension QuantizedTensor {
    /// The codes as stored: int8 (symmetric) or uint8 (asymmetric), in the original shape.
    public var codesTensor: Tensor {
        // Sizes come from an existing tensor of the same shape: they cannot overflow.
        try! Tensor(dtype: scheme.codeDType, shape: shape, bytes: codes)
    }

    /// The float32 scales in `scaleShape`.
    public var scalesTensor: Tensor {
        Tensor(shape: scaleShape, values: scales)
    }

    /// The int32 zero points in `scaleShape`; nil when symmetric.
    public var zeroPointsTensor: Tensor? {
        scheme.symmetric ? nil : QuantizedTensor.zeroPointsTensor(zeroPoints, shape: scaleShape)
    }

    /// `zeroPoints` as an int32 tensor of `shape`.
    static func zeroPointsTensor(_ zeroPoints: [Int32], shape: [Int]) -> Tensor {
        let bytes = zeroPoints.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        return try! Tensor(dtype: .int32, shape: shape, bytes: bytes)
    }

    /// Bytes the quantized form takes: one per code, four per scale and per zero point.
    public var storedByteCount: Int {
        QuantizedTensor.storedByteCount(codes: codes.count, scales: scales.count, zeroPoints: zeroPoints.count)
    }

    /// One byte per code, four per scale and per zero point.
    static func storedByteCount(codes: Int, scales: Int, zeroPoints: Int) -> Int {
        codes + 4 * scales + 4 * zeroPoints
    }
}
