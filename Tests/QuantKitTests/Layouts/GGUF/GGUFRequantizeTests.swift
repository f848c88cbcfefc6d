import Foundation
import Testing
@testable import QuantKit

/// Fixtures/gguf/requantize/expected.json: what the real `llama-quantize --allow-requantize`
/// wrote from tiny_llama.gguf quantized to Q8_0, to Q4_K_M and (--pure) to MXFP4_MOE (make_requantize_fixtures.py).
private enum RequantizeFixture {
    struct First: Decodable {
        let size: Int
        let sha256: String
        let refusedWithoutFlag: String
        let outputs: [String: LlamaQuantizeOutput]
    }

    struct Expected: Decodable {
        let firsts: [String: First]
    }

    static let input = fixturesFolder.appendingPathComponent("gguf/pure/tiny_llama.gguf").path
    static let expected: Expected = {
        // The fixture is committed with the script that wrote it; a missing one is a broken checkout.
        let data = try! Data(contentsOf: fixturesFolder.appendingPathComponent("gguf/requantize/expected.json"))
        return try! JSONDecoder().decode(Expected.self, from: data)
    }()

    /// The runs: (first type, run name as make_requantize_fixtures.py spells it).
    static let runs = [("Q8_0", "Q4_K_M"), ("Q8_0", "Q4_0+pure"), ("Q8_0", "Q6_K"), ("Q8_0", "Q8_0"), ("Q4_K_M", "Q8_0"),
                       ("Q4_K_M", "Q5_K_M"), ("Q4_K_M", "Q2_K+pure"), ("Q4_K_M", "Q4_K_M"), ("MXFP4_MOE+pure", "Q8_0"),
                       ("MXFP4_MOE+pure", "Q4_K_M")]
}

@Suite struct GGUFRequantizeTests {
    private func temporaryPath(_ name: String) -> String {
        ggufTemporaryPath("requantize", name)
    }

    /// tiny_llama.gguf quantized to `first` (a file type, `+pure` for --pure) by us, checked
    /// against llama-quantize's file first.
    private func quantizedInput(_ first: String) throws -> String {
        let path = temporaryPath("\(first).gguf")
        _ = try quantizeGGUF(input: RequantizeFixture.input, output: path, options: .run(first), threads: 2)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let expected = try #require(RequantizeFixture.expected.firsts[first])
        #expect(bytes.count == expected.size && sha256Hex(bytes) == expected.sha256)
        return path
    }

    private func options(_ run: String) -> GGUFQuantizationOptions {
        var options = GGUFQuantizationOptions.run(run)
        options.allowRequantize = true
        return options
    }

    @Test(arguments: RequantizeFixture.runs)
    func requantizedFileIsLlamaQuantizesByteForByte(first: String, run: String) throws {
        let input = try quantizedInput(first), output = temporaryPath("\(run).gguf")
        defer { for path in [input, output] { try? FileManager.default.removeItem(atPath: path) } }
        let expected = try #require(RequantizeFixture.expected.firsts[first]?.outputs[run])
        let report = try quantizeGGUF(input: input, output: output, options: options(run), threads: 2)
        let written = try expectLlamaQuantizes(output, expected)
        // Every tensor quantized from a block type is listed as requantized, and only those.
        let source = try GGUFSource(path: input)
        let typeIn = Dictionary(uniqueKeysWithValues: source.ggmlTensors.map { ($0.name, $0.type) })
        let outTypes = Dictionary(uniqueKeysWithValues: written.ggmlTensors.map { ($0.name, $0.type) })
        let requantized = source.ggmlTensors.filter { $0.type.dtype == nil && outTypes[$0.name] != $0.type }.map(\.name)
        #expect(Set(report.tensors.filter(\.requantized).map(\.name)) == Set(requantized))
        for line in report.tensors where line.requantized {
            #expect(line.typeIn == typeIn[line.name]?.description)
        }
        #expect(report.warnings.isEmpty == requantized.isEmpty)
    }

    @Test func theReportListsEachRequantizedTensorAndWarns() throws {
        let input = try quantizedInput("Q8_0"), output = temporaryPath("q4.gguf")
        defer { for path in [input, output] { try? FileManager.default.removeItem(atPath: path) } }
        let report = try quantizeGGUF(input: input, output: output, options: options("Q4_0+pure"))
        let table = report.renderedTable()
        #expect(table.contains("requantized: blk.0.attn_q.weight: q8_0 -> q4_0\n"))
        // attn_k_b is f16 in the Q8_0 file (48-wide rows fit no block): quantized, not requantized.
        #expect(!table.contains("requantized: blk.1.attn_k_b.weight"))
        #expect(report.warnings == ["16 of 23 tensor(s) requantized from an already quantized type: each carries the error "
                + "of both quantizations (quantizing the f32, f16 or bf16 original is more accurate)"])
        #expect(table.contains("warning: 16 of 23 tensor(s) requantized"))
        #expect(report.renderedJSON().contains("\"requantized\" : true"))
    }

    @Test(arguments: ["Q8_0", "Q4_K_M", "MXFP4_MOE+pure"])
    func withoutTheFlagRequantizingIsRefusedAsLlamaQuantizeRefusesIt(first: String) throws {
        let input = try quantizedInput(first), output = temporaryPath("refused.gguf")
        defer { try? FileManager.default.removeItem(atPath: input) }
        var options = options(try #require(RequantizeFixture.expected.firsts[first]?.outputs.keys.sorted().first))
        options.allowRequantize = false
        let llama = try #require(RequantizeFixture.expected.firsts[first]?.refusedWithoutFlag)
        // llama-quantize refuses at its first tensor (output.weight); so do we, naming its type.
        let from = String(llama.split(separator: " ")[3])
        #expect {
            try quantizeGGUF(input: input, output: output, options: options)
        } throws: { error in
            "\(error)".contains("'output.weight': is already \(from); requantizing it to ")
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func aBlockTypeThisToolCannotDequantizeIsRefusedByName() throws {
        var options = GGUFQuantizationOptions.pure("Q4_0")
        options.allowRequantize = true
        let tensors = [GGUFTensorInfo(name: "w.weight", type: .iq4_nl, dims: [256, 4], offset: 0, byteCount: 4 * 136)]
        #expect(throws: GGUFQuantizationError.cannotDequantize(tensor: "w.weight", from: .iq4_nl, to: .q4_0)) {
            try GGUFPlan(metadata: [], tensors: tensors, options: options)
        }
        // The plain types stay refused with the flag, as llama-quantize refuses them.
        let integers = [GGUFTensorInfo(name: "w.weight", type: .i32, dims: [256, 4], offset: 0, byteCount: 4096)]
        #expect(throws: GGUFQuantizationError.notFloat(tensor: "w.weight", type: .i32)) {
            try GGUFPlan(metadata: [], tensors: integers, options: options)
        }
    }
}
