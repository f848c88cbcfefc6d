/// llama-quantize's mixes: the type its `llama_tensor_get_type_impl` (llama-quant.cpp) gives a
/// tensor, from the file type, the tensor's category, its place among the tensors of its kind
/// and the model's hyperparameters, for the file types this tool writes (the branches of the
/// IQ types are left out: none fires here).
///
/// Called once per tensor in output order (the counters advance as llama-quantize's do), only
/// for a tensor that is quantized with a block file type, not named by a rule, not `pure`:
///
/// - glm5-next: `attn_q_a`, `attn_q_b` and `nextn.eh_proj` tensors → q8_0.
/// - `output.weight`, and the token embeddings when the file has no `output.weight` (tied):
///   the output type if one is given; else q8_0 for MXFP4_MOE, for falcon or when the rows do
///   not fit the file type's blocks; else q6_K unless the file type is Q8_0.
/// - MXFP4_MOE, every other tensor: mxfp4 for a stack of experts (a third dimension above 1;
///   for bailingmoe3 only the `ffn_up`, `ffn_gate` and `ffn_down` ones), q8_0 for the rest, so
///   a model without experts is all q8_0.
/// - the value projections (`attn_v`, `attn_qkv`, `attn_kv_b`, counted by `i`, of `n`):
///   Q2_K q4_K when `gqa ≥ 4` else q3_K; Q2_K_S q4_K when `gqa ≥ 4`; Q3_K_M q5_K for the first two, then q4_K; Q3_K_L
///   q5_K; Q4_K_M and Q5_K_M q6_K where `useMoreBits(i, n)`; Q4_K_S q5_K for the first four;
///   then a 70B model's q3_K or q4_K becomes q5_K, and 8 experts make it q8_0. (llama.cpp's
///   own branch for `attn_qkv` comes after this one and never fires.)
/// - `attn_k`: q8_0 with 8 experts.
/// - `ffn_down` at layer `i` of `n` (`n` the block count; `i` the count of ffn_down tensors so
///   far, or with experts the number in the name): Q2_K q3_K; Q2_K_S q4_K below `n/8`; Q3_K_M q5_K below `n/16`, else
///   q4_K (falcon: q4_K only where `useMoreBits`, else q3_K); Q3_K_L q5_K (falcon q4_K);
///   Q4_K_M q6_K where `useMoreBits` (falcon: q6_K below `n/16`, q5_K where `useMoreBits`,
///   else q4_K); Q5_K_M q6_K where `useMoreBits`; Q4_K_S q5_K below `n/8` (not falcon); with
///   an importance matrix only, Q4_0 q4_1 and Q5_0 q5_1 below `n/8`.
/// - `attn_output`: with 8 experts (not falcon) q5_K for Q2_K, Q3_K_S, Q3_K_M, Q4_K_S, Q4_K_M;
///   else Q2_K q3_K, Q3_K_M q4_K, Q3_K_L q5_K; falcon: Q3_K_L q4_K.
/// - `ffn_gate`, `ffn_up`: no change for these file types, but with experts their layer is
///   read from the name (and must be there).
///
/// `useMoreBits(i, n) = i < n/8 || i >= 7n/8 || (i - n/8) mod 3 == 2`, integer division and
/// C's remainder (the sign of the dividend).
struct GGUFMix {
    let fileType: LlamaFileType
    let model: GGUFModelParameters
    let outputTensorType: GGMLType?
    /// An importance matrix was given (llama.cpp's `has_imatrix`).
    let hasImportance: Bool
    /// No `output.weight`: the token embeddings are the output projection.
    let tiedEmbeddings: Bool
    /// `n_attention_wv`: the value projections among all tensors.
    let valueProjectionCount: Int
    private(set) var valueProjections = 0
    private(set) var ffnDowns = 0
    private(set) var ffnGates = 0
    private(set) var ffnUps = 0

    init(fileType: LlamaFileType, model: GGUFModelParameters, outputTensorType: GGMLType?, hasImportance: Bool,
         names: [String]) {
        self.fileType = fileType
        self.model = model
        self.outputTensorType = outputTensorType
        self.hasImportance = hasImportance
        tiedEmbeddings = !names.contains("output.weight")
        valueProjectionCount = names.count { GGUFTensorCategory(name: $0).isAttentionValue }
    }

    static func useMoreBits(_ layer: Int, _ layers: Int) -> Bool {
        layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2
    }

    var isFalcon: Bool { model.architecture == "falcon" }

    /// The output's type (or the token embeddings' when they are tied to it): the one asked for,
    /// else q6_K (q8_0 already stays), q8_0 for MXFP4_MOE, falcon and rows that do not fit.
    private func outputType(dims: [Int], type: GGMLType) -> GGMLType {
        if let outputTensorType { return outputTensorType }
        if fileType.name == "MXFP4_MOE" || isFalcon || dims[0] % type.blockSize != 0 { return .q8_0 }
        return type == .q8_0 ? type : .q6_K
    }

