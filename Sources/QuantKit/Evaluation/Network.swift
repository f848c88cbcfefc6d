/// Which arithmetic runs a quantized layer: `dequant` dequantizes the weights and multiplies in
/// float32 (the textbook `QuantizedLinear`); `int8` quantizes each input row to int8 on the fly
/// and multiplies integers with int32 accumulation (`QuantizedLinear.forwardInt8`).
public enum ComputePath: String, CaseIterable, Sendable, Codable {
    case dequant, int8
}

/// Why a network cannot run on a compute path.
public enum ComputePathError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A layer's weight has group-wise scales, which change along each dot product.
    case groupWiseWeightsInInt8

    public var description: String {
        "group-wise scales and float16 outlier columns change along each dot product, so the int8 path cannot run them"
    }
}

/// One layer of a network under evaluation: kept in float, or quantized.
public enum NetworkLayer: Sendable {
    case float(Linear)
    case quantized(QuantizedLinear)

    /// `x · Wᵀ + b` for `batch` rows; a float layer ignores `compute`.
    public func forward(_ x: [Float], batch: Int, compute: ComputePath) -> [Float] {
        switch (self, compute) {
        case (.float(let layer), _): layer.forward(x, batch: batch)
        case (.quantized(let layer), .dequant): layer.forward(x, batch: batch)
        case (.quantized(let layer), .int8): layer.forwardInt8(x, batch: batch)
        }
    }
}

/// An MLP read from a tensor file (see `NetworkLayout`), in float32.
public struct FloatNetwork: Sendable {
    public let layout: NetworkLayout
    public let layers: [Linear]
    /// The weight and bias tensors as the file describes them, layer by layer.
    public let tensorInfos: [TensorInfo]
    /// Parameter bytes at their stored dtypes.
    public var byteCount: Int { tensorInfos.reduce(0) { $0 + $1.storedByteCount } }

    /// Reads the layers of `source` (float16 and float64 become float32), refusing NaN and infinity.
    public init(source: any TensorSource) throws {
        do {
            layout = try NetworkLayout(tensors: source.tensors)
        } catch {
            throw FileError(path: source.path, error)
        }
        let infos = Dictionary(source.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var layers: [Linear] = []
        var tensorInfos: [TensorInfo] = []
        for layer in layout.layers {
            let weight = try loadFiniteValues(of: layer.weightName, in: source)
            let bias = try layer.biasName.map { try loadFiniteValues(of: $0, in: source) }
            layers.append(Linear(weight: weight, bias: bias, outFeatures: layer.outFeatures, inFeatures: layer.inFeatures))
            tensorInfos += [layer.weightName, layer.biasName].compactMap { $0.flatMap { infos[$0] } }
        }
        self.layers = layers
        self.tensorInfos = tensorInfos
    }
}

/// The float32 values of the floating tensor `name` of `source`, refusing NaN and infinity.
func loadFiniteValues(of name: String, in source: any TensorSource) throws -> [Float] {
    let tensor = try source.load(name)
    let values = tensor.floatValues()!
    do {
        try NonFiniteValue.check(values, shape: tensor.shape, storedDType: tensor.dtype)
    } catch {
        throw FileError(path: source.path, member: name, error)
    }
    return values
}

/// The quantized counterpart of a `FloatNetwork`: each layer's weight quantized (or kept), its
/// bias kept, or quantized and dequantized back to float32 when the rules select it.
public struct QuantizedNetwork: Sendable {
    public let layers: [NetworkLayer]
    /// The weight scheme of each layer; nil where the weight is kept in float.
    public let schemes: [QuantScheme?]
    /// Parameter bytes as stored: codes, scales and zero points of quantized tensors, the
    /// data of the others.
    public let byteCount: Int

    /// Whether every quantized layer can run on the int8 path (see `QuantizedLinear.runsInInt8`).
    public var runsInInt8: Bool {
        layers.allSatisfy { layer in
            if case .quantized(let linear) = layer { linear.runsInInt8 } else { true }
        }
    }

