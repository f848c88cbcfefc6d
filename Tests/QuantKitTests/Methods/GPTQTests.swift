import Foundation
import Testing

@testable import QuantKit

/// `Fixtures/gptq/layer.json`, written by `generate.py` with the NumPy GPTQ of `reference.py`:
/// one `[12, 40]` layer, 64 correlated inputs (input 5 always 0) and the codes, scales and zero
/// points NumPy gives under several schemes.
struct GPTQFixture: Decodable {
    let rows: Int
    let columns: Int
    let samples: Int
    let weight: [Double]
    let inputs: [Double]
    let cases: [Case]

    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let bits: Int
        let symmetric: Bool
        let granularity: String
        let groupSize: Int?
        let damp: Float
        let blockSize: Int
        let actOrder: Bool
        let codes: [Int]
        let scales: [Float]
        let zeroPoints: [Int32]?
        /// The codes whose `w / scale` lies within the fixture's tie tolerance (1e-4) of a tie.
        let nearTies: [Int]
        /// `‖X Wᵀ - X Ŵᵀ‖²` of NumPy's GPTQ and of round-to-nearest.
        let gptqError: Double
        let rtnError: Double

        enum CodingKeys: String, CodingKey {
            case name, bits, symmetric, granularity, damp, codes, scales
            case groupSize = "group_size", blockSize = "block_size", actOrder = "act_order", zeroPoints = "zero_points"
            case nearTies = "near_ties", gptqError = "gptq_error", rtnError = "rtn_error"
        }

        var testDescription: String { name }

        var scheme: QuantScheme {
            let granularity: Granularity = switch self.granularity {
            case "tensor": .perTensor
            case "group": .perGroup(size: groupSize!)
            default: .perChannel(axis: 0)
            }
            return QuantScheme(symmetric: symmetric, granularity: granularity, bits: bits)
        }

        var options: GPTQOptions { GPTQOptions(damp: damp, blockSize: blockSize, activationOrder: actOrder) }
    }

    var weightValues: [Float] { weight.map(Float.init) }
    var inputValues: [Float] { inputs.map(Float.init) }

    static let layer: GPTQFixture = {
        let url = fixturesFolder.appendingPathComponent("gptq/layer.json")
        return try! JSONDecoder().decode(GPTQFixture.self, from: Data(contentsOf: url))
    }()
}

/// `Fixtures/gptq/wide.json`: a `[8, 320]` layer on 512 inputs (input 7 always 0), wider than one
/// lazy batch of 128 columns, rebuilt from its seed by `dyadicLayer`, and NumPy's codes, scales
/// and zero points for it with blocks of 128 columns.
struct GPTQWideFixture: Decodable {
    let seed: UInt64
    let rows: Int
    let columns: Int
    let samples: Int
    let factors: Int
    let deadColumn: Int
    let cases: [GPTQFixture.Case]

    enum CodingKeys: String, CodingKey {
        case seed, rows, columns, samples, factors, cases
        case deadColumn = "dead_column"
    }

    static let layer: GPTQWideFixture = {
        let url = fixturesFolder.appendingPathComponent("gptq/wide.json")
        return try! JSONDecoder().decode(GPTQWideFixture.self, from: Data(contentsOf: url))
    }()

    /// `dyadic_layer` of `Fixtures/gptq/generate.py`, from one `SplitMix64` stream: latent
    /// `[samples, factors]` integers `word % 17 - 8`, mixing `[factors, columns]` integers
    /// `(word % 129 - 64) · (1 + c % 4)`, noise `[samples, columns]` integers `word % 257 - 128`,
    /// weight `(word % 4097 - 2048) / 8192`; inputs `(16 latent · mixing + noise) / 1024`, input
    /// `deadColumn` 0. Integers below 2^24 over powers of two: exact in float32, as in NumPy.
    var weightAndInputs: (weight: [Float], inputs: [Float]) {
        var words = SplitMix64(seed: seed)
        func draw(_ count: Int, _ modulus: UInt64, _ offset: Int) -> [Int] {
            (0 ..< count).map { _ in Int(words.next() % modulus) - offset }
        }
        let latent = draw(samples * factors, 17, 8)
        let mixing = draw(factors * columns, 129, 64).enumerated().map { $1 * (1 + $0 % columns % 4) }
        let noise = draw(samples * columns, 257, 128)
        let weight = draw(rows * columns, 4097, 2048).map { Float($0) / 8192 }
        let inputs = (0 ..< samples * columns).map { flat -> Float in
            let (s, c) = flat.quotientAndRemainder(dividingBy: columns)
            guard c != deadColumn else { return 0 }
            let mixed = (0 ..< factors).reduce(0) { $0 + latent[s * factors + $1] * mixing[$1 * columns + c] }
            return Float(16 * mixed + noise[flat]) / 1024
        }
        return (weight, inputs)
    }
}

