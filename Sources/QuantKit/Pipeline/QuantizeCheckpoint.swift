import Foundation

/// Runs `plan`: every shard through `quantizeFile` in `layout`, then, for a folder, its
/// companions copied, `config.json` given a `quantization_config` (compressed-tensors output)
/// and the safetensors index rewritten for the new tensor names.
///
/// Every shard is opened and planned (headers only) before any is written, so a bad option or
/// a tensor the layout cannot hold fails at once. Each file appears atomically; if any step
/// fails, the files this run already wrote are removed again (and the output folder, if this
/// run created it).
/// - Parameters:
///   - overrides: tensors a whole-network method computed (see `quantizeFile`).
///   - progress: called before each tensor with the shard's index and the bytes of tensor data
///     done in all shards so far.
public func quantizeCheckpoint(
    plan: ShardPlan, rules: SelectionRules, layout: OutputLayout, overwrite: Bool, threads: Int = defaultThreadCount,
    overrides: [String: TensorOverride] = [:],
    progress: ((_ shard: Int, _ step: QuantizeProgress, _ bytesDone: Int) -> Void)? = nil
) throws -> [QuantizationReport] {
    let sources = try plan.jobs.map { try openTensorSource(path: $0.input, threads: threads) }
    let plans = try sources.map { source in
        do {
            return try QuantizationPlan(tensors: source.tensors, rules: rules, layout: layout)
        } catch {
            throw FileError(path: source.path, error)
        }
    }
    let folder = plan.sharded ? URL(fileURLWithPath: plan.jobs[0].output).deletingLastPathComponent().path : nil
    let createdFolder = folder.map { !FileManager.default.fileExists(atPath: $0) } ?? false
    try plan.createOutputFolder()
    var written: [String] = []
    do {
        var reports: [QuantizationReport] = []
        for (index, (job, source)) in zip(plan.jobs, sources).enumerated() {
            let before = reports.reduce(0) { $0 + $1.bytesBefore }
            reports.append(try quantizeFile(source: source, outputPath: job.output, rules: rules, layout: layout,
                                            overwrite: overwrite, threads: threads, overrides: overrides,
                                            progress: progress.map { report in
                                                { report(index, $0, before + $0.bytesDone) }
                                            }))
            written.append(job.output)
        }
        for companion in plan.companions {
            var bytes = try readCompanion(companion.input)
            if companion == plan.config, case .compressedTensors(let format) = layout {
                do {
                    bytes = try compressedTensorsConfig(format: format, plans: plans, roles: rules.moduleRoles).merged(into: bytes)
                } catch {
                    throw FileError(path: companion.input, error)
                }
            }
            try writeAtomically(bytes, to: companion.output, overwrite: overwrite, input: companion.input)
            written.append(companion.output)
        }
        if let index = plan.index {
            try writeAtomically(safetensorsIndex(plan: plan, plans: plans), to: index.output, overwrite: overwrite,
                                input: index.input)
            written.append(index.output)
        }
        return reports
    } catch {
        for path in written { unlink(path) }
        if createdFolder, let folder { try? FileManager.default.removeItem(atPath: folder) }
        throw error
    }
}

/// The `quantization_config` for the modules `plans` quantize and keep: every quantized weight
/// in its scheme's group, every Linear module kept in float (by `roles`; without roles, every
/// 2-D floating weight) in `ignore`.
func compressedTensorsConfig(format: CompressedTensorsFormat, plans: [QuantizationPlan], roles: ModuleRoles?)
    -> CompressedTensorsConfig {
    var config = CompressedTensorsConfig(format: format)
    for step in plans.flatMap(\.steps) where step.tensor.name.hasSuffix(".weight") {
        let module = CompressedTensorsFormat.moduleName(of: step.tensor.name)
        if let scheme = step.scheme {
            config.addQuantized(module: module, scheme: scheme)
        } else if roles.map({ $0.role(of: step.tensor).isLinearClass })
                    ?? (step.tensor.shape.count == 2 && step.tensor.dtype.isFloatingPoint) {
            config.addIgnored(module: module)
        }
    }
    return config
}

/// A `model.safetensors.index.json` for the output shards: every output tensor mapped to its
/// shard's file name, and `metadata.total_size` the bytes of all tensor data.
func safetensorsIndex(plan: ShardPlan, plans: [QuantizationPlan]) -> [UInt8] {
    var map: [String: String] = [:]
    var total = 0
    for (job, shardPlan) in zip(plan.jobs, plans) {
        let file = URL(fileURLWithPath: job.output).lastPathComponent
        for tensor in shardPlan.outputTensors {
            map[tensor.name] = file
            total += tensor.storedByteCount
        }
    }
    let object: [String: Any] = ["metadata": ["total_size": total], "weight_map": map]
    return [UInt8](try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) + [0x0A]
}

private func readCompanion(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw FileError(path: path, FileReadError.systemError(operation: "read", errno: errno))
    }
    return [UInt8](data)
}

/// Writes `bytes` to `path` through an `AtomicOutput`, creating its folder if needed.
private func writeAtomically(_ bytes: [UInt8], to path: String, overwrite: Bool, input: String) throws {
    try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                            withIntermediateDirectories: true)
    let output = try AtomicOutput(destination: path, overwrite: overwrite, inputs: [input])
    defer { output.discard() }
    guard FileManager.default.createFile(atPath: output.temporaryPath, contents: Data(bytes)) else {
        throw OutputError.cannotCreate(path, "cannot write the temporary file")
    }
    try output.commit()
}
