import Foundation
import Testing

@testable import QuantKit

/// FP8 schemes (`QuantScheme.floatFormat`, `FloatCodes`) against torch and compressed-tensors
/// (`Fixtures/fp8/library_written_fp8.py`): the edge-case MLP's codes, scales and dequantized
/// values.
@Suite struct FloatCodesTests {
    static let edge = fixturesFolder.appendingPathComponent("fp8/edge-float.safetensors").path

    static func edgeWeight(_ layer: String) throws -> (values: [Float], shape: [Int]) {
        let tensor = try SafetensorsSource(path: edge).load(layer + ".weight")
        return (tensor.floatValues()!, tensor.shape)
    }

    static func torchCodes() throws -> [String: [Int]] {
        let data = try Data(contentsOf: fixturesFolder.appendingPathComponent("fp8/torch_codes_edge.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: [Int]])
    }

    static let cases = ["tensor", "channel", "block", "partialblock"].flatMap { strategy in ["fc1", "fc2", "fc3"].map { (strategy, $0) } }

    /// The edge MLP's blocks are 3 rows x 4 columns (the last row of blocks partial), or 3 x 6
    /// (`partialblock`: the last column of blocks partial too, as 6 divides none of its rows).
    static func scheme(_ strategy: String) -> QuantScheme {
        switch strategy {
        case "tensor": QuantScheme(name: "fp8")!
        case "channel": QuantScheme(name: "fp8-per-channel")!
        case "partialblock": QuantScheme(name: "fp8-block", groupSize: 6, blockRows: 3)!
        default: QuantScheme(name: "fp8-block", groupSize: 4, blockRows: 3)!
        }
    }

    /// torch's `(w / s).clamp(-448, 448).to(torch.float8_e4m3fn)` with `s = amax / 448`:
    /// zero rows and tensors (scale = float32 epsilon), exact ties, subnormal ties, amax a power
    /// of two; per tensor, per row, per 3x4 block.
    @Test(arguments: cases)
    func codesAreTorchsCast(strategy: String, layer: String) throws {
        let (values, shape) = try Self.edgeWeight(layer)
        let q = try quantize(values, shape: shape, scheme: Self.scheme(strategy))
        let expected = try #require(try Self.torchCodes()["\(strategy)/\(layer)"])
        #expect(q.codes.map(Int.init) == expected)
        #expect(q.scheme.codeDType == .uint8 && q.scheme.name == ["tensor": "fp8", "channel": "fp8-per-channel", "block": "fp8-block", "partialblock": "fp8-block"][strategy])
    }

    /// The scales and the dequantized weights are the library's (its decompression of its own
    /// compressed checkpoint), bit for bit.
    @Test(arguments: cases)
    func dequantizedValuesAreTheLibrarys(strategy: String, layer: String) throws {
        let (values, shape) = try Self.edgeWeight(layer)
        let q = try quantize(values, shape: shape, scheme: Self.scheme(strategy))
        let library = fixturesFolder.appendingPathComponent("fp8/library/edge-fp8-\(strategy)/model.safetensors").path
        let scales = try SafetensorsSource(path: library).load(layer + ".weight_scale").floatValues()!
        let ours = strategy.hasSuffix("block") ? BlockGrid(scheme: q.scheme, shape: shape)!.blockScales(q.scales) : q.scales
        #expect(ours.map(\.bitPattern) == scales.map(\.bitPattern))
        let decompressed = fixturesFolder.appendingPathComponent("fp8/library-decompressed/edge-fp8-\(strategy).npz").path
        let expected = try NPZSource(path: decompressed).load(layer + ".weight").floatValues()!
        #expect(q.dequantized().map(\.bitPattern) == expected.map(\.bitPattern))
    }

    /// A normal code is within 2^-4 of `x / scale` relatively; a subnormal one within half the
    /// smallest subnormal step (2^-10).
    @Test func errorStaysWithinHalfAStepOfTheGrid() throws {
        var rng = SplitMix64(seed: 5)
        let values = (0 ..< 4096).map { _ in (Float(rng.next() >> 40) / 0x1p24 - 0.5) * Float(1 << (rng.next() % 12)) }
        let q = try quantize(values, shape: [64, 64], scheme: QuantScheme(name: "fp8-per-channel")!)
        let restored = q.dequantized()
        for (index, x) in values.enumerated() {
            let scale = q.scales[index / 64]
            let bound = max(abs(x / scale) * 0x1p-4, 0x1p-10) * scale * (1 + 0x1p-20)
            #expect(abs(x - restored[index]) <= bound, "element \(index)")
        }
    }

    @Test func e5m2SchemeUsesItsLargestValue() throws {
        let scheme = try #require(QuantScheme(name: "fp8-e5m2"))
        #expect(scheme.floatFormat == .e5m2 && scheme.name == "fp8-e5m2")
        let q = try quantize([57344, -28672, 1, 0], shape: [4], scheme: scheme)
        #expect(q.scales == [1])
        #expect(q.codes == [0x7B, 0xF7, 0x3C, 0x00])
    }

    @Test func floatSchemeNames() {
        #expect(QuantScheme(name: "fp8", bits: 4) == nil)
        #expect(QuantScheme(name: "fp8-group", groupSize: 16)?.granularity == .perGroup(size: 16))
        #expect(QuantScheme(name: "fp8-group") == nil)
        #expect(QuantScheme(name: "fp8-per-channel", axis: 1)?.granularity == .perChannel(axis: 1))
        for name in QuantScheme.floatNames {
            let block = name.hasSuffix("-block")
            #expect(QuantScheme(name: name, groupSize: block ? 128 : nil, blockRows: block ? 128 : nil)?.name == name)
        }
        #expect(QuantScheme(name: "fp8-block", groupSize: 128) == nil && QuantScheme(name: "group", groupSize: 4, blockRows: 2) == nil)
        var full = QuantScheme(name: "fp8")!
        full.symmetricRange = .full
        #expect(full.fullRangeConflict == .floatCodes)
    }
}