/// `‖X Wᵀ - X Ŵᵀ‖²` in Double: the layer's squared output error over the samples.
func outputError(inputs: [Float], samples: Int, weight: [Float], reconstruction: [Float], outFeatures: Int) -> Double {
    let n = weight.count / outFeatures
    var total = 0.0
    for s in 0 ..< samples {
        for r in 0 ..< outFeatures {
            var dot = 0.0
            for c in 0 ..< n { dot += Double(inputs[s * n + c]) * Double(weight[r * n + c] - reconstruction[r * n + c]) }
            total += dot * dot
        }
    }
    return total
}

/// Calibration inputs `[samples, n]` driven by `factors` shared latent variables plus a little
/// independent noise, so the columns are strongly correlated (where GPTQ beats rounding).
func correlatedInputs(samples: Int, n: Int, factors: Int, using random: inout QuantTestRandom) -> [Float] {
    let latent = random.normals(samples * factors)
    let mixing = random.normals(factors * n)
    return (0 ..< samples * n).map { flat in
        let (s, c) = flat.quotientAndRemainder(dividingBy: n)
        let mixed = (0 ..< factors).reduce(Float(0)) { $0 + latent[s * factors + $1] * mixing[$1 * n + c] }
        return mixed + 0.05 * random.normal()
    }
}

@Suite struct GPTQTests {
    // Float summation orders differ between NumPy's BLAS and our loops (the Hessian, the block
    // products), so a value within ~1e-5 of a rounding tie may round the other way. At most this
    // many codes per case may differ, each by exactly 1, each one NumPy saw within 1e-4 of a tie.
    static let tieDisagreementBound = 2

    @Test(arguments: GPTQFixture.layer.cases)
    func codesAndScalesMatchNumPy(_ reference: GPTQFixture.Case) throws {
        let layer = GPTQFixture.layer
        let q = try gptqQuantize(weight: layer.weightValues, outFeatures: layer.rows, inFeatures: layer.columns,
                                 inputs: layer.inputValues, samples: layer.samples,
                                 scheme: reference.scheme, options: reference.options)
        expectMatch(q, reference, weight: layer.weightValues, inputs: layer.inputValues, samples: layer.samples)
    }

    /// Lazy batches across blocks: 320 columns are blocks of 128, 128 and 64, each block's
    /// errors reaching the later blocks through the float32 GEMM; groups of 32 found at their
    /// first column, or up front with activation order.
    @Test(arguments: GPTQWideFixture.layer.cases)
    func layerWiderThanABlockMatchesNumPy(_ reference: GPTQFixture.Case) throws {
        let layer = GPTQWideFixture.layer
        let (weight, inputs) = layer.weightAndInputs
        #expect(reference.blockSize == 128 && layer.columns > 2 * reference.blockSize)
        let results = try [1, 2].map { threads in
            try gptqQuantize(weight: weight, outFeatures: layer.rows, inFeatures: layer.columns, inputs: inputs,
                             samples: layer.samples, scheme: reference.scheme, options: reference.options, threads: threads)
        }
        expectMatch(results[0], reference, weight: weight, inputs: inputs, samples: layer.samples)
        #expect(results[1].codes == results[0].codes && results[1].scales == results[0].scales, "the same for 1 and 2 threads")
    }

