import Foundation
import Testing

@testable import QuantKit

/// `quantize`'s overrides and `eval`'s in-memory network come from one `NetworkQuantization`.
struct NetworkQuantizationTests {
    let model = fixturesFolder.appendingPathComponent("digits/mlp.npz").path
    let calibration = fixturesFolder.appendingPathComponent("digits/calibration_inputs.npy").path
    let rules = SelectionRules(defaultScheme: QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 3))

    @Test func streamedRoundToNearestNeedsNoOverrides() throws {
        let source = try openTensorSource(path: model)
        let overrides = try methodOverrides(sources: [source], plans: [QuantizationPlan(of: source, rules: rules, layout: NPZLayout())],
                                            run: MethodRun())
        #expect(overrides.overrides.isEmpty)
    }

    @Test(arguments: ["gptq", "awq"])
    func fileOverridesAreTheInMemoryNetworksLayers(_ name: String) throws {
        let method = try #require(QuantizationMethods.named(name))
        let source = try openTensorSource(path: model)
        let overrides = try methodOverrides(sources: [source], plans: [QuantizationPlan(of: source, rules: rules, layout: NPZLayout())],
                                            run: MethodRun(method: method, calibrationPath: calibration))
        let float = try FloatNetwork(source: openTensorSource(path: model))
        let rows = try EvaluationData(inputPath: calibration, labelsPath: nil, width: float.layout.inFeatures,
                                      classes: float.layout.outFeatures)
        let network = try QuantizedNetwork(float: float, rules: rules, path: model, method: method, calibration: rows)
        // The values the method read come back, so the writer measures its error without reading them again.
        #expect(Set(overrides.originals.keys) == Set(overrides.overrides.keys))
        for (description, floatLayer) in zip(float.layout.layers, float.layers) {
            #expect(overrides.originals[description.weightName] == floatLayer.weight)
        }
        for (description, layer) in zip(float.layout.layers, network.layers) {
            guard case .quantized(let weight, let recorded)? = overrides.overrides[description.weightName],
                  case .quantized(let linear) = layer else {
                Issue.record("\(description.weightName) is quantized in both paths")
                continue
            }
            #expect(recorded == name)
            #expect(linear.weight == weight)
        }
    }
}
