// The hot loops of quantization, each written once. A tensor is viewed as blocks
// `[outer, channels, inner]` in C order: the channel of flat index `i` is `(i / inner) % channels`.
// Per-tensor quantization is the same view with one channel.
//
// The loops read float32 through raw pointers with unaligned loads (a stored `.npz` member,
// memory-mapped, puts its data at any byte offset) and work 16 lanes at a time with the
// standard library's SIMD types, which compile to whatever vector unit the target has (SSE2 on
// any x86-64, NEON on arm64). The plain scalar version of each kernel lives in the tests as
// its oracle.

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

/// The lanes of every vector kernel.
typealias FloatLanes = SIMD16<Float>

/// Min, max and finiteness of a run of float32 values, folded 16 lanes at a time.
struct RunRange {
    var min: Float = 0
    var max: Float = 0
    /// False once a NaN or an infinity has been seen.
    var finite = true

    /// Folds in `count` values starting at `base`, all of one channel. Starting from 0 keeps
    /// 0 inside every range (the asymmetric range is widened to contain it; for symmetric
    /// schemes `max(-min, max)` is `max|x|` either way).
    mutating func fold(_ base: UnsafeRawPointer, count: Int) {
        var lo = FloatLanes(repeating: min)
        var hi = FloatLanes(repeating: max)
        // `x - x` is 0 for every finite x and NaN for NaN and infinities; NaN sticks in the sum.
        var poison = FloatLanes()
        var i = 0
        while i + 16 <= count {
            let x = base.loadUnaligned(fromByteOffset: 4 * i, as: FloatLanes.self)
            // `replacing(with:where:)` compiles to compare-and-blend; `pointwiseMin` does not vectorize as well.
            lo = lo.replacing(with: x, where: x .< lo)
            hi = hi.replacing(with: x, where: x .> hi)
            poison += x - x
            i += 16
        }
        var low = lo.min()
        var high = hi.max()
        var tail: Float = poison.sum()
        while i < count {
            let x = base.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
            low = Swift.min(low, x)
            high = Swift.max(high, x)
            tail += x - x
            i += 1
        }
        min = low
        max = high
        finite = finite && tail == 0
    }
}

/// What quantizing a run cost, summed per run in float32 lanes and across runs in Double:
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

/// The constant of round-half-to-even by addition: for |t| < 2^22, `(t + 1.5·2^23) - 1.5·2^23`
/// rounds `t` to the nearest integer, ties to even, in the default float32 rounding mode (the
/// vector round instruction is not in baseline x86-64). The sum `t + 1.5·2^23` itself holds the
/// rounded integer in its low mantissa bits (`0x4B40_0000 + t`), whose low byte is the code's
/// two's-complement byte: no float-to-integer conversion is needed.
private let roundingMagic: Float = 12_582_912

/// Writes `clamp(round(x / scale) + zeroPoint, qmin, qmax)` for `count` values of one channel
/// starting at `values`, as bytes at `codes` (two's complement for negative codes), and
/// returns the error sums when `measure` is set.
///
/// `x / s` is clamped to `[qmin - z, qmax - z]` before it is rounded: the bounds are integers,
/// so this equals clamping after rounding, and keeps every value small enough for the
/// rounding-by-addition trick. The division is a true division, as the reference's.
func quantizeRun(
    _ values: UnsafeRawPointer, count: Int, into codes: UnsafeMutablePointer<UInt8>,
    scale: Float, zeroPoint: Float, qmin: Float, qmax: Float, measure: Bool
) -> ErrorSums {
    let s = FloatLanes(repeating: scale)
    let lo = FloatLanes(repeating: qmin - zeroPoint)
    let hi = FloatLanes(repeating: qmax - zeroPoint)
    let magic = FloatLanes(repeating: roundingMagic)
    let shiftedMagic = FloatLanes(repeating: roundingMagic + zeroPoint)
    var signal = FloatLanes()
    var noise = FloatLanes()
    var absolute = FloatLanes()
    var worst = FloatLanes()
    var i = 0
    while i + 16 <= count {
        let x = values.loadUnaligned(fromByteOffset: 4 * i, as: FloatLanes.self)
        var t = x / s
        t = t.replacing(with: lo, where: t .< lo)
        t = t.replacing(with: hi, where: t .> hi)
        let r = (t + magic) - magic
        let bits = unsafeBitCast(r + shiftedMagic, to: SIMD16<UInt32>.self)
        UnsafeMutableRawPointer(codes + i).storeBytes(of: SIMD16<UInt8>(truncatingIfNeeded: bits), as: SIMD16<UInt8>.self)
        if measure {
            let e = x - r * s
            let magnitude = e.replacing(with: -e, where: e .< 0)
            signal += x * x
            noise += e * e
            absolute += magnitude
            worst = worst.replacing(with: magnitude, where: magnitude .> worst)
        }
        i += 16
    }
    var sums = ErrorSums(signal: Double(signal.sum()), noise: Double(noise.sum()), absolute: Double(absolute.sum()),
                         maxError: worst.max())
    while i < count {
        let x = values.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
        let r = ((Swift.min(Swift.max(x / scale, qmin - zeroPoint), qmax - zeroPoint) + roundingMagic) - roundingMagic)
        codes[i] = UInt8(truncatingIfNeeded: (r + roundingMagic + zeroPoint).bitPattern)
        if measure {
            let e = x - r * scale
            sums.signal += Double(x * x)
            sums.noise += Double(e * e)
            sums.absolute += Double(abs(e))
            sums.maxError = Swift.max(sums.maxError, abs(e))
        }
        i += 1
    }
    return sums
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
func symmetricScale(min: Float, max: Float, bits: Int) -> Float {
    let scale = Swift.max(-min, max) / Float((1 << (bits - 1)) - 1)
    return scale == 0 ? 1 : scale
}

/// The scale and zero point of a range `[min, max]` that contains 0, with `levels = 2^bits - 1`:
/// `scale = (max - min) / levels`, or `max / levels - min / levels` when `max - min` overflows
/// to infinity; a zero scale becomes 1; `zeroPoint = clamp(round(-min / scale), 0, levels)`.
func asymmetricParameters(min: Float, max: Float, bits: Int) -> (scale: Float, zeroPoint: Int32) {
    let levels = Float((1 << bits) - 1)
    let span = max - min
    var scale = span.isFinite ? span / levels : max / levels - min / levels
    if scale == 0 { scale = 1 }
    let zeroPoint = Swift.min(Swift.max((-min / scale).rounded(.toNearestOrEven), 0), levels)
    return (scale, Int32(zeroPoint))
}
