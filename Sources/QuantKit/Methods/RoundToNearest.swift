/// Round to nearest: each weight's scales from its scheme's clipping rule (min-max, MSE search
/// or percentile, see `Clipping`), codes `round(x / scale) (+ zero point)` clamped to the code
/// range (`quantize(_:shape:scheme:)`), so with min-max scales `|x - x̂| <= scale / 2`.
///
/// It needs no calibration and looks at no other weight; `quantizeFile` streams it tensor by
/// tensor instead of going through this type when no calibration is given.
public struct RoundToNearest: WeightQuantizationMethod {
    public let name = "rtn"
    public let needsCalibration = false

    public init() {}

    public func quantize(weight: [Float], shape: [Int], scheme: QuantScheme, inputs: LayerInputs?) throws -> QuantizedTensor {
        try QuantKit.quantize(weight, shape: shape, scheme: scheme)
    }
}
