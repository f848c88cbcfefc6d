import Testing

@testable import QuantKit

/// Every registered method is reachable by its name, and through the seam gives what the
/// direct computation gives (the code each method ran before the seam existed).
struct QuantizationMethodsTests {
    let network = SeamNetwork()
    let scheme = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 4)

    @Test func registryNamesAreTheCommandLineWordsInOrder() {
        #expect(QuantizationMethods.names == ["rtn", "gptq", "awq"])
        for name in QuantizationMethods.names {
            #expect(QuantizationMethods.named(name)?.name == name)
        }
        #expect(QuantizationMethods.named("hqq") == nil)
    }

    @Test func registryPassesGPTQOptions() throws {
        let options = GPTQOptions(damp: 0.1, blockSize: 128, activationOrder: true)
        let method = try #require(QuantizationMethods.named("gptq", settings: MethodSettings(gptq: options)) as? GPTQ)
        #expect(method.options == options)
    }

    @Test func roundToNearestIsQuantizeOfEachWeight() throws {
        let method = try #require(QuantizationMethods.named("rtn"))
        #expect(!method.needsCalibration)
        let result = try method.quantize(network.toQuantize([scheme, nil], calibrated: false))
        let layer = network.layers[0]
        #expect(result.weights[0] == (try quantize(layer.weight, shape: [8, 6], scheme: scheme)))
        #expect(result.weights[1] == nil)
        #expect(result.floatWeights == network.layers.map(\.weight))
        #expect(result.biases == network.layers.map(\.bias))
    }

    @Test func roundToNearestKeepsTheSchemesClipping() throws {
        var mse = scheme
        mse.clipping = .mse
        let result = try RoundToNearest().quantize(network.toQuantize([mse, mse], calibrated: false))
        for (index, layer) in network.layers.enumerated() {
            #expect(result.weights[index] == (try quantize(layer.weight, shape: [layer.outFeatures, layer.inFeatures], scheme: mse)))
        }
    }

    @Test func gptqIsGPTQQuantizeOnTheCapturedInputs() throws {
        let method = try #require(QuantizationMethods.named("gptq"))
        let layers = network.toQuantize([scheme, scheme])
        let result = try method.quantize(layers)
        for (index, layer) in network.layers.enumerated() {
            let inputs = try #require(layers.calibration?.layerInputs[index])
            let direct = try gptqQuantize(weight: layer.weight, outFeatures: layer.outFeatures, inFeatures: layer.inFeatures,
                                          inputs: inputs.values, samples: inputs.samples, scheme: scheme)
            #expect(result.weights[index] == direct)
        }
    }

    @Test func calibratedMethodsRefuseToRunWithoutCalibration() {
        for name in ["gptq", "awq"] {
            #expect(throws: QuantizationMethodError.needsCalibration(method: name)) {
                try QuantizationMethods.named(name)!.quantize(network.toQuantize([scheme, scheme], calibrated: false))
            }
        }
    }

    /// AWQ folds the second layer's searched scales into the first (ReLU commutes with positive
    /// scaling), so with nothing rounded the folded network computes what the float one does.
    @Test func awqFoldsTheSearchedScalesIntoThePreviousLayer() throws {
        let method = try #require(QuantizationMethods.named("awq"))
        let layers = network.toQuantize([nil, scheme])
        let result = try method.quantize(layers)
        let second = network.layers[1]
        let search = try AWQSearch(weight: second.weight, outFeatures: 4, inFeatures: 8,
                                   inputs: try #require(layers.calibration?.layerInputs[1].values), samples: 32, scheme: scheme)
        #expect(search.ratio > 0, "the rows should make AWQ choose scales")
        #expect(result.floatWeights[1] == AWQSearch.scaledWeight(second.weight, scales: search.scales, inFeatures: 8))
        #expect(result.floatWeights[0] == network.layers[0].weight.enumerated().map { $1 / search.scales[$0 / 6] })
        #expect(result.biases[0] == network.layers[0].bias!.enumerated().map { $1 / search.scales[$0] })
        #expect(result.weights[1] == (try quantize(result.floatWeights[1], shape: [4, 8], scheme: scheme)))
        #expect(result.weights[0] == nil)
        let folded = layers.replacing(weights: result.floatWeights, biases: result.biases)
        let before = try AWQ.roundedOutputs(layers, weights: layers.layers.map(\.weight), biases: layers.layers.map(\.bias),
                                            schemes: [nil, nil], count: 2, rows: network.rows)
        let after = try AWQ.roundedOutputs(folded, weights: result.floatWeights, biases: result.biases, schemes: [nil, nil],
                                           count: 2, rows: network.rows)
        for (x, y) in zip(before, after) { #expect(abs(x - y) <= 1e-5 * max(1, abs(x))) }
    }

    @Test func awqDoesNotFoldAcrossAnActivationThatDoesNotCommuteWithScaling() throws {
        let layers = LayersToQuantize(names: ["fc1", "fc2"], layers: network.layers, schemes: [scheme, scheme], activation: .gelu,
                                      calibration: CalibrationCapture(layers: network.layers, rows: network.rows, activation: .gelu))
        let result = try AWQ().quantize(layers)
        #expect(result.floatWeights == network.layers.map(\.weight))
        #expect(result.weights[1] == (try quantize(network.layers[1].weight, shape: [4, 8], scheme: scheme)))
        #expect(result.notes.contains("fc2: round to nearest (gelu does not commute with scaling)"))
    }
}
