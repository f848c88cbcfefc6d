import Foundation
import Testing
import QuantKit

@Suite struct QuantErrorBoundTests {
    static let schemeNames = QuantScheme.names

    @Test(arguments: schemeNames, Array(QuantScheme.bitRange))
    func randomTensorsStayWithinHalfAScale(schemeName: String, bits: Int) throws {
        var random = QuantTestRandom(seed: 0x5EED_0000 + UInt64(bits))
        let shapes: [[Int]] = [[64], [8, 16], [4, 3, 5], [2, 1, 7, 3], []]
        for trial in 0 ..< 200 {
            let shape = shapes[trial % shapes.count]
            let count = shape.reduce(1, *)
            // Magnitudes from 1e-3 to 1e3 and an offset, so that asymmetric ranges are lopsided.
            let magnitude = Float.random(in: -3 ... 3, using: &random)
            let offset = Float.random(in: -2 ... 2, using: &random)
            let values = random.normals(count).map { ($0 + offset) * Float(pow(10, Double(magnitude))) }
            let axis = shape.isEmpty ? 0 : Int.random(in: -shape.count ..< shape.count, using: &random)
            let scheme = try #require(QuantScheme(name: schemeName, bits: bits, axis: axis))
            let q = try quantize(values, shape: shape, scheme: scheme)
            let violations = quantBoundViolations(original: values, q)
            #expect(violations.isEmpty, "shape \(shape) axis \(axis): \(violations.prefix(3))")
        }
    }

    @Test(arguments: schemeNames)
    func kernelsMatchThePlainOracle(schemeName: String) throws {
        var random = QuantTestRandom(seed: 42)
        for bits in QuantScheme.bitRange {
            for axis in [0, 1, 2, -1, -2, -3] {
                let shape = [4, 3, 5]
                let values = random.normals(60, scale: 3)
                let scheme = try #require(QuantScheme(name: schemeName, bits: bits, axis: axis))
                let q = try quantize(values, shape: shape, scheme: scheme)
                let resolved = scheme.granularity == .perTensor ? nil : (axis + 3) % 3
                let expected = QuantOracle.quantize(values, shape: shape, symmetric: scheme.symmetric, bits: bits, axis: resolved)
                #expect(q.axis == resolved)
                #expect((0 ..< q.codes.count).map(q.code(at:)) == expected.codes, "bits \(bits) axis \(axis)")
                #expect(q.scales == expected.scales)
                #expect(q.zeroPoints.map(Int.init) == expected.zeroPoints)
                #expect(q.dequantized() == QuantOracle.dequantize(q))
            }
        }
    }
}
