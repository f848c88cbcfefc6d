/// What a `QuantizationMethod` sees of a network: its layers in float32, the scheme each
/// weight is quantized under (nil: the weight stays float), the activation between layers and,
/// when calibration rows were given, their capture at every layer's input.
public struct LayersToQuantize: Sendable {
    /// Each layer's name (the tensor-name prefix, `fc1`), for the method's notes.
    public let names: [String]
    public let layers: [Linear]
    /// One per layer.
    public let schemes: [QuantScheme?]
    public let activation: Activation
    public let calibration: CalibrationCapture?
    /// Told the layers done, by a method that goes through them one by one.
    public var progress: StepProgress?

    public init(names: [String], layers: [Linear], schemes: [QuantScheme?], activation: Activation,
                calibration: CalibrationCapture?) {
        precondition(names.count == layers.count && schemes.count == layers.count)
        self.names = names
        self.layers = layers
        self.schemes = schemes
        self.activation = activation
        self.calibration = calibration
    }

    /// These layers with float weights `weights` and biases `biases` instead (same shapes),
    /// the schemes, activation and calibration capture unchanged, and no `progress` (a method
    /// running another on its result has reported its own).
    func replacing(weights: [[Float]], biases: [[Float]?]) -> LayersToQuantize {
        let layers = zip(self.layers, zip(weights, biases)).map { layer, values in
            Linear(weight: values.0, bias: values.1, outFeatures: layer.outFeatures, inFeatures: layer.inFeatures)
        }
        return LayersToQuantize(names: names, layers: layers, schemes: schemes, activation: activation, calibration: calibration)
    }
}
