import Foundation
import QuantKit
import Testing

@testable import QuantCLI

@Suite struct GGUFCommandTests {
    let input = fixture("gguf/pure/tiny_llama.gguf")

    /// The usage error line `arguments` make (exit 2).
    private func usageError(_ arguments: [String]) -> String {
        let result = cli(arguments)
        #expect(result.status == .usage)
        return result.err
    }

    @Test func writesWhatTheLibraryWritesAndReportsIt() throws {
        let folder = try TemporaryFolder()
        let result = cli([input, "-o", folder.path("out.gguf"), "--type", "q4_k_m", "--pure", "--report", "json", "--threads", "2"])
        #expect(result.status == .success, "\(result.err)")
        let library = folder.path("library.gguf")
        var options = try GGUFQuantizationOptions(fileType: #require(LlamaFileType(named: "Q4_K_M")))
        options.pure = true
        _ = try quantizeGGUF(input: input, output: library, options: options)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.path("out.gguf"))) == Data(contentsOf: URL(fileURLWithPath: library)))
        #expect(result.out.contains("\"fileType\" : \"Q4_K_M\"") && result.out.contains("\"fileTypeNumber\" : 15"))
        #expect(result.out.contains("\"fallback\" : \"rows of 96 are not a multiple of q4_K's 256; q5_0 as llama-quantize falls back\""))
        #expect(try folder.contents() == ["library.gguf", "out.gguf"])
    }

    /// The size lines are llama-quantize's own for this file (its log: 0.20 MiB, 19.48 BPW ->
    /// 0.10 MiB, 9.15 BPW; the f32 norms weigh on so small a model).
    @Test func theTableEndsWithLlamaQuantizesSizeLines() throws {
        let folder = try TemporaryFolder()
        let result = cli([input, "-o", folder.path("out.gguf"), "--type", "Q8_0", "--pure"])
        #expect(result.status == .success)
        #expect(result.out.contains("model size =     0.20 MiB (19.48 BPW)\n"))
        #expect(result.out.hasSuffix("quant size =     0.10 MiB (9.15 BPW), Q8_0 (general.file_type 7)\n"))
    }

    @Test func withoutPureTheMixIsWrittenAndItsChoicesListed() throws {
        let folder = try TemporaryFolder()
        let result = cli([input, "-o", folder.path("out.gguf"), "--type", "Q4_K_M", "--report", "json"])
        #expect(result.status == .success, "\(result.err)")
        let library = folder.path("library.gguf")
        let options = try GGUFQuantizationOptions(fileType: #require(LlamaFileType(named: "Q4_K_M")))
        _ = try quantizeGGUF(input: input, output: library, options: options)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.path("out.gguf"))) == Data(contentsOf: URL(fileURLWithPath: library)))
        #expect(result.out.contains("\"choice\" : \"mix\"") && result.out.contains("\"pure\" : false"))
    }

    @Test func theTypeOptionsNeedType() {
        #expect(usageError([input, "-o", "out.gguf", "--pure"]) == "quantize: '--pure' requires '--type' (see 'quantize --help')\n")
        #expect(usageError([input, "-o", "out.gguf", "--strict"]) == "quantize: '--strict' requires '--type' (see 'quantize --help')\n")
        #expect(usageError([input, "-o", "out.gguf", "--tensor-type", "attn_v=q8_0"])
            == "quantize: '--tensor-type' requires '--type' (see 'quantize --help')\n")
        #expect(usageError([fixture("example/mlp.npz"), "-o", "out.gguf"])
            == "quantize: '-o out.gguf' requires '--type TYPE' (see 'quantize --help')\n")
    }

    @Test func typeNamesAreLlamaQuantizes() {
        #expect(usageError([input, "-o", "out.gguf", "--type", "Q4_K_X", "--pure"]).contains(
            "invalid value 'Q4_K_X' for '--type': expected one of F32, F16, Q4_0, Q4_1, Q8_0, Q5_0, Q5_1, Q2_K, Q3_K_S, Q3_K_M"))
    }

    @Test(arguments: [["--bits", "4"], ["--scheme", "symmetric"], ["--group-size", "32"], ["--compress"], ["--format", "npz"],
                      ["--include", "x"], ["--method", "gptq"]])
    func optionsOfTheInt8LayoutsAreRefusedOneByOne(extra: [String]) {
        #expect(usageError([input, "-o", "out.gguf", "--type", "Q8_0", "--pure"] + extra)
            == "quantize: '--type' cannot be used with '\(extra[0])' (see 'quantize --help')\n")
    }

    @Test func inputAndOutputMustBeGGUF() {
        #expect(usageError([fixture("example/mlp.npz"), "-o", "out.gguf", "--type", "Q8_0", "--pure"])
            == "quantize: invalid value 'Q8_0' for '--type': expected one .gguf input file (see 'quantize --help')\n")
        #expect(usageError([input, input, "-o", "out.gguf", "--type", "Q8_0", "--pure"]).contains("expected one .gguf input file"))
        #expect(usageError([input, "-o", "out.npz", "--type", "Q8_0", "--pure"])
            == "quantize: invalid value 'out.npz' for '--output': expected a .gguf file with --type (see 'quantize --help')\n")
    }

    @Test func anExistingOutputIsKeptWithoutForce() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out.gguf")
        try Data("keep".utf8).write(to: URL(fileURLWithPath: output))
        let result = cli([input, "-o", output, "--type", "Q8_0", "--pure"])
        #expect(result.status == .failure)
        #expect(result.err.hasSuffix("; pass --force to replace it\n"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == Data("keep".utf8))
        #expect(cli([input, "-o", output, "--type", "Q8_0", "--pure", "--force", "--report", "none"]).status == .success)
    }

    @Test func helpDescribesTypeAndItsOptions() {
        let help = cli(["quantize", "--help"]).out
        #expect(help.contains("[--type <TYPE>] [--pure]") && help.contains("'llama-quantize IN.gguf OUT.gguf Q4_K_M'"))
        #expect(help.contains("--tensor-type <REGEX=T>") && help.contains("--override-kv <KEY=TYPE:VALUE>"))
    }
}
