/// A 2-D weight `[rows, columns]` in a microscaling format (`MicroscalingFormat`), as
/// compressed-tensors 0.20.1 computes and stores it, bit for bit.
///
/// With `g` the group size and `amax` the largest magnitude of a group:
/// - NVFP4: the tensor's global scale `G = 2688 / max(amax_tensor, 2^-126)` (448 · 6 over the
///   tensor's amax, `generate_gparam`; 1 when that is not finite), or the one passed in (shared
///   by fused layers: `fusedGlobalScale`); each group's scale `s = e4m3(clamp(G · (amax / 6), ±448))`,
///   an E4M3 value (0 becomes E4M3's epsilon 0.125, as `calculate_qparams` does); the divisor
///   `d = s / G`, and each code `FP4E2M1.encode(clamp(x / d + 0, -6, 6))`. All in float32, in that
///   order; the `+ 0` is the library's zero point (zeros, added although symmetric), which turns
///   `-0.0` into `+0` (code 0) while a tiny negative `x / d` keeps its sign (code `0x8`, FP4 `-0`).
/// - MXFP4 / MXFP8: each group's scale `d = 2^(e - 127)` with `e = E8M0Scale.exponent(amax:)`;
///   codes `FP4E2M1.encode(clamp(x / d + 0, -6, 6))` or `FloatFormat.e4m3fn.encode(clamp(x / d + 0, ±448))`.
///
/// A loader reads back `decode(code) · d`: `dequantized()`. Error bound per element, for
/// `|x / d|` within the element range: half the element grid's step at `x / d` times `d` (E2M1:
/// at most `d` for `|x / d|` in `(4, 6]`, `d / 4` below 1; E4M3: relative `2^-4`), plus the
/// clamp's `|x| - 6d` (`|x| - 448d`) beyond it.
public struct MicroscaledTensor: Sendable, Equatable {
    public let format: MicroscalingFormat
    public let rows: Int
    public let columns: Int
    /// E2M1 codes two per byte as compressed-tensors' `pack_fp4_to_uint8` packs them (the even
    /// column's nibble low, the odd column's high), `rows · columns / 2` bytes; or E4M3 bit
    /// patterns, one per element (MXFP8).
    public internal(set) var codes: [UInt8]
    /// One byte per group, row-major `[rows, columns / g]`: E4M3 bit patterns (NVFP4) or E8M0 exponents.
    public let scales: [UInt8]
    /// NVFP4's float32 global scale; nil for the MX formats.
    public let globalScale: Float?

    /// The stored members' shapes: codes `[rows, columns / 2]` (E2M1) or `[rows, columns]`, scales `[rows, columns / g]`.
    public var codesShape: [Int] { [rows, format.elementBits == 4 ? columns / 2 : columns] }
    public var scalesShape: [Int] { [rows, columns / format.groupSize] }

    /// The stored pieces, checked against the weight's shape.
    public init(format: MicroscalingFormat, shape: [Int], codes: [UInt8], codesShape: [Int], scales: [UInt8],
                scalesShape: [Int], globalScale: Float?) throws(MicroscalingError) {
        let (rows, columns) = try Self.checkedShape(shape, format: format)
        self.init(format: format, rows: rows, columns: columns, codes: codes, scales: scales, globalScale: globalScale)
        guard codesShape == self.codesShape, codes.count == rows * self.codesShape[1] else {
            throw .storedShape(member: "codes", expected: self.codesShape, actual: codesShape)
        }
        guard scalesShape == self.scalesShape, scales.count == rows * self.scalesShape[1] else {
            throw .storedShape(member: "scales", expected: self.scalesShape, actual: scalesShape)
        }
    }

    init(format: MicroscalingFormat, rows: Int, columns: Int, codes: [UInt8], scales: [UInt8], globalScale: Float?) {
        self.format = format
        self.rows = rows
        self.columns = columns
        self.codes = codes
        self.scales = scales
        self.globalScale = globalScale
    }

    /// `(rows, columns)` of a 2-D shape whose rows hold whole groups of `format` (an even count).
    static func checkedShape(_ shape: [Int], format: MicroscalingFormat) throws(MicroscalingError) -> (Int, Int) {
        guard shape.count == 2, shape[0] >= 0, shape[1] >= 0 else { throw .notTwoDimensional(shape: shape) }
        guard shape[1] % format.groupSize == 0 else {
            throw .rowNotMultipleOfGroup(columns: shape[1], groupSize: format.groupSize)
        }
        return (shape[0], shape[1])
    }

    /// NVFP4's global scale of a tensor of largest magnitude `amax`: `2688 · (1 / max(amax, 2^-126))`,
    /// 1 when not finite (compressed-tensors' `generate_gparam`; torch computes a number divided
    /// by a tensor as the tensor's reciprocal times the number, so `amax = 448` gives
    /// `6.0000005`, not 6).
    public static func globalScale(amax: Float) -> Float {
        let scale = 448 * 6 * (1 / Swift.max(amax, Float.leastNormalMagnitude))
        return scale.isFinite ? scale : 1
    }

    /// The global scale layers fused at load time share (q/k/v, gate/up): the smallest of theirs,
    /// that of the largest amax (llm-compressor's `update_fused_layer_weight_global_scales`).
    public static func fusedGlobalScale(amaxes: [Float]) -> Float {
        globalScale(amax: amaxes.max() ?? 0)
    }

    /// The divisor `d` of group `index` (see the type).
    func divisor(group index: Int) -> Float {
        guard let globalScale else { return E8M0Scale.value(scales[index]) }
        return FloatFormat.e4m3fn.decode(scales[index]) / globalScale
    }

    /// `decode(code) · d` of every element, row-major.
    public func dequantized() -> [Float] {
        var values = [Float](repeating: 0, count: rows * columns)
        let groups = columns / format.groupSize
        for row in 0 ..< rows {
            for column in 0 ..< columns {
                let flat = row * columns + column
                let d = divisor(group: row * groups + column / format.groupSize)
                let code = format.elementBits == 4 ? codes[flat / 2] >> (flat % 2 == 0 ? 0 : 4) & 0xF : codes[flat]
                values[flat] = (format.elementBits == 4 ? FP4E2M1.decode(code) : FloatFormat.e4m3fn.decode(code)) * d
            }
        }
        return values
    }
}
