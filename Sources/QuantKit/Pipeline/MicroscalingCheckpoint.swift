/// Runs `plan` in the microscaling `format` (`MicroscalingQuantization`): every shard's Linear
/// weights (`roles`) quantized into a file of `plan.format` (safetensors, or `.npz` with uint8
/// members and a `__microscaling__` record), then, for a folder, its companions copied, with
/// `config.json` (safetensors output) gaining the `quantization_config` compressed-tensors writes
/// for the format's preset (`MicroscalingConfig`: the Linear modules kept, the output head, in
/// `ignore`), and the safetensors index rewritten for the new tensor names.
///
/// Every shard is opened and its weights checked (rows of whole groups) before anything is
/// written; NVFP4's global scales are computed over all shards first, so fused layers share
/// theirs across shards. Each file appears atomically; if any step fails, the files this run
/// already wrote are removed again, and the folders it created (`OutputRun`). With
/// `compressed`, `.npz` members are deflated.
/// - Returns: the report of every shard's weights, in order.
public func quantizeMicroscaledCheckpoint(plan: ShardPlan, format: MicroscalingFormat, roles: ModuleRoles,
                                          overwrite: Bool, compressed: Bool = false) throws -> MicroscalingReport {
    let sources = try plan.jobs.map { try openTensorSource(path: $0.input) }
    let selected = try sources.map { try MicroscalingQuantization.selected($0, format: format, roles: roles) }
    let globals = format == .nvfp4 ? try MicroscalingQuantization.globalScales(Array(zip(sources, selected))) : [:]
    let run = OutputRun()
    do {
        if plan.sharded, let first = plan.jobs.first {
            try run.createFolder(OutputRun.parentFolder(of: first.output))
        }
        var report = MicroscalingReport(format: format, entries: [], kept: [])
        for (index, job) in plan.jobs.enumerated() {
            let shard = try MicroscalingQuantization.quantizeFile(
                sources[index], selected: selected[index], outputPath: job.output, format: format, file: plan.format,
                globalScales: globals, overwrite: overwrite, compressed: compressed, run: run)
            report.entries += shard.entries
            report.kept += shard.kept
        }
        let config = plan.format == .npz ? nil : MicroscalingConfig(format: format, tensors: sources.flatMap(\.tensors),
                                                                    quantized: Set(selected.joined().map(\.name)), roles: roles)
        let outputs = zip(sources, selected).map {
            MicroscalingQuantization.outputTensors($0, selected: $1, format: format, file: plan.format)
        }
        try writeCompanions(of: plan, configUpdate: config, outputTensors: outputs, overwrite: overwrite, run: run)
        run.keep()
        return report
    } catch {
        run.undo()
        throw error
    }
}

/// What `quantizeMicroscaledCheckpoint` would write for `plan` (see `MicroscalingPlan`): every
/// shard opened and its weights checked as the run checks them, nothing read beyond the
/// headers and nothing written.
public func planMicroscaledCheckpoint(plan: ShardPlan, format: MicroscalingFormat, roles: ModuleRoles) throws -> MicroscalingPlan {
    let sources = try plan.jobs.map { try openTensorSource(path: $0.input) }
    let selected = try sources.map { try MicroscalingQuantization.selected($0, format: format, roles: roles) }
    let fused = MicroscalingFusion.groups(selected.joined().map(\.name))
    var report = MicroscalingPlan(format: format, weights: [], kept: [], outputs: [])
    for (index, job) in plan.jobs.enumerated() {
        report.add(tensors: sources[index].tensors, selected: selected[index], fusedGroups: fused, output: job.output)
    }
    report.outputs += plan.companions.map(\.output) + (plan.index.map { [$0.output] } ?? [])
    return report
}
