import Testing
@testable import QuantKit

private func tensor(_ name: String, _ dims: [Int], _ type: GGMLType = .f16) -> GGUFTensorInfo {
    GGUFTensorInfo(name: name, type: type, dims: dims, offset: 0, byteCount: 0)
}

private let llama2: [GGUFMetadataEntry] = [
    GGUFMetadataEntry("general.architecture", .string(GGUFString("llama"))), GGUFMetadataEntry("llama.block_count", .uint32(2)),
]

private func plan(_ tensors: [GGUFTensorInfo], _ options: GGUFQuantizationOptions,
                  metadata: [GGUFMetadataEntry] = llama2) throws -> [String: GGUFPlan.Entry] {
    let entries = try GGUFPlan(metadata: metadata, tensors: tensors, options: options).tensors
    return Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })
}

@Suite struct GGUFTypeChooserTests {
    @Test func strictModeRefusesAFallbackNamingTheTensor() throws {
        var options = GGUFQuantizationOptions.mix("Q4_K_M")
        options.strict = true
        #expect(throws: GGUFQuantizationError.strictFallback(tensor: "blk.0.ffn_down.weight", type: .q4_K, fallback: .q5_0,
                                                             rowLength: 96)) {
            try plan([tensor("blk.0.ffn_down.weight", [96, 2]), tensor("blk.0.ffn_up.weight", [256, 2])], options)
        }
        let fine = try plan([tensor("blk.0.ffn_up.weight", [256, 2])], options)
        #expect(fine["blk.0.ffn_up.weight"]?.outputType == .q4_K)
    }

    @Test func aFallbackSaysWhatWasChosenAndTheReportItsCost() throws {
        let downs = [tensor("blk.0.ffn_down.weight", [256, 2]), tensor("blk.1.ffn_down.weight", [96, 2])]
        let entry = try #require(try plan(downs, .mix("Q4_K_M"))["blk.1.ffn_down.weight"])
        // Q4_K_M gives the second of two ffn_down q6_K (use_more_bits(1, 2)), which falls back to q8_0.
        #expect(entry.choice == .mix && entry.intendedType == .q6_K && entry.outputType == .q8_0)
        let line = try #require(GGUFReport(try GGUFPlan(metadata: llama2, tensors: downs, options: .mix("Q4_K_M")),
                                           written: false, inputFiles: ["in.gguf"], outputFiles: ["out.gguf"]).tensors.last)
        // 192 elements: q8_0 takes 6 blocks of 34 bytes = 204; q6_K at 6.5625 bits per weight, 157.5 → 158.
        #expect(line.bytesOut == 204 && line.fallbackCostBytes == 46 && line.intendedType == "q6_K")
    }

    @Test func keptTensorsKeepTheirInputTypeAndTheOthersTheirMix() throws {
        var options = GGUFQuantizationOptions.mix("Q4_K_M")
        options.keptInInputType = [try Regex("attn_v")]
        let names = ["blk.0.attn_v.weight", "blk.1.attn_v.weight"]
        let kept = try plan(names.map { tensor($0, [256, 2]) }, options)
        let mixed = try plan(names.map { tensor($0, [256, 2]) }, .mix("Q4_K_M"))
        #expect(kept.values.allSatisfy { $0.outputType == .f16 && $0.choice == .kept && !$0.isQuantized })
        // Of two value projections, Q4_K_M gives the second (use_more_bits(1, 2)) q6_K.
        #expect(mixed["blk.0.attn_v.weight"]?.choice == .fileType && mixed["blk.1.attn_v.weight"]?.choice == .mix)
        #expect(mixed["blk.1.attn_v.weight"]?.outputType == .q6_K)
    }

    @Test func aTypeAskedForByNameMustFitTheRows() throws {
        var options = GGUFQuantizationOptions.mix("Q8_0")
        options.tokenEmbeddingType = .q4_K
        #expect(throws: GGUFQuantizationError.typeDoesNotFit(tensor: "token_embd.weight", type: .q4_K, rowLength: 384)) {
            try plan([tensor("token_embd.weight", [384, 4])], options)
        }
        options.tokenEmbeddingType = .q8_0
        #expect(try plan([tensor("token_embd.weight", [384, 4])], options)["token_embd.weight"]?.choice == .tokenEmbeddingType)
    }

    @Test func rulesMatchAnywhereFirstWinsAndListThemselves() throws {
        var options = GGUFQuantizationOptions.mix("Q4_K_M")
        options.tensorTypeRules = [try #require(try GGUFTensorTypeRule(parsing: "BLK\\.1\\.=q8_0")),
                                   try #require(try GGUFTensorTypeRule(parsing: "attn=Q5_K"))]
        let result = try plan([tensor("blk.0.attn_q.weight", [256, 2]), tensor("blk.1.attn_q.weight", [256, 2])], options)
        #expect(result["blk.0.attn_q.weight"]?.choice == .rule("attn") && result["blk.0.attn_q.weight"]?.outputType == .q5_K)
        #expect(result["blk.1.attn_q.weight"]?.choice == .rule("blk\\.1\\.") && result["blk.1.attn_q.weight"]?.outputType == .q8_0)
    }

    @Test func ruleSyntaxIsLlamaQuantizes() throws {
        #expect(throws: GGUFRuleError.type("b=q8_0")) { try GGUFTensorTypeRule(parsing: "a=b=q8_0") }
        #expect(try GGUFTensorTypeRule(parsing: "=q8_0") == nil)
        #expect(try GGUFTensorTypeRule(parsing: "attn_v=") == nil)
        #expect(try GGUFTensorTypeRule(parsing: "attn_v") == nil)
        #expect(throws: GGUFRuleError.type("iq4_nl")) { try GGUFTensorTypeRule(parsing: "attn_v=iq4_nl") }
    }

    @Test func withExpertsTheFfnLayerComesFromTheName() throws {
        let moe = llama2 + [GGUFMetadataEntry("llama.expert_count", .uint32(8))]
        #expect(throws: GGUFQuantizationError.layer(tensor: "blk.7.ffn_up_exps.weight", layerCount: 2)) {
            try plan([tensor("blk.7.ffn_up_exps.weight", [256, 2, 8])], .mix("Q4_K_M"), metadata: moe)
        }
        _ = try plan([tensor("blk.7.ffn_up_exps.weight", [256, 2, 8])], .mix("Q4_K_M"))
    }

    @Test func theOutputTensorCanBeLeftAsItIs() throws {
        var options = GGUFQuantizationOptions.mix("Q4_K_M")
        options.quantizeOutputTensor = false
        let entry = try #require(try plan([tensor("output.weight", [256, 4])], options)["output.weight"])
        #expect(entry.outputType == .f16 && entry.choice == .outputTensorKept)
    }

    @Test(arguments: [(0, 8, true), (1, 8, false), (3, 8, true), (5, 8, false), (6, 8, true), (7, 8, true), (4, 32, false),
                      (6, 32, true), (28, 32, true), (0, 2, false), (1, 2, true)])
    func useMoreBitsIsLlamaCpps(layer: Int, layers: Int, expected: Bool) {
        // i < n/8 || i >= 7n/8 || (i - n/8) % 3 == 2, with C's truncating division and remainder.
        #expect(GGUFMix.useMoreBits(layer, layers) == expected)
    }
}
