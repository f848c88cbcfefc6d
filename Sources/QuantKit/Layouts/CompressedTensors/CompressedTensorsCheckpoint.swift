import Foundation

/// A compressed-tensors checkpoint written by another tool (llm-compressor, or the library's
/// own `ModelCompressor`), read through the `quantization_config` of its `config.json`: the
/// file carries no record of ours, so each quantized module's scheme comes from the config
/// group that targets it.
///
/// A module is quantized when the file holds `M.weight_scale`; its group is the one whose
/// `targets` name it exactly, else the first whose `re:` pattern matches it from its start (as
/// Python's `re.match`), else the first that targets a class (`Linear`): the file does not say
/// which class a module is, so a class target is taken to cover every quantized module no
/// other target names. Modules in `ignore` are kept. Formats read: `pack-quantized`,
/// `int-quantized` and `naive-quantized` (the same layout), integer weights of 2 to 8 bits, and
/// `float-quantized`, FP8 E4M3 weights; strategies `tensor`, `channel` and `group` (and `block`
/// for float weights), one format for the whole file.
public struct CompressedTensorsCheckpoint: Sendable {
    public struct WeightArguments: Sendable, Equatable {
        public var bits: Int
        public var type: String
        public var symmetric: Bool
        public var strategy: String
        public var groupSize: Int?
        /// `block_structure`, `[rows, columns]`, of the `block` strategy.
        public var blockStructure: [Int]?
    }

    public struct Group: Sendable, Equatable {
        public var name: String
        public var targets: [String]
        public var weights: WeightArguments?
        public var format: String?
    }

    public let format: String
    /// The compressed-tensors release that wrote the file, as its config says.
    public let version: String?
    public let groups: [Group]
    public let ignore: [String]

    /// Parses a `config.json`; nil when it has no compressed-tensors `quantization_config`.
    public init?(config bytes: [UInt8]) throws(ArchiveError) {
        guard bytes.count <= ModelConfig.maxBytes, let object = ModelConfig.jsonObject(bytes) else {
            throw .invalidMetadata("config.json is not a JSON object")
        }
        guard let config = object["quantization_config"] as? [String: Any],
              config["quant_method"] as? String == "compressed-tensors" else { return nil }
        guard let format = config["format"] as? String, let groups = config["config_groups"] as? [String: Any] else {
            throw .invalidMetadata("quantization_config has no format or config_groups")
        }
        self.format = format
        version = config["version"] as? String
        ignore = (config["ignore"] as? [Any])?.compactMap { $0 as? String } ?? []
        self.groups = try groups.keys.sorted().map { (name) throws(ArchiveError) in
            guard let group = groups[name] as? [String: Any], let targets = group["targets"] as? [String] else {
                throw .invalidMetadata("quantization_config group '\(name)' has no targets")
            }
            return Group(name: name, targets: targets, weights: try Self.weightArguments(group["weights"], group: name),
                         format: group["format"] as? String)
        }
    }

    private static func weightArguments(_ value: Any?, group: String) throws(ArchiveError) -> WeightArguments? {
        guard let weights = value as? [String: Any] else { return nil }
        guard let bits = weights["num_bits"] as? Int, let type = weights["type"] as? String,
              let symmetric = weights["symmetric"] as? Bool else {
            throw .invalidMetadata("quantization_config group '\(group)': weights need num_bits, type and symmetric")
        }
        return WeightArguments(bits: bits, type: type, symmetric: symmetric, strategy: weights["strategy"] as? String ?? "tensor",
                               groupSize: weights["group_size"] as? Int, blockStructure: weights["block_structure"] as? [Int])
    }

    /// The `config.json` beside `path`, parsed, when it describes a compressed-tensors checkpoint.
    public static func beside(_ path: String) throws -> CompressedTensorsCheckpoint? {
        let config = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("config.json").path
        guard FileManager.default.fileExists(atPath: config) else { return nil }
        do {
            return try CompressedTensorsCheckpoint(config: try ReadOnlyFile.contents(of: config, limit: ModelConfig.maxBytes))
        } catch {
            throw FileError(path: config, error)
        }
    }

    /// The group that quantizes `module`, by the precedence in the type's description.
    func group(of module: String) -> Group? {
        if let exact = groups.first(where: { $0.targets.contains { $0.isSameName(as: module) } }) { return exact }
        if let pattern = groups.first(where: { $0.targets.contains { Self.patternMatches($0, module) } }) { return pattern }
        return groups.first { $0.targets.contains { !$0.hasPrefix("re:") && !$0.contains(".") } }
    }

    func isIgnored(_ module: String) -> Bool {
        ignore.contains { $0.isSameName(as: module) || Self.patternMatches($0, module) }
    }

