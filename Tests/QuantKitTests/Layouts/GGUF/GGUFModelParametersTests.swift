import Testing
@testable import QuantKit

private func parameters(_ architecture: String, layers: UInt32, heads: GGUFValue? = .uint32(8), kvHeads: GGUFValue? = nil,
                        extra: [GGUFMetadataEntry] = [], overrides: [String] = []) throws -> GGUFModelParameters {
    var metadata = [GGUFMetadataEntry("general.architecture", .string(GGUFString(architecture))),
                    GGUFMetadataEntry("\(architecture).block_count", .uint32(layers))]
    if let heads { metadata.append(GGUFMetadataEntry("\(architecture).attention.head_count", heads)) }
    if let kvHeads { metadata.append(GGUFMetadataEntry("\(architecture).attention.head_count_kv", kvHeads)) }
    return try GGUFModelParameters(metadata: metadata + extra, overrides: overrides.map { GGUFMetadataOverride(parsing: $0)! })
}

@Suite struct GGUFModelParametersTests {
    /// llama.cpp's architectures that have `LLM_TYPE_70B` (src/models/*.cpp) and when.
    @Test(arguments: [("llama", 80, 1, true), ("llama", 80, 8, false), ("llama", 79, 1, false), ("qwen2", 80, 8, true),
                      ("deci", 80, 8, true), ("olmo", 80, 8, true), ("jais2", 68, 8, true), ("jais2", 80, 8, false),
                      ("falcon", 80, 1, false)])
    func the70BTypeIsTheArchitecturesOwn(architecture: String, layers: Int, kvHeads: Int, is70B: Bool) throws {
        let model = try parameters(architecture, layers: UInt32(layers), kvHeads: .uint32(UInt32(kvHeads)))
        #expect(model.is70B == is70B)
    }

    @Test func eightExpertsAreNot70BAndNextNLayersDoNotCount() throws {
        #expect(try !parameters("llama", layers: 80, kvHeads: .uint32(1),
                                extra: [GGUFMetadataEntry("llama.expert_count", .uint32(8))]).is70B)
        #expect(try parameters("qwen2", layers: 81, extra: [GGUFMetadataEntry("qwen2.nextn_predict_layers", .uint32(1))]).is70B)
    }

    @Test func headCountsComeFromLayerZeroAndKVDefaultsToHeads() throws {
        let perLayer = try parameters("llama", layers: 2, heads: .array(.uint32([32, 16])), kvHeads: .array(.int32([8, 8])))
        #expect(perLayer.headCount == 32 && perLayer.headCountKV == 8 && perLayer.gqa == 4)
        let plain = try parameters("llama", layers: 2)
        #expect(plain.headCountKV == 8 && plain.gqa == 1)
        #expect(try parameters("llama", layers: 2, heads: nil).gqa == 0)
        #expect(throws: GGUFQuantizationError.metadata(key: "llama.attention.head_count", problem: "has 1 elements for 2 layers")) {
            try parameters("llama", layers: 2, heads: .array(.uint32([8])))
        }
    }

    @Test func intOverridesReplaceWhatTheLoaderReads() throws {
        let model = try parameters("llama", layers: 2, kvHeads: .uint32(8),
                                   overrides: ["llama.attention.head_count_kv=int:2", "llama.block_count=float:3"])
        #expect(model.gqa == 4 && model.layerCount == 2)
    }

    @Test func hunyuanDenseDropsASingleExpert() throws {
        let one = [GGUFMetadataEntry("hunyuan-dense.expert_count", .uint32(1))]
        #expect(try parameters("hunyuan-dense", layers: 2, extra: one).expertCount == 0)
        #expect(try parameters("llama", layers: 2, extra: [GGUFMetadataEntry("llama.expert_count", .uint32(1))]).expertCount == 1)
    }

    @Test func missingOrMistypedKeysAreRefusedAsTheLoaderRefusesThem() {
        #expect(throws: GGUFQuantizationError.metadata(key: "general.architecture", problem: "is missing or not a string")) {
            try GGUFModelParameters(metadata: [], overrides: [])
        }
        #expect(throws: GGUFQuantizationError.metadata(key: "x.block_count", problem: "is missing")) {
            try GGUFModelParameters(metadata: [GGUFMetadataEntry("general.architecture", .string(GGUFString("x")))], overrides: [])
        }
        #expect(throws: GGUFQuantizationError.metadata(key: "llama.block_count", problem: "is int32, not uint32")) {
            try GGUFModelParameters(metadata: [GGUFMetadataEntry("general.architecture", .string(GGUFString("llama"))),
                                               GGUFMetadataEntry("llama.block_count", .int32(2))], overrides: [])
        }
        #expect(throws: GGUFQuantizationError.metadata(key: "llama.block_count", problem: "is 0; llama.cpp accepts 1 to 512")) {
            try parameters("llama", layers: 0)
        }
    }
}
