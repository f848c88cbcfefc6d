import Foundation

/// The tensors `quantize` would quantize in the Hugging Face checkpoint at `path` (a folder, or
/// one weight file with its `config.json` beside it) under `rules`, rounded to nearest in
/// memory, by name: the same selection as `quantize PATH` makes with the same options
/// (`QuantizationPlan` with the checkpoint's `ModuleRoles`, so by default its Linear weights
/// only), each selected tensor through `quantize(_:shape:scheme:)`. The result is what
/// `InMemoryQuantizedWeights` replaces.
///
/// Scales are float32 unless the scheme names a type, as `.npz` output stores them (the
/// compressed-tensors layout keeps a float16 or bfloat16 checkpoint's scales in its dtype, so
/// its output of such a checkpoint differs in the scales' rounding).
/// Memory: the quantized tensors (about one byte per selected weight at 8 bits), plus one float
/// tensor at a time.
/// - Throws: `FileError`s naming the file and tensor: unreadable sources, a plan refused under
///   `rules` (`PlanError`), a tensor holding NaN or infinity.
public func roundToNearestCheckpoint(path: String, rules: SelectionRules) throws -> [String: QuantizedTensor] {
    let folder = ShardPlan.isFolder(path) ? path : (path as NSString).deletingLastPathComponent
    let configPath = (folder as NSString).appendingPathComponent(ShardPlan.configName)
    var rules = rules
    rules.moduleRoles = FileManager.default.fileExists(atPath: configPath)
        ? ModuleRoles(config: try ModelConfig.load(path: configPath)) : ModuleRoles()
    let files = ShardPlan.isFolder(path) ? try ShardPlan.shards(inFolder: path).shards : [path]
    var tensors: [String: QuantizedTensor] = [:]
    for file in files {
        let source = try openFloatTensorSource(path: file)
        for step in try QuantizationPlan(of: source, rules: rules, layout: NPZLayout()).steps {
            guard let scheme = step.scheme, tensors[step.tensor.name] == nil else { continue }
            let values = try loadFiniteValues(of: step.tensor.name, in: source)
            do {
                tensors[step.tensor.name] = try quantize(values, shape: step.tensor.shape, scheme: scheme)
            } catch {
                throw FileError(path: file, member: step.tensor.name, error)
            }
        }
    }
    return tensors
}
