/// The broad role of a tensor that llama-quantize's mixes tell apart (`tensor_get_category` in
/// llama-quant.cpp), found from its name alone, first match wins:
///
/// - `output`: exactly `output.weight`; `tokenEmbedding`: exactly `token_embd.weight` or
///   `per_layer_token_embd.weight`;
/// - then by a fragment anywhere in the name, in this order: `attn_qkv.weight`,
///   `attn_kv_b.weight`, `attn_v.weight`, `attn_k.weight`, `attn_q.weight`,
///   `attn_output.weight`, `ffn_up`, `ffn_gate`, `ffn_down` (so `ffn_up_exps.weight` is
///   `ffnUp`, and `attn_k_b.weight` is `other`).
enum GGUFTensorCategory: Sendable, Equatable {
    case tokenEmbedding, attentionQ, attentionV, attentionK, attentionQKV, attentionKVB, attentionOutput
    case ffnUp, ffnGate, ffnDown, output, other

    /// The category of the tensor called `name`.
    init(name: String) {
        if name == "output.weight" { self = .output; return }
        if name == "token_embd.weight" || name == "per_layer_token_embd.weight" { self = .tokenEmbedding; return }
        self = Self.fragments.first { name.contains($0.fragment) }?.category ?? .other
    }

    private static let fragments: [(fragment: String, category: GGUFTensorCategory)] = [
        ("attn_qkv.weight", .attentionQKV), ("attn_kv_b.weight", .attentionKVB), ("attn_v.weight", .attentionV),
        ("attn_k.weight", .attentionK), ("attn_q.weight", .attentionQ), ("attn_output.weight", .attentionOutput),
        ("ffn_up", .ffnUp), ("ffn_gate", .ffnGate), ("ffn_down", .ffnDown),
    ]

    /// The value projections and what holds them (`category_is_attn_v`): counted together as
    /// llama-quantize's `n_attention_wv`, and given the same mix.
    var isAttentionValue: Bool { self == .attentionV || self == .attentionQKV || self == .attentionKVB }
}
