import Foundation
import QuantKit
import Testing

@testable import QuantCLI

@Suite struct GGUFRequantizeCommandTests {
    let input = fixture("gguf/pure/tiny_llama.gguf")

    /// tiny_llama.gguf at Q8_0 in `folder`, written by the command line.
    private func q8(_ folder: TemporaryFolder) -> String {
        let path = folder.path("q8.gguf")
        #expect(cli([input, "-o", path, "--type", "Q8_0", "--report", "none"]).status == .success)
        return path
    }

    @Test func requantizingNeedsTheFlagAndIsRefusedInOneLine() throws {
        let folder = try TemporaryFolder()
        let source = q8(folder)
        let result = cli([source, "-o", folder.path("q4.gguf"), "--type", "Q4_K_M"])
        #expect(result.status == .failure)
        #expect(result.err == "quantize: \(source): 'output.weight': is already q8_0; requantizing it to q6_K compounds the error "
            + "and was not allowed (llama-quantize refuses it too)\n")
        #expect(try folder.contents() == ["q8.gguf"])
    }

    @Test func withTheFlagEveryRequantizedTensorIsListedWithAWarning() throws {
        let folder = try TemporaryFolder()
        let source = q8(folder)
        let result = cli([source, "-o", folder.path("q4.gguf"), "--type", "Q4_0", "--pure", "--allow-requantize"])
        #expect(result.status == .success, "\(result.err)")
        #expect(result.out.contains("requantized: output.weight: q8_0 -> q4_0\n"))
        #expect(result.out.contains("warning: 16 of 23 tensor(s) requantized from an already quantized type"))
        var options = GGUFQuantizationOptions(fileType: try #require(LlamaFileType(named: "Q4_0")))
        (options.pure, options.allowRequantize) = (true, true)
        let library = folder.path("library.gguf")
        _ = try quantizeGGUF(input: source, output: library, options: options)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.path("q4.gguf"))) == Data(contentsOf: URL(fileURLWithPath: library)))
    }

    @Test func theDryRunListsTheRequantizedTensorsAndWritesNothing() throws {
        let folder = try TemporaryFolder()
        let source = q8(folder)
        let result = cli([source, "-o", folder.path("q4.gguf"), "--type", "Q4_K_M", "--allow-requantize", "--dry-run"])
        #expect(result.status == .success, "\(result.err)")
        #expect(result.out.contains("requantized: blk.0.attn_q.weight: q8_0 -> q4_K\n"))
        #expect(result.out.hasSuffix("dry run: nothing written\n"))
        #expect(try folder.contents() == ["q8.gguf"])
    }

    @Test func theFlagNeedsType() {
        let result = cli([input, "-o", "out.gguf", "--allow-requantize"])
        #expect(result.status == .usage)
        #expect(result.err == "quantize: '--allow-requantize' requires '--type' (see 'quantize --help')\n")
    }
}
