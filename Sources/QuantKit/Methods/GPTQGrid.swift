/// The quantization grid GPTQ rounds each weight row to, with the min-max math of
/// `quantize(_:shape:scheme:)`: a scale (and zero point) from a range of values widened to
/// contain 0, through `symmetricScale`, `asymmetricParameters` or, for the full symmetric range,
/// `fullRangeScale` (`GPTQColumnPass.sweep` rounds to it).
struct GPTQGrid {
    let scheme: QuantScheme
    /// The code range, as float32.
    let qmin: Float
    let qmax: Float

    init(scheme: QuantScheme) {
        self.scheme = scheme
        (qmin, qmax) = (Float(scheme.qmin), Float(scheme.qmax))
    }

    /// One row's scale and zero point (0 when symmetric).
    struct Parameter {
        var scale: Float
        var zeroPoint: Int32
    }

    /// The range `[min(0, min x), max(0, max x)]` of `values` (`[0, 0]` when empty).
    /// - Complexity: O(values.count).
    static func range(_ values: UnsafeBufferPointer<Float>) -> (min: Float, max: Float) {
        values.reduce((min: Float(0), max: Float(0))) { (min($0.min, $1), max($0.max, $1)) }
    }

    /// The parameter of the range `[min, max]`, which contains 0: an empty or all-zero range
    /// gives scale 1, zero point 0. Scales are rounded to the scheme's `scaleDType` (float32
    /// when it has none). For the full symmetric range, `fullRangeScale` of the signed extreme
    /// (`fullRangeExtreme`), a tie resolved by `firstOfTie` (the first value of that magnitude).
    /// - Precondition: the scheme can take its symmetric range (`QuantScheme.fullRangeConflict`).
    func parameter(min: Float, max: Float, firstOfTie: (_ magnitude: Float) -> Float) -> Parameter {
        precondition(scheme.fullRangeConflict == nil, "\(QuantizationError.fullRangeConflict(scheme.fullRangeConflict!))")
        let storage = scheme.scaleDType ?? .float32
        if scheme.symmetricRange == .full {
            let m = fullRangeExtreme(min: min, max: max, firstOfTie: firstOfTie)
            return Parameter(scale: fullRangeScale(m: m, bits: scheme.bits, storedAs: storage), zeroPoint: 0)
        }
        guard !scheme.symmetric else {
            return Parameter(scale: symmetricScale(min: min, max: max, bits: scheme.bits, storedAs: storage), zeroPoint: 0)
        }
        let (scale, zeroPoint) = asymmetricParameters(min: min, max: max, bits: scheme.bits, storedAs: storage)
        return Parameter(scale: scale, zeroPoint: zeroPoint)
    }

    /// The parameter of `values`' range; a full-range tie goes to the first of `values` in order.
    func parameter(of values: UnsafeBufferPointer<Float>) -> Parameter {
        let (low, high) = Self.range(values)
        return parameter(min: low, max: high) { magnitude in values.first { abs($0) == magnitude } ?? magnitude }
    }
}
