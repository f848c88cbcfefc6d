/// The microscaling weight formats, as compressed-tensors 0.20.1's presets define them
/// (`quant_scheme.py`: NVFP4A16 / NVFP4, MXFP4A16 / MXFP4, MXFP8A16 / MXFP8 weights):
/// symmetric float codes over groups along each row (the input dimension) of a 2-D weight.
///
/// - `nvfp4`: E2M1 elements (`FP4E2M1`) in groups of 16, each group's scale an FP8 E4M3 value,
///   times a float32 global scale per tensor (`strategy: tensor_group`); written as
///   `nvfp4-pack-quantized`: `weight_packed` uint8 `[out, in / 2]`, `weight_scale` F8_E4M3
///   `[out, in / 16]`, `weight_global_scale` float32 `[1]`.
/// - `mxfp4`: E2M1 elements in groups of 32 with an E8M0 scale (`E8M0Scale`); written as
///   `mxfp4-pack-quantized`: `weight_packed` uint8 `[out, in / 2]`, `weight_scale` uint8 `[out, in / 32]`.
/// - `mxfp8`: E4M3 elements in groups of 32 with an E8M0 scale; written as `mxfp8-quantized`:
///   `weight` F8_E4M3 `[out, in]`, `weight_scale` uint8 `[out, in / 32]`.
///
/// A row whose length is not a multiple of the group is refused, as compressed-tensors refuses
/// it ("tensor column shape must be divisible by the given group_size"): nothing is padded.
public enum MicroscalingFormat: String, Sendable, CaseIterable {
    case nvfp4
    case mxfp4
    case mxfp8

    /// Elements per scale: 16 (NVFP4), 32 (MX).
    public var groupSize: Int { self == .nvfp4 ? 16 : 32 }
    /// Bits per element code: 4 (E2M1) or 8 (E4M3).
    public var elementBits: Int { self == .mxfp8 ? 8 : 4 }
    /// The largest element magnitude: 6 (E2M1), 448 (E4M3).
    public var elementLargest: Float { self == .mxfp8 ? FloatFormat.e4m3fn.largestFinite : FP4E2M1.largest }
    /// `floor(log2(elementLargest))`, the E8M0 exponent offset: 2 (E2M1), 8 (E4M3).
    var exponentOffset: Int { self == .mxfp8 ? 8 : 2 }
    /// Whether the tensor carries a float32 global scale (NVFP4).
    public var hasGlobalScale: Bool { self == .nvfp4 }

    /// compressed-tensors' format name: `nvfp4-pack-quantized`, `mxfp4-pack-quantized`, `mxfp8-quantized`.
    public var compressedTensorsFormat: String {
        switch self {
        case .nvfp4: "nvfp4-pack-quantized"
        case .mxfp4: "mxfp4-pack-quantized"
        case .mxfp8: "mxfp8-quantized"
        }
    }

    /// What a weight in this format stores, as `inspect` names it: `nvfp4 (E2M1, E4M3 scale per 16,
    /// global scale)`, `mxfp4 (E2M1, E8M0 scale per 32)`, `mxfp8 (E4M3, E8M0 scale per 32)`.
    public var storedDescription: String {
        let element = elementBits == 4 ? "E2M1" : "E4M3"
        let scale = hasGlobalScale ? "E4M3" : "E8M0"
        return "\(rawValue) (\(element), \(scale) scale per \(groupSize)\(hasGlobalScale ? ", global scale" : ""))"
    }

    /// Bits per weight of an `elements`-element tensor, counting every stored bit: the element
    /// code, 8 bits of scale per group (E4M3 per 16: 0.5; E8M0 per 32: 0.25) and NVFP4's 32-bit
    /// global scale once per tensor: 4.5 + 32 / elements (NVFP4), 4.25 (MXFP4), 8.25 (MXFP8).
    public func bitsPerWeight(elements: Int) -> Double {
        let perWeight = Double(elementBits) + 8 / Double(groupSize)
        return perWeight + (hasGlobalScale && elements > 0 ? 32 / Double(elements) : 0)
    }
}
