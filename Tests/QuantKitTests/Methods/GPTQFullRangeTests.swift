import Foundation
import Testing

@testable import QuantKit

/// GPTQ on the full symmetric range (`GPTQGrid.fullRangeExtremes`): its grid is round to
/// nearest's, ties included.
@Suite struct GPTQFullRangeTests {
    static func fullRange(_ granularity: Granularity, bits: Int) -> QuantScheme {
        var scheme = QuantScheme(symmetric: true, granularity: granularity, bits: bits)
        scheme.symmetricRange = .full
        return scheme
    }

    /// Orthonormal calibration inputs (`X = I`) make the Hessian diagonal: no column's error
    /// moves another, so GPTQ is round to nearest, and its full-range scales and codes must be
    /// `quantize`'s bit for bit, ties between -a and +a resolved alike (first in C order).
    @Test(arguments: [false, true])
    func withADiagonalHessianGPTQIsRoundToNearest(activationOrder: Bool) throws {
        let (rows, columns) = (6, 16)
        var random = QuantTestRandom(seed: 5)
        var weight = random.normals(rows * columns)
        weight[0 * columns + 3] = -4
        weight[0 * columns + 9] = 4
        weight[2 * columns + 1] = 4
        weight[2 * columns + 12] = -4
        weight[4 * columns + 8] = 4
        weight[4 * columns + 10] = -4
        let identity = (0 ..< columns * columns).map { Float($0 / columns == $0 % columns ? 1 : 0) }
        for granularity in [Granularity.perChannel(axis: 0), .perTensor, .perGroup(size: 8)] {
            for bits in [3, 4, 8] {
                var scheme = Self.fullRange(granularity, bits: bits)
                for scaleDType in [nil, DType.float16] {
                    scheme.scaleDType = scaleDType
                    let q = try gptqQuantize(weight: weight, outFeatures: rows, inFeatures: columns, inputs: identity,
                                             samples: columns, scheme: scheme,
                                             options: GPTQOptions(activationOrder: activationOrder))
                    let rtn = try quantize(weight, shape: [rows, columns], scheme: scheme)
                    #expect(q.scales.map(\.bitPattern) == rtn.scales.map(\.bitPattern), "\(granularity) \(bits) bits")
                    #expect(q.codes == rtn.codes, "\(granularity) \(bits) bits")
                }
            }
        }
    }

    /// On the fixture layer, full-range GPTQ keeps round to nearest's per-channel scales (some
    /// negative), uses the code -2^(b-1), and beats round to nearest on the output error.
    @Test func onTheFixtureLayerFullRangeGPTQBeatsRoundToNearest() throws {
        let layer = GPTQFixture.layer
        let scheme = Self.fullRange(.perChannel(axis: 0), bits: 4)
        let q = try gptqQuantize(weight: layer.weightValues, outFeatures: layer.rows, inFeatures: layer.columns,
                                 inputs: layer.inputValues, samples: layer.samples, scheme: scheme)
        let rtn = try quantize(layer.weightValues, shape: [layer.rows, layer.columns], scheme: scheme)
        #expect(q.scales.map(\.bitPattern) == rtn.scales.map(\.bitPattern))
        #expect(q.scales.contains { $0 < 0 } && (0 ..< q.codes.count).contains { q.code(at: $0) == -8 })
        func error(_ reconstruction: [Float]) -> Double {
            outputError(inputs: layer.inputValues, samples: layer.samples, weight: layer.weightValues,
                        reconstruction: reconstruction, outFeatures: layer.rows)
        }
        #expect(error(q.dequantized()) < error(rtn.dequantized()))
    }
}
