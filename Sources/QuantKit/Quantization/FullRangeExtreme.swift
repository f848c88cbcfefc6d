/// The scalar math of the full symmetric range (`SymmetricRange.full`): the signed extreme `m`
/// of each scale's elements, and the scale it gives.

/// `m / -2^(bits-1)` as a float32 true division; a zero scale (`m == 0`, or `|m|` so small that
/// the quotient underflows to zero) becomes 1; then rounded to `storage`
/// (`ScaleStorage.rounded`, which keeps the sign, so the scale is negative when `m > 0`).
/// At 4 bits, `m = 2.4` gives `-0.3` (and `2.4 / -0.3` is exactly `-8`); `m = -1` gives `0.125`.
func fullRangeScale(m: Float, bits: Int, storedAs storage: DType = .float32) -> Float {
    let scale = m / -Float(1 << (bits - 1))
    return ScaleStorage.rounded(scale == 0 ? 1 : scale, to: storage)
}

/// The signed extreme `m` of a scale's elements from their range `[lo, hi]` (which contains
/// 0, as `RunRange` folds it): `lo` when `-lo > hi`, `hi` when `hi > -lo`, 0 when both are 0.
/// On a tie (`-lo == hi != 0`, both `-a` and `+a` occur) the range cannot say which comes first,
/// and `firstOfTie` is asked for the first element of magnitude `hi` in flat (C) order.
func fullRangeExtreme(min lo: Float, max hi: Float, firstOfTie: (_ magnitude: Float) -> Float) -> Float {
    if -lo > hi { return lo }
    if hi > -lo || hi == 0 { return hi }
    return firstOfTie(hi)
}

/// The first element of magnitude `magnitude` of channel `channel` of the float32 tensor at
/// `values` in block view `blocks`, in flat order (`inner` consecutive values in each of the
/// `outer` slices, slices in order); `magnitude` itself when there is none (a range that
/// holds `±magnitude` always has one).
/// - Complexity: O(outer · inner), stopping at the first match.
func firstElement(ofMagnitude magnitude: Float, in values: UnsafeRawPointer, blocks: ChannelBlocks, channel: Int) -> Float {
    for outer in 0 ..< blocks.outer {
        let base = (outer * blocks.channels + channel) * blocks.inner
        for i in base ..< base + blocks.inner {
            let x = values.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
            if abs(x) == magnitude { return x }
        }
    }
    return magnitude
}

/// The scale and (float) zero point of every channel of the float32 tensor at `values` (block
/// view `blocks`) under `scheme`, from its ranges `mins`/`maxs` (rounded to `storage`):
/// `fullRangeParameters` for the full symmetric range, `parameters(min:max:scheme:storage:)`
/// (the min-max math, or compressed-tensors') otherwise. Throws
/// `QuantizationError.fullRangeConflict` for a full range the scheme cannot take.
func scaleParameters(_ values: UnsafeRawPointer, blocks: ChannelBlocks, mins: [Float], maxs: [Float], scheme: QuantScheme,
                     storage: DType) throws(QuantizationError) -> [(scale: Float, zeroPoint: Float)] {
    guard scheme.symmetricRange == .full else {
        return zip(mins, maxs).map { parameters(min: $0, max: $1, scheme: scheme, storage: storage) }
    }
    if let conflict = scheme.fullRangeConflict { throw .fullRangeConflict(conflict) }
    return fullRangeParameters(values, blocks: blocks, mins: mins, maxs: maxs, bits: scheme.bits, storage: storage)
}

/// The full-range scale and zero point (0) of every channel of the float32 tensor at `values`
/// (block view `blocks`) from its ranges `mins`/`maxs`: `fullRangeScale` of each channel's
/// `fullRangeExtreme`, ties resolved by scanning that channel (`firstElement`).
/// - Complexity: O(channels), plus O(outer · inner) for each tied channel.
func fullRangeParameters(_ values: UnsafeRawPointer, blocks: ChannelBlocks, mins: [Float], maxs: [Float], bits: Int,
                         storage: DType) -> [(scale: Float, zeroPoint: Float)] {
    mins.indices.map { channel in
        let m = fullRangeExtreme(min: mins[channel], max: maxs[channel]) { magnitude in
            firstElement(ofMagnitude: magnitude, in: values, blocks: blocks, channel: channel)
        }
        return (fullRangeScale(m: m, bits: bits, storedAs: storage), 0)
    }
}
