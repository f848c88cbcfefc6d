/// How the codes and scales of a network's weights are chosen: the seam every method
/// (round-to-nearest, GPTQ, AWQ, outlier columns, ...) conforms to.
///
/// A method sees the whole network (`LayersToQuantize`: every layer's float weight and bias,
/// the scheme each weight is quantized under, and, when given, the calibration rows captured at
/// every layer's input) and returns each weight's `QuantizedTensor` plus the float weights and
/// biases it changed (`MethodResult`). Most methods choose each weight alone and conform through
/// `WeightQuantizationMethod`, which supplies the loop over the layers; a method that moves
/// values between layers (AWQ's folding) implements `quantize(_:)` itself.
///
/// A new method is a conforming type plus one line in `QuantizationMethods.all`.
public protocol QuantizationMethod: Sendable {
    /// The word that names the method (`--method`), also recorded as the `method` of every
    /// tensor the method wrote (see `TensorOverride`).
    var name: String { get }
    /// Whether `quantize(_:)` needs `LayersToQuantize.calibration` (it throws
    /// `QuantizationMethodError.needsCalibration` without it).
    var needsCalibration: Bool { get }

    /// Quantizes the weights of `layers` that have a scheme; weights without one stay float.
    func quantize(_ layers: LayersToQuantize) throws -> MethodResult

    /// This method with, in every quantized weight, the input columns whose calibration inputs
    /// exceed `threshold` in magnitude kept in float16 beside the codes (`OutlierColumns`).
    func keepingOutlierColumns(above threshold: Float) -> any QuantizationMethod
}
