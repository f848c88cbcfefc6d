import Foundation

/// Which files a run reads and writes.
///
/// One input file goes to the output path as given. Several inputs, or one folder, are shards
/// of one checkpoint: each goes to a file of the same name in the output folder (created when
/// missing), its extension that of the output format (`.npy` shards become `.npz`). A folder's
/// shards are its `.npz`, `.npy` and `.safetensors` files in natural order, or, when it holds
/// a Hugging Face index (`model.safetensors.index.json`), exactly the shards its `weight_map`
/// names, each of which must exist. Every other file of an input folder (`config.json`,
/// tokenizer files, subfolders such as sentence-transformers' `1_Pooling/`) is a companion,
/// copied to the output folder; other weight files (`.bin`, `.pt`, ...) and hidden files are
/// left out. The output folder may not be an input folder.
public struct ShardPlan: Sendable, Equatable {
    public struct Job: Sendable, Equatable {
        public let input: String
        public let output: String
    }

    public let jobs: [Job]
    /// Whether the run has shards (an output folder) rather than one output file.
    public let sharded: Bool
    /// The format every output shard is written in.
    public let format: OutputFormat
    /// Files of the input folder copied unchanged (`config.json` among them, if present).
    public let companions: [Job]
    /// The input folder's safetensors index, rewritten for the output's tensor names.
    public let index: Job?
    /// The companion that is the model's `config.json` (at the top of an input folder).
    public let config: Job?

    /// Names of files that are model configurations rather than companions to copy unchanged.
    public static let configName = "config.json"
    public static let indexName = "model.safetensors.index.json"
    /// Extensions of weight files that are never copied (the quantized shards replace them).
    static let weightExtensions: Set<String> = ["safetensors", "npz", "npy", "bin", "pt", "pth", "ckpt", "h5", "msgpack", "gguf", "onnx"]

