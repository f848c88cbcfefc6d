/// What llama-quantize does to each tensor of a GGUF file and to its metadata, decided from the
/// header and the options alone (llama.cpp's `llama_model_quantize_impl` and
/// `llama_tensor_get_type`, llama-quant.cpp):
///
/// - Order: tensors sorted by layer (the number after a leading `blk.`, -1 without one), then
///   by name, byte by byte (the loader's `weight_name_comparer`); with `keepSplit`, by input
///   shard, then by offset (see `init`).
/// - Which are quantized (`tensor_allows_quantization`): at least 2 dimensions counted as ggml
///   does (trailing 1s dropped), a name ending in `weight`, none of `excludedFragments` in it
///   (glm5-next has more), not `excludedNames`, and not `output.weight` when the output tensor
///   is kept. The others are copied byte for byte, in their own type (`Choice.copied`).
/// - To what, in this order: the token embedding type or the output tensor type when given
///   (as given: it must fit the rows); else the file type's `tensorType`, and for a block file
///   type the first tensor type rule that matches, or else (unless `pure`) the mix
///   (`GGUFMix`); then, when the row length (`dims[0]`) is not a multiple of the type's block
///   size, the fallback (`tensor_type_fallback`: q2_K, q3_K → q4_0; q4_K → q5_0; q5_K → q5_1;
///   q6_K → q8_0; f16 when that does not fit either, or for a 32-block type), recorded with
///   its reason. A tensor matching a keep pattern then keeps its input type.
///   A tensor already of the target type is copied.
/// - Metadata: the input's entries in order, less `general.quantization_version`,
///   `general.file_type` and the split keys, then `general.quantization_version = 2` and
///   `general.file_type = number` (u32 each), then each override; every one of these removes
///   its key and appends it (ggml's `gguf_set_val_*`).
public struct GGUFPlan: Sendable {
    /// One tensor of the output, in output order.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let inputType: GGMLType
        public let outputType: GGMLType
        /// Dimensions innermost first, as GGUF stores them.
        public let dims: [Int]
        /// What chose `outputType` (or `intendedType`, when it fell back).
        public let choice: Choice
        /// The type chosen before the fallback, when the rows did not fit it; nil otherwise.
        public let intendedType: GGMLType?
        /// Why `outputType` is not `intendedType`; nil without a fallback.
        public let fallback: String?
        /// The output shard it goes to (from 0): its input shard with `keepSplit`, else 0.
        public internal(set) var shard = 0

