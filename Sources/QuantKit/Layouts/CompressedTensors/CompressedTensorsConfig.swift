import Foundation

/// The `quantization_config` entry of a Hugging Face `config.json` for a checkpoint written in
/// the compressed-tensors layout: what transformers (`CompressedTensorsConfig`) and vLLM
/// (`compressed_tensors.py`) read to know which modules are quantized and how. Its keys are
/// those compressed-tensors' own `ModelCompressor.update_config` writes (`version` is the
/// compressed-tensors release whose layout this matches).
///
/// One config group per distinct scheme, `group_0`, `group_1`, ... in order of first use. When
/// one scheme covers every quantized module and every Linear module is either quantized or
/// listed in `ignore`, the group targets the class, `["Linear"]`, as llm-compressor writes it
/// (so a model class that prefixes module names, `bert.` in `BertForMaskedLM`, still matches);
/// otherwise each group lists its modules by exact name. `ignore` lists the Linear modules kept
/// in float (the output head among them); other modules (embeddings) are not targeted, so they
/// need no entry. `int-quantized` groups also declare dynamic per-token int8 input activations
/// (vLLM serves them as W8A8), `float-quantized` groups dynamic per-token FP8 ones (the
/// `FP8_DYNAMIC` preset's, weights `type: float`; for block scales, weights `strategy: block`
/// with `block_structure` and dynamic FP8 activations per group of the block's columns, the
/// `FP8_BLOCK` preset's); `pack-quantized` groups are weight-only (W8A16, W4A16).
public struct CompressedTensorsConfig: ConfigUpdate, Equatable {
    public let format: CompressedTensorsFormat
    /// Schemes in order of first use, each with the modules it quantizes.
    public private(set) var groups: [(scheme: QuantScheme, modules: [String])] = []
    /// Linear modules whose weights stay in float.
    public private(set) var ignore: [String] = []

    /// The compressed-tensors release whose checkpoint layout and config keys this matches.
    public static let layoutVersion = "0.20.1"

    public init(format: CompressedTensorsFormat) {
        self.format = format
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.format == b.format && a.ignore == b.ignore
            && a.groups.map(\.scheme) == b.groups.map(\.scheme) && a.groups.map(\.modules) == b.groups.map(\.modules)
    }

    /// Records that the weight of `module` was quantized under `scheme`.
    public mutating func addQuantized(module: String, scheme: QuantScheme) {
        if let index = groups.firstIndex(where: { $0.scheme == scheme }) {
            groups[index].modules.append(module)
        } else {
            groups.append((scheme, [module]))
        }
    }

    /// Records that the weight of the Linear module `module` was kept in float.
    public mutating func addIgnored(module: String) {
        ignore.append(module)
    }

    /// Whether the one group may target the class `Linear` instead of listing names: every
    /// Linear module is in it or in `ignore` (the caller adds every Linear module to one of them).
    var targetsLinearClass: Bool { groups.count == 1 }

    /// The entry as a JSON object (`JSONSerialization` types).
    public var jsonObject: [String: Any] {
        var configGroups: [String: Any] = [:]
        for (index, group) in groups.enumerated() {
            var weights: [String: Any] = [
                "num_bits": group.scheme.bits,
                "type": group.scheme.floatFormat == nil ? "int" : "float",
                "symmetric": group.scheme.symmetric,
                "strategy": group.scheme.granularity == .perTensor ? "tensor" : group.scheme.groupSize == nil ? "channel" : "group",
                "group_size": group.scheme.groupSize.map { $0 as Any } ?? NSNull(),
                "dynamic": false,
            ]
            let blockColumns = group.scheme.blockRows == nil ? nil : group.scheme.groupSize
            if let rows = group.scheme.blockRows, let columns = blockColumns {
                (weights["strategy"], weights["group_size"], weights["block_structure"]) = ("block", NSNull(), [rows, columns])
            }
            let inputs: Any = format == .packQuantized
                ? NSNull()
                : ["num_bits": 8, "type": format == .floatQuantized ? "float" : "int", "symmetric": true,
                   "strategy": blockColumns == nil ? "token" : "group", "group_size": blockColumns.map { $0 as Any } ?? NSNull(),
                   "dynamic": true] as [String: Any]
            configGroups["group_\(index)"] = [
                "targets": targetsLinearClass ? ["Linear"] : group.modules,
                "weights": weights,
                "input_activations": inputs,
                "output_activations": NSNull(),
                "format": format.rawValue,
            ] as [String: Any]
        }
        return Self.entry(format: format.rawValue, configGroups: configGroups, ignore: ignore)
    }

    /// The `quantization_config` object around `configGroups` (`group_N` to its object), as
    /// `ModelCompressor.update_config` writes it for a compressed checkpoint in `format`.
    static func entry(format: String, configGroups: [String: Any], ignore: [String]) -> [String: Any] {
        [
            "quant_method": "compressed-tensors",
            "version": layoutVersion,
            "format": format,
            "quantization_status": "compressed",
            "config_groups": configGroups,
            "ignore": ignore,
            "kv_cache_scheme": NSNull(),
            "global_compression_ratio": NSNull(),
            "sparsity_config": [String: Any](),
            "transform_config": [String: Any](),
            "moe_sparsity_config": NSNull(),
        ]
    }

    /// `config` (the bytes of a `config.json`) with `quantization_config` set to this entry
    /// (pretty-printed, keys sorted); every other byte of the file is kept as written, so its
    /// floats stay floats (`settingTopLevelMember`).
    public func merged(into config: [UInt8]) throws(ConfigError) -> [UInt8] {
        guard ModelConfig.jsonObject(config) != nil else {
            throw .notAnObject
        }
        return Self.setting(jsonObject, in: config)
    }

    /// `config` with `quantization_config` set to `entry` (pretty-printed, keys sorted).
    static func setting(_ entry: [String: Any], in config: [UInt8]) -> [UInt8] {
        // Serializing plain strings, numbers, arrays and objects cannot fail.
        let bytes = [UInt8](try! JSONSerialization.data(withJSONObject: entry,
                                                        options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
        return settingTopLevelMember("quantization_config", to: bytes, in: config)
    }

    public enum ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
        case notAnObject
        public var description: String { "not a JSON object; cannot add quantization_config" }
    }
}
