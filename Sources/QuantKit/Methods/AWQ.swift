import Foundation

/// Activation-aware weight quantization (Lin, Tang, Tang, Yang, Dang, Gan, Han, "AWQ:
/// Activation-aware Weight Quantization for LLM Compression and Acceleration", MLSys 2024,
/// arXiv:2306.00978), the per-layer scale search of its `auto_scale`.
///
/// A few input channels carry most of the activation magnitude; their weights matter most.
/// Scaling input channel `k` of the weight up by `s_k` (and its input down by the same factor,
/// `x_k / s_k`) leaves the float layer unchanged, `y = (x / s) · (W · diag(s))ᵀ`, but gives the
/// important columns a finer share of each row's quantization grid. With `m_k` the mean `|x_k|`
/// over the calibration rows, the search tries `s = m^α` for `α = 0, 1/20, ..., 19/20`
/// (normalized by `sqrt(max(s) · min(s))`, values below 1e-4 raised to it), quantizes
/// `W · diag(s)` with the layer's scheme, and keeps the `α` whose output on the calibration
/// rows, `(x / s) · Q(W · diag(s))ᵀ`, is closest to the float output `x · Wᵀ` in mean squared
/// error; `α = 0` (all ones, plain round-to-nearest) is a candidate, so the search never does
/// worse than it on those rows.
///
/// The caller folds `1/s` into what produces the input (the previous layer's rows and bias,
/// exact through ReLU, which commutes with positive scaling).
public struct AWQSearch: Sendable {
    /// The chosen per-input-channel scales (`inFeatures` values; all 1 when `α = 0` wins).
    public let scales: [Float]
    /// The chosen exponent.
    public let ratio: Float
    /// Output MSE on the calibration rows: of plain round-to-nearest and of the chosen scales.
    public let roundToNearestMSE: Double
    public let chosenMSE: Double

    /// Searches the scales of the layer `weight` (`[outFeatures, inFeatures]`, row-major) from
    /// its calibration `inputs` (`[samples, inFeatures]`) under `scheme`.
    public init(weight: [Float], outFeatures: Int, inFeatures: Int, inputs: [Float], samples: Int,
                scheme: QuantScheme, grid: Int = 20) throws {
        precondition(weight.count == outFeatures * inFeatures && inputs.count == samples * inFeatures && samples > 0)
        let reference = floatMatrixMultiply(inputs, weight, bias: nil, m: samples, n: outFeatures, k: inFeatures)
        var magnitude = [Double](repeating: 0, count: inFeatures)
        for row in 0 ..< samples {
            for k in 0 ..< inFeatures { magnitude[k] += Double(abs(inputs[row * inFeatures + k])) }
        }
        let means = magnitude.map { Float($0 / Double(samples)) }
        var candidates: [Candidate] = []
        for step in 0 ..< grid {
            let ratio = Float(step) / Float(grid)
            let scales = AWQSearch.scales(means: means, ratio: ratio)
            let mse = try AWQSearch.outputMSE(weight: weight, scales: scales, outFeatures: outFeatures, inFeatures: inFeatures,
                                              inputs: inputs, samples: samples, scheme: scheme, reference: reference)
            candidates.append(Candidate(ratio: ratio, scales: scales, mse: mse))
        }
        // The first of equal errors: the smallest ratio.
        let best = candidates.min { $0.mse < $1.mse }!
        scales = best.scales
        ratio = best.ratio
        roundToNearestMSE = candidates[0].mse
        chosenMSE = best.mse
    }

    /// One ratio tried: its scales and their output MSE on the calibration rows.
    struct Candidate {
        let ratio: Float
        let scales: [Float]
        let mse: Double
    }

    /// The candidate scales of exponent `ratio` for the per-channel mean magnitudes `means`:
    /// `s_k = max(m_k^ratio, 1e-4) / sqrt(max(s) · min(s))` (AutoAWQ's `_compute_best_scale`
    /// without `duo_scaling`, as the AWQ paper's search); all ones for `ratio = 0`.
    public static func scales(means: [Float], ratio: Float) -> [Float] {
        let scales = means.map { Swift.max(pow($0, ratio), 1e-4) }
        let norm = (scales.max()! * scales.min()!).squareRoot()
        return scales.map { $0 / norm }
    }

    /// `W · diag(s)`: column `k` of the weight times `scales[k]`.
    public static func scaledWeight(_ weight: [Float], scales: [Float], inFeatures: Int) -> [Float] {
        weight.indices.map { weight[$0] * scales[$0 % inFeatures] }
    }

    /// Mean squared error of `(x / s) · Q(W · diag(s))ᵀ` against `reference` (`x · Wᵀ`).
    static func outputMSE(weight: [Float], scales: [Float], outFeatures: Int, inFeatures: Int, inputs: [Float],
                          samples: Int, scheme: QuantScheme, reference: [Float]) throws -> Double {
        let quantized = try quantize(scaledWeight(weight, scales: scales, inFeatures: inFeatures),
                                     shape: [outFeatures, inFeatures], scheme: scheme).dequantized()
        let scaledInputs = inputs.indices.map { inputs[$0] / scales[$0 % inFeatures] }
        let output = floatMatrixMultiply(scaledInputs, quantized, bias: nil, m: samples, n: outFeatures, k: inFeatures)
        return zip(output, reference).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) } / Double(output.count)
    }
}
