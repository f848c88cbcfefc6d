import Foundation
import Testing

@testable import QuantKit

/// The full symmetric range (`SymmetricRange.full`) and stored scale types (`scaleDType`): bit
/// for bit against the NumPy reference (Fixtures/reference/scale_options.json), against the
/// plain oracle on tensors that split into pieces and run on threads, and within the error
/// bounds `SymmetricRange` and `ScaleStorage` state.
@Suite struct FullRangeTests {
    static let cases = (try? QuantReferenceCase.loadAll("scale_options.json")) ?? []

    @Test func fixtureCoversEveryWidthGranularityEdgeAndScaleType() throws {
        let full = Self.cases.filter { $0.symmetricRange == "full" }
        for bits in 2 ... 8 {
            for scheme in ["symmetric", "per-channel", "group"] {
                #expect(full.contains { $0.bits == bits && $0.scheme == scheme && $0.scaleDtype == nil }, "\(scheme) \(bits)")
            }
            for dtype in ["float16", "bfloat16"] {
                #expect(full.contains { $0.bits == bits && $0.scaleDtype == dtype }, "\(dtype) \(bits)")
            }
            #expect(full.contains { $0.bits == bits && $0.axis == -1 }, "interleaved channels at \(bits) bits")
            #expect(full.contains { $0.name.hasPrefix("edges/") && $0.bits == bits }, "edge rows at \(bits) bits")
        }
        #expect(full.contains { $0.axis == 1 && $0.shape.count == 3 })
        for scheme in ["per-channel", "per-channel-asymmetric", "group", "group-asymmetric"] {
            #expect(Self.cases.contains { $0.scheme == scheme && $0.symmetricRange == nil && $0.scaleDtype == "bfloat16" })
        }
    }

    @Test(arguments: cases)
    func codesAndScalesMatchNumPyBitForBit(_ reference: QuantReferenceCase) throws {
        let scheme = try #require(reference.quantScheme)
        let q = try quantize(reference.inputValues, shape: reference.shape, scheme: scheme)
        #expect((0 ..< q.codes.count).map(q.code(at:)) == reference.codes)
        #expect(q.scales.map(\.bitPattern) == reference.scaleValues.map(\.bitPattern))
        #expect(q.zeroPoints.map(Int.init) == reference.zeroPoints)
    }

    @Test(arguments: cases.filter { $0.packed != nil })
    func packedCodesMatchNumPyByteForByte(_ reference: QuantReferenceCase) throws {
        let scheme = try #require(reference.quantScheme)
        let q = try quantize(reference.inputValues, shape: reference.shape, scheme: scheme)
        let info = TensorInfo(name: "w", dtype: .float32, shape: reference.shape)
        let encoder = NPZLayout().codeEncoder(for: info, scheme: scheme)
        encoder.start(scales: q.scales, zeroPoints: q.zeroPoints)
        var bytes: [UInt8] = []
        try q.codes.withUnsafeBytes { codes in
            try encoder.encode(codes) { piece throws(FileError) in bytes += piece }
            try encoder.encode(UnsafeRawBufferPointer(start: nil, count: 0)) { piece throws(FileError) in bytes += piece }
        }
        #expect(bytes.map { String(format: "%02x", $0) }.joined() == reference.packed)
    }

