import QuantKit
import Testing

/// Which tensors `SelectionRules` quantizes, and with which scheme: the rank default, include
/// and exclude patterns, `--layer` rules and the Linear-only selection of a checkpoint.
@Suite struct SelectionRulesTests {
    static let int8 = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0))
    static let int4 = QuantScheme(symmetric: false, granularity: .perChannel(axis: 0), bits: 4)
    static let int2 = QuantScheme(symmetric: true, granularity: .perTensor, bits: 2)

    static func info(_ name: String, _ shape: [Int], _ dtype: DType = .float32) -> TensorInfo {
        TensorInfo(name: name, dtype: dtype, shape: shape)
    }

    static func patterns(_ patterns: String...) throws -> [Regex<AnyRegexOutput>] {
        try patterns.map { try Regex($0) }
    }

    @Test(arguments: [
        (info("scale", []), nil),
        (info("fc1.bias", [16]), nil),
        (info("norm.weight", [16], .bfloat16), nil),
        (info("fc1.weight", [16, 8]), int8),
        (info("fc1.weight", [16, 8], .float16), int8),
        (info("fc1.weight", [16, 8], .bfloat16), int8),
        (info("fc1.weight", [16, 8], .float64), int8),
        (info("conv.weight", [4, 3, 3, 3]), int8),
        (info("empty.weight", [0, 8]), int8),
        (info("codes", [16, 8], .int8), nil),
        (info("position_ids", [1, 512], .int64), nil),
        (info("mask", [4, 4], .bool), nil),
    ] as [(TensorInfo, QuantScheme?)])
    func defaultRuleQuantizesFloatingTensorsOfRankTwoOrMore(info: TensorInfo, expected: QuantScheme?) {
        #expect(SelectionRules(defaultScheme: Self.int8).scheme(for: info) == expected)
    }

    @Test func defaultSchemeNoneKeepsEverythingInFloat() {
        let rules = SelectionRules(defaultScheme: nil)
        #expect(rules.scheme(for: Self.info("fc1.weight", [16, 8])) == nil)
        #expect(rules.scheme(for: Self.info("fc1.bias", [16])) == nil)
    }

    @Test func includeSelectsMatchingFloatingTensorsOfAnyRank() throws {
        let rules = SelectionRules(defaultScheme: Self.int8, include: try Self.patterns("fc1"))
        #expect(rules.scheme(for: Self.info("fc1.weight", [16, 8])) == Self.int8)
        #expect(rules.scheme(for: Self.info("fc1.bias", [16])) == Self.int8)
        #expect(rules.scheme(for: Self.info("fc1.scale", [])) == Self.int8)
        #expect(rules.scheme(for: Self.info("fc2.weight", [16, 8])) == nil)
        #expect(rules.scheme(for: Self.info("fc1.codes", [16, 8], .int8)) == nil)
    }

    @Test func patternsMatchAnywhereUnlessAnchored() throws {
        let anywhere = SelectionRules(defaultScheme: Self.int8, include: try Self.patterns("fc"))
        #expect(anywhere.scheme(for: Self.info("model.fc1.weight", [4, 4])) == Self.int8)
        let anchored = SelectionRules(defaultScheme: Self.int8, include: try Self.patterns("^fc1\\.weight$"))
        #expect(anchored.scheme(for: Self.info("fc1.weight", [4, 4])) == Self.int8)
        #expect(anchored.scheme(for: Self.info("model.fc1.weight", [4, 4])) == nil)
        #expect(anchored.scheme(for: Self.info("fc1.weight_scale", [4, 4])) == nil)
    }

    @Test func excludeWinsOverIncludeAndTheDefault() throws {
        let included = SelectionRules(defaultScheme: Self.int8, include: try Self.patterns(".*"), exclude: try Self.patterns("bias", "^fc2"))
        #expect(included.scheme(for: Self.info("fc1.weight", [16, 8])) == Self.int8)
        #expect(included.scheme(for: Self.info("fc1.bias", [16])) == nil)
        #expect(included.scheme(for: Self.info("fc2.weight", [16, 8])) == nil)
        let byRank = SelectionRules(defaultScheme: Self.int8, exclude: try Self.patterns("fc2"))
        #expect(byRank.scheme(for: Self.info("fc1.weight", [16, 8])) == Self.int8)
        #expect(byRank.scheme(for: Self.info("fc2.weight", [16, 8])) == nil)
    }

    @Test func firstMatchingLayerRuleWins() throws {
        let rules = SelectionRules(defaultScheme: Self.int8, layers: [
            try LayerRule(pattern: "fc1", scheme: Self.int4),
            try LayerRule(pattern: "fc", scheme: Self.int2),
            try LayerRule(pattern: "fc1\\.weight", scheme: Self.int8),
        ])
        #expect(rules.scheme(for: Self.info("fc1.weight", [16, 8])) == Self.int4)
        #expect(rules.scheme(for: Self.info("fc2.weight", [16, 8])) == Self.int2)
        #expect(rules.scheme(for: Self.info("head.weight", [16, 8])) == Self.int8)
    }

    @Test func layerRuleNoneKeepsFloatAndNoRuleSelectsATensor() throws {
        let rules = SelectionRules(defaultScheme: Self.int8, layers: [
            try LayerRule(pattern: "head", scheme: nil),
            try LayerRule(pattern: "bias", scheme: Self.int4),
        ])
        #expect(rules.scheme(for: Self.info("head.weight", [16, 8])) == nil)
        #expect(rules.scheme(for: Self.info("fc1.weight", [16, 8])) == Self.int8)
        // A layer rule chooses the scheme of a selected tensor; it does not select one.
        #expect(rules.scheme(for: Self.info("fc1.bias", [16])) == nil)
    }

    @Test func layerRuleAppliesUnderADefaultOfNone() throws {
        let rules = SelectionRules(defaultScheme: nil, layers: [try LayerRule(pattern: "fc1", scheme: Self.int4)])
        #expect(rules.scheme(for: Self.info("fc1.weight", [16, 8])) == Self.int4)
        #expect(rules.scheme(for: Self.info("fc2.weight", [16, 8])) == nil)
    }

    static let llama = ModuleRoles(config: ModelConfig(modelType: "llama", tieWordEmbeddings: false))
    static let gpt2 = ModuleRoles(config: ModelConfig(modelType: "gpt2"))

    @Test(arguments: [
        (llama, info("model.layers.0.self_attn.q_proj.weight", [64, 64]), int8, nil),
        (llama, info("model.layers.0.mlp.down_proj.weight", [64, 172], .bfloat16), int8, nil),
        (llama, info("model.embed_tokens.weight", [1000, 64]), nil, ModuleRole.embedding),
        (llama, info("lm_head.weight", [1000, 64]), nil, .outputHead(tied: false)),
        (llama, info("model.norm.weight", [64]), nil, nil),
        (llama, info("model.layers.0.self_attn.q_proj.bias", [64]), nil, nil),
        (llama, info("model.layers.0.self_attn.q_proj.weight", [64, 64], .int8), nil, nil),
        (llama, info("model.rotary.inv_freq", [2, 32]), nil, .other),
        (gpt2, info("transformer.h.0.attn.c_attn.weight", [64, 192]), nil, .conv1D),
        (gpt2, info("transformer.wte.weight", [1000, 64]), nil, .embedding),
        (gpt2, info("lm_head.weight", [1000, 64]), nil, .outputHead(tied: true)),
    ] as [(ModuleRoles, TensorInfo, QuantScheme?, ModuleRole?)])
    func moduleRolesSelectOnlyLinearWeights(roles: ModuleRoles, info: TensorInfo, expected: QuantScheme?, kept: ModuleRole?) {
        let rules = SelectionRules(defaultScheme: Self.int8, moduleRoles: roles)
        #expect(rules.scheme(for: info) == expected)
        #expect(rules.keptRole(of: info) == kept)
    }

    @Test func includePatternsOverrideModuleRoles() throws {
        let rules = SelectionRules(defaultScheme: Self.int8, include: try Self.patterns("embed"), moduleRoles: Self.llama)
        let embedding = Self.info("model.embed_tokens.weight", [1000, 64])
        #expect(rules.scheme(for: embedding) == Self.int8)
        #expect(rules.scheme(for: Self.info("model.layers.0.self_attn.q_proj.weight", [64, 64])) == nil)
        // Only the default selection keeps tensors by role.
        #expect(rules.keptRole(of: embedding) == nil)
    }

    @Test func excludedTensorsHaveNoKeptRole() throws {
        let rules = SelectionRules(defaultScheme: Self.int8, exclude: try Self.patterns("embed"), moduleRoles: Self.llama)
        #expect(rules.keptRole(of: Self.info("model.embed_tokens.weight", [1000, 64])) == nil)
        #expect(rules.keptRole(of: Self.info("lm_head.weight", [1000, 64])) == .outputHead(tied: false))
    }

    @Test func withoutModuleRolesNothingIsKeptByRole() {
        let rules = SelectionRules(defaultScheme: Self.int8)
        let embedding = Self.info("model.embed_tokens.weight", [1000, 64])
        #expect(rules.scheme(for: embedding) == Self.int8)
        #expect(rules.keptRole(of: embedding) == nil)
    }
}
