extension MicroscaledTensor {
    /// `values` (row-major float32 of `shape` = `[out, in]`) quantized to `format` (see the
    /// type); NVFP4 uses `globalScale` when given (a fused one), its own otherwise.
    /// - Complexity: O(elements), one pass for the group scales and one for the codes.
    public static func quantize(_ values: [Float], shape: [Int], format: MicroscalingFormat,
                                globalScale: Float? = nil) throws(MicroscalingError) -> MicroscaledTensor {
        let (rows, columns) = try checkedShape(shape, format: format)
        guard values.count == rows * columns else { throw .notTwoDimensional(shape: shape) }
        if let index = values.firstIndex(where: { !$0.isFinite }) { throw .nonFinite(index: index) }
        let g = format.groupSize
        let global: Float? = format.hasGlobalScale
            ? globalScale ?? Self.globalScale(amax: values.reduce(0) { Swift.max($0, $1.magnitude) }) : nil
        var scales = [UInt8](repeating: 0, count: rows * columns / g)
        for group in scales.indices {
            let amax = values[group * g ..< (group + 1) * g].reduce(Float(0)) { Swift.max($0, $1.magnitude) }
            scales[group] = groupScale(amax: amax, format: format, globalScale: global)
        }
        var tensor = MicroscaledTensor(format: format, rows: rows, columns: columns, codes: [], scales: scales,
                                       globalScale: global)
        tensor.codes = tensor.encodedCodes(values)
        return tensor
    }

    /// The stored scale byte of a group of largest magnitude `amax`: E8M0's exponent, or NVFP4's
    /// `e4m3(clamp(G · (amax / 6), ±448))` with a zero becoming 0.125.
    static func groupScale(amax: Float, format: MicroscalingFormat, globalScale: Float?) -> UInt8 {
        guard let globalScale else { return E8M0Scale.exponent(amax: amax, offset: format.exponentOffset) }
        let e4m3 = FloatFormat.e4m3fn
        let scaled = globalScale * (amax / FP4E2M1.largest)
        let bits = e4m3.encode(Swift.min(scaled, e4m3.largestFinite))
        return bits == 0 ? e4m3.encode(0.125) : bits
    }

    /// The codes of `values` with the tensor's scales: E2M1 nibbles packed two per byte, or E4M3 bytes.
    func encodedCodes(_ values: [Float]) -> [UInt8] {
        let g = format.groupSize
        let largest = format.elementLargest
        var codes = [UInt8](repeating: 0, count: format.elementBits == 4 ? values.count / 2 : values.count)
        for group in 0 ..< values.count / g {
            let d = divisor(group: group)
            for flat in group * g ..< (group + 1) * g {
                // `+ 0`: the library adds its (zero) zero point, so -0.0 becomes +0 (see the type).
                let t = Swift.min(Swift.max(values[flat] / d + 0, -largest), largest)
                if format.elementBits == 8 {
                    codes[flat] = FloatFormat.e4m3fn.encode(t)
                } else {
                    codes[flat / 2] |= FP4E2M1.encode(t) << (flat % 2 == 0 ? 0 : 4)
                }
            }
        }
        return codes
    }
}
