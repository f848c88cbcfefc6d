/// The hyperparameters llama-quantize's mixes read, as llama.cpp's model loader derives them
/// from the metadata of a `general.architecture` model (`llama_model_base::load_hparams` and
/// the architecture's `load_arch_hparams`), metadata overrides included (an `int` override of a
/// key read here replaces the file's value, truncated to 32 bits; an override of another type
/// is ignored there, as the loader ignores it with a warning).
///
/// - `layerCount`: `ARCH.block_count` (required, 1 to 512), llama.cpp's `n_layer_all`, which
///   is also the count llama-quantize divides the ffn tensors' layers by;
/// - `layersBeforeNextN`: `n_layer()`, the layers less `ARCH.nextn_predict_layers`;
/// - `expertCount`: `ARCH.expert_count` (0 without; hunyuan-dense and hunyuan_vl make 1 into 0);
/// - `headCount`, `headCountKV`: layer 0's `ARCH.attention.head_count` and `.head_count_kv`
///   (a number, or an array with one per layer; the KV count defaults to the head count; both 0
///   when the key is absent), and `gqa = headCount / headCountKV` (0 when `headCountKV` is 0);
/// - `is70B`: llama.cpp's `LLM_TYPE_70B`, set by the architectures that have it: llama at 80
///   layers with fewer KV heads than heads and not 8 experts; qwen2, deci and olmo at 80
///   layers; jais2 at 68.
struct GGUFModelParameters: Sendable, Equatable {
    var architecture: String
    var layerCount: Int
    var layersBeforeNextN: Int
    var expertCount: Int
    var headCount: Int
    var headCountKV: Int

    var gqa: Int { headCountKV == 0 ? 0 : headCount / headCountKV }

    var is70B: Bool {
        switch architecture {
        case "llama": expertCount != 8 && layersBeforeNextN == 80 && headCount != headCountKV
        case "qwen2", "deci", "olmo": layersBeforeNextN == 80
        case "jais2": layersBeforeNextN == 68
        default: false
        }
    }

    /// llama.cpp's `LLAMA_MAX_LAYERS`.
    static let maximumLayers = 512

    /// The parameters of a model with `metadata`, as overridden by `overrides`.
    ///
    /// - Throws: `GGUFQuantizationError.metadata` for a missing architecture or block count,
    ///   a key of the wrong type, or a count out of range.
    init(metadata: [GGUFMetadataEntry], overrides: [GGUFMetadataOverride]) throws(GGUFQuantizationError) {
        let reader = Reader(metadata: metadata, overrides: overrides)
        guard case .string(let name)? = reader.entry("general.architecture"), let architecture = name.string else {
            throw .metadata(key: "general.architecture", problem: "is missing or not a string")
        }
        self.architecture = architecture
        let layers = try reader.count("\(architecture).block_count", required: true)!
        guard (1 ... Self.maximumLayers).contains(layers) else {
            throw .metadata(key: "\(architecture).block_count", problem: "is \(layers); llama.cpp accepts 1 to \(Self.maximumLayers)")
        }
        layerCount = layers
        let nextN = try reader.count("\(architecture).nextn_predict_layers", required: false) ?? 0
        guard nextN <= layers else {
            throw .metadata(key: "\(architecture).nextn_predict_layers", problem: "is \(nextN), more than the \(layers) layers")
        }
        layersBeforeNextN = layers - nextN
        var experts = try reader.count("\(architecture).expert_count", required: false) ?? 0
        if ["hunyuan-dense", "hunyuan_vl"].contains(architecture), experts <= 1 { experts = 0 }
        expertCount = experts
        headCount = try reader.perLayerCount("\(architecture).attention.head_count", layers: layers) ?? 0
        headCountKV = try reader.perLayerCount("\(architecture).attention.head_count_kv", layers: layers) ?? headCount
    }

    /// The loader's `get_key` and `get_key_or_arr` for unsigned 32-bit counts.
    private struct Reader {
        let metadata: [GGUFMetadataEntry]
        let overrides: [GGUFMetadataOverride]

        func entry(_ key: String) -> GGUFValue? {
            metadata.first { $0.key.string == key }?.value
        }

        /// The override's integer if `key` has an `int` one (the last given wins).
        func overridden(_ key: String) -> Int? {
            guard case .integer(let value)? = overrides.last(where: { $0.key == key })?.value else { return nil }
            return Int(UInt32(truncatingIfNeeded: value))
        }

        func count(_ key: String, required: Bool) throws(GGUFQuantizationError) -> Int? {
            if let value = overridden(key) { return value }
            guard let value = entry(key) else {
                if required { throw .metadata(key: key, problem: "is missing") }
                return nil
            }
            guard case .uint32(let number) = value else { throw .metadata(key: key, problem: "is \(value.type), not uint32") }
            return Int(number)
        }

        /// Layer 0's value of a number-or-array key; nil when the file has no such key (an
        /// override alone does not make one, as in the loader).
        func perLayerCount(_ key: String, layers: Int) throws(GGUFQuantizationError) -> Int? {
            guard let value = entry(key) else { return nil }
            guard case .array(let array) = value else { return try count(key, required: true) }
            let elements: [Int]
            switch array {
            case .uint32(let values): elements = values.map(Int.init)
            case .int32(let values): elements = values.map { Int(UInt32(bitPattern: $0)) }
            default: throw .metadata(key: key, problem: "is an array of \(array.elementType), not of 32-bit integers")
            }
            guard elements.count == layers else {
                throw .metadata(key: key, problem: "has \(elements.count) elements for \(layers) layers")
            }
            return elements[0]
        }
    }
}
