import Testing

@testable import QuantKit

/// Outlier columns wrap another method: the columns with a calibration input above the
/// threshold are zeroed, the base method quantizes the rest, and the columns come back in float16.
struct OutlierColumnsKeptTests {
    let network = SeamNetwork()
    let scheme = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 2)

    /// The columns of layer `index` whose captured inputs exceed `threshold`, found directly.
    func columnsAbove(_ threshold: Float, layer index: Int, of layers: LayersToQuantize) -> [Int] {
        let inputs = layers.calibration!.layerInputs[index]
        let n = layers.layers[index].inFeatures
        return (0 ..< n).filter { c in (0 ..< inputs.samples).contains { abs(inputs.values[$0 * n + c]) > threshold } }
    }

    @Test func roundToNearestWithOutliersQuantizesTheZeroedWeight() throws {
        let method = RoundToNearest().keepingOutlierColumns(above: 1.5)
        #expect(method.name == "rtn" && method.needsCalibration)
        let layers = network.toQuantize([scheme, scheme])
        let result = try method.quantize(layers)
        for (index, layer) in network.layers.enumerated() {
            let columns = columnsAbove(1.5, layer: index, of: layers)
            let zeroed = OutlierColumns.zeroing(columns, in: layer.weight, inFeatures: layer.inFeatures)
            var expected = try quantize(zeroed, shape: [layer.outFeatures, layer.inFeatures], scheme: scheme)
            if !columns.isEmpty { expected.outliers = OutlierColumns(columns: columns, of: layer.weight, inFeatures: layer.inFeatures) }
            #expect(result.weights[index] == expected)
        }
        #expect(!columnsAbove(1.5, layer: 0, of: layers).isEmpty, "the rows should reach the threshold somewhere")
    }

    @Test func gptqWithOutliersRunsGPTQOnTheZeroedWeight() throws {
        let method = GPTQ().keepingOutlierColumns(above: 1.5)
        #expect(method.name == "gptq")
        let layers = network.toQuantize([scheme, nil])
        let result = try method.quantize(layers)
        let layer = network.layers[0]
        let columns = columnsAbove(1.5, layer: 0, of: layers)
        let inputs = layers.calibration!.layerInputs[0]
        var expected = try gptqQuantize(weight: OutlierColumns.zeroing(columns, in: layer.weight, inFeatures: 6), outFeatures: 8,
                                        inFeatures: 6, inputs: inputs.values, samples: inputs.samples, scheme: scheme)
        expected.outliers = OutlierColumns(columns: columns, of: layer.weight, inFeatures: 6)
        #expect(result.weights[0] == expected)
        #expect(result.weights[1] == nil)
    }

    @Test func awqKeepsOutliersOfTheFoldedWeight() throws {
        let method = AWQ().keepingOutlierColumns(above: 1.5)
        #expect(method.name == "awq")
        let layers = network.toQuantize([scheme, scheme])
        let result = try method.quantize(layers)
        for (index, layer) in network.layers.enumerated() {
            let columns = columnsAbove(1.5, layer: index, of: layers)
            let folded = result.floatWeights[index]
            var expected = try quantize(OutlierColumns.zeroing(columns, in: folded, inFeatures: layer.inFeatures),
                                        shape: [layer.outFeatures, layer.inFeatures], scheme: scheme)
            if !columns.isEmpty { expected.outliers = OutlierColumns(columns: columns, of: folded, inFeatures: layer.inFeatures) }
            #expect(result.weights[index] == expected)
        }
    }

    @Test func aThresholdNoInputReachesLeavesTheBaseResult() throws {
        let layers = network.toQuantize([scheme, scheme])
        let result = try RoundToNearest().keepingOutlierColumns(above: 1e6).quantize(layers)
        #expect(result.weights == (try RoundToNearest().quantize(layers).weights))
        #expect(result.weights.allSatisfy { $0?.outliers == nil })
    }
}