    /// `q` against NumPy's `reference` for the same layer: codes equal but for near ties (see
    /// `tieDisagreementBound`), scales and zero points equal (per group in the natural order,
    /// found from updated columns, scales within 1e-6), and the same output error within 1e-3,
    /// below round-to-nearest's.
    func expectMatch(_ q: QuantizedTensor, _ reference: GPTQFixture.Case, weight: [Float], inputs: [Float], samples: Int,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        let rows = q.shape[0]
        #expect(q.shape == [rows, weight.count / rows], sourceLocation: sourceLocation)
        let codes = (0 ..< q.codes.count).map(q.code(at:))
        let differing = codes.indices.filter { codes[$0] != reference.codes[$0] }
        #expect(differing.count <= Self.tieDisagreementBound, "\(differing.count) codes differ: \(differing)",
                sourceLocation: sourceLocation)
        for index in differing {
            #expect(abs(codes[index] - reference.codes[index]) == 1, "code \(index): \(codes[index]) vs \(reference.codes[index])",
                    sourceLocation: sourceLocation)
            #expect(reference.nearTies.contains(index), "code \(index) differs away from a rounding tie", sourceLocation: sourceLocation)
        }
        #expect(q.scales.count == reference.scales.count, sourceLocation: sourceLocation)
        if reference.granularity == "group" && !reference.actOrder {
            for (ours, theirs) in zip(q.scales, reference.scales) {
                #expect(abs(ours - theirs) <= 1e-6 * theirs, "scale \(ours) vs \(theirs)", sourceLocation: sourceLocation)
            }
        } else {
            #expect(q.scales.map(\.bitPattern) == reference.scales.map(\.bitPattern), sourceLocation: sourceLocation)
        }
        #expect(q.zeroPoints == (reference.zeroPoints ?? []), sourceLocation: sourceLocation)
        #expect(q.axis == (reference.granularity == "channel" ? 0 : nil), sourceLocation: sourceLocation)
        let error = outputError(inputs: inputs, samples: samples, weight: weight, reconstruction: q.dequantized(), outFeatures: rows)
        #expect(abs(error - reference.gptqError) <= 1e-3 * reference.gptqError, "output error \(error) vs NumPy's \(reference.gptqError)",
                sourceLocation: sourceLocation)
        #expect(error < reference.rtnError, sourceLocation: sourceLocation)
    }

    @Test func perChannelScalesAreRoundToNearestScales() throws {
        let layer = GPTQFixture.layer
        for symmetric in [true, false] {
            let scheme = QuantScheme(symmetric: symmetric, granularity: .perChannel(axis: 0), bits: 3)
            let q = try gptqQuantize(weight: layer.weightValues, outFeatures: layer.rows, inFeatures: layer.columns,
                                     inputs: layer.inputValues, samples: layer.samples, scheme: scheme)
            let rtn = try quantize(layer.weightValues, shape: [layer.rows, layer.columns], scheme: scheme)
            #expect(q.scales.map(\.bitPattern) == rtn.scales.map(\.bitPattern))
            #expect(q.zeroPoints == rtn.zeroPoints)
        }
    }

    @Test func deadInputColumnQuantizesToZero() throws {
        let layer = GPTQFixture.layer
        for scheme in GPTQFixture.layer.cases.map(\.scheme) {
            let q = try gptqQuantize(weight: layer.weightValues, outFeatures: layer.rows, inFeatures: layer.columns,
                                     inputs: layer.inputValues, samples: layer.samples, scheme: scheme)
            let values = q.dequantized()
            #expect((0 ..< layer.rows).allSatisfy { values[$0 * layer.columns + 5] == 0 }, "\(scheme.name) \(scheme.bits) bits")
        }
    }

    @Test func blockSizeChangesOnlyRounding() throws {
        let layer = GPTQFixture.layer
        for scheme in GPTQFixture.layer.cases.map(\.scheme) {
            let results = try [1, 5, 16, 128].map { blockSize in
                try gptqQuantize(weight: layer.weightValues, outFeatures: layer.rows, inFeatures: layer.columns,
                                 inputs: layer.inputValues, samples: layer.samples, scheme: scheme,
                                 options: GPTQOptions(blockSize: blockSize)).codes
            }
            for codes in results.dropFirst() {
                let differing = zip(codes, results[0]).filter { $0 != $1 }.count
                #expect(differing <= Self.tieDisagreementBound, "\(scheme.name) \(scheme.bits) bits: \(differing) codes differ")
            }
        }
    }

    static let propertySchemes: [QuantScheme] = [2, 3, 4].flatMap { bits in
        [QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: bits),
         QuantScheme(symmetric: false, granularity: .perChannel(axis: 0), bits: bits),
         QuantScheme(symmetric: true, granularity: .perTensor, bits: bits),
         QuantScheme(symmetric: true, granularity: .perGroup(size: 16), bits: bits),
         QuantScheme(symmetric: false, granularity: .perGroup(size: 16), bits: bits)]
    }

    @Test(arguments: propertySchemes)
    func outputErrorIsBelowRoundToNearest(_ scheme: QuantScheme) throws {
        for seed in UInt64(1) ... 3 {
            var random = QuantTestRandom(seed: seed)
            let (rows, n, samples) = (24, 48, 96)
            let weight = random.normals(rows * n, scale: 0.1)
            let inputs = correlatedInputs(samples: samples, n: n, factors: 8, using: &random)
            let rtn = try quantize(weight, shape: [rows, n], scheme: scheme).dequantized()
            let rtnError = outputError(inputs: inputs, samples: samples, weight: weight, reconstruction: rtn, outFeatures: rows)
            for activationOrder in [false, true] {
                let q = try gptqQuantize(weight: weight, outFeatures: rows, inFeatures: n, inputs: inputs, samples: samples,
                                         scheme: scheme, options: GPTQOptions(blockSize: 32, activationOrder: activationOrder))
                let error = outputError(inputs: inputs, samples: samples, weight: weight, reconstruction: q.dequantized(),
                                        outFeatures: rows)
                // Correlated inputs leave GPTQ much room: well below round-to-nearest, not just <=.
                #expect(error < 0.5 * rtnError, "seed \(seed), act order \(activationOrder): \(error) vs \(rtnError)")
            }
        }
    }

    @Test func independentInputsStillNoWorseThanRoundToNearest() throws {
        var random = QuantTestRandom(seed: 9)
        let (rows, n, samples) = (16, 32, 256)
        let weight = random.normals(rows * n)
        let inputs = random.normals(samples * n)
        for bits in [2, 3, 4] {
            let scheme = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: bits)
            let rtn = try quantize(weight, shape: [rows, n], scheme: scheme).dequantized()
            let q = try gptqQuantize(weight: weight, outFeatures: rows, inFeatures: n, inputs: inputs, samples: samples, scheme: scheme)
            let gptqError = outputError(inputs: inputs, samples: samples, weight: weight, reconstruction: q.dequantized(), outFeatures: rows)
            let rtnError = outputError(inputs: inputs, samples: samples, weight: weight, reconstruction: rtn, outFeatures: rows)
            #expect(gptqError <= rtnError, "\(bits) bits: \(gptqError) vs \(rtnError)")
        }
    }

    @Test func digitsFirstLayerWithDeadPixelsBeatsRoundToNearest() throws {
        let digits = fixturesFolder.appendingPathComponent("digits")
        let weight = try #require(try NPZSource(path: digits.appendingPathComponent("mlp.npz").path).load("fc1.weight").floatValues())
        let allInputs = try #require(try readNPY(bytes: Array(Data(contentsOf: digits.appendingPathComponent("test_inputs.npy"))))
            .floatValues())
        // The first 200 test images calibrate; the other 250 measure. Some corner pixels are 0 in
        // every image: dead inputs.
        let n = 64
        let (calibration, held) = (Array(allInputs[..<(200 * n)]), Array(allInputs[(200 * n)...]))
        #expect((0 ..< n).contains { c in (0 ..< 200).allSatisfy { calibration[$0 * n + c] == 0 } })
        for bits in [2, 3, 4] {
            let scheme = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: bits)
            let q = try gptqQuantize(weight: weight, outFeatures: 64, inFeatures: n, inputs: calibration, samples: 200, scheme: scheme)
            let rtn = try quantize(weight, shape: [64, n], scheme: scheme).dequantized()
            let gptqError = outputError(inputs: held, samples: 250, weight: weight, reconstruction: q.dequantized(), outFeatures: 64)
            let rtnError = outputError(inputs: held, samples: 250, weight: weight, reconstruction: rtn, outFeatures: 64)
            #expect(gptqError < 0.5 * rtnError, "\(bits) bits on held-out images: \(gptqError) vs \(rtnError)")
        }
    }

    // MARK: Refusals

    let scheme4 = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 4)

    @Test func refusesMismatchedSizes() {
        #expect(throws: GPTQError.weightSizeMismatch(count: 5, outFeatures: 2, inFeatures: 3)) {
            try gptqQuantize(weight: [Float](repeating: 1, count: 5), outFeatures: 2, inFeatures: 3,
                             inputs: [Float](repeating: 1, count: 6), samples: 2, scheme: scheme4)
        }
        #expect(throws: GPTQError.inputSizeMismatch(count: 7, samples: 2, inFeatures: 3)) {
            try gptqQuantize(weight: [Float](repeating: 1, count: 6), outFeatures: 2, inFeatures: 3,
                             inputs: [Float](repeating: 1, count: 7), samples: 2, scheme: scheme4)
        }
        #expect(throws: GPTQError.emptyLayer(outFeatures: 2, inFeatures: 3, samples: 0)) {
            try gptqQuantize(weight: [Float](repeating: 1, count: 6), outFeatures: 2, inFeatures: 3,
                             inputs: [], samples: 0, scheme: scheme4)
        }
    }

    @Test func refusesNonFiniteValues() {
        var inputs = [Float](repeating: 1, count: 6)
        inputs[4] = .nan
        #expect(throws: GPTQError.nonFiniteInput(index: 4)) {
            try gptqQuantize(weight: [Float](repeating: 1, count: 6), outFeatures: 2, inFeatures: 3,
                             inputs: inputs, samples: 2, scheme: scheme4)
        }
        var weight = [Float](repeating: 1, count: 6)
        weight[1] = -.infinity
        #expect(throws: GPTQError.nonFiniteWeight(index: 1)) {
            try gptqQuantize(weight: weight, outFeatures: 2, inFeatures: 3,
                             inputs: [Float](repeating: 1, count: 6), samples: 2, scheme: scheme4)
        }
    }

    @Test func refusesUnsupportedSchemesAndOptions() {
        let (weight, inputs) = ([Float](repeating: 1, count: 6), [Float](repeating: 1, count: 6))
        #expect(throws: GPTQError.unsupportedAxis(1)) {
            try gptqQuantize(weight: weight, outFeatures: 2, inFeatures: 3, inputs: inputs, samples: 2,
                             scheme: QuantScheme(symmetric: true, granularity: .perChannel(axis: 1), bits: 4))
        }
        #expect(throws: GPTQError.groupSizeMismatch(groupSize: 2, inFeatures: 3)) {
            try gptqQuantize(weight: weight, outFeatures: 2, inFeatures: 3, inputs: inputs, samples: 2,
                             scheme: QuantScheme(symmetric: true, granularity: .perGroup(size: 2), bits: 4))
        }
        let negativeDamp = GPTQOptions(damp: -0.1)
        #expect(throws: GPTQError.invalidOptions(negativeDamp)) {
            try gptqQuantize(weight: weight, outFeatures: 2, inFeatures: 3, inputs: inputs, samples: 2,
                             scheme: scheme4, options: negativeDamp)
        }
        let noBlock = GPTQOptions(blockSize: 0)
        #expect(throws: GPTQError.invalidOptions(noBlock)) {
            try gptqQuantize(weight: weight, outFeatures: 2, inFeatures: 3, inputs: inputs, samples: 2,
                             scheme: scheme4, options: noBlock)
        }
    }

    @Test func refusesASingularHessianWithoutDampening() throws {
        // 4 samples of 8 inputs: XᵀX has rank 4, positive semidefinite but singular.
        var random = QuantTestRandom(seed: 3)
        let weight = random.normals(3 * 8)
        let inputs = random.normals(4 * 8)
        #expect(throws: GPTQError.notPositiveDefinite(damp: 0)) {
            try gptqQuantize(weight: weight, outFeatures: 3, inFeatures: 8, inputs: inputs, samples: 4,
                             scheme: scheme4, options: GPTQOptions(damp: 0))
        }
        // The library names no option; the command line adds the hint (CLIHintTests).
        #expect(!GPTQError.notPositiveDefinite(damp: 0).description.contains("--"))
        _ = try gptqQuantize(weight: weight, outFeatures: 3, inFeatures: 8, inputs: inputs, samples: 4, scheme: scheme4)
    }
}
