/// A transformer's float weights with every Linear weight a microscaling format quantizes
/// (`MicroscalingQuantization`'s selection: role `.linear`, the output head left out) replaced
/// by its microscaled codes, read back dequantized: what `quantize eval FOLDER --scheme
/// nvfp4 | mxfp4 | mxfp8` runs without writing anything. The codes, scales and NVFP4's fused
/// global scales are those `quantize FOLDER --scheme F` writes (`MicroscaledTensor.quantize`);
/// each quantized Linear runs in float on `decode(code) · d` (`MicroscaledTensor.dequantized`),
/// as a loader that dequantizes (transformers' `CompressedTensorsConfig(dequantize=True)`) runs it.
public struct MicroscaledWeights: TransformerWeights {
    public let float: CheckpointWeights
    public let format: MicroscalingFormat
    /// The quantized weights, by tensor name.
    public let quantized: [String: MicroscaledTensor]
    /// NVFP4: each weight's partners in its fused global scale (q/k/v, gate/up), by tensor name.
    public let fusedWith: [String: [String]]

    /// Quantizes the Linear weights of `float` that `roles` names to `format`.
    ///
    /// - Throws: `FileError` naming the tensor for a row that is not whole groups
    ///   (`MicroscalingError`), or the float weights' errors (NaN, infinity, unreadable).
    public init(float: CheckpointWeights, format: MicroscalingFormat, roles: ModuleRoles) throws {
        self.float = float
        self.format = format
        let selected = try MicroscalingQuantization.selected(float.tensors, path: float.path, format: format, roles: roles)
        var amax: [String: Float] = [:]
        if format.hasGlobalScale {
            for info in selected { amax[info.name] = try float.floatTensor(info.name).values.reduce(0) { Swift.max($0, $1.magnitude) } }
        }
        let globals = MicroscalingQuantization.globalScales(amax: amax, order: selected.map(\.name))
        var quantized: [String: MicroscaledTensor] = [:]
        for info in selected {
            let values = try float.floatTensor(info.name).values
            do {
                quantized[info.name] = try MicroscaledTensor.quantize(values, shape: info.shape, format: format,
                                                                      globalScale: globals[info.name]?.scale)
            } catch {
                throw FileError(path: float.path, member: info.name, error)
            }
        }
        self.quantized = quantized
        fusedWith = globals.mapValues(\.fusedWith)
    }

    /// What each quantized Linear stores (`MicroscalingFormat.storedDescription`, as `inspect` and a
    /// written checkpoint's reader name it), by prefix (`encoder.layer.0.attention.self.query`).
    public var dequantizedFormats: [String: String] {
        Dictionary(uniqueKeysWithValues: quantized.keys.map { (String($0.dropLast(".weight".count)), format.storedDescription) })
    }

    public func contains(_ name: String) -> Bool {
        float.contains(name)
    }

    /// The quantized weight `prefix.weight` dequantized, with the float bias; a float layer otherwise.
    public func linear(_ prefix: String) throws -> NetworkLayer {
        guard let weight = quantized[prefix + ".weight"] else { return try float.linear(prefix) }
        let bias = float.contains(prefix + ".bias") ? try float.floatTensor(prefix + ".bias").values : nil
        return .float(Linear(weight: weight.dequantized(), bias: bias, outFeatures: weight.rows, inFeatures: weight.columns))
    }

    public func floatTensor(_ name: String) throws -> (values: [Float], shape: [Int]) {
        guard let tensor = quantized[name] else { return try float.floatTensor(name) }
        return (tensor.dequantized(), [tensor.rows, tensor.columns])
    }

    /// Bytes of tensor data as `quantize FOLDER --scheme F` stores them: each quantized weight's
    /// codes, scales and global scale (4 bytes), every other tensor of `model` as it is.
    public func storedByteCount(model: [TensorInfo]) -> Int {
        model.reduce(0) { total, info in
            guard let tensor = quantized[info.name] else { return total + info.storedByteCount }
            return total + tensor.codes.count + tensor.scales.count + (tensor.globalScale == nil ? 0 : 4)
        }
    }
}
