import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `quantize IN.gguf -o OUT.gguf --type T --pure --imatrix FILE` (llama-quantize --imatrix).
@Suite struct GGUFImatrixCommandTests {
    let input = fixture("gguf/pure/tiny_llama.gguf")
    let imatrix = fixture("gguf/imatrix/imatrix.gguf")

    @Test func writesWhatTheLibraryWritesAndReportsTheWeightedTensors() throws {
        let folder = try TemporaryFolder()
        let result = cli([input, "-o", folder.path("out.gguf"), "--type", "Q4_K_M", "--pure", "--imatrix", imatrix,
                          "--threads", "2"])
        #expect(result.status == .success, "\(result.err)")
        let library = folder.path("library.gguf")
        var options = GGUFQuantizationOptions(fileType: try #require(LlamaFileType(named: "Q4_K_M")))
        options.pure = true
        options.importance = try GGUFImportance(path: imatrix)
        _ = try quantizeGGUF(input: input, output: library, options: options)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.path("out.gguf"))) == Data(contentsOf: URL(fileURLWithPath: library)))
        #expect(result.out.contains("importance matrix \(imatrix): 15 tensors quantized with importance weights, 2 without\n"))
        #expect(result.out.contains("without importance: token_embd.weight: entry length ignored (token embedding)\n"))
    }

    @Test func imatrixNeedsType() {
        let result = cli([input, "-o", "out.gguf", "--imatrix", imatrix])
        #expect(result.status == .usage)
        #expect(result.err == "quantize: '--imatrix' requires '--type' (see 'quantize --help')\n")
    }

    @Test func aBrokenImatrixIsOneLineNamingTheFileAndNothingIsWritten() throws {
        let folder = try TemporaryFolder()
        let broken = folder.path("broken.dat")
        try Data([2, 0, 0, 0, 3, 0, 0, 0, 0x61]).write(to: URL(fileURLWithPath: broken))
        let result = cli([input, "-o", folder.path("out.gguf"), "--type", "Q6_K", "--pure", "--imatrix", broken])
        #expect(result.status == .failure)
        #expect(result.err == "quantize: \(broken): ends in entry 1's name: 3 bytes needed, 1 left (truncated?)\n")
        #expect(try folder.contents() == ["broken.dat"])
    }

    @Test func q2KSWithoutAnImatrixIsRefusedAsLlamaQuantizeRefusesIt() throws {
        let folder = try TemporaryFolder()
        let result = cli([input, "-o", folder.path("out.gguf"), "--type", "Q2_K_S", "--pure"])
        #expect(result.status == .failure)
        #expect(result.err == "quantize: \(input): 'blk.0.attn_k.weight': is quantized to q2_K in a Q2_K_S file, which needs "
            + "an importance matrix (--imatrix), as llama-quantize says\n")
        #expect(try folder.contents().isEmpty)
    }
}