    /// The mix's type for the tensor `name` of `dims` (innermost first), whose type so far is `type`.
    mutating func type(for name: String, dims: [Int], category: GGUFTensorCategory, type: GGMLType)
        throws(GGUFQuantizationError) -> GGMLType {
        if model.architecture == "glm5-next", ["attn_q_a", "attn_q_b", "nextn.eh_proj"].contains(where: name.contains) {
            return [.f32, .bf16, .f16].contains(type) ? type : .q8_0
        }
        let isOutput = category == .output || (category == .tokenEmbedding && tiedEmbeddings)
        if fileType.name == "MXFP4_MOE", !isOutput { return expertsType(dims: dims, category: category) }
        switch category {
        case .output:
            return outputType(dims: dims, type: type)
        case .tokenEmbedding where tiedEmbeddings:
            return outputType(dims: dims, type: type)
        case .attentionV, .attentionQKV, .attentionKVB:
            defer { valueProjections += 1 }
            return valueProjectionType(type)
        case .attentionK:
            return model.expertCount == 8 ? .q8_0 : type
        case .ffnDown:
            let layer = try layerInfo(name, counter: ffnDowns)
            ffnDowns += 1
            return ffnDownType(type, layer: layer)
        case .attentionOutput:
            return attentionOutputType(type)
        case .ffnGate:
            _ = try layerInfo(name, counter: ffnGates)
            ffnGates += 1
            return type
        case .ffnUp:
            _ = try layerInfo(name, counter: ffnUps)
            ffnUps += 1
            return type
        case .tokenEmbedding, .attentionQ, .other:
            return type
        }
    }

    /// MXFP4_MOE's choice: mxfp4 for a stack of experts, q8_0 otherwise.
    private func expertsType(dims: [Int], category: GGUFTensorCategory) -> GGMLType {
        let isExpertRole = model.architecture != "bailingmoe3" || [.ffnUp, .ffnGate, .ffnDown].contains(category)
        return dims.count > 2 && dims[2] > 1 && isExpertRole ? .mxfp4 : .q8_0
    }

    private func valueProjectionType(_ type: GGMLType) -> GGMLType {
        let (index, count) = (valueProjections, valueProjectionCount)
        var chosen = type
        switch fileType.name {
        case "Q2_K": chosen = model.gqa >= 4 ? .q4_K : .q3_K
        case "Q2_K_S": if model.gqa >= 4 { chosen = .q4_K }
        case "Q3_K_M": chosen = index < 2 ? .q5_K : .q4_K
        case "Q3_K_L": chosen = .q5_K
        case "Q4_K_M", "Q5_K_M": if Self.useMoreBits(index, count) { chosen = .q6_K }
        case "Q4_K_S": if index < 4 { chosen = .q5_K }
        default: break
        }
        if model.is70B, chosen == .q3_K || chosen == .q4_K { chosen = .q5_K }
        return model.expertCount == 8 ? .q8_0 : chosen
    }

    private func ffnDownType(_ type: GGMLType, layer: Int) -> GGMLType {
        let layers = model.layerCount
        let more = Self.useMoreBits(layer, layers)
        switch fileType.name {
        case "Q2_K": return .q3_K
        case "Q3_K_M": return layer < layers / 16 ? .q5_K : !isFalcon || more ? .q4_K : .q3_K
        case "Q3_K_L": return isFalcon ? .q4_K : .q5_K
        case "Q4_K_M":
            if isFalcon { return layer < layers / 16 ? .q6_K : more ? .q5_K : .q4_K }
            return more ? .q6_K : type
        case "Q5_K_M": return more ? .q6_K : type
        case "Q4_K_S": return !isFalcon && layer < layers / 8 ? .q5_K : type
        case "Q2_K_S": return layer < layers / 8 ? .q4_K : type
        case "Q4_0" where hasImportance && layer < layers / 8: return .q4_1
        case "Q5_0" where hasImportance && layer < layers / 8: return .q5_1
        default: return type
        }
    }

    private func attentionOutputType(_ type: GGMLType) -> GGMLType {
        if isFalcon { return fileType.name == "Q3_K_L" ? .q4_K : type }
        if model.expertCount == 8 {
            return ["Q2_K", "Q3_K_S", "Q3_K_M", "Q4_K_S", "Q4_K_M"].contains(fileType.name) ? .q5_K : type
        }
        switch fileType.name {
        case "Q2_K": return .q3_K
        case "Q3_K_M": return .q4_K
        case "Q3_K_L": return .q5_K
        default: return type
        }
    }

    /// `layer_info`: the counter, or with more than one expert the layer in the name
    /// (`sscanf("blk.%d.")`, `GGUFPlan.layer(of:)`), which must lie in `0 ..< layerCount`.
    private func layerInfo(_ name: String, counter: Int) throws(GGUFQuantizationError) -> Int {
        guard model.expertCount > 1 else { return counter }
        let layer = GGUFPlan.layer(of: name)
        guard (0 ..< model.layerCount).contains(layer) else {
            throw .layer(tensor: name, layerCount: model.layerCount)
        }
        return layer
    }
}
