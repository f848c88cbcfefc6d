/// Quantization to float codes (`QuantScheme.floatFormat`): FP8 E4M3FN or E5M2 elements times a
/// float scale, as compressed-tensors' `calculate_qparams` and `_quantize` compute them for
/// `type: float` weights, operation by operation.
///
/// With `F` the format's largest finite value (448 for E4M3FN, 57344 for E5M2) and `T` the
/// scales' storage type (float32, or the weight's float16 / bfloat16 in compressed-tensors,
/// whose arithmetic torch rounds to `T` after each operation):
/// - `scale = T(max(|min|, |max|) / F)` over the range (which contains 0); a zero scale
///   becomes `T`'s machine epsilon (torch's `finfo(T).eps`);
/// - `code = encode(clamp(T(x / scale), -F, F))` (round to nearest even on the format's grid,
///   `FloatFormat.encode`); for float32 this is torch's
///   `(w / s).clamp(-F, F).to(torch.float8_e4m3fn)` bit for bit; compressed-tensors divides,
///   never multiplies by a reciprocal;
/// - the value a loader reads back is `decode(code) * scale` (in `T`).
///
/// Error bound: for `|x / scale| <= F` the relative error of a normal code is at most
/// `2^-(m+1)` (`m` mantissa bits: `2^-4` for E4M3FN, `2^-3` for E5M2) and the absolute error of
/// a subnormal one at most half the smallest subnormal times the scale (`2^-10 · scale` for
/// E4M3FN), plus the `T` rounding of `x / scale`.
enum FloatCodes {
    /// The scale of a range `[lo, hi]` containing 0 (see the type).
    static func scale(min lo: Float, max hi: Float, format: FloatFormat, storage: DType) -> Float {
        let scale = roundedTo(storage, Swift.max(-lo, hi) / format.largestFinite)
        return scale == 0 ? machineEpsilon(storage) : scale
    }

    /// Writes the codes of `count` values of one channel starting at `values` (native
    /// float32) with `scale`, as bytes at `codes`, and returns the error sums of
    /// `x - decode(code) * scale` when `measure` is set.
    static func quantizeRun(
        _ values: UnsafeRawPointer, count: Int, into codes: UnsafeMutablePointer<UInt8>, scale: Float,
        format: FloatFormat, storage: DType, measure: Bool
    ) -> ErrorSums {
        let largest = format.largestFinite
        var sums = ErrorSums()
        for i in 0 ..< count {
            let x = values.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
            let t = Swift.min(Swift.max(roundedTo(storage, x / scale), -largest), largest)
            let code = format.encode(t)
            codes[i] = code
            if measure {
                let error = Double(x) - Double(roundedTo(storage, format.decode(code) * scale))
                sums.signal += Double(x) * Double(x)
                sums.noise += error * error
                sums.absolute += abs(error)
                sums.maxError = Swift.max(sums.maxError, Float(abs(error)))
            }
        }
        return sums
    }

    /// `decode(code) * scale` of every code, each with the scale of its channel (`blocks`).
    static func dequantize(_ codes: UnsafeBufferPointer<UInt8>, _ blocks: ChannelBlocks, scales: [Float], format: FloatFormat,
                           into values: UnsafeMutableBufferPointer<Float>) {
        let table = format.decodeTable
        var start = 0
        for _ in 0 ..< blocks.outer {
            for c in 0 ..< blocks.channels {
                let scale = scales[c]
                for i in start ..< start + blocks.inner {
                    values[i] = table[Int(codes[i])] * scale
                }
                start += blocks.inner
            }
        }
    }
}
