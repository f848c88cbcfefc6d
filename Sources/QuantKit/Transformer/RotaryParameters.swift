import Foundation

/// The rotary position embedding of a Llama-family decoder: its base `rope_theta` and how its
/// frequencies are scaled, as transformers reads them from `rope_parameters` (transformers 5)
/// or from `rope_theta` + `rope_scaling` (older configs).
public struct RotaryParameters: Sendable, Equatable {
    /// How the inverse frequencies are scaled.
    public enum Scaling: Sendable, Equatable {
        /// `rope_type` "default", and "dynamic" (dynamic NTK scaling changes the frequencies only
        /// for sequences longer than `max_position_embeddings`, which the forward pass refuses).
        case none
        /// "linear": every inverse frequency divided by `factor`.
        case linear(factor: Double)
        /// "llama3" (Llama 3.1): low frequencies divided by `factor`, high ones kept, those
        /// between interpolated (see `inverseFrequencies`).
        case llama3(factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double, originalMaxPositions: Int)
    }

    public var theta: Double
    public var scaling: Scaling
    /// The rotated dimensions of a head: all of `head_dim` (`partial_rotary_factor` other than 1
    /// is refused).
    public var dimension: Int

    /// The rope types this forward pass implements.
    public static let supportedTypes = ["default", "linear", "dynamic", "llama3"]

    /// Reads `rope_scaling` (when set, as transformers prefers it) or else `rope_parameters`,
    /// with `rope_theta` from that object, else from the top level, else 10000.
    init(config: ConfigFields, headDim: Int, maxPositions: Int) throws(TransformerError) {
        let scalingObject = try config.object("rope_scaling")
        let parametersObject = try config.object("rope_parameters")
        let parameters = scalingObject ?? parametersObject ?? ConfigFields(object: [:])
        let topTheta = try config.double("rope_theta", default: 10_000)
        theta = try parameters.double("rope_theta", default: topTheta)
        guard theta > 0 else { throw .invalidField(field: "rope_theta", expected: "positive") }
        let topPartial = try config.double("partial_rotary_factor", default: 1)
        let partial = try parameters.double("partial_rotary_factor", default: topPartial)
        guard partial == 1 else {
            throw .unsupportedSetting(field: "partial_rotary_factor", value: "\(partial)", supported: ["1"])
        }
        dimension = headDim
        let ropeType = try parameters.string("rope_type"), olderType = try parameters.string("type")
        let type = ropeType ?? olderType ?? "default"
        switch type {
        case "default", "dynamic":
            scaling = .none
        case "linear":
            scaling = .linear(factor: try parameters.double("factor", default: .nan))
        case "llama3":
            scaling = .llama3(factor: try parameters.double("factor", default: .nan),
                              lowFrequencyFactor: try parameters.double("low_freq_factor", default: .nan),
                              highFrequencyFactor: try parameters.double("high_freq_factor", default: .nan),
                              originalMaxPositions: try parameters.int("original_max_position_embeddings", default: maxPositions))
        default:
            throw .unsupportedSetting(field: "rope_type", value: type, supported: Self.supportedTypes)
        }
        try checkScaling()
    }

    public init(theta: Double, scaling: Scaling, dimension: Int) {
        self.theta = theta
        self.scaling = scaling
        self.dimension = dimension
    }

    private func checkScaling() throws(TransformerError) {
        switch scaling {
        case .none: break
        case .linear(let factor):
            guard factor.isFinite, factor > 0 else { throw .invalidField(field: "rope factor", expected: "a positive number") }
        case .llama3(let factor, let low, let high, _):
            guard [factor, low, high].allSatisfy({ $0.isFinite && $0 > 0 }), high != low else {
                throw .invalidField(field: "llama3 rope factor, low_freq_factor and high_freq_factor",
                                    expected: "positive numbers, the two frequency factors different")
            }
        }
    }

    /// The `dimension / 2` inverse frequencies, in float32 step by step as transformers computes
    /// them: `inv_freq[i] = 1 / theta^(2i / dimension)` (the exponent rounded to float32, the
    /// power and the quotient in float32), then scaled.
    ///
    /// llama3, with `wavelength = 2π / inv_freq` and the original context `L`: a wavelength
    /// below `L / high` keeps its frequency, one above `L / low` is divided by `factor`, and
    /// one between takes `(1 - s) · f / factor + s · f` with `s = (L / wavelength - low) / (high - low)`.
    public var inverseFrequencies: [Float] {
        let base = Float(theta)
        let frequencies = (0 ..< dimension / 2).map { i in 1 / powf(base, Float(2 * i) / Float(dimension)) }
        switch scaling {
        case .none:
            return frequencies
        case .linear(let factor):
            return frequencies.map { $0 / Float(factor) }
        case .llama3(let factor, let low, let high, let original):
            return frequencies.map { frequency in
                llama3Scaled(frequency, factor: factor, low: low, high: high, original: Double(original))
            }
        }
    }

    /// One llama3-scaled frequency (see `inverseFrequencies`), each operation in float32 as
    /// transformers' tensor operations round it: a Python number divided by a tensor is the
    /// tensor's reciprocal times the number (torch's `__rtruediv__`), 2π is the float32 nearest
    /// to it (Swift's `Float.pi` is rounded toward zero, one ulp below), and what Python computes
    /// from the configuration alone (`L / low`, `high - low`) is a double rounded to float32.
    private func llama3Scaled(_ frequency: Float, factor: Double, low: Double, high: Double, original: Double) -> Float {
        let wavelength = (1 / frequency) * Float(2 * Double.pi)
        if wavelength > Float(original / low) { return frequency / Float(factor) }
        if wavelength < Float(original / high) { return frequency }
        let smooth = ((1 / wavelength) * Float(original) - Float(low)) / Float(high - low)
        return (1 - smooth) * frequency / Float(factor) + smooth * frequency
    }
}
