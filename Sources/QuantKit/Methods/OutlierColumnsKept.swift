/// `base` with outlier columns (`OutlierColumns`, LLM.int8()-style mixed precision): in each
/// weight, the input columns `c` with `|X[s][c]| > threshold` for some calibration row `s` are
/// zeroed, the zeroed weight is quantized by `base`, and the columns' float values are attached
/// in float16 (`QuantizedTensor.outliers`), so dequantization puts them back. A weight with no
/// such column is `base`'s result unchanged.
public struct OutlierColumnsKept: WeightQuantizationMethod {
    public let base: any WeightQuantizationMethod
    /// The input magnitude above which a column is kept, >= 0.
    public let threshold: Float

    public init(base: any WeightQuantizationMethod, threshold: Float) {
        self.base = base
        self.threshold = threshold
    }

    /// The base method's name: the metadata records the method that chose the codes.
    public var name: String { base.name }
    public let needsCalibration = true

    /// Throws `QuantizationMethodError.needsCalibration` without `inputs`, and what `base` throws.
    public func quantize(weight: [Float], shape: [Int], scheme: QuantScheme, inputs: LayerInputs?) throws -> QuantizedTensor {
        guard let inputs else { throw QuantizationMethodError.needsCalibration(method: name) }
        let inFeatures = shape[1]
        let columns = (0 ..< inFeatures).filter { column in
            (0 ..< inputs.samples).contains { abs(inputs.values[$0 * inFeatures + column]) > threshold }
        }
        guard !columns.isEmpty else { return try base.quantize(weight: weight, shape: shape, scheme: scheme, inputs: inputs) }
        var quantized = try base.quantize(weight: OutlierColumns.zeroing(columns, in: weight, inFeatures: inFeatures),
                                          shape: shape, scheme: scheme, inputs: inputs)
        quantized.outliers = OutlierColumns(columns: columns, of: weight, inFeatures: inFeatures)
        return quantized
    }
}