    /// `SymmetricRange` and `ScaleStorage`: `|ŝ| / 2` inside the grid, `|ŝ| + 2^(b-1)·|s - ŝ|`
    /// overall (s the float32 scale), `2^(b-1)·|s - ŝ|` at the extreme itself, which maps to the
    /// code -2^(b-1); plus float32 rounding.
    @Test(arguments: cases.filter { $0.symmetricRange == "full" })
    func errorStaysWithinTheStatedBounds(_ reference: QuantReferenceCase) throws {
        let scheme = try #require(reference.quantScheme)
        var unrounded = scheme
        unrounded.scaleDType = nil
        let values = reference.inputValues
        let q = try quantize(values, shape: reference.shape, scheme: scheme)
        let s = try quantize(values, shape: reference.shape, scheme: unrounded).scales
        let restored = q.dequantized()
        let half = Double(1 << (scheme.bits - 1))
        for (flat, x) in values.enumerated() {
            let channel = scheme.groupSize.map { flat / $0 } ?? q.axis.map { multiIndex(ofFlat: flat, in: q.shape)[$0] } ?? 0
            let (stored, exact) = (Double(q.scales[channel]), Double(s[channel]))
            let error = abs(Double(x) - Double(restored[flat]))
            let slack = 0x1p-24 * (Double(abs(x)) + Double(abs(restored[flat]))) + 0x1p-149
            let position = Double(x) / stored
            let inside = position >= -half - 0.5 && position <= half - 0.5
            #expect(error <= (inside ? abs(stored) / 2 : abs(stored) + half * abs(exact - stored)) + slack,
                    "\(reference.name) element \(flat)")
            // A normal stored scale: within bfloat16's relative rounding of the float32 one.
            if Double(x) == -half * exact, x != 0, abs(exact - stored) <= 0x1p-8 * abs(exact) {
                #expect(q.code(at: flat) == -Int(half), "\(reference.name): the extreme maps to -2^(b-1)")
                #expect(error <= half * abs(exact - stored) + slack)
            }
        }
    }

    /// `ScaleStorage`: restricted symmetric codes from a rounded scale are within
    /// `max(ŝ / 2, qmax·(s - ŝ))`, s the float32 scale.
    @Test(arguments: cases.filter { $0.symmetricRange == nil && $0.scaleDtype != nil && $0.zeroPoints.isEmpty })
    func restrictedErrorWithARoundedScaleStaysWithinTheStatedBound(_ reference: QuantReferenceCase) throws {
        let scheme = try #require(reference.quantScheme)
        var unrounded = scheme
        unrounded.scaleDType = nil
        let values = reference.inputValues
        let q = try quantize(values, shape: reference.shape, scheme: scheme)
        let s = try quantize(values, shape: reference.shape, scheme: unrounded).scales
        let restored = q.dequantized()
        for (flat, x) in values.enumerated() {
            let channel = scheme.groupSize.map { flat / $0 } ?? q.axis.map { multiIndex(ofFlat: flat, in: q.shape)[$0] } ?? 0
            let (stored, exact) = (Double(q.scales[channel]), Double(s[channel]))
            let slack = 0x1p-24 * (Double(abs(x)) + Double(abs(restored[flat]))) + 0x1p-149
            let bound = max(stored / 2, Double(scheme.qmax) * (exact - stored))
            #expect(abs(Double(x) - Double(restored[flat])) <= bound + slack, "\(reference.name) element \(flat)")
        }
    }

    /// Ties (-a and +a) planted in the second piece of long rows and in interleaved channels:
    /// the first in flat order wins whatever the piece or thread boundaries.
    @Test(arguments: [1, 3])
    func tiesResolveInFlatOrderAcrossPiecesAndThreads(threads: Int) throws {
        var random = QuantTestRandom(seed: 11)
        // Rows of two pieces each; as `[columns, 3]`, channels 0 and 1 hold ties too.
        let columns = TensorQuantizer.pieceLength + 8000
        var values = random.normals(3 * columns)
        for (row, (first, second)) in [(70_000, 65_600), (10, 65_700), (65_601, 65_602)].enumerated() {
            values[row * columns + first] = 9
            values[row * columns + second] = -9
        }
        for (granularity, shape) in [(Granularity.perChannel(axis: 0), [3, columns]), (.perChannel(axis: -1), [columns, 3]),
                                     (.perTensor, [3, columns]), (.perGroup(size: columns / 4), [3, columns])] {
            for bits in [4, 8] {
                var scheme = QuantScheme(symmetric: true, granularity: granularity, bits: bits)
                scheme.symmetricRange = .full
                let oracle = QuantOracle.fullRange(values, shape: shape, bits: bits, granularity: granularity)
                let q = try values.withUnsafeBytes { raw in
                    try quantizeFloat32(raw, shape: shape, scheme: scheme, measure: false, threads: threads).tensor
                }
                #expect(q.scales.map(\.bitPattern) == oracle.scales.map(\.bitPattern), "\(granularity) \(bits)")
                #expect((0 ..< q.codes.count).map(q.code(at:)) == oracle.codes, "\(granularity) \(bits)")
            }
        }
    }

    @Test func extremeOfEitherSignAndTiesInEitherOrder() {
        #expect(fullRangeExtreme(min: -3, max: 2) { _ in .nan } == -3)
        #expect(fullRangeExtreme(min: -1, max: 2) { _ in .nan } == 2)
        #expect(fullRangeExtreme(min: 0, max: 0) { _ in .nan } == 0)
        #expect(fullRangeExtreme(min: -2, max: 2) { _ in -2 } == -2)
        #expect(fullRangeExtreme(min: -2, max: 2) { _ in 2 } == 2)
        let values: [Float] = [1, 2, -2, 0.5, -2, 2]
        values.withUnsafeBytes { raw in
            let blocks = ChannelBlocks(outer: 1, channels: 2, inner: 3)
            #expect(firstElement(ofMagnitude: 2, in: raw.baseAddress!, blocks: blocks, channel: 0) == 2)
            #expect(firstElement(ofMagnitude: 2, in: raw.baseAddress!, blocks: blocks, channel: 1) == -2)
            let interleaved = ChannelBlocks(outer: 3, channels: 2, inner: 1)
            #expect(firstElement(ofMagnitude: 2, in: raw.baseAddress!, blocks: interleaved, channel: 0) == -2)
            #expect(firstElement(ofMagnitude: 2, in: raw.baseAddress!, blocks: interleaved, channel: 1) == 2)
        }
    }

    /// The worked example of `SymmetricRange`: 4 bits, m = 2.4.
    @Test func theDocumentedExample() throws {
        var scheme = QuantScheme(symmetric: true, granularity: .perTensor, bits: 4)
        scheme.symmetricRange = .full
        let q = try quantize([2.4, -2.1, -2.4, 0], shape: [4], scheme: scheme)
        #expect(q.scales == [Float(2.4) / -8])
        #expect((0 ..< 4).map(q.code(at:)) == [-8, 7, 7, 0])
        #expect(fullRangeScale(m: -1, bits: 4) == 0.125)
        #expect(fullRangeScale(m: .leastNonzeroMagnitude, bits: 4) == 1, "a quotient that underflows to zero")
    }

    /// Q8_0's and Q4_0's own scale: `d = max / -2^(b-1)` with `max` the signed extreme, every
    /// code used, the full step finer than the restricted one by `2^(b-1) / (2^(b-1) - 1)`.
    @Test(arguments: [2, 4, 8])
    func fullRangeLowersTheErrorOnNormalWeights(bits: Int) throws {
        var random = QuantTestRandom(seed: UInt64(bits))
        let values = random.normals(64 * 256)
        let restricted = QuantScheme(symmetric: true, granularity: .perGroup(size: 32), bits: bits)
        var full = restricted
        full.symmetricRange = .full
        func noise(_ scheme: QuantScheme) throws -> Double {
            let q = try quantize(values, shape: [64, 256], scheme: scheme).dequantized()
            return zip(values, q).reduce(0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
        }
        #expect(try noise(full) < noise(restricted))
    }

    @Test func schemesThatCannotTakeTheFullRangeAreRefused() {
        var asymmetric = QuantScheme(symmetric: false, granularity: .perTensor, bits: 4)
        asymmetric.symmetricRange = .full
        #expect(throws: QuantizationError.fullRangeConflict(.asymmetric)) { try quantize([1], shape: [1], scheme: asymmetric) }
        var clipped = QuantScheme(symmetric: true, granularity: .perTensor, bits: 4)
        clipped.symmetricRange = .full
        clipped.clipping = .mse
        #expect(throws: QuantizationError.fullRangeConflict(.clipping(.mse))) { try quantize([1], shape: [1], scheme: clipped) }
        var rule = QuantScheme(symmetric: true, granularity: .perTensor, bits: 4)
        rule.symmetricRange = .full
        rule.scaleRule = .compressedTensors
        #expect(rule.fullRangeConflict == .scaleRule(.compressedTensors))
    }
}
