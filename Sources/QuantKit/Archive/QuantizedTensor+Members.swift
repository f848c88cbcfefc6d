extension QuantizedTensor {
    /// Bytes the quantized form takes in an `.npz` archive: one per code (packed rows at 4 bits
    /// or fewer, `NPZLayout.packsCodes`), four per scale (two with float16 or bfloat16 scales,
    /// `QuantScheme.scaleDType`) and four per zero point.
    public var storedByteCount: Int {
        var codeBytes = codes.count
        if NPZLayout.packsCodes(bits: scheme.bits) {
            let packed = NPZLayout.packedShape(of: shape, bits: scheme.bits)
            codeBytes = codes.isEmpty ? 0 : packed.reduce(1, *)
        }
        return codeBytes + (scheme.scaleDType ?? .float32).byteSize * scales.count + 4 * zeroPoints.count + (outliers?.storedByteCount ?? 0)
    }
}