        /// Whether the tensor is quantized (otherwise its stored bytes are copied).
        public var isQuantized: Bool { inputType != outputType }
        /// Whether it is quantized from a block type (`inputType`), dequantized first: the
        /// error of the first quantization stays and the second's adds to it.
        public var isRequantized: Bool { isQuantized && inputType.dtype == nil }
    }

    /// Who chose a tensor's type.
    public enum Choice: Sendable, Equatable, CustomStringConvertible {
        /// llama-quantize does not quantize such a tensor.
        case copied
        /// `output.weight`, kept in its type on request.
        case outputTensorKept
        /// A keep pattern matched: kept in its input type on request.
        case kept
        /// The file type's tensor type.
        case fileType
        /// llama-quantize's mix for the file type.
        case mix
        /// The output tensor type asked for (also the token embeddings' when they are the output).
        case outputTensorType
        /// The token embedding type asked for.
        case tokenEmbeddingType
        /// The tensor type rule with this pattern.
        case rule(String)

        public var description: String {
            switch self {
            case .copied: "copied"
            case .outputTensorKept: "output tensor kept (requested)"
            case .kept: "kept in input type (requested)"
            case .fileType: "file type"
            case .mix: "mix"
            case .outputTensorType: "output tensor type (requested)"
            case .tokenEmbeddingType: "token embedding type (requested)"
            case .rule(let pattern): "rule '\(pattern)' (requested)"
            }
        }
    }

    public let fileType: LlamaFileType
    public let pure: Bool
    /// The metadata of the output, or of its first shard.
    public let metadata: [GGUFMetadataEntry]
    public let tensors: [Entry]
    /// How many files the output is: the input's shards with `keepSplit`, else 1.
    public let shardCount: Int

    /// ggml's quantization version (`GGML_QNT_VERSION`), written as `general.quantization_version`.
    public static let quantizationVersion: UInt32 = 2
    /// Keys the output gets anew or loses (llama-quantize's `gguf_set_val_u32` and `gguf_remove_key`).
    static let replacedKeys: Set<String> = ["general.quantization_version", "general.file_type",
                                            "split.no", "split.count", "split.tensors.count"]
    /// Name fragments that keep a tensor in its type (`tensor_allows_quantization`).
    static let excludedFragments = [
        "_norm.weight", "ffn_gate_inp.weight", "ffn_gate_tid2eid.weight", "altup", "laurel", "per_layer_model_proj",
        "ssm_conv1d", "shortconv.conv.weight", "indexer.k_proj.weight", "indexer.q_proj.weight",
        "time_mix_first.weight", "time_mix_w0.weight", "time_mix_w1.weight", "time_mix_w2.weight",
        "time_mix_v0.weight", "time_mix_v1.weight", "time_mix_v2.weight", "time_mix_a0.weight", "time_mix_a1.weight",
        "time_mix_a2.weight", "time_mix_g1.weight", "time_mix_g2.weight", "time_mix_decay_w1.weight",
        "time_mix_decay_w2.weight", "time_mix_lerp_fused.weight", "attn_rel_b.weight", ".position_embd", "sam.pos_embd",
        "sam.neck.", "sam.net_", ".rel_pos", ".patch_embd", ".patch_merger", "a.rvq.codebook", "mm.a.code_embd",
    ]
    /// The fragments glm5-next adds.
    static let glm5NextFragments = [
        "hc_", "indexer.attn_q_b", "indexer.attn_k", "indexer.proj", "indexer_compressor_gate", "indexer_compressor_ape",
        "ssm_f_a.weight", "ssm_f_b.weight", "ssm_g_a.weight", "ssm_g_b.weight", "ssm_beta.weight", "attn_kv_a_mqa.weight",
        "attn_k_b.weight", "attn_v_b.weight",
    ]
    /// Whole names kept in their type (positional embeddings and token types).
    static let excludedNames: Set<String> = ["position_embd.weight", "token_types.weight"]

    /// The plan for a model with `metadata` and `tensors` (in file order), `shards` giving each
    /// tensor's input shard (empty: one file).
    ///
    /// With `keepSplit` the output has the input's shards, and its tensors are in shard order,
    /// then in file order within each (llama-quantize sorts them by shard and offset); with more
    /// than one shard, each output shard gets `split.no`, `split.count` (uint16) and
    /// `split.tensors.count` (int32), appended to the first's metadata, the only metadata of
    /// the others (llama-quantize starts those from an empty header).
    ///
    /// - Throws: `GGUFQuantizationError` for a tensor llama-quantize would refuse, metadata the
    ///   mix needs and does not find, or (strict) a fallback.
    public init(metadata: [GGUFMetadataEntry], tensors: [GGUFTensorInfo], shards: [Int] = [], options: GGUFQuantizationOptions)
        throws(GGUFQuantizationError) {
        fileType = options.fileType
        pure = options.pure
        if let alignment = metadata.first(where: { $0.key.string == "general.alignment" }) {
            guard case .uint32(32) = alignment.value else { throw .alignment(Self.integer(alignment.value)) }
        }
        let inputShards = shards.isEmpty ? [Int](repeating: 0, count: tensors.count) : shards
        shardCount = options.keepSplit ? (inputShards.max() ?? 0) + 1 : 1
        self.metadata = Self.outputMetadata(metadata, options: options)
            + (shardCount > 1 ? Self.splitKeys(shard: 0, count: shardCount, tensorCount: tensors.count) : [])
        let order = Self.outputOrder(tensors, shards: inputShards, keepSplit: options.keepSplit)
        let ordered = order.map { tensors[$0] }
        var mix: GGUFMix?
        if !options.pure, options.fileType.tensorType.blockSize > 1 {
            mix = GGUFMix(fileType: options.fileType,
                          model: try GGUFModelParameters(metadata: metadata, overrides: options.metadataOverrides),
                          outputTensorType: options.outputTensorType, hasImportance: options.importance != nil,
                          names: ordered.map(\.name))
        }
        var chooser = GGUFTypeChooser(options: options, architecture: Self.architecture(metadata), mix: mix)
        var entries: [Entry] = []
        for index in order {
            var entry = try chooser.entry(for: tensors[index])
            entry.shard = options.keepSplit ? inputShards[index] : 0
            entries.append(entry)
        }
        self.tensors = entries
    }

    /// The declarations for `GGUFWriter` of output shard `shard`, in output order.
    public func declarations(shard: Int) -> [GGUFTensorDeclaration] {
        tensors.filter { $0.shard == shard }.map { GGUFTensorDeclaration(name: $0.name, type: $0.outputType, dims: $0.dims) }
    }

    /// The metadata of output shard `shard`: `metadata` for the first, the split keys alone
    /// for the others.
    public func metadata(shard: Int) -> [GGUFMetadataEntry] {
        shard == 0 ? metadata : Self.splitKeys(shard: shard, count: shardCount, tensorCount: tensors.count)
    }

    /// `split.no`, `split.count` and `split.tensors.count` as llama-quantize sets them.
    static func splitKeys(shard: Int, count: Int, tensorCount: Int) -> [GGUFMetadataEntry] {
        [GGUFMetadataEntry("split.no", .uint16(UInt16(shard))), GGUFMetadataEntry("split.count", .uint16(UInt16(count))),
         GGUFMetadataEntry("split.tensors.count", .int32(Int32(truncatingIfNeeded: tensorCount)))]
    }

    /// The output's metadata: `metadata` less the replaced keys, the two llama-quantize sets,
    /// then each override, every one removing its key first, then an importance matrix's keys.
    static func outputMetadata(_ metadata: [GGUFMetadataEntry], options: GGUFQuantizationOptions) -> [GGUFMetadataEntry] {
        var result = metadata.filter { !replacedKeys.contains($0.key.string ?? "") } + [
            GGUFMetadataEntry("general.quantization_version", .uint32(quantizationVersion)),
            GGUFMetadataEntry("general.file_type", .uint32(options.fileType.number)),
        ]
        for override in options.metadataOverrides {
            result.removeAll { $0.key.string == override.key }
            result.append(GGUFMetadataEntry(override.key, override.metadataValue))
        }
        // llama-quantize passes its quantize.imatrix.* keys as overrides after the user's.
        return options.importance?.metadata(after: result) ?? result
    }

    /// `general.architecture`, "" when absent (only the mix needs it, and checks it).
    static func architecture(_ metadata: [GGUFMetadataEntry]) -> String {
        guard case .string(let name)? = metadata.first(where: { $0.key.string == "general.architecture" })?.value else {
            return ""
        }
        return name.string ?? ""
    }

    /// llama-quantize's type for rows its chosen type does not fit (`tensor_type_fallback`).
    static let fallbackType: [GGMLType: GGMLType] = [.q2_K: .q4_0, .q3_K: .q4_0, .q4_K: .q5_0, .q5_K: .q5_1, .q6_K: .q8_0]

    /// `tensor_allows_quantization`.
    static func allowsQuantization(name: String, dims: [Int], architecture: String, quantizeOutput: Bool) -> Bool {
        let significant = (dims.lastIndex { $0 != 1 } ?? 0) + 1
        guard significant >= 2, name.hasSuffix("weight"), !excludedNames.contains(name) else { return false }
        guard quantizeOutput || name != "output.weight" else { return false }
        if architecture == "glm5-next", glm5NextFragments.contains(where: name.contains) { return false }
        return !excludedFragments.contains { name.contains($0) }
    }

    /// The indices of `tensors` in output order: by shard, then offset, with `keepSplit`
    /// (ties, tensors of no bytes, in file order); else the loader's order (`precedes`).
    static func outputOrder(_ tensors: [GGUFTensorInfo], shards: [Int], keepSplit: Bool) -> [Int] {
        guard keepSplit else { return tensors.indices.sorted { precedes(tensors[$0], tensors[$1]) } }
        return tensors.indices.sorted { (shards[$0], tensors[$0].offset, $0) < (shards[$1], tensors[$1].offset, $1) }
    }

    /// The loader's order: layer number first (-1 outside `blk.N.`), then the names' bytes.
    static func precedes(_ a: GGUFTensorInfo, _ b: GGUFTensorInfo) -> Bool {
        let (layerA, layerB) = (layer(of: a.name), layer(of: b.name))
        if layerA != layerB { return layerA < layerB }
        return Array(a.name.utf8).lexicographicallyPrecedes(Array(b.name.utf8))
    }

    /// `sscanf(name, "blk.%d.", &layer)`: the decimal integer (optional sign) after `blk.`, or -1.
    static func layer(of name: String) -> Int {
        guard name.hasPrefix("blk.") else { return -1 }
        var rest = Substring(name.dropFirst(4))
        let sign = rest.first == "-" ? -1 : 1
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let value = Int(digits) else { return -1 }
        return sign * value
    }

    private static func integer(_ value: GGUFValue) -> UInt64 {
        switch value {
        case .uint8(let v): UInt64(v)
        case .uint16(let v): UInt64(v)
        case .uint32(let v): UInt64(v)
        case .uint64(let v): v
        default: 0
        }
    }
}
