import Foundation
import Testing

@testable import QuantKit

@Suite struct QuantReferenceFixtureTests {
    @Test func fixtureFileCoversEverySchemeAndBitWidth() throws {
        let cases = try QuantReferenceCase.loadAll()
        #expect(cases.count >= 100)
        for scheme in QuantScheme.names + ["group", "group-asymmetric"] {
            for bits in [2, 3, 4, 8] {
                #expect(cases.contains { $0.scheme == scheme && $0.bits == bits }, "\(scheme) at \(bits) bits")
            }
            for clipping in ["mse", "percentile:99.0", "percentile:90.0"] {
                #expect(cases.contains { $0.scheme == scheme && $0.clipping.flatMap(Clipping.init)?.description == clipping },
                        "\(scheme) clipped by \(clipping)")
            }
        }
    }

    @Test(arguments: try QuantReferenceCase.loadAll())
    func codesScalesAndZeroPointsMatchNumPyBitForBit(_ reference: QuantReferenceCase) throws {
        let scheme = try #require(reference.quantScheme)
        let q = try quantize(reference.inputValues, shape: reference.shape, scheme: scheme)
        #expect(q.shape == reference.shape)
        #expect((0 ..< q.codes.count).map(q.code(at:)) == reference.codes)
        #expect(q.scales.map(\.bitPattern) == reference.scaleValues.map(\.bitPattern))
        #expect(q.zeroPoints.map(Int.init) == reference.zeroPoints)
    }

    /// Clipped ranges clamp outliers on purpose, so the half-a-scale bound is for min-max ranges.
    @Test(arguments: try QuantReferenceCase.loadAll().filter { $0.clipping == nil })
    func errorStaysWithinHalfAScale(_ reference: QuantReferenceCase) throws {
        let scheme = try #require(reference.quantScheme)
        let values = reference.inputValues
        let q = try quantize(values, shape: reference.shape, scheme: scheme)
        let violations = quantBoundViolations(original: values, q)
        #expect(violations.isEmpty, "\(violations.prefix(3))")
    }

    /// An MSE search never does worse than min-max (α = 1 is one of its candidates).
    @Test(arguments: try QuantReferenceCase.loadAll().filter { $0.clipping == "mse" })
    func mseClippingNeverLosesToMinMax(_ reference: QuantReferenceCase) throws {
        var scheme = try #require(reference.quantScheme)
        let values = reference.inputValues
        func noise(_ q: QuantizedTensor) -> Double {
            zip(values, q.dequantized()).reduce(0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
        }
        let clipped = try quantize(values, shape: reference.shape, scheme: scheme)
        scheme.clipping = .minmax
        let minmax = try quantize(values, shape: reference.shape, scheme: scheme)
        #expect(noise(clipped) <= noise(minmax) * (1 + 1e-12))
    }

    @Test(arguments: try QuantReferenceCase.loadAll().filter { $0.quantScheme?.granularity == .perTensor && $0.clipping == nil })
    func perTensorFunctionsMatchTheReference(_ reference: QuantReferenceCase) throws {
        let values = reference.inputValues
        if reference.scheme == "symmetric" {
            let (codes, scale) = symmetricQuantize(values, bits: reference.bits)
            #expect(codes.map(Int.init) == reference.codes)
            #expect(scale.bitPattern == reference.scaleValues[0].bitPattern)
        } else {
            let (codes, scale, zeroPoint) = asymmetricQuantize(values, bits: reference.bits)
            #expect(codes.map(Int.init) == reference.codes)
            #expect(scale.bitPattern == reference.scaleValues[0].bitPattern)
            #expect([Int(zeroPoint)] == reference.zeroPoints)
        }
    }

    /// The `.npz` packing of 4 bits or fewer, byte for byte as NumPy's `packbits` writes it.
    @Test(arguments: try QuantReferenceCase.loadAll().filter { $0.packed != nil })
    func packedCodesMatchNumPyByteForByte(_ reference: QuantReferenceCase) throws {
        let scheme = try #require(reference.quantScheme)
        let q = try quantize(reference.inputValues, shape: reference.shape, scheme: scheme)
        var packer = CodePacker<UInt8>(bits: scheme.bits, rowLength: max(reference.shape.last ?? 1, 1),
                                       offset: scheme.symmetric ? UInt8(1 << (scheme.bits - 1)) : 0)
        var bytes: [UInt8] = []
        q.codes.withUnsafeBytes { packer.pack($0, into: &bytes) }
        #expect(bytes.map { String(format: "%02x", $0) }.joined() == reference.packed)
        #expect(bytes.count == NPZLayout.packedShape(of: reference.shape, bits: scheme.bits).reduce(1, *))
    }
}
