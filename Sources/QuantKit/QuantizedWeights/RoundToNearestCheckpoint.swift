import Foundation

/// The tensors `quantize` would quantize in the Hugging Face checkpoint at `path` (a folder, or
/// one weight file with its `config.json` beside it) under `rules`, rounded to nearest in
/// memory, by name: the same selection as `quantize PATH` makes with the same options
/// (`checkpointPlans`), each selected tensor through `quantize(_:shape:scheme:)`. The result
/// is what `InMemoryQuantizedWeights` replaces.
///
/// Scales are float32 unless the scheme names a type, as `.npz` output stores them (the
/// compressed-tensors layout keeps a float16 or bfloat16 checkpoint's scales in its dtype, so
/// its output of such a checkpoint differs in the scales' rounding).
/// Memory: the quantized tensors (about one byte per selected weight at 8 bits), plus one float
/// tensor at a time.
/// - Throws: `FileError`s naming the file and tensor: unreadable sources, a plan refused under
///   `rules` (`PlanError`), a tensor holding NaN or infinity.
public func roundToNearestCheckpoint(path: String, rules: SelectionRules) throws -> [String: QuantizedTensor] {
    try roundToNearest(try checkpointPlans(path: path, rules: rules), except: [])
}

/// The selected tensors of `plans` whose names are not in `except`, rounded to nearest, by name
/// (a name in several files: the first).
func roundToNearest(_ plans: [CheckpointFilePlan], except: Set<String>) throws -> [String: QuantizedTensor] {
    var tensors: [String: QuantizedTensor] = [:]
    for file in plans {
        for step in file.plan.steps {
            guard let scheme = step.scheme, tensors[step.tensor.name] == nil, !except.contains(step.tensor.name) else { continue }
            let values = try loadFiniteValues(of: step.tensor.name, in: file.source)
            do {
                tensors[step.tensor.name] = try quantize(values, shape: step.tensor.shape, scheme: scheme)
            } catch {
                throw FileError(path: file.source.path, member: step.tensor.name, error)
            }
        }
    }
    return tensors
}

/// One weight file of a checkpoint, opened, with the plan `quantize` makes of it.
struct CheckpointFilePlan {
    let source: any TensorSource
    let plan: QuantizationPlan
}

/// The plans `quantize PATH` makes of each weight file of the checkpoint at `path` under
/// `rules`, for `.npz` output: `QuantizationPlan` with the checkpoint's `ModuleRoles` (from its
/// `config.json`, when there is one), so by default its Linear weights only.
/// - Throws: `FileError`s naming the file: unreadable sources, a plan refused (`PlanError`).
func checkpointPlans(path: String, rules: SelectionRules) throws -> [CheckpointFilePlan] {
    let folder = ShardPlan.isFolder(path) ? path : (path as NSString).deletingLastPathComponent
    let configPath = (folder as NSString).appendingPathComponent(ShardPlan.configName)
    var rules = rules
    rules.moduleRoles = FileManager.default.fileExists(atPath: configPath)
        ? ModuleRoles(config: try ModelConfig.load(path: configPath)) : ModuleRoles()
    let files = ShardPlan.isFolder(path) ? try ShardPlan.shards(inFolder: path).shards : [path]
    return try files.map { file in
        let source = try openFloatTensorSource(path: file)
        return CheckpointFilePlan(source: source, plan: try QuantizationPlan(of: source, rules: rules, layout: NPZLayout()))
    }
}
