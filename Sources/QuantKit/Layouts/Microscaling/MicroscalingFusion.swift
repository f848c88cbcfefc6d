/// Which NVFP4 weights share one global scale: those vLLM fuses into one matrix at load time,
/// as llm-compressor's `update_fused_layer_weight_global_scales` sets them (compressed-tensors
/// 0.20.1 itself has no such step): the `q_proj`, `k_proj`, `v_proj` of one attention module,
/// and the `gate_proj` and `up_proj` of one MLP (both present), by the Llama names
/// llm-compressor's module checks look for. The shared scale is the smallest of theirs
/// (`MicroscaledTensor.fusedGlobalScale`). BERT's `query` / `key` / `value` are not fused (its
/// `BertSelfAttention` has no `k_proj` / `v_proj`, so llm-compressor leaves them apart).
enum MicroscalingFusion {
    static let attention: Set<String> = ["q_proj", "k_proj", "v_proj"]
    static let mlp: Set<String> = ["gate_proj", "up_proj"]

    /// The fused groups among `names` (weights, `PARENT.MODULE.weight`), each sorted, in the
    /// order of their first member; names in no group are left out.
    static func groups(_ names: [String]) -> [[String]] {
        var byKey: [String: [String]] = [:]
        var order: [String] = []
        for name in names {
            let parts = name.split(separator: ".").map(String.init)
            guard parts.count >= 2, parts.last == "weight" else { continue }
            let module = parts[parts.count - 2]
            let parent = parts.dropLast(2).joined(separator: ".")
            let kind = attention.contains(module) ? "attention" : mlp.contains(module) ? "mlp" : nil
            guard let kind else { continue }
            let key = parent + "|" + kind
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(name)
        }
        return order.compactMap { key in
            let members = byKey[key]!
            let modules = Set(members.map { $0.split(separator: ".").dropLast().last.map(String.init) ?? "" })
            if key.hasSuffix("|mlp"), modules != mlp { return nil }
            return members.count > 1 ? members.sorted() : nil
        }
    }
}
