/// How weights are rounded to codes, beyond the scheme's scales.
///
/// - `rtn`: round to nearest with the scheme's scales (min-max or `--clip`), tensor by tensor.
/// - `gptq`: each layer column by column, compensating each column's rounding error on the
///   columns not yet quantized (`gptqQuantize`).
/// - `awq`: per-input-channel scales searched from the activation magnitudes (`AWQSearch`),
///   folded into the previous layer, then round to nearest.
///
/// `gptq` and `awq` need calibration rows run through the float network, so they need the
/// network (an MLP whose tensor names describe its layers, as for `eval`).
public enum QuantizationMethod: String, CaseIterable, Sendable, Codable {
    case rtn, gptq, awq

    public var needsCalibration: Bool { self != .rtn }
}