    /// Plans `inputs` into `output` in `format`; nil picks the format from `output`'s extension
    /// for one file (`.npz` when it is none of the formats') and from the inputs for shards
    /// (their format when they all have one and the same, else `.npz`).
    public init(inputs: [String], output: String, format: OutputFormat? = nil) throws(ShardError) {
        if inputs.count == 1, !Self.isFolder(inputs[0]) {
            jobs = [Job(input: inputs[0], output: output)]
            sharded = false
            self.format = format ?? OutputFormat(path: output) ?? .npz
            companions = []
            index = nil
            config = nil
            return
        }
        var files: [String] = []
        var companions: [(source: String, relative: String)] = []
        var index: String?
        for input in inputs {
            guard Self.isFolder(input) else {
                files.append(input)
                continue
            }
            let folder = URL(fileURLWithPath: input)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: input)) ?? []).filter { !$0.hasPrefix(".") }
            let found = try Self.shards(inFolder: input)
            files += found.shards
            index = found.index ?? index
            for name in names.sorted() where name != Self.indexName
                && !Self.weightExtensions.contains(URL(fileURLWithPath: name).pathExtension) {
                companions += Self.files(under: folder.appendingPathComponent(name), relative: name)
            }
        }
        let formats = Set(files.map { OutputFormat(path: $0) })
        let format = format ?? (formats.count == 1 ? formats.first! : nil) ?? .npz
        var outputFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &outputFolder), !outputFolder.boolValue {
            throw .outputNotAFolder(output)
        }
        let target = URL(fileURLWithPath: output).standardizedFileURL
        // Output paths are spelled from `output` as typed, so messages echo a relative path
        // as relative; `target` (absolute) is only for comparing folders.
        func outputPath(_ relative: String) -> String { (output as NSString).appendingPathComponent(relative) }
        var names = Set<ExactName>()
        jobs = try files.map { (file) throws(ShardError) in
            let url = URL(fileURLWithPath: file)
            guard url.deletingLastPathComponent().standardizedFileURL != target else { throw .outputIsInputFolder(output) }
            let name = url.deletingPathExtension().lastPathComponent + "." + format.fileExtension
            guard names.insert(ExactName(name)).inserted else { throw .duplicateShardName(name) }
            return Job(input: file, output: outputPath(name))
        }
        self.companions = companions.map { Job(input: $0.source, output: outputPath($0.relative)) }
        self.index = index.map { Job(input: $0, output: outputPath(Self.indexName)) }
        config = companions.first { $0.relative == Self.configName }
            .map { Job(input: $0.source, output: outputPath(Self.configName)) }
        self.format = format
        sharded = true
    }


    /// The roles of the checkpoint's modules when only Linear weights are quantized by default:
    /// for a Hugging Face folder (it has a `config.json`) and for safetensors output (the
    /// compressed-tensors layout, whose loaders quantize Linear modules only); nil otherwise.
    /// The architecture comes from the folder's `config.json`, or the one beside a single input
    /// file; without one, from the tensor names alone. A folder whose `config.json` is not a
    /// model configuration (not a JSON object) is no Hugging Face folder: `.npz` output keeps
    /// the rank rule, and safetensors output refuses it (its config could not gain a
    /// `quantization_config`).
    public func moduleRoles() throws -> ModuleRoles? {
        guard config != nil || format == .safetensors else { return nil }
        let beside = URL(fileURLWithPath: jobs[0].input).deletingLastPathComponent().appendingPathComponent(Self.configName).path
        guard let path = config?.input ?? (FileManager.default.fileExists(atPath: beside) ? beside : nil) else {
            return ModuleRoles()
        }
        do {
            return ModuleRoles(config: try ModelConfig.load(path: path))
        } catch where format == .npz {
            return nil
        }
    }

    /// The weight files of `folder` in natural order (see the type's description) and its
    /// safetensors index, if it has one.
    public static func shards(inFolder folder: String) throws(ShardError) -> (shards: [String], index: String?) {
        let url = URL(fileURLWithPath: folder)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }
        var index: String?
        var shards: [String]
        if names.contains(indexName) {
            let indexPath = url.appendingPathComponent(indexName).path
            index = indexPath
            shards = try shardNames(inIndex: indexPath)
            for shard in shards where !names.contains(shard) {
                throw .missingShard(index: indexPath, shard: shard)
            }
        } else {
            shards = names.filter { ["npz", "npy", "safetensors"].contains(URL(fileURLWithPath: $0).pathExtension) }
        }
        guard !shards.isEmpty else { throw .emptyFolder(folder) }
        return (shards.sorted(by: naturallyPrecedes).map { url.appendingPathComponent($0).path }, index)
    }

    public static func isFolder(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }

    /// Every regular file under `url` (itself, if it is one), skipping hidden names.
    private static func files(under url: URL, relative: String) -> [(source: String, relative: String)] {
        guard isFolder(url.path) else { return [(url.path, relative)] }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).filter { !$0.hasPrefix(".") }
        return names.sorted().flatMap { files(under: url.appendingPathComponent($0), relative: relative + "/" + $0) }
    }

    /// The distinct shard file names of a safetensors index's `weight_map`.
    private static func shardNames(inIndex path: String) throws(ShardError) -> [String] {
        guard let data = FileManager.default.contents(atPath: path),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let map = object["weight_map"] as? [String: Any]
        else { throw .invalidIndex(path, "not a JSON object with a 'weight_map' object") }
        var shards: [String] = []
        for value in map.values {
            guard let shard = value as? String, !shard.isEmpty, !shard.contains("/"), shard != "..", shard != "." else {
                throw .invalidIndex(path, "a weight_map value is not a file name in the folder")
            }
            if !shards.contains(shard) { shards.append(shard) }
        }
        return shards
    }
}

/// Why a set of inputs and an output cannot be paired.
public enum ShardError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyFolder(String)
    case outputNotAFolder(String)
    case outputIsInputFolder(String)
    case duplicateShardName(String)
    case missingShard(index: String, shard: String)
    case invalidIndex(String, String)

    public var description: String {
        switch self {
        case .emptyFolder(let folder): "\(folder): no weights in this folder (.npz, .npy or .safetensors files)"
        case .outputNotAFolder(let output): "\(output): several shards need an output folder, and this is a file"
        case .outputIsInputFolder(let output): "\(output): the output folder is an input folder; the shards would overwrite themselves"
        case .duplicateShardName(let name): "two shards would both be written as '\(name)'"
        case .missingShard(let index, let shard): "\(index): lists shard '\(shard)', which is not in the folder"
        case .invalidIndex(let index, let problem): "\(index): \(problem)"
        }
    }
}
