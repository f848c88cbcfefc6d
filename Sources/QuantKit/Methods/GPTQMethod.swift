/// GPTQ as a `QuantizationMethod`: each weight through `gptqQuantize` against the layer's
/// calibration inputs, with `options`.
public struct GPTQ: WeightQuantizationMethod {
    public let name = "gptq"
    public let needsCalibration = true
    public var options: GPTQOptions

    public init(options: GPTQOptions = GPTQOptions()) {
        self.options = options
    }

    /// Throws `QuantizationMethodError.needsCalibration` without `inputs`, and what
    /// `gptqQuantize` throws.
    public func quantize(weight: [Float], shape: [Int], scheme: QuantScheme, inputs: LayerInputs?) throws -> QuantizedTensor {
        guard let inputs else { throw QuantizationMethodError.needsCalibration(method: name) }
        return try gptqQuantize(weight: weight, outFeatures: shape[0], inFeatures: shape[1], inputs: inputs.values,
                                samples: inputs.samples, scheme: scheme, options: options)
    }
}
