extension QuantizedTensor {
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
