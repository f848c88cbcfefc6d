import Foundation
import Testing

@testable import QuantKit

/// A method defined here, not in Sources: round toward zero with the scheme's own scales,
/// `code = clamp(trunc(x / scale), qmin, qmax)`, for symmetric per-channel (axis 0) or
/// per-tensor schemes. It goes through the seam unchanged: `quantize`'s file path writes it
/// tensor by tensor and `eval`'s in-memory network runs it.
struct RoundTowardZero: WeightQuantizationMethod {
    let name = "trunc"
    let needsCalibration = false

    func quantize(weight: [Float], shape: [Int], scheme: QuantScheme, inputs: LayerInputs?) throws -> QuantizedTensor {
        precondition(scheme.symmetric && shape.count == 2)
        let scales = try QuantKit.quantize(weight, shape: shape, scheme: scheme).scales
        let inner = shape[1]
        let codes = weight.indices.map { index in
            let scale = scales.count == 1 ? scales[0] : scales[index / inner]
            let code = min(max((weight[index] / scale).rounded(.towardZero), Float(scheme.qmin)), Float(scheme.qmax))
            return UInt8(bitPattern: Int8(code))
        }
        return QuantizedTensor(scheme: scheme, shape: shape, codes: codes, scales: scales, zeroPoints: [],
                               axis: scales.count == 1 ? nil : 0)
    }
}

struct TruncationMethodTests {
    let model = fixturesFolder.appendingPathComponent("digits/mlp.npz").path
    let scheme = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 4)

    /// `trunc(x / scale)` clamped to the 4-bit range, computed here from the float weight and
    /// the archive's scales.
    func expectTruncated(_ q: QuantizedTensor, from weight: [Float]) {
        let inner = q.shape[1]
        for index in weight.indices {
            let truncated = Int((weight[index] / q.scales[index / inner]).rounded(.towardZero))
            #expect(q.code(at: index) == min(max(truncated, -8), 7), "element \(index)")
        }
    }

    @Test func quantizeWritesTheMethodsCodesTensorByTensor() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trunc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("mlp.trunc.npz").path
        let plan = try ShardPlan(inputs: [model], output: output)
        let rules = SelectionRules(defaultScheme: scheme)
        let source = try openTensorSource(path: model)
        let overrides = try methodOverrides(sources: [source], plans: [QuantizationPlan(of: source, rules: rules, layout: NPZLayout())],
                                            run: MethodRun(method: RoundTowardZero()))
        #expect(overrides.overrides.count == 3 && overrides.originals.isEmpty)
        _ = try quantizeCheckpoint(plan: plan, rules: rules, layout: NPZLayout(), overwrite: false,
                                   method: MethodRun(method: RoundTowardZero()))

        let float = try FloatNetwork(source: openTensorSource(path: model))
        let archive = try QuantizedArchive(source: openTensorSource(path: output))
        let entries = try #require(archive.metadata?.tensors)
        #expect(entries.map(\.name).sorted() == float.layout.layers.map(\.weightName).sorted())
        for (description, layer) in zip(float.layout.layers, float.layers) {
            let entry = try #require(entries.first { $0.name == description.weightName })
            #expect(entry.method == "trunc")
            let q = try archive.loadQuantized(entry)
            #expect(q.scales == (try quantize(layer.weight, shape: q.shape, scheme: scheme)).scales)
            expectTruncated(q, from: layer.weight)
            #expect(q != (try quantize(layer.weight, shape: q.shape, scheme: scheme)), "truncation is not rounding")
        }
    }

    @Test func evalRunsTheMethodInMemory() throws {
        let float = try FloatNetwork(source: openTensorSource(path: model))
        let rules = SelectionRules(defaultScheme: scheme)
        let data = try EvaluationData(inputPath: fixturesFolder.appendingPathComponent("digits/test_inputs.npy").path,
                                      labelsPath: fixturesFolder.appendingPathComponent("digits/test_labels.npy").path,
                                      width: float.layout.inFeatures, classes: float.layout.outFeatures)
        let truncated = try QuantizedNetwork(float: float, rules: rules, path: model, method: RoundTowardZero())
        for (layer, linear) in zip(truncated.layers, float.layers) {
            guard case .quantized(let quantized) = layer else {
                Issue.record("every weight is selected")
                continue
            }
            expectTruncated(quantized.weight, from: linear.weight)
        }
        let rounded = try QuantizedNetwork(float: float, rules: rules, path: model)
        let e = Evaluation(float: float, quantized: truncated, activation: .relu, data: data, compute: .dequant)
        let r = Evaluation(float: float, quantized: rounded, activation: .relu, data: data, compute: .dequant)
        // Truncation's error per weight reaches a whole scale, rounding's half: the network is
        // further from the float one, yet still a working classifier.
        #expect(e.output.mse > r.output.mse)
        #expect(try #require(e.accuracyQuantized) > 0.5)
        #expect(e.quantizedBytes == r.quantizedBytes)
    }
}