    /// Whether `target` is a `re:` pattern matching `module` from its start.
    static func patternMatches(_ target: String, _ module: String) -> Bool {
        guard target.hasPrefix("re:"), let regex = try? Regex(String(target.dropFirst(3))).matchingSemantics(.unicodeScalar) else {
            return false
        }
        return (try? regex.prefixMatch(in: module)) != nil
    }

    /// The metadata this tool would have recorded for `source`'s quantized modules.
    public func metadata(for source: any TensorSource) throws(ArchiveError) -> ArchiveMetadata {
        let layout: CompressedTensorsFormat
        switch format {
        case "pack-quantized": layout = .packQuantized
        case "int-quantized", "naive-quantized": layout = .intQuantized
        case "float-quantized": layout = .floatQuantized
        default:
            throw .invalidMetadata("quantization_config format '\(format)' is not read (pack-quantized, int-quantized, float-quantized)")
        }
        let infos = Dictionary(source.tensors.map { (ExactName($0.name), $0) }, uniquingKeysWith: { first, _ in first })
        var entries: [ArchiveMetadata.Entry] = []
        for scale in source.tensors where scale.name.hasSuffix(".weight_scale") {
            let module = String(scale.name.dropLast(".weight_scale".count))
            guard !isIgnored(module) else { continue }
            guard let group = group(of: module), let weights = group.weights else {
                throw .invalidMetadata("module '\(module)' has scales but no quantization_config group targets it")
            }
            if let groupFormat = group.format, groupFormat != format, !(layout == .intQuantized && groupFormat.hasSuffix("int-quantized")) {
                throw .invalidMetadata("group '\(group.name)' is \(groupFormat) in a \(format) checkpoint; mixed formats are not read")
            }
            let scheme = try Self.scheme(weights, group: group.name)
            let shape: [Int]
            if layout == .packQuantized {
                guard let info = infos[ExactName(module + ".weight_shape")], info.dtype == .int64, info.shape == [2],
                      let values = try? source.load(info.name).int64Values() else {
                    throw .missingMember(tensor: module + ".weight", member: module + ".weight_shape")
                }
                shape = values.map { Int(clamping: $0) }
            } else {
                guard let codes = infos[ExactName(module + ".weight")] else {
                    throw .missingMember(tensor: module + ".weight", member: module + ".weight")
                }
                shape = codes.shape
            }
            guard scale.dtype.isFloatingPoint, shape.count == 2, shape.allSatisfy({ $0 > 0 && $0 < 1 << 40 }) else {
                throw .invalidMetadata("module '\(module)': a \(formatShape(shape)) weight with \(scale.dtype.rawValue) scales is not a quantized Linear weight")
            }
            entries.append(ArchiveMetadata.Entry(name: module + ".weight", scheme: scheme,
                                                 axis: scheme.granularity == .perChannel(axis: 0) ? 0 : nil, shape: shape,
                                                 originalDType: scale.dtype))
        }
        return ArchiveMetadata(tool: "compressed-tensors" + (version.map { " " + $0 } ?? ""), tensors: entries,
                               layout: layout.layout)
    }

    /// Our scheme for a group's weight arguments; its scale rule is the library's.
    static func scheme(_ weights: WeightArguments, group: String) throws(ArchiveError) -> QuantScheme {
        let float = weights.type == "float" && weights.bits == 8 && weights.symmetric
        guard float || (weights.type == "int" && QuantScheme.bitRange.contains(weights.bits)) else {
            throw .invalidMetadata("group '\(group)': \(weights.bits)-bit \(weights.type) weights are not read "
                                   + "(int, 2 to 8 bits; symmetric 8-bit float)")
        }
        let granularity: Granularity
        switch (weights.strategy, weights.groupSize) {
        case ("tensor", _): granularity = .perTensor
        case ("channel", _): granularity = .perChannel(axis: 0)
        case ("group", let size?) where size > 0: granularity = .perGroup(size: size)
        case ("block", _) where float && weights.blockStructure?.count == 2 && weights.blockStructure!.allSatisfy({ $0 > 0 }):
            granularity = .perGroup(size: weights.blockStructure![1])
        default:
            throw .invalidMetadata("group '\(group)': weight strategy '\(weights.strategy)' is not read (tensor, channel, group; block for float)")
        }
        var scheme = QuantScheme(symmetric: weights.symmetric, granularity: granularity, bits: weights.bits)
        if weights.strategy == "block" { scheme.blockRows = weights.blockStructure?[0] }
        if float {
            scheme.floatFormat = .e4m3fn
        } else {
            scheme.scaleRule = .compressedTensors
        }
        return scheme
    }
}
