import Foundation
import Testing
@testable import QuantKit

/// Fixtures/gguf/pure: tiny_llama.gguf and, in expected.json, what the real
/// `llama-quantize --pure tiny_llama.gguf OUT TYPE` wrote for each type (make_pure_fixtures.py).
private enum PureFixture {
    struct Expected: Decodable {
        let outputs: [String: LlamaQuantizeOutput]
    }

    static let folder = fixturesFolder.appendingPathComponent("gguf/pure")
    static let input = folder.appendingPathComponent("tiny_llama.gguf").path
    static let expected: Expected = {
        // The fixture is committed with the script that wrote it; a missing one is a broken checkout.
        let data = try! Data(contentsOf: folder.appendingPathComponent("expected.json"))
        return try! JSONDecoder().decode(Expected.self, from: data)
    }()
}

@Suite struct GGUFQuantizationTests {
    private func temporaryPath(_ name: String) -> String {
        ggufTemporaryPath("pure", name)
    }

    @Test(arguments: ["F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K_S", "Q4_K", "Q4_K_S", "Q5_K_M", "Q6_K", "MXFP4_MOE"])
    func outputIsLlamaQuantizesByteForByte(type: String) throws {
        let expected = try #require(PureFixture.expected.outputs[type])
        let output = temporaryPath("\(type).gguf")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let report = try quantizeGGUF(input: PureFixture.input, output: output, options: .pure(type), threads: 2)
        let written = try expectLlamaQuantizes(output, expected)
        #expect(report.tensors.map(\.typeOut) == written.ggmlTensors.map(\.type.description))
        #expect(report.bytesOut == written.ggmlTensors.reduce(0) { $0 + $1.byteCount })
    }

    @Test func theReportListsEveryFallbackAndTheBitsPerWeight() throws {
        let output = temporaryPath("q6.gguf")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let report = try quantizeGGUF(input: PureFixture.input, output: output, options: .pure("q6_k"))
        let fallbacks = report.tensors.filter { $0.fallback != nil }
        #expect(fallbacks.map(\.name) == ["blk.0.ffn_down.weight", "blk.1.attn_k_b.weight", "blk.1.ffn_down.weight"])
        #expect(fallbacks.map(\.typeOut) == ["q8_0", "f16", "q8_0"])
        #expect(fallbacks.map(\.bitsPerWeight) == [8.5, 16, 8.5])
        #expect(report.tensors.first { $0.name == "output.weight" }?.bitsPerWeight == 6.5625)
        #expect(report.renderedTable().contains("fallback: blk.1.ffn_down.weight: rows of 96 are not a multiple of q6_K's 256"))
        #expect(report.renderedTable().contains("Q6_K (general.file_type 18)"))
        #expect(report.fileTypeNumber == 18 && report.bitsPerWeightOut == 8 * Double(report.bytesOut) / Double(report.elementCount))
    }

    @Test func aRefusedTensorLeavesNothingBehind() throws {
        let output = temporaryPath("refused.gguf")
        // Q4_0 over the q8_0 output: its tensors are block-typed, and llama-quantize refuses to
        // requantize (output.weight comes first in its order).
        let q8 = temporaryPath("q8.gguf")
        defer { try? FileManager.default.removeItem(atPath: q8) }
        _ = try quantizeGGUF(input: PureFixture.input, output: q8, options: .pure("Q8_0"))
        #expect {
            try quantizeGGUF(input: q8, output: output, options: .pure("Q4_0"))
        } throws: { error in
            "\(error)".hasSuffix("'output.weight': is already q8_0; requantizing it to q4_0 compounds the error and was not allowed (llama-quantize refuses it too)")
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    /// A llama GGUF file of one f32 tensor, blk.0.ffn_up.weight, of 4 rows of `rowLength`
    /// values 0.5 but `bad` at row 2, column 5.
    private func nonFiniteInput(_ bad: Float, rowLength: Int) throws -> String {
        let input = temporaryPath("nonfinite.gguf")
        var values = [Float](repeating: 0.5, count: 4 * rowLength)
        values[2 * rowLength + 5] = bad
        let writer = try GGUFWriter(path: input, displayPath: input,
                                    metadata: [GGUFMetadataEntry("general.architecture", .string(GGUFString("llama")))],
                                    tensors: [GGUFTensorDeclaration(name: "blk.0.ffn_up.weight", type: .f32, dims: [rowLength, 4])])
        try values.withUnsafeBytes { try writer.add(name: "blk.0.ffn_up.weight", bytes: $0) }
        try writer.finish()
        return input
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func aNonFiniteValueIsNamedAndNothingIsWritten(_ bad: Float) throws {
        let input = try nonFiniteInput(bad, rowLength: 64), output = temporaryPath("out.gguf")
        defer { try? FileManager.default.removeItem(atPath: input) }
        #expect {
            try quantizeGGUF(input: input, output: output, options: .pure("Q8_0"))
        } throws: { error in
            "\(error)".hasSuffix("'blk.0.ffn_up.weight': holds \(bad) at flat index 133; only finite values can be quantized")
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    /// Every K-quant kernel's tensor (rows of 256, so no fallback) refuses a NaN or infinity by
    /// the same words, whether the check runs before the kernel or, for q3_K, after it.
    @Test(arguments: [("Q2_K", "q2_K"), ("Q3_K_S", "q3_K"), ("Q4_K_S", "q4_K"), ("Q5_K_S", "q5_K"), ("Q6_K", "q6_K")],
          [Float.nan, .infinity, -.infinity])
    func aNonFiniteValueIsNamedForEveryKQuant(type: (name: String, tensorType: String), bad: Float) throws {
        let input = try nonFiniteInput(bad, rowLength: 256), output = temporaryPath("out.gguf")
        defer { try? FileManager.default.removeItem(atPath: input) }
        let plan = try planGGUF(input: input, output: output, options: .pure(type.name))
        #expect(plan.tensors.map(\.typeOut) == [type.tensorType])
        #expect {
            try quantizeGGUF(input: input, output: output, options: .pure(type.name))
        } throws: { error in
            "\(error)".hasSuffix("'blk.0.ffn_up.weight': holds \(bad) at flat index 517; only finite values can be quantized")
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func theInputIsNeverOverwritten() throws {
        #expect(throws: OutputError.self) {
            try quantizeGGUF(input: PureFixture.input, output: PureFixture.input, options: .pure("Q8_0"), overwrite: true)
        }
    }
}
