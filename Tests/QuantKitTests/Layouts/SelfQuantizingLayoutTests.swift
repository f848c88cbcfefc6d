import Foundation
import Testing
@testable import QuantKit

@Suite struct SelfQuantizingLayoutTests {
    @Test func theRegistryFindsGGUFByTheOutputsExtension() throws {
        let layout = try #require(QuantizedLayouts.selfQuantizing(writing: "out/model.gguf"))
        #expect(layout.name == "gguf" && layout is GGUFPureLayout)
        #expect(QuantizedLayouts.selfQuantizing(writing: "model.npz") == nil)
        #expect(QuantizedLayouts.selfQuantizing(writing: "model.gguf.tmp") == nil)
        #expect(layout.acceptsType("q4_k_m") && layout.acceptsType("BF16") && !layout.acceptsType("IQ2_XXS"))
        #expect(layout.typeNames.contains("Q6_K"))
    }

    @Test func runsThroughTheProtocolAsTheFunctionDoes() throws {
        let input = fixturesFolder.appendingPathComponent("gguf/pure/tiny_llama.gguf").path
        let base = "\(NSTemporaryDirectory())/self-quantizing-\(getpid())-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: base + "-a.gguf")
            try? FileManager.default.removeItem(atPath: base + "-b.gguf")
        }
        let report = try GGUFPureLayout().quantizeFile(input: input, output: base + "-a.gguf", typeName: "q5_k_m", overwrite: false,
                                                       threads: 1)
        _ = try quantizeGGUFPure(input: input, output: base + "-b.gguf", fileType: #require(LlamaFileType(named: "Q5_K_M")))
        #expect(try Data(contentsOf: URL(fileURLWithPath: base + "-a.gguf")) == Data(contentsOf: URL(fileURLWithPath: base + "-b.gguf")))
        #expect(report.renderedJSON().contains("\"fileType\" : \"Q5_K_M\""))
    }
}
