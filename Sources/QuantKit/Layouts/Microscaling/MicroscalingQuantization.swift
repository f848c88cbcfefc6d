import Foundation

/// Writes a safetensors file in a microscaling format (`MicroscalingFormat`), as
/// compressed-tensors' `ModelCompressor` writes it (or an `.npz` of the same members as uint8,
/// with a `__microscaling__` record, `MicroscalingRecord`), one shard of a run
/// (`quantizeMicroscaledCheckpoint`): every Linear weight of `source`
/// (`ModuleRoles`: role `.linear`, as the presets' `targets: ["Linear"]` with the output head
/// left out, as llm-compressor's recipes ignore `lm_head`) becomes its members
/// (`M.weight_packed` + `M.weight_scale` [+ `M.weight_global_scale`], or MXFP8's `M.weight` +
/// `M.weight_scale`), computed by `MicroscaledTensor.quantize` with NVFP4's fused global scales
/// (`MicroscalingFusion`); every other tensor is copied as it is and listed in the report.
/// A Linear weight whose rows are not whole groups, or that holds NaN or infinity, stops the run
/// before anything is written (`FileError` naming the tensor); the output goes through
/// `AtomicOutput`.
public enum MicroscalingQuantization {
    /// The weights `format` quantizes in `source`, in file order, each checked.
    static func selected(_ source: any TensorSource, format: MicroscalingFormat, roles: ModuleRoles) throws -> [TensorInfo] {
        try selected(source.tensors, path: source.path, format: format, roles: roles)
    }

    /// The weights `format` quantizes among `tensors` (of the file or folder `path`), in order, each checked.
    static func selected(_ tensors: [TensorInfo], path: String, format: MicroscalingFormat, roles: ModuleRoles) throws -> [TensorInfo] {
        let selected = tensors.filter { roles.role(of: $0) == .linear }
        for info in selected where info.shape[1] % format.groupSize != 0 {
            throw FileError(path: path, member: info.name,
                            MicroscalingError.rowNotMultipleOfGroup(columns: info.shape[1], groupSize: format.groupSize))
        }
        return selected
    }

    /// Each NVFP4 weight's global scale and its fused partners, over the weights `selected` of
    /// every shard (`sources`, each with its selection): fused groups share the smallest scale,
    /// also when their members lie in different shards.
    static func globalScales(_ shards: [(source: any TensorSource, selected: [TensorInfo])]) throws
        -> [String: GlobalScale] {
        var amax: [String: Float] = [:]
        for (source, selected) in shards {
            for info in selected {
                amax[info.name] = try source.load(info.name).floatValues()!.reduce(0) { Swift.max($0, $1.magnitude) }
            }
        }
        return globalScales(amax: amax, order: shards.flatMap { $0.selected.map(\.name) })
    }

    /// The global scales of weights whose largest magnitudes are `amax` (by name; `order` lists
    /// the names in checkpoint order): each its own, `MicroscaledTensor.globalScale(amax:)`, and
    /// the smallest of its group's for the members of a fused group (`MicroscalingFusion`).
    static func globalScales(amax: [String: Float], order: [String]) -> [String: GlobalScale] {
        var scales = amax.mapValues { GlobalScale(scale: MicroscaledTensor.globalScale(amax: $0), fusedWith: []) }
        for group in MicroscalingFusion.groups(order) {
            let shared = MicroscaledTensor.fusedGlobalScale(amaxes: group.map { amax[$0]! })
            for name in group { scales[name] = GlobalScale(scale: shared, fusedWith: group.filter { $0 != name }) }
        }
        return scales
    }

    /// An NVFP4 weight's global scale and the weights that share it.
    struct GlobalScale: Sendable {
        var scale: Float
        var fusedWith: [String]
    }

    /// The tensors `source` becomes in `file`: each selected weight's members
    /// (`members(of:format:file:)`) in its place, every other tensor as it is (and, in `.npz`,
    /// the `__microscaling__` record last).
    static func outputTensors(_ source: any TensorSource, selected: [TensorInfo], format: MicroscalingFormat,
                              file: OutputFormat) -> [TensorInfo] {
        let chosen = Set(selected.map(\.name))
        return source.tensors.flatMap { chosen.contains($0.name) ? members(of: $0, format: format, file: file) : [$0] }
            + (file == .npz ? [TensorInfo(name: MicroscalingRecord.memberName, dtype: .uint8, shape: [record(selected, format).count])] : [])
    }

    /// The `__microscaling__` record's bytes naming `selected`'s format (`MicroscalingRecord`).
    static func record(_ selected: [TensorInfo], _ format: MicroscalingFormat) -> [UInt8] {
        MicroscalingRecord(tensors: selected.map { .init(name: $0.name, format: format.rawValue, shape: $0.shape) }).encoded()
    }

