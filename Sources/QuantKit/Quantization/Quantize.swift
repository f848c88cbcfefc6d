/// Quantizes `values`, a tensor of `shape` in C order, under `scheme`.
///
/// Per tensor, one scale (and zero point) covers every element, computed as in
/// `symmetricQuantize(_:bits:)` or `asymmetricQuantize(_:bits:)`. Per channel, the same formulas
/// give one scale (and zero point) per index of the channel axis, each over the elements with
/// that index, reducing over every other axis; a negative axis counts from the end, as in NumPy.
/// A 0-d tensor has one channel (`axis` nil in the result). An empty tensor or channel has range
/// `[0, 0]`, so scale 1 and zero point 0. Those functions' error bounds hold per channel.
///
/// Throws `QuantizationError.valueCountMismatch` when `values` does not fill `shape`,
/// `QuantizationError.axisOutOfRange` for a per-channel axis outside `-rank ..< rank`,
/// `QuantizationError.fullRangeConflict` for a full symmetric range the scheme cannot take
/// (`QuantScheme.fullRangeConflict`), and `ShapeError` for an invalid shape.
/// The scheme's `symmetricRange` and `scaleDType` apply (`SymmetricRange`, `ScaleStorage`).
///
/// - Precondition: every value is finite (check with `firstNonFiniteIndex(_:)`); `scheme.bits`
///   is in 2...8.
/// - Complexity: O(n), two passes over `values`.
/// ### See Also
/// - `QuantizedTensor.dequantized()`
public func quantize(_ values: [Float], shape: [Int], scheme: QuantScheme) throws -> QuantizedTensor {
    assert(firstNonFiniteIndex(values) == nil, "quantization input must be finite")
    return try values.withUnsafeBytes { raw in
        try quantizeFloat32(raw, shape: shape, scheme: scheme, measure: false).tensor
    }
}

extension QuantizedTensor {
    /// The float32 values `(code - zero_point) * scale` (`decode(code) * scale` for float codes,
    /// `FloatCodes`), each element with the scale and zero
    /// point of its channel, in C order.
    ///
    /// - Precondition: the parts agree: `codes` fills `shape`, there is one scale per channel of
    ///   `axis` (one when nil), and one zero point per scale when asymmetric, none when symmetric.
    /// - Complexity: O(n).
    public func dequantized() -> [Float] {
        guard let blocks = try? scheme.heldBlocks(shape: shape),
              blocks.outer * blocks.channels * blocks.inner == codes.count,
              scales.count == blocks.channels,
              zeroPoints.count == (scheme.symmetric ? 0 : blocks.channels)
        else {
            preconditionFailure("inconsistent quantized tensor: shape \(formatShape(shape)), axis \(axis.map(String.init) ?? "nil"), "
                + "\(codes.count) codes, \(scales.count) scales, \(zeroPoints.count) zero points")
        }
        return codes.withUnsafeBufferPointer { bytes in
            [Float](unsafeUninitializedCapacity: bytes.count) { values, initialized in
                if let format = scheme.floatFormat {
                    FloatCodes.dequantize(bytes, blocks, scales: scales, format: format, into: values)
                } else if scheme.symmetric {
                    bytes.withMemoryRebound(to: Int8.self) { signed in
                        dequantizeBlocks(signed, blocks, scales: scales, zeroPoints: zeroPoints, into: values)
                    }
                } else {
                    dequantizeBlocks(bytes, blocks, scales: scales, zeroPoints: zeroPoints, into: values)
                }
                initialized = bytes.count
                if let outliers, shape.count == 2, !outliers.columns.isEmpty {
                    let (columns, count) = (shape[1], outliers.columns.count)
                    for row in 0 ..< shape[0] {
                        for (j, column) in outliers.columns.enumerated() {
                            values[row * columns + column] = outliers.values[row * count + j]
                        }
                    }
                }
            }
        }
    }
}

/// The index of the first NaN or infinity in `values`, or nil when every value is finite.
///
/// Quantization requires finite input; callers check with this first so that they can name
/// the offending element.
/// - Complexity: O(n).
public func firstNonFiniteIndex(_ values: [Float]) -> Int? {
    values.withUnsafeBufferPointer { buffer in
        for i in buffer.indices where !buffer[i].isFinite {
            return i
        }
        return nil
    }
}
