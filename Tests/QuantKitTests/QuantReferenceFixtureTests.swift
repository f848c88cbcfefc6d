import Testing
import QuantKit

@Suite struct QuantReferenceFixtureTests {
    @Test func fixtureFileCoversEverySchemeAndBitWidth() throws {
        let cases = try QuantReferenceCase.loadAll()
        #expect(cases.count >= 100)
        for scheme in QuantScheme.names {
            for bits in [2, 4, 8] {
                #expect(cases.contains { $0.scheme == scheme && $0.bits == bits }, "\(scheme) at \(bits) bits")
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

    @Test(arguments: try QuantReferenceCase.loadAll())
    func errorStaysWithinHalfAScale(_ reference: QuantReferenceCase) throws {
        let scheme = try #require(reference.quantScheme)
        let values = reference.inputValues
        let q = try quantize(values, shape: reference.shape, scheme: scheme)
        let violations = quantBoundViolations(original: values, q)
        #expect(violations.isEmpty, "\(violations.prefix(3))")
    }

    @Test(arguments: try QuantReferenceCase.loadAll().filter { $0.quantScheme?.granularity == .perTensor })
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
}
