import Foundation
import Testing
@testable import QuantKit

@Suite struct SelfQuantizingLayoutTests {
    @Test func theRegistryFindsGGUFByTheOutputsExtension() throws {
        let layout = try #require(QuantizedLayouts.selfQuantizing(writing: "out/model.gguf"))
        #expect(layout.name == "gguf" && layout is GGUFLayout)
        #expect(QuantizedLayouts.selfQuantizing(writing: "model.npz") == nil)
        #expect(QuantizedLayouts.selfQuantizing(writing: "model.gguf.tmp") == nil)
        var options = SelfQuantizingOptions(typeName: "q4_k_m")
        try layout.check(options)
        options.typeName = "IQ2_XXS"
        #expect(throws: SelfQuantizingOptionError(.typeName, value: "IQ2_XXS",
                                                  expected: "one of " + LlamaFileType.names.joined(separator: ", "))) {
            try layout.check(options)
        }
        #expect(layout.typeNames.contains("Q6_K"))
    }

    @Test func runsThroughTheProtocolAsTheFunctionDoes() throws {
        let input = fixturesFolder.appendingPathComponent("gguf/pure/tiny_llama.gguf").path
        let base = "\(NSTemporaryDirectory())/self-quantizing-\(getpid())-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: base + "-a.gguf")
            try? FileManager.default.removeItem(atPath: base + "-b.gguf")
        }
        var options = SelfQuantizingOptions(typeName: "q5_k_m")
        options.pure = true
        let report = try GGUFLayout().quantizeFile(input: input, output: base + "-a.gguf", options: options, overwrite: false,
                                                   threads: 1)
        _ = try quantizeGGUF(input: input, output: base + "-b.gguf", options: .pure("Q5_K_M"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: base + "-a.gguf")) == Data(contentsOf: URL(fileURLWithPath: base + "-b.gguf")))
        #expect(report.renderedJSON().contains("\"fileType\" : \"Q5_K_M\""))
    }
}