    /// The members a quantized weight `info` becomes in `file`, codes first; E4M3 bytes are
    /// F8_E4M3 in safetensors, uint8 in `.npz` (NumPy has no float8).
    static func members(of info: TensorInfo, format: MicroscalingFormat, file: OutputFormat) -> [TensorInfo] {
        let (rows, columns) = (info.shape[0], info.shape[1])
        let base = String(info.name.dropLast(".weight".count))
        let e4m3: DType = file == .safetensors ? .float8E4M3FN : .uint8
        let scale = TensorInfo(name: base + ".weight_scale", dtype: format == .nvfp4 ? e4m3 : .uint8,
                               shape: [rows, columns / format.groupSize])
        switch format {
        case .mxfp8: return [TensorInfo(name: info.name, dtype: e4m3, shape: info.shape), scale]
        case .mxfp4: return [TensorInfo(name: base + ".weight_packed", dtype: .uint8, shape: [rows, columns / 2]), scale]
        case .nvfp4:
            return [TensorInfo(name: base + ".weight_packed", dtype: .uint8, shape: [rows, columns / 2]), scale,
                    TensorInfo(name: base + ".weight_global_scale", dtype: .float32, shape: [1])]
        }
    }

    /// Quantizes the `selected` weights of `source` (`selected(_:format:roles:)`) to `format`
    /// and writes `outputPath` (see the type), recorded in `run`; NVFP4 takes each weight's
    /// global scale from `globalScales` (the checkpoint's, `globalScales(_:)`).
    static func quantizeFile(_ source: any TensorSource, selected: [TensorInfo], outputPath: String, format: MicroscalingFormat,
                             file: OutputFormat, globalScales globals: [String: GlobalScale], overwrite: Bool,
                             compressed: Bool = false, run: OutputRun) throws -> MicroscalingReport {
        let chosen = Set(selected.map(\.name))
        let output = try AtomicOutput(destination: outputPath, overwrite: overwrite, inputs: [source.path], run: run)
        defer { output.discard() }
        let writer = try file.makeWriter(path: output.temporaryPath, displayPath: outputPath,
                                         tensors: outputTensors(source, selected: selected, format: format, file: file), record: nil,
                                         compressed: compressed)
        var report = MicroscalingReport(format: format, entries: [], kept: [])
        for info in source.tensors {
            guard chosen.contains(info.name) else {
                try writer.add(name: info.name, dtype: info.dtype, shape: info.shape) { write in
                    try source.copy(info.name, pieceSize: MemoryCost.pieceSize) { try write($0) }
                }
                report.kept.append(info.name)
                continue
            }
            let values = try source.load(info.name).floatValues()!
            let tensor: MicroscaledTensor
            do {
                tensor = try MicroscaledTensor.quantize(values, shape: info.shape, format: format, globalScale: globals[info.name]?.scale)
            } catch {
                throw FileError(path: source.path, member: info.name, error)
            }
            try write(tensor, members: members(of: info, format: format, file: file), to: writer)
            report.entries.append(entry(info, tensor, values, fusedWith: globals[info.name]?.fusedWith ?? []))
        }
        if file == .npz {
            let record = record(selected, format)
            try writer.add(name: MicroscalingRecord.memberName, tensor: Tensor(dtype: .uint8, shape: [record.count], bytes: record))
        }
        try writer.finish()
        try output.commit()
        return report
    }

    static func write(_ tensor: MicroscaledTensor, members: [TensorInfo], to writer: any TensorFileWriter) throws {
        try writer.add(name: members[0].name, tensor: Tensor(dtype: members[0].dtype, shape: members[0].shape, bytes: tensor.codes))
        try writer.add(name: members[1].name, tensor: Tensor(dtype: members[1].dtype, shape: members[1].shape, bytes: tensor.scales))
        if let global = tensor.globalScale {
            try writer.add(name: members[2].name, tensor: Tensor(shape: [1], values: [global]))
        }
    }

    static func entry(_ info: TensorInfo, _ tensor: MicroscaledTensor, _ values: [Float], fusedWith: [String]) -> MicroscalingReport.Entry {
        let restored = tensor.dequantized()
        var (signal, noise) = (0.0, 0.0)
        for (x, y) in zip(values, restored) {
            signal += Double(x) * Double(x)
            noise += (Double(x) - Double(y)) * (Double(x) - Double(y))
        }
        let count = Swift.max(values.count, 1)
        return MicroscalingReport.Entry(name: info.name, shape: info.shape, bitsPerWeight: tensor.format.bitsPerWeight(elements: values.count),
                                        mse: noise / Double(count), sqnrDB: noise == 0 ? .infinity : 10 * log10(signal / noise),
                                        globalScale: tensor.globalScale, fusedWith: fusedWith)
    }
}
