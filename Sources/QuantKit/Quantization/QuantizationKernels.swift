// The hot loops of quantization, each written once. A tensor is viewed as blocks
// `[outer, channels, inner]` in C order: the channel of flat index `i` is `(i / inner) % channels`.
// Per-tensor quantization is the same view with one channel.

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

/// The minimum and maximum of each channel, both starting from 0, so the range of every channel
/// contains 0 and an empty channel has range `[0, 0]`.
func channelRanges(_ values: UnsafeBufferPointer<Float>, _ blocks: ChannelBlocks) -> (mins: [Float], maxs: [Float]) {
    var mins = [Float](repeating: 0, count: blocks.channels)
    var maxs = [Float](repeating: 0, count: blocks.channels)
    mins.withUnsafeMutableBufferPointer { mins in
        maxs.withUnsafeMutableBufferPointer { maxs in
            var start = 0
            for _ in 0 ..< blocks.outer {
                for c in 0 ..< blocks.channels {
                    var lo = mins[c]
                    var hi = maxs[c]
                    for i in start ..< start + blocks.inner {
                        let x = values[i]
                        lo = x < lo ? x : lo
                        hi = x > hi ? x : hi
                    }
                    mins[c] = lo
                    maxs[c] = hi
                    start += blocks.inner
                }
            }
        }
    }
    return (mins, maxs)
}

/// Writes `clamp(round(x / scale) + zeroPoint, qmin, qmax)` for every element, with the scale
/// and zero point of its channel, as the low bits of `Code` (two's complement for negative codes).
func quantizeBlocks<Code: FixedWidthInteger>(
    _ values: UnsafeBufferPointer<Float>,
    _ blocks: ChannelBlocks,
    scales: [Float],
    zeroPoints: [Float],
    qmin: Float,
    qmax: Float,
    into codes: UnsafeMutableBufferPointer<Code>
) {
    var start = 0
    for _ in 0 ..< blocks.outer {
        for c in 0 ..< blocks.channels {
            let scale = scales[c]
            let zeroPoint = zeroPoints[c]
            for i in start ..< start + blocks.inner {
                let q = (values[i] / scale).rounded(.toNearestOrEven) + zeroPoint
                codes[i] = Code(truncatingIfNeeded: Int32(Swift.min(Swift.max(q, qmin), qmax)))
            }
            start += blocks.inner
        }
    }
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
