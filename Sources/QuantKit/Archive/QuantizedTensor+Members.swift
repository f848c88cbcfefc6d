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
        guard !scheme.symmetric else { return nil }
        let bytes = zeroPoints.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        return try! Tensor(dtype: .int32, shape: scaleShape, bytes: bytes)
    }

    /// Bytes the quantized form takes: one per code, four per scale and per zero point.
    public var storedByteCount: Int {
        codes.count + 4 * scales.count + 4 * zeroPoints.count
    }
}
