/// What `llama-quantize --pure` does to each tensor of a GGUF file and to its metadata,
/// decided from the header alone (llama.cpp's `llama_model_quantize_impl`, llama-quant.cpp):
///
/// - Order: tensors sorted by layer (the number after a leading `blk.`, -1 without one), then
///   by name, byte by byte (the loader's `weight_name_comparer`).
/// - Which are quantized (`tensor_allows_quantization`): at least 2 dimensions counted as ggml
///   does (trailing 1s dropped), a name ending in `weight`, none of `excludedFragments` in it,
///   and not `excludedNames`. The others are copied byte for byte, in their own type.
/// - To what: the file type's `tensorType`, unless the row length (`dims[0]`) is not a multiple
///   of its block size: then the fallback (`tensor_type_fallback`: q2_K, q3_K → q4_0; q4_K →
///   q5_0; q5_K → q5_1; q6_K → q8_0; f16 when that does not fit either, or for a 32-block
///   type), recorded in `fallback` with its reason. Float file types (f32, f16, bf16) have
///   blocks of one and never fall back.
///   A tensor already of the target type is copied.
/// - Metadata: the input's entries in order, less `general.quantization_version`,
///   `general.file_type` and the split keys, then `general.quantization_version = 2` and
///   `general.file_type = number` (u32 each), appended in that order (ggml's `gguf_set_val_u32`
///   removes a key and appends it).
public struct GGUFPurePlan: Sendable {
    /// One tensor of the output, in output order.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let inputType: GGMLType
        public let outputType: GGMLType
        /// Dimensions innermost first, as GGUF stores them.
        public let dims: [Int]
        /// Why `outputType` is not the file type's tensor type; nil when it is, or when copied.
        public let fallback: String?

        /// Whether the tensor is quantized (otherwise its stored bytes are copied).
        public var isQuantized: Bool { inputType != outputType }
    }

    public let fileType: LlamaFileType
    public let metadata: [GGUFMetadataEntry]
    public let tensors: [Entry]

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
    /// Whole names kept in their type (positional embeddings and token types).
    static let excludedNames: Set<String> = ["position_embd.weight", "token_types.weight"]

    /// The plan for a file with `metadata` and `tensors` (in file order).
    ///
    /// - Throws: `GGUFPureError` for a tensor llama-quantize would refuse.
    public init(metadata: [GGUFMetadataEntry], tensors: [GGUFTensorInfo], fileType: LlamaFileType) throws(GGUFPureError) {
        self.fileType = fileType
        if let alignment = metadata.first(where: { $0.key.string == "general.alignment" }) {
            guard case .uint32(32) = alignment.value else { throw .alignment(Self.integer(alignment.value)) }
        }
        self.metadata = metadata.filter { !Self.replacedKeys.contains($0.key.string ?? "") } + [
            GGUFMetadataEntry("general.quantization_version", .uint32(Self.quantizationVersion)),
            GGUFMetadataEntry("general.file_type", .uint32(fileType.number)),
        ]
        let ordered = tensors.sorted(by: Self.precedes)
        var entries: [Entry] = []
        for tensor in ordered {
            entries.append(try Self.entry(for: tensor, fileType: fileType))
        }
        self.tensors = entries
    }

    /// The declarations for `GGUFWriter`, in output order.
    public var declarations: [GGUFTensorDeclaration] {
        tensors.map { GGUFTensorDeclaration(name: $0.name, type: $0.outputType, dims: $0.dims) }
    }

    /// The fate of one tensor.
    static func entry(for tensor: GGUFTensorInfo, fileType: LlamaFileType) throws(GGUFPureError) -> Entry {
        guard allowsQuantization(name: tensor.name, dims: tensor.dims) else {
            return Entry(name: tensor.name, inputType: tensor.type, outputType: tensor.type, dims: tensor.dims, fallback: nil)
        }
        let rowLength = tensor.dims[0]
        var target = fileType.tensorType
        var fallback: String?
        if rowLength % target.blockSize != 0 {
            var substitute = fallbackType[target] ?? target
            if rowLength % substitute.blockSize != 0 { substitute = .f16 }
            fallback = "rows of \(rowLength) are not a multiple of \(target)'s \(target.blockSize); "
                + "\(substitute) as llama-quantize falls back"
            target = substitute
        }
        if tensor.type != target {
            guard tensor.type.isQuantizable else {
                if tensor.type.dtype == nil { throw .requantize(tensor: tensor.name, from: tensor.type, to: target) }
                throw .notFloat(tensor: tensor.name, type: tensor.type)
            }
        }
        return Entry(name: tensor.name, inputType: tensor.type, outputType: target, dims: tensor.dims, fallback: fallback)
    }

    /// llama-quantize's type for rows its chosen type does not fit (`tensor_type_fallback`).
    static let fallbackType: [GGMLType: GGMLType] = [.q2_K: .q4_0, .q3_K: .q4_0, .q4_K: .q5_0, .q5_K: .q5_1, .q6_K: .q8_0]

    /// `tensor_allows_quantization` for `--pure` without `--leave-output-tensor`.
    static func allowsQuantization(name: String, dims: [Int]) -> Bool {
        let significant = (dims.lastIndex { $0 != 1 } ?? 0) + 1
        guard significant >= 2, name.hasSuffix("weight"), !excludedNames.contains(name) else { return false }
        return !excludedFragments.contains { name.contains($0) }
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
