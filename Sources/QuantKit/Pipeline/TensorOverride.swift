/// What `quantizeFile` writes for a tensor instead of streaming it through round-to-nearest.
public enum TensorOverride: Sendable {
    /// The quantized tensor a method computed; `method` is its name, which the metadata records.
    case quantized(QuantizedTensor, method: String)
    /// New float values for a tensor kept in float (a bias or weight AWQ divided by its scales).
    case float([Float])
    /// Quantized by `method` under `scheme` from the tensor's own float32 values when the file
    /// is read (a calibration-free method run tensor by tensor, on any file).
    case quantizedWhenRead(by: any WeightQuantizationMethod, scheme: QuantScheme)

    var method: String? {
        switch self {
        case .quantized(_, let method): method
        case .quantizedWhenRead(let method, _): method.name
        case .float: nil
        }
    }

    var outliers: OutlierColumns? {
        if case .quantized(let tensor, _) = self { return tensor.outliers }
        return nil
    }

    /// `values` (the float32 values of the tensor `info` of the file `source`) quantized by
    /// `method` under `scheme`, NaN and infinity refused as `NonFiniteValue` first; errors name
    /// the file and tensor.
    static func quantize(_ values: [Float], info: TensorInfo, scheme: QuantScheme, by method: any WeightQuantizationMethod,
                         source: String) throws -> QuantizedTensor {
        do {
            try NonFiniteValue.check(values, shape: info.shape, storedDType: info.dtype)
            return try method.quantize(weight: values, shape: info.shape, scheme: scheme, inputs: nil)
        } catch {
            throw FileError(path: source, member: info.name, error)
        }
    }
}