    /// Quantizes `float` in memory under `rules`, as `quantize` would write it; `method`s other
    /// than `rtn` run on the `calibration` rows (see `CalibratedQuantization`).
    public init(float: FloatNetwork, rules: SelectionRules, path: String, method: QuantizationMethod = .rtn,
                calibration: EvaluationData? = nil, activation: Activation = .relu, gptq: GPTQOptions = GPTQOptions(),
                keepOutliers: Float? = nil) throws {
        let plan: QuantizationPlan
        do {
            plan = try QuantizationPlan(tensors: float.tensorInfos, rules: rules)
        } catch {
            throw FileError(path: path, error)
        }
        let schemes = Dictionary(plan.steps.map { ($0.tensor.name, $0.scheme) }, uniquingKeysWith: { first, _ in first })
        let floatBytes = Dictionary(float.tensorInfos.map { ($0.name, $0.storedByteCount) }, uniquingKeysWith: { first, _ in first })
        let weightSchemesByLayer = float.layout.layers.map { schemes[$0.weightName] ?? nil }
        let calibrated: CalibratedQuantization? = try calibration.map {
            try CalibratedQuantization(float: float, schemes: weightSchemesByLayer, method: method, calibration: $0,
                                       activation: activation, gptq: gptq, keepOutliers: keepOutliers)
        }
        var layers: [NetworkLayer] = []
        var weightSchemes: [QuantScheme?] = []
        var bytes = 0
        for (index, (description, linear)) in zip(float.layout.layers, float.layers).enumerated() {
            let shape = [linear.outFeatures, linear.inFeatures]
            let floatWeight = calibrated?.floatWeights[index] ?? linear.weight
            var bias = calibrated?.biases[index] ?? linear.bias
            if let name = description.biasName, let scheme = schemes[name] ?? nil, let values = bias {
                let quantized = try quantize(values, shape: [values.count], scheme: scheme)
                bias = quantized.dequantized()
                bytes += quantized.storedByteCount
            } else if let name = description.biasName {
                bytes += floatBytes[name] ?? 0
            }
            if let scheme = schemes[description.weightName] ?? nil {
                let weight = try calibrated?.weights[index] ?? quantize(floatWeight, shape: shape, scheme: scheme)
                layers.append(.quantized(QuantizedLinear(weight: weight, bias: bias)))
                bytes += weight.storedByteCount
            } else {
                layers.append(.float(Linear(weight: floatWeight, bias: bias, outFeatures: shape[0], inFeatures: shape[1])))
                bytes += floatBytes[description.weightName] ?? 0
            }
            weightSchemes.append(schemes[description.weightName] ?? nil)
        }
        self.layers = layers
        self.schemes = weightSchemes
        self.byteCount = bytes
    }

    /// Reads the layers of `float` from `archive`, which must hold every weight and bias with
    /// the model's shape, quantized (a metadata entry) or not.
    public init(float: FloatNetwork, archive: QuantizedArchive) throws {
        let entries = Dictionary((archive.metadata?.tensors ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let infos = Dictionary(archive.source.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let path = archive.source.path
        var layers: [NetworkLayer] = []
        var schemes: [QuantScheme?] = []
        var bytes = 0
        /// The float32 values of `name`, dequantized when the archive quantized it.
        func values(_ name: String, shape: [Int]) throws -> (values: [Float], quantized: QuantizedTensor?) {
            if let entry = entries[name] {
                guard entry.shape == shape else {
                    throw FileError(path: path, ArchiveMismatch.shape(tensor: name, model: shape, archive: entry.shape))
                }
                let quantized = try archive.loadQuantized(entry)
                bytes += archive.storedByteCount(of: entry)
                return (quantized.dequantized(), quantized)
            }
            guard let info = infos[name], info.dtype.isFloatingPoint else {
                throw FileError(path: path, ArchiveMismatch.missing(tensor: name))
            }
            guard info.shape == shape else {
                throw FileError(path: path, ArchiveMismatch.shape(tensor: name, model: shape, archive: info.shape))
            }
            bytes += info.storedByteCount
            return (try loadFiniteValues(of: name, in: archive.source), nil)
        }
        for description in float.layout.layers {
            let shape = [description.outFeatures, description.inFeatures]
            let weight = try values(description.weightName, shape: shape)
            let bias = try description.biasName.map { try values($0, shape: [description.outFeatures]).values }
            if let quantized = weight.quantized {
                layers.append(.quantized(QuantizedLinear(weight: quantized, bias: bias)))
            } else {
                layers.append(.float(Linear(weight: weight.values, bias: bias, outFeatures: shape[0], inFeatures: shape[1])))
            }
            schemes.append(weight.quantized?.scheme)
        }
        self.layers = layers
        self.schemes = schemes
        self.byteCount = bytes
    }
}

/// How a quantized archive fails to match the model it is evaluated against.
public enum ArchiveMismatch: Error, Equatable, Sendable, CustomStringConvertible {
    case missing(tensor: String)
    case shape(tensor: String, model: [Int], archive: [Int])

    public var description: String {
        switch self {
        case .missing(let tensor):
            "does not match the model: it has no floating or quantized '\(tensor)'"
        case .shape(let tensor, let model, let archive):
            "does not match the model: '\(tensor)' is \(formatShape(archive)) here but \(formatShape(model)) in the model"
        }
    }
}
