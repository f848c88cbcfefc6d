import Foundation

/// Runs `plan`: every shard through `quantizeFile` in `layout` (`.npz` members deflated when
/// `compress`), then, for a folder, its companions copied, `config.json` changed as the layout
/// asks (`QuantizedLayout.configUpdate`: compressed-tensors adds its `quantization_config`)
/// and the safetensors index rewritten for the new tensor names.
///
/// Every shard is opened and planned (headers only), and checked against `memoryBudget`,
/// before any is written, so a bad option, a tensor the layout cannot hold or one too large
/// for the budget fails at once. Each file appears atomically; if any step fails, or the run
/// is interrupted (`InterruptCleanup`), the files this run already wrote are removed again,
/// and the folders it created.
/// - Parameters:
///   - method: the method choosing the codes (`methodOverrides`), run on the inputs as opened
///     and planned here; round to nearest by default, which streams.
///   - progress: called before each tensor of each shard and after its last (`quantizeFile`),
///     with the shard's place and the bytes of tensor data of all shards done so far.
public func quantizeCheckpoint(
    plan: ShardPlan, rules: SelectionRules, layout: any QuantizedLayout, compress: Bool = false, overwrite: Bool,
    threads: Int = defaultThreadCount,
    method: MethodRun = MethodRun(), memoryBudget: MemoryBudget = .unlimited,
    progress: ((CheckpointProgress) -> Void)? = nil
) throws -> [QuantizationReport] {
    let (sources, plans) = try openAndPlan(plan, rules: rules, layout: layout, threads: threads)
    let output = try methodOverrides(sources: sources, plans: plans, run: method, layout: layout, memoryBudget: memoryBudget)
    for (source, sourcePlan) in zip(sources, plans) {
        try memoryBudget.check(sourcePlan, path: source.path, overridden: { output.overrides[$0] != nil })
    }
    let run = OutputRun()
    do {
        if plan.sharded, let first = plan.jobs.first {
            try run.createFolder(OutputRun.parentFolder(of: first.output))
        }
        var reports: [QuantizationReport] = []
        let bytesTotal = plans.reduce(0) { $0 + $1.tensorBytes }
        for (index, (job, source)) in zip(plan.jobs, sources).enumerated() {
            let before = plans[..<index].reduce(0) { $0 + $1.tensorBytes }
            reports.append(try quantizePlanned(
                plans[index], source: source, outputPath: job.output, roles: rules.moduleRoles, layout: layout,
                compress: compress, overwrite: overwrite, threads: threads, method: output, memoryBudget: memoryBudget,
                run: run, progress: progress.map { report in { step in
                    report(CheckpointProgress(shard: index, shardCount: plan.jobs.count, file: step,
                                              bytesDone: before + step.bytesDone, bytesTotal: bytesTotal))
                } }))
        }
        try writeCompanions(of: plan, plans: plans, layout: layout, roles: rules.moduleRoles, overwrite: overwrite, run: run)
        run.keep()
        return reports
    } catch {
        run.undo()
        throw error
    }
}

/// What `quantizeCheckpoint` would write, from the headers alone: every shard opened and
/// planned, and checked against `memoryBudget` as round to nearest runs (a method's tensors
/// are charged as quantized ones, which they are), nothing read beyond the headers and
/// nothing written.
public func planCheckpoint(plan: ShardPlan, rules: SelectionRules, layout: any QuantizedLayout,
                           memoryBudget: MemoryBudget = .unlimited) throws -> PlanReport {
    let (sources, plans) = try openAndPlan(plan, rules: rules, layout: layout, threads: 1)
    for (source, sourcePlan) in zip(sources, plans) {
        try memoryBudget.check(sourcePlan, path: source.path)
    }
    return PlanReport(shardPlan: plan, plans: plans, layout: layout, roles: rules.moduleRoles)
}

/// Every shard of `plan` opened, and its tensors planned under `rules` for `layout`.
private func openAndPlan(_ plan: ShardPlan, rules: SelectionRules, layout: any QuantizedLayout, threads: Int) throws
    -> (sources: [any TensorSource], plans: [QuantizationPlan]) {
    let sources = try plan.jobs.map { try openFloatTensorSource(path: $0.input, threads: threads) }
    return (sources, try sources.map { try QuantizationPlan(of: $0, rules: rules, layout: layout) })
}

