/// A `QuantizationMethod` that chooses each weight's codes and scales alone: from the weight,
/// its scheme and, optionally, the layer's calibration inputs. Conformers get the loop over a
/// network's layers (`quantize(_:)`) and outlier columns (`keepingOutlierColumns(above:)`) from
/// this protocol's extension.
public protocol WeightQuantizationMethod: QuantizationMethod {
    /// Quantizes `weight` (finite, C order) of shape `shape` under `scheme`, which includes its
    /// clipping rule; `inputs` are the layer's calibration inputs (`[samples, in]`), nil when
    /// none were captured. On a network `shape` is the layer's `[out, in]`; a calibration-free
    /// method run tensor by tensor on a file (`TensorOverride.quantizedWhenRead`) gets each
    /// selected tensor's own shape. The result has `scheme` and `shape`.
    func quantize(weight: [Float], shape: [Int], scheme: QuantScheme, inputs: LayerInputs?) throws -> QuantizedTensor
}

extension WeightQuantizationMethod {
    /// Each layer with a scheme through `quantize(weight:shape:scheme:inputs:)`, fed that layer's
    /// captured inputs; float weights and biases are returned unchanged. `layers.progress` is
    /// told the layers done.
    public func quantize(_ layers: LayersToQuantize) throws -> MethodResult {
        if needsCalibration, layers.calibration == nil { throw QuantizationMethodError.needsCalibration(method: name) }
        var result = MethodResult(unchanged: layers)
        defer { layers.progress?(layers.layers.count, layers.layers.count) }
        for (index, layer) in layers.layers.enumerated() {
            layers.progress?(index, layers.layers.count)
            guard let scheme = layers.schemes[index] else {
                result.notes.append("\(layers.names[index]): kept in float")
                continue
            }
            let inputs = layers.calibration?.layerInputs[index]
            result.weights[index] = try quantize(weight: layer.weight, shape: [layer.outFeatures, layer.inFeatures],
                                                 scheme: scheme, inputs: inputs)
            result.notes.append("\(layers.names[index]): \(name)" + (inputs.map { " on \($0.samples) calibration rows" } ?? ""))
        }
        return result
    }

    public func keepingOutlierColumns(above threshold: Float) -> any QuantizationMethod {
        OutlierColumnsKept(base: self, threshold: threshold)
    }
}
