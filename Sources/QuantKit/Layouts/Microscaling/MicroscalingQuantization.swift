import Foundation

/// Writes a safetensors file in a microscaling format (`MicroscalingFormat`), as
/// compressed-tensors' `ModelCompressor` writes it: every Linear weight of `source`
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
        let selected = source.tensors.filter { roles.role(of: $0) == .linear }
        for info in selected where info.shape[1] % format.groupSize != 0 {
            throw FileError(path: source.path, member: info.name,
                            MicroscalingError.rowNotMultipleOfGroup(columns: info.shape[1], groupSize: format.groupSize))
        }
        return selected
    }

    /// Each NVFP4 weight's global scale (fused groups share the smallest) and its fused partners.
    static func globalScales(_ source: any TensorSource, _ selected: [TensorInfo]) throws
        -> [String: (scale: Float, fusedWith: [String])] {
        var amax: [String: Float] = [:]
        for info in selected {
            amax[info.name] = try source.load(info.name).floatValues()!.reduce(0) { Swift.max($0, $1.magnitude) }
        }
        var scales = amax.mapValues { (scale: MicroscaledTensor.globalScale(amax: $0), fusedWith: [String]()) }
        for group in MicroscalingFusion.groups(selected.map(\.name)) {
            let shared = MicroscaledTensor.fusedGlobalScale(amaxes: group.map { amax[$0]! })
            for name in group { scales[name] = (shared, group.filter { $0 != name }) }
        }
        return scales
    }

    /// The members a quantized weight `info` becomes, codes first.
    static func members(of info: TensorInfo, format: MicroscalingFormat) -> [TensorInfo] {
        let (rows, columns) = (info.shape[0], info.shape[1])
        let base = String(info.name.dropLast(".weight".count))
        let scale = TensorInfo(name: base + ".weight_scale", dtype: format == .nvfp4 ? .float8E4M3FN : .uint8,
                               shape: [rows, columns / format.groupSize])
        switch format {
        case .mxfp8: return [TensorInfo(name: info.name, dtype: .float8E4M3FN, shape: info.shape), scale]
        case .mxfp4: return [TensorInfo(name: base + ".weight_packed", dtype: .uint8, shape: [rows, columns / 2]), scale]
        case .nvfp4:
            return [TensorInfo(name: base + ".weight_packed", dtype: .uint8, shape: [rows, columns / 2]), scale,
                    TensorInfo(name: base + ".weight_global_scale", dtype: .float32, shape: [1])]
        }
    }

    /// Quantizes `source` to `format` and writes `outputPath` (see the type).
    public static func quantizeFile(_ source: any TensorSource, outputPath: String, format: MicroscalingFormat, roles: ModuleRoles,
                                    overwrite: Bool) throws -> MicroscalingReport {
        let selected = try selected(source, format: format, roles: roles)
        let globals = format == .nvfp4 ? try globalScales(source, selected) : [:]
        let chosen = Set(selected.map(\.name))
        let infos = source.tensors.flatMap { chosen.contains($0.name) ? members(of: $0, format: format) : [$0] }
        let output = try AtomicOutput(destination: outputPath, overwrite: overwrite, inputs: [source.path])
        defer { output.discard() }
        let writer = try OutputFormat.safetensors.makeWriter(path: output.temporaryPath, displayPath: outputPath, tensors: infos,
                                                             record: nil)
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
            try write(tensor, members: members(of: info, format: format), to: writer)
            report.entries.append(entry(info, tensor, values, fusedWith: globals[info.name]?.fusedWith ?? []))
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
