import Foundation
import Testing

@testable import QuantKit

@Suite struct EvaluationTests {
    static let schemes = QuantScheme.names

    /// A random `[out, in]` layer quantized under `scheme`.
    func quantizedLayer(out: Int, in inFeatures: Int, scheme: QuantScheme, seed: UInt64) throws -> QuantizedLinear {
        var random = QuantTestRandom(seed: seed)
        let linear = pytorchLikeLinear(inFeatures: inFeatures, outFeatures: out, using: &random)
        let weight = try quantize(linear.weight, shape: [out, inFeatures], scheme: scheme)
        return QuantizedLinear(weight: weight, bias: linear.bias)
    }

    @Test(arguments: schemes, [8, 4, 2])
    func int8PathStaysWithinItsBoundOfTheDequantizePath(name: String, bits: Int) throws {
        for axis in [0, 1] {
            let layer = try quantizedLayer(out: 24, in: 40, scheme: QuantScheme(name: name, bits: bits, axis: axis)!, seed: 7)
            var random = QuantTestRandom(seed: 11)
            // Rows of very different magnitudes, one of them all zero.
            let x = random.normals(6 * 40, scale: 3) + [Float](repeating: 0, count: 40) + random.normals(40, scale: 1e-3)
            let viaInt8 = layer.forwardInt8(x, batch: 8)
            let viaDequant = layer.forward(x, batch: 8)
            let bound = layer.int8DeviationBound(x, batch: 8)
            for i in viaInt8.indices {
                #expect(abs(viaInt8[i] - viaDequant[i]) <= bound[i], "\(name) \(bits) bits axis \(axis) output \(i)")
            }
        }
    }

    @Test func int8PathIsExactWhenTheInputsAreOnTheActivationGrid() {
        // Weight codes [[2, -1], [0, 3]] with per-row scales 0.5 and 0.25; inputs on the int8
        // grid of their row, so only float rounding could differ, and these are all exact.
        let weight = QuantizedTensor(scheme: QuantScheme(symmetric: true, granularity: .perChannel(axis: 0)), shape: [2, 2],
                                     codes: [2, 0xFF, 0, 3], scales: [0.5, 0.25], zeroPoints: [], axis: 0)
        let layer = QuantizedLinear(weight: weight, bias: [1, -1])
        let x: [Float] = [127, -64]  // max|x| = 127, so the activation scale is exactly 1
        let expected: [Float] = [Float(2 * 127 + 64) * 0.5 + 1, Float(3 * -64) * 0.25 - 1]
        #expect(layer.forwardInt8(x, batch: 1) == expected)
        #expect(layer.forward(x, batch: 1) == layer.forwardInt8(x, batch: 1))
    }

    @Test func asymmetricZeroPointsAreSubtractedInTheIntegerPath() {
        // uint8 codes with zero point 10: w = (q - 10) * 0.5.
        let weight = QuantizedTensor(scheme: QuantScheme(symmetric: false, granularity: .perTensor), shape: [1, 3],
                                     codes: [10, 12, 4], scales: [0.5], zeroPoints: [10], axis: nil)
        let layer = QuantizedLinear(weight: weight, bias: nil)
        let x: [Float] = [127, 1, -2]
        let expected: [Float] = [Float(0 * 127 + 2 * 1 + -6 * -2) * 0.5]
        #expect(layer.forwardInt8(x, batch: 1) == expected)
    }

    @Test func outputComparisonCountsAgreementAndAveragesCosinePerRow() {
        let reference: [Float] = [1, 0, 0, 1, 0, 0]
        let candidate: [Float] = [2, 0, 0, 0, 1, 0]
        let comparison = OutputComparison(reference: reference, candidate: candidate, rows: 3, columns: 2)
        // Top classes (first maximum): reference 0, 1, 0; candidate 0, 0, 0.
        #expect(comparison.agreement == 2.0 / 3)
        // Row cosines: 1; 0 (candidate row is zero); 0 (reference row is zero).
        #expect(abs(comparison.cosine - 1.0 / 3) < 1e-12)
        #expect(comparison.mse == 3.0 / 6)
        #expect(comparison.maxAbsError == 1)
    }

    @Test func topClassIsTheFirstMaximum() {
        #expect(topClasses([1, 3, 3, 0, -1, -1], rows: 2, columns: 3) == [1, 0])
    }

    @Test func gaussianSamplesAreSeededAndStandard() {
        #expect(gaussianSamples(count: 5, seed: 3) == gaussianSamples(count: 5, seed: 3))
        #expect(gaussianSamples(count: 5, seed: 3) != gaussianSamples(count: 5, seed: 4))
        #expect(gaussianSamples(count: 7, seed: 1) == Array(gaussianSamples(count: 8, seed: 1).prefix(7)))
        let n = 200_000
        let values = gaussianSamples(count: n, seed: 0).map(Double.init)
        let mean = values.reduce(0, +) / Double(n)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        // Five standard errors: 5/sqrt(n) for the mean, 5*sqrt(2/n) for the variance.
        #expect(abs(mean) < 5 / Double(n).squareRoot())
        #expect(abs(variance - 1) < 5 * (2 / Double(n)).squareRoot())
    }

    @Test func activationsMatchTheirDefinitions() {
        var values: [Float] = [-1, 0, 1]
        Activation.gelu.apply(&values)
        #expect(abs(values[0] - -0.15865525) < 1e-6 && values[1] == 0 && abs(values[2] - 0.8413447) < 1e-6)
        values = [0, 2]
        Activation.sigmoid.apply(&values)
        #expect(values[0] == 0.5 && abs(values[1] - 0.8807971) < 1e-6)
        values = [-3, 3]
        Activation.relu.apply(&values)
        #expect(values == [0, 3])
        Activation.tanh.apply(&values)
        #expect(values == [0, tanh(3)])
    }
}
