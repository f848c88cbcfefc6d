// The hot loops of quantization, each written once. A tensor is viewed as blocks
// `[outer, channels, inner]` in C order: the channel of flat index `i` is `(i / inner) % channels`.
// Per-tensor quantization is the same view with one channel.
//
// The two passes over the data (`ck_range_fold`, `ck_quantize_run`) are C kernels in
// CKernels, compiled for AVX-512, AVX2 and the baseline ISA and chosen at run time: Swift's SIMD
// types compile to SSE2 only without compiler flags. They read float32 at any alignment (a
// member of a zip archive puts its data at any byte offset). The plain scalar version of each
// lives in the tests as the oracle.
import CKernels

/// The block view of a tensor of `shape` around channel axis `axis` (nil: one channel).
struct ChannelBlocks: Equatable {
    var outer: Int
    var channels: Int
    var inner: Int

    /// Checked: with a zero dimension elsewhere, the product of the other dimensions can
    /// overflow even though the element count does not.
    init(shape: [Int], axis: Int?) throws(ShapeError) {
        guard let axis else {
            self.init(outer: 1, channels: 1, inner: try elementCount(of: shape))
            return
        }
        self.init(
            outer: try elementCount(of: Array(shape[..<axis])),
            channels: shape[axis],
            inner: try elementCount(of: Array(shape[(axis + 1)...]))
        )
    }

    init(outer: Int, channels: Int, inner: Int) {
        self.outer = outer
        self.channels = channels
        self.inner = inner
    }
}

/// Min, max and finiteness of a run of float32 values.
struct RunRange {
    var min: Float = 0
    var max: Float = 0
    /// False once a NaN or an infinity has been seen.
    var finite = true

    /// Folds in `count` values starting at `base`, all of one channel. Starting from 0 keeps
    /// 0 inside every range (the asymmetric range is widened to contain it; for symmetric
    /// schemes `max(-min, max)` is `max|x|` either way).
    mutating func fold(_ base: UnsafeRawPointer, count: Int) {
        var isFinite: Int32 = finite ? 1 : 0
        ck_range_fold(base, count, &min, &max, &isFinite)
        finite = isFinite != 0
    }
}

/// What quantizing a run cost, summed per run (or batch of sixteen short runs, see
/// `ck_quantize_runs`) in float32 lanes and across them in Double:
/// `Σx²`, `Σ(x - x̂)²`, `Σ|x - x̂|` and `max|x - x̂|` with `x̂ = (q - z) · s`.
struct ErrorSums {
    var signal = 0.0
    var noise = 0.0
    var absolute = 0.0
    var maxError: Float = 0

    mutating func add(_ other: ErrorSums) {
        signal += other.signal
        noise += other.noise
        absolute += other.absolute
        maxError = Swift.max(maxError, other.maxError)
    }
}

/// Writes `clamp(round(x / scale) + zeroPoint, qmin, qmax)` for `count` values of one channel
/// starting at `values`, as bytes at `codes` (two's complement for negative codes), and
/// returns the error sums when `measure` is set; see `ck_quantize_run`.
func quantizeRun(
    _ values: UnsafeRawPointer, count: Int, into codes: UnsafeMutablePointer<UInt8>,
    scale: Float, zeroPoint: Float, qmin: Float, qmax: Float, measure: Bool
) -> ErrorSums {
    let sums = ck_quantize_run(values, count, codes, scale, zeroPoint, qmin, qmax, measure ? 1 : 0)
    return ErrorSums(signal: sums.signal, noise: sums.noise, absolute: sums.absolute, maxError: sums.max_error)
}

/// Writes `(code - zeroPoint) * scale` in float32 for every element, reading each stored byte
/// as a `Code` (Int8 for symmetric codes, UInt8 for asymmetric ones).
func dequantizeBlocks<Code: FixedWidthInteger>(
    _ codes: UnsafeBufferPointer<Code>,
    _ blocks: ChannelBlocks,
    scales: [Float],
    zeroPoints: [Int32],
    into values: UnsafeMutableBufferPointer<Float>
) {
    var start = 0
    for _ in 0 ..< blocks.outer {
        for c in 0 ..< blocks.channels {
            let scale = scales[c]
            let zeroPoint = zeroPoints.isEmpty ? 0 : zeroPoints[c]
            for i in start ..< start + blocks.inner {
                values[i] = Float(Int32(codes[i]) - zeroPoint) * scale
            }
            start += blocks.inner
        }
    }
}

/// `max|x| / qmax` from a range containing 0; a zero scale becomes 1.
/// With `storedAs` other than float32, the scale is then rounded to what that type can hold
/// (`ScaleStorage.rounded`), so that codes are computed with the scale a file will store.
func symmetricScale(min: Float, max: Float, bits: Int, storedAs storage: DType = .float32) -> Float {
    let scale = Swift.max(-min, max) / Float((1 << (bits - 1)) - 1)
    return ScaleStorage.rounded(scale == 0 ? 1 : scale, to: storage)
}

/// The scale and zero point of a range `[min, max]` that contains 0, with `levels = 2^bits - 1`:
/// `scale = (max - min) / levels`, or `max / levels - min / levels` when `max - min` overflows
/// to infinity; a zero scale becomes 1; `zeroPoint = clamp(round(-min / scale), 0, levels)`.
/// With `storedAs` other than float32, the scale is rounded to that type before the zero point
/// is computed from it.
func asymmetricParameters(min: Float, max: Float, bits: Int, storedAs storage: DType = .float32) -> (scale: Float, zeroPoint: Int32) {
    let levels = Float((1 << bits) - 1)
    let span = max - min
    var scale = span.isFinite ? span / levels : max / levels - min / levels
    if scale == 0 { scale = 1 }
    scale = ScaleStorage.rounded(scale, to: storage)
    let zeroPoint = Swift.min(Swift.max((-min / scale).rounded(.toNearestOrEven), 0), levels)
    return (scale, Int32(zeroPoint))
}

/// The scale and (float) zero point of the range `[lo, hi]` (containing 0) under `scheme`;
/// under compressed-tensors' rule, computed in `storage`'s arithmetic.
func parameters(min lo: Float, max hi: Float, scheme: QuantScheme, storage: DType) -> (scale: Float, zeroPoint: Float) {
    if let format = scheme.floatFormat {
        return (FloatCodes.scale(min: lo, max: hi, format: format, storage: storage), 0)
    }
    if scheme.scaleRule == .compressedTensors {
        return compressedTensorsParameters(min: lo, max: hi, scheme: scheme, arithmetic: storage)
    }
    guard !scheme.symmetric else { return (symmetricScale(min: lo, max: hi, bits: scheme.bits, storedAs: storage), 0) }
    let (scale, zeroPoint) = asymmetricParameters(min: lo, max: hi, bits: scheme.bits, storedAs: storage)
    return (scale, Float(zeroPoint))
}
