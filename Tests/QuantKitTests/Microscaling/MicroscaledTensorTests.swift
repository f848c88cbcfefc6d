import Foundation
import Testing

@testable import QuantKit

/// `MicroscaledTensor` against compressed-tensors 0.20.1's own NVFP4, MXFP4 and MXFP8
/// checkpoints of the digits MLP and the edge-case MLP (`Fixtures/mx/library_written_mx.py`):
/// every code, scale and global scale bit for bit, and the MX formats' dequantized weights equal
/// to the library's decompression.
@Suite struct MicroscaledTensorTests {
    static let kinds = ["digits", "edge"].flatMap { model in MicroscalingFormat.allCases.map { (model, $0) } }
    static let layers = ["fc1", "fc2", "fc3"]

    static func input(_ model: String) throws -> SafetensorsSource {
        try SafetensorsSource(path: fixturesFolder.appendingPathComponent(
            model == "digits" ? "compressed_tensors/digits-float.safetensors" : "mx/edge-mx-float.safetensors").path)
    }

    static func library(_ model: String, _ format: MicroscalingFormat) throws -> SafetensorsSource {
        try SafetensorsSource(path: fixturesFolder.appendingPathComponent("mx/library/\(model)-\(format.rawValue)/model.safetensors").path)
    }

    static func ours(_ model: String, _ format: MicroscalingFormat, _ layer: String) throws -> MicroscaledTensor {
        let weight = try input(model).load(layer + ".weight")
        return try MicroscaledTensor.quantize(weight.floatValues()!, shape: weight.shape, format: format)
    }

    @Test(arguments: kinds)
    func codesScalesAndGlobalScaleAreTheLibrarys(model: String, format: MicroscalingFormat) throws {
        let library = try Self.library(model, format)
        for layer in Self.layers {
            let ours = try Self.ours(model, format, layer)
            let codes = try library.load(layer + (format == .mxfp8 ? ".weight" : ".weight_packed"))
            let scales = try library.load(layer + ".weight_scale")
            #expect(codes.shape == ours.codesShape && scales.shape == ours.scalesShape, "\(model) \(layer)")
            let differing = zip(codes.bytes, ours.codes).filter { $0 != $1 }.count
            #expect(differing == 0 && codes.bytes.count == ours.codes.count, "\(model)-\(format) \(layer): \(differing) codes differ")
            #expect(scales.bytes == ours.scales, "\(model)-\(format) \(layer): scales")
            if format.hasGlobalScale {
                #expect(try library.load(layer + ".weight_global_scale").floatValues() == [ours.globalScale!])
            } else {
                #expect(ours.globalScale == nil)
            }
        }
    }

    /// For the MX formats the library's bfloat16 decompression is exact (an E2M1 or E4M3 value
    /// times a power of two) but for float32 subnormals, so ours rounded to bfloat16 must equal it.
    @Test(arguments: [MicroscalingFormat.mxfp4, .mxfp8])
    func mxDequantizationIsTheLibrarysDecompression(format: MicroscalingFormat) throws {
        for model in ["digits", "edge"] {
            let archive = try openTensorSource(path: fixturesFolder.appendingPathComponent(
                "mx/library-decompressed/\(model)-\(format.rawValue).npz").path)
            for layer in Self.layers {
                let expected = try archive.load(layer + ".weight").floatValues()!
                let ours = try Self.ours(model, format, layer).dequantized().map { x in
                    Float(bitPattern: (x.bitPattern &+ 0x7FFF &+ (x.bitPattern >> 16 & 1)) & 0xFFFF_0000)
                }
                #expect(ours == expected, "\(model) \(layer)")
            }
        }
    }

    @Test func edgeCasesOfTheElementAndScaleFormats() {
        #expect([0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5, 5.01, 7].map(FP4E2M1.encode) == [0, 2, 2, 4, 4, 6, 6, 7, 7])
        #expect(FP4E2M1.encode(-0.0) == 0 && FP4E2M1.encode(-0.1) == 8 && FP4E2M1.decode(0xF) == -6)
        #expect(E8M0Scale.exponent(amax: 6, offset: 2) == 127 && E8M0Scale.exponent(amax: 7, offset: 2) == 128)
        #expect(E8M0Scale.exponent(amax: 0, offset: 2) == 0 && E8M0Scale.value(0) == Float(sign: .plus, exponent: -127, significand: 1))
        #expect(MicroscalingFormat.mxfp4.bitsPerWeight(elements: 64) == 4.25 && MicroscalingFormat.nvfp4.bitsPerWeight(elements: 64) == 5)
    }

    @Test func badShapesAndValuesAreRefused() {
        #expect(throws: MicroscalingError.rowNotMultipleOfGroup(columns: 24, groupSize: 16)) {
            try MicroscaledTensor.quantize([Float](repeating: 1, count: 48), shape: [2, 24], format: .nvfp4)
        }
        #expect(throws: MicroscalingError.nonFinite(index: 3)) {
            try MicroscaledTensor.quantize([0, 0, 0, .nan] + [Float](repeating: 0, count: 28), shape: [1, 32], format: .mxfp4)
        }
        #expect(throws: MicroscalingError.storedShape(member: "codes", expected: [1, 16], actual: [1, 32])) {
            try MicroscaledTensor(format: .mxfp4, shape: [1, 32], codes: [UInt8](repeating: 0, count: 32), codesShape: [1, 32],
                                  scales: [127], scalesShape: [1, 1], globalScale: nil)
        }
    }
}
