import Foundation
import Testing

@testable import QuantKit

/// `Fixtures/awq/layer.npz`, written by `generate.py`: the AWQ search of `AWQSearch` done in
/// NumPy on one `[8, 16]` layer with 64 calibration rows of very uneven channel magnitudes,
/// under a symmetric per-channel 4-bit scheme.
struct AWQReferenceTests {
    struct Fixture {
        let weight: [Float]
        let inputs: [Float]
        let ratios: [Float]
        let mse: [Float]
        let chosen: Int
        let scales: [Float]
        let codes: [Int]
        let codeScales: [Float]
        let nearTies: [Int]

        init() throws {
            let source = try openTensorSource(path: fixturesFolder.appendingPathComponent("awq/layer.npz").path)
            func floats(_ name: String) throws -> [Float] { try source.load(name).floatValues()! }
            func integers(_ name: String) throws -> [Int] { try source.load(name).integerValues()! }
            weight = try floats("weight")
            inputs = try floats("inputs")
            ratios = try floats("ratios")
            mse = try floats("mse")
            chosen = try integers("chosen")[0]
            scales = try floats("scales")
            codes = try integers("codes")
            codeScales = try floats("code_scales")
            nearTies = try integers("near_ties")
        }
    }

    let scheme = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 4)

    /// Exact: the ratios are `k / 20` in float32 on both sides, and NumPy's least MSE beats the
    /// next by far more than float summation order can move an MSE (checked below).
    @Test func chosenRatioIsNumPys() throws {
        let fixture = try Fixture()
        let search = try AWQSearch(weight: fixture.weight, outFeatures: 8, inFeatures: 16, inputs: fixture.inputs, samples: 64,
                                   scheme: scheme)
        let sorted = fixture.mse.sorted()
        #expect(sorted[1] - sorted[0] > 1e-3 * sorted[0], "the fixture's winner must be clear for an exact comparison")
        #expect(search.ratio.bitPattern == fixture.ratios[fixture.chosen].bitPattern)
    }

    /// Bound: the mean magnitudes agree to float32 rounding (Double sums of 64 terms), `pow` is
    /// within 1 ulp, and the floor and normalization add 3 roundings, so each scale is within
    /// 8 ulps of NumPy's. The MSEs come from float32 products summed in another order: within
    /// 1e-4 relative.
    @Test func scalesAndErrorsAgreeWithNumPyWithinRoundingBounds() throws {
        let fixture = try Fixture()
        let search = try AWQSearch(weight: fixture.weight, outFeatures: 8, inFeatures: 16, inputs: fixture.inputs, samples: 64,
                                   scheme: scheme)
        for (ours, theirs) in zip(search.scales, fixture.scales) {
            #expect(abs(ours - theirs) <= 8 * theirs.ulp, "scale \(ours) vs \(theirs)")
        }
        #expect(abs(search.chosenMSE - Double(fixture.mse[fixture.chosen])) <= 1e-4 * Double(fixture.mse[fixture.chosen]))
        #expect(abs(search.roundToNearestMSE - Double(fixture.mse[0])) <= 1e-4 * Double(fixture.mse[0]))
        #expect(search.chosenMSE < search.roundToNearestMSE)
    }

    /// Exact away from rounding ties: a scale within 8 ulps moves `w / scale` by under 1e-5,
    /// less than the fixture's tie tolerance (1e-4), so only codes listed as near ties may differ.
    @Test func codesOfTheScaledWeightAreNumPys() throws {
        let fixture = try Fixture()
        let search = try AWQSearch(weight: fixture.weight, outFeatures: 8, inFeatures: 16, inputs: fixture.inputs, samples: 64,
                                   scheme: scheme)
        let q = try quantize(AWQSearch.scaledWeight(fixture.weight, scales: search.scales, inFeatures: 16), shape: [8, 16],
                             scheme: scheme)
        for (ours, theirs) in zip(q.scales, fixture.codeScales) {
            #expect(abs(ours - theirs) <= 8 * theirs.ulp, "code scale \(ours) vs \(theirs)")
        }
        for index in fixture.codes.indices where !fixture.nearTies.contains(index) {
            #expect(q.code(at: index) == fixture.codes[index], "code \(index)")
        }
    }
}