/// Copies the companions of a folder's `plan` (its shards planned as `plans`), `config.json`
/// changed as `layout` asks (`QuantizedLayout.configUpdate`), and writes the safetensors index
/// for the new tensor names.
private func writeCompanions(of plan: ShardPlan, plans: [QuantizationPlan], layout: any QuantizedLayout, roles: ModuleRoles?,
                             overwrite: Bool, run: OutputRun) throws {
    let tensors = plans.flatMap(\.steps).map { (info: $0.tensor, scheme: $0.scheme) }
    try writeCompanions(of: plan, configUpdate: layout.configUpdate(for: tensors, roles: roles),
                        outputTensors: plans.map(\.outputTensors), overwrite: overwrite, run: run)
}

/// Copies the companions of a folder's `plan`, `config.json` changed by `configUpdate` when
/// there is one, and writes the safetensors index for the shards' new tensors
/// (`outputTensors`, one list per job of `plan`).
func writeCompanions(of plan: ShardPlan, configUpdate: (any ConfigUpdate)?, outputTensors: [[TensorInfo]],
                     overwrite: Bool, run: OutputRun) throws {
    for companion in plan.companions {
        var bytes = try readCompanion(companion.input)
        if companion == plan.config, let update = configUpdate {
            do {
                bytes = try update.merged(into: bytes)
            } catch {
                throw FileError(path: companion.input, error)
            }
        }
        try writeAtomically(bytes, to: companion.output, overwrite: overwrite, input: companion.input, run: run)
    }
    if let index = plan.index {
        try writeAtomically(safetensorsIndex(plan: plan, outputTensors: outputTensors), to: index.output,
                            overwrite: overwrite, input: index.input, run: run)
    }
}

/// A `model.safetensors.index.json` for the output shards holding `outputTensors` (one list
/// per job of `plan`): every output tensor mapped to its shard's file name, and
/// `metadata.total_size` the bytes of all tensor data.
func safetensorsIndex(plan: ShardPlan, outputTensors: [[TensorInfo]]) -> [UInt8] {
    // Written by hand rather than through a `[String: String]`: names equal only up to Unicode
    // normalization are different tensors and must stay two keys (see `ExactName`).
    var map: [ExactName: String] = [:]
    var total = 0
    for (job, tensors) in zip(plan.jobs, outputTensors) {
        let file = URL(fileURLWithPath: job.output).lastPathComponent
        for tensor in tensors {
            map[ExactName(tensor.name)] = file
            total += tensor.storedByteCount
        }
    }
    let entries = map.sorted { $0.key < $1.key }
        .map { "    \(jsonStringLiteral($0.key.string)) : \(jsonStringLiteral($0.value))" }
    let text = "{\n  \"metadata\" : {\n    \"total_size\" : \(total)\n  },\n  \"weight_map\" : {\n"
        + entries.joined(separator: ",\n") + "\n  }\n}\n"
    return Array(text.utf8)
}

/// The bytes of a companion file, refusing anything but a regular file (`ReadOnlyFile`).
private func readCompanion(_ path: String) throws -> [UInt8] {
    do {
        let file = try ReadOnlyFile(path: path)
        return try file.readBytes(at: 0, count: Int(clamping: file.size))
    } catch {
        throw FileError(path: path, error)
    }
}

/// Writes `bytes` to `path` through an `AtomicOutput`, creating its folder if needed (recorded
/// in `run`).
private func writeAtomically(_ bytes: [UInt8], to path: String, overwrite: Bool, input: String, run: OutputRun) throws {
    try run.createFolder(OutputRun.parentFolder(of: path))
    let output = try AtomicOutput(destination: path, overwrite: overwrite, inputs: [input], run: run)
    defer { output.discard() }
    try writeAndCommit(bytes, to: output, path: path)
}

/// Where a `quantizeCheckpoint` run is: in shard `shard` (from 0) of `shardCount`, at `file`,
/// after `bytesDone` of the `bytesTotal` bytes of tensor data of all shards.
public struct CheckpointProgress: Sendable {
    public let shard: Int
    public let shardCount: Int
    public let file: QuantizeProgress
    public let bytesDone: Int
    public let bytesTotal: Int
}
