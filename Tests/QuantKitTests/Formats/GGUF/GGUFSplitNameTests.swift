import Testing
@testable import QuantKit

@Suite struct GGUFSplitNameTests {
    /// llama.h's own examples of llama_split_path and llama_split_prefix.
    @Test func namesAreLlamaCppsExamples() {
        #expect(GGUFSplitName.path(prefix: "/models/ggml-model-q4_0", index: 2, count: 4) == "/models/ggml-model-q4_0-00003-of-00004.gguf")
        #expect(GGUFSplitName.prefix(of: "/models/ggml-model-q4_0-00002-of-00004.gguf", index: 1, count: 4) == "/models/ggml-model-q4_0")
    }

    @Test func numbersHaveAtLeastFiveDigits() {
        #expect(GGUFSplitName.path(prefix: "m", index: 123_455, count: 123_456) == "m-123456-of-123456.gguf")
        #expect(GGUFSplitName.prefix(of: "m-123456-of-123456.gguf", index: 123_455, count: 123_456) == "m")
    }

    @Test func aNameWithoutTheShardsSuffixOrNothingBeforeItHasNoPrefix() {
        #expect(GGUFSplitName.prefix(of: "model.gguf", index: 0, count: 2) == nil)
        #expect(GGUFSplitName.prefix(of: "m-00002-of-00004.gguf", index: 0, count: 4) == nil)
        #expect(GGUFSplitName.prefix(of: "-00001-of-00002.gguf", index: 0, count: 2) == nil)
    }

    @Test func outputFilesAreOneOrTheShardsNamedAfterTheOutput() {
        #expect(GGUFSplitName.outputFiles(for: "a/out.gguf", count: 3, keepSplit: false) == ["a/out.gguf"])
        #expect(GGUFSplitName.outputFiles(for: "a/out.gguf", count: 2, keepSplit: true)
            == ["a/out-00001-of-00002.gguf", "a/out-00002-of-00002.gguf"])
        // llama-quantize names even a single shard so.
        #expect(GGUFSplitName.outputFiles(for: "out.gguf", count: 1, keepSplit: true) == ["out-00001-of-00001.gguf"])
    }
}
