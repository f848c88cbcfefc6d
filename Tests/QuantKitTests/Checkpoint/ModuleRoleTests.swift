import QuantKit
import Testing

/// Which tensors of real architectures' checkpoints are Linear weights, by their transformers
/// names and `config.json` (`ModuleRole`).
@Suite struct ModuleRoleTests {
    static func weight(_ name: String, _ shape: [Int] = [8, 8], _ dtype: DType = .float32) -> TensorInfo {
        TensorInfo(name: name, dtype: dtype, shape: shape)
    }

    static func roles(_ modelType: String, tied: Bool? = nil) -> ModuleRoles {
        ModuleRoles(config: ModelConfig(modelType: modelType, tieWordEmbeddings: tied))
    }

    @Test(arguments: [
        // BERT (all-MiniLM-L6-v2 names, and with the `bert.` prefix of a task model).
        ("bert", "embeddings.word_embeddings.weight", ModuleRole.embedding),
        ("bert", "embeddings.position_embeddings.weight", .embedding),
        ("bert", "bert.embeddings.token_type_embeddings.weight", .embedding),
        ("bert", "encoder.layer.0.attention.self.query.weight", .linear),
        ("bert", "bert.encoder.layer.5.output.dense.weight", .linear),
        ("bert", "pooler.dense.weight", .linear),
        ("bert", "cls.predictions.decoder.weight", .outputHead(tied: true)),
        ("bert", "cls.predictions.transform.dense.weight", .linear),
        // Llama and Qwen2.
        ("llama", "model.embed_tokens.weight", .embedding),
        ("llama", "model.layers.0.self_attn.q_proj.weight", .linear),
        ("llama", "model.layers.31.mlp.down_proj.weight", .linear),
        ("qwen2", "model.layers.0.self_attn.k_proj.weight", .linear),
        ("qwen2", "model.layers.0.mlp.gate_proj.weight", .linear),
        ("qwen2", "model.embed_tokens.weight", .embedding),
        // GPT-2: Conv1D attention and MLP, wte/wpe tables.
        ("gpt2", "transformer.wte.weight", .embedding),
        ("gpt2", "transformer.wpe.weight", .embedding),
        ("gpt2", "transformer.h.0.attn.c_attn.weight", .conv1D),
        ("gpt2", "transformer.h.0.attn.c_proj.weight", .conv1D),
        ("gpt2", "transformer.h.11.mlp.c_fc.weight", .conv1D),
        ("gpt2", "lm_head.weight", .outputHead(tied: true)),
        // GPTBigCode names its Linear modules like GPT-2's Conv1D: the model type decides.
        ("gpt_bigcode", "transformer.h.0.attn.c_attn.weight", .linear),
        // T5: the shared table, its per-stack copies and the relative position buckets.
        ("t5", "shared.weight", .embedding),
        ("t5", "encoder.embed_tokens.weight", .embedding),
        ("t5", "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", .embedding),
        ("t5", "encoder.block.0.layer.0.SelfAttention.q.weight", .linear),
        ("t5", "decoder.block.0.layer.2.DenseReluDense.wo.weight", .linear),
        // GPT-NeoX's head.
        ("gpt_neox", "embed_out.weight", .outputHead(tied: true)),
        ("gpt_neox", "gpt_neox.embed_in.weight", .embedding),
    ])
    func roleByNameAndArchitecture(modelType: String, name: String, role: ModuleRole) {
        #expect(Self.roles(modelType).role(of: Self.weight(name)) == role)
    }

    @Test func theHeadIsTiedUnlessTheConfigSaysOtherwise() {
        let head = Self.weight("lm_head.weight")
        #expect(Self.roles("llama", tied: false).role(of: head) == .outputHead(tied: false))
        #expect(Self.roles("llama", tied: true).role(of: head) == .outputHead(tied: true))
        #expect(Self.roles("llama").role(of: head) == .outputHead(tied: true))
    }

    @Test func onlyTwoDimensionalFloatWeightsCanBeLinear() {
        let roles = Self.roles("llama")
        #expect(roles.role(of: Self.weight("model.norm.weight", [8])) == .other)
        #expect(roles.role(of: Self.weight("model.layers.0.self_attn.q_proj.bias", [8, 8])) == .other)
        #expect(roles.role(of: Self.weight("conv.weight", [8, 8, 3, 3])) == .other)
        #expect(roles.role(of: Self.weight("model.layers.0.self_attn.q_proj.weight", [8, 8], .int8)) == .other)
        #expect(roles.role(of: Self.weight("model.layers.0.self_attn.q_proj.weight", [8, 8], .bfloat16)) == .linear)
    }

    @Test func configFieldsAreRead() throws {
        let config = try ModelConfig(json: Array(#"{"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "tie_word_embeddings": false}"#.utf8))
        #expect(config == ModelConfig(modelType: "qwen2", architectures: ["Qwen2ForCausalLM"], tieWordEmbeddings: false))
        #expect(throws: ModelConfigError.notAnObject) { try ModelConfig(json: Array("[1]".utf8)) }
    }

    /// The default selection with roles takes the Linear weights only; `--include` overrides it.
    @Test func linearOnlySelection() throws {
        let roles = Self.roles("llama", tied: false)
        let rules = SelectionRules(defaultScheme: QuantScheme(name: "per-channel"), moduleRoles: roles)
        #expect(rules.scheme(for: Self.weight("model.layers.0.mlp.up_proj.weight")) != nil)
        #expect(rules.scheme(for: Self.weight("model.embed_tokens.weight")) == nil)
        #expect(rules.keptRole(of: Self.weight("model.embed_tokens.weight")) == .embedding)
        #expect(rules.scheme(for: Self.weight("lm_head.weight")) == nil)
        #expect(rules.keptRole(of: Self.weight("lm_head.weight")) == .outputHead(tied: false))
        let included = SelectionRules(defaultScheme: QuantScheme(name: "per-channel"), include: [try Regex("embed")],
                                      moduleRoles: roles)
        #expect(included.scheme(for: Self.weight("model.embed_tokens.weight")) != nil)
        #expect(included.keptRole(of: Self.weight("model.embed_tokens.weight")) == nil)
    }
}
