/// The quantization grid GPTQ rounds each weight row to, with the min-max math of
/// `quantize(_:shape:scheme:)`: a scale (and zero point) from a range of values widened to
/// contain 0, through `symmetricScale` or `asymmetricParameters` (`GPTQColumnPass.sweep`
/// rounds to it).
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
    /// gives scale 1, zero point 0.
    func parameter(min: Float, max: Float) -> Parameter {
        guard !scheme.symmetric else { return Parameter(scale: symmetricScale(min: min, max: max, bits: scheme.bits), zeroPoint: 0) }
        let (scale, zeroPoint) = asymmetricParameters(min: min, max: max, bits: scheme.bits)
        return Parameter(scale: scale, zeroPoint: zeroPoint)
    }

    /// The parameter of `values`' range.
    func parameter(of values: UnsafeBufferPointer<Float>) -> Parameter {
        let (low, high) = Self.range(values)
        return parameter(min: low, max: high)
    }
}
