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

    /// Quantizes `float` in memory under `rules`, as `quantize` would write it: `method` runs
    /// through `NetworkQuantization` (on the `calibration` rows captured with `activation`, when
    /// given), and a bias the rules select but the method left alone is rounded to nearest and
    /// dequantized back to float32, as `quantize` streams it.
    public init(float: FloatNetwork, rules: SelectionRules, path: String, method: any QuantizationMethod = RoundToNearest(),
                calibration: EvaluationData? = nil, activation: Activation = .relu) throws {
        let run = try NetworkQuantization(float: float, rules: rules, path: path, method: method, calibration: calibration,
                                          activation: activation)
        let floatBytes = Dictionary(float.tensorInfos.map { ($0.name, $0.storedByteCount) }, uniquingKeysWith: { first, _ in first })
        var layers: [NetworkLayer] = []
        var bytes = 0
        for (description, linear) in zip(float.layout.layers, float.layers) {
            var bias = linear.bias
            if let name = description.biasName, let values = linear.bias {
                switch run.tensors[name] {
                case .quantized(let quantized, _)?:
                    (bias, bytes) = (quantized.dequantized(), bytes + quantized.storedByteCount)
                case .float(let changed)?:
                    (bias, bytes) = (changed, bytes + (floatBytes[name] ?? 0))
                case .quantizedWhenRead?, nil:
                    let rounded = try (run.schemes[name] ?? nil).map { try quantize(values, shape: [values.count], scheme: $0) }
                    bias = rounded?.dequantized() ?? bias
                    bytes += rounded?.storedByteCount ?? floatBytes[name] ?? 0
                }
            }
            if case .quantized(let weight, _)? = run.tensors[description.weightName] {
                layers.append(.quantized(QuantizedLinear(weight: weight, bias: bias)))
                bytes += weight.storedByteCount
            } else {
                var weight = linear.weight
                if case .float(let values)? = run.tensors[description.weightName] { weight = values }
                layers.append(.float(Linear(weight: weight, bias: bias, outFeatures: linear.outFeatures, inFeatures: linear.inFeatures)))
                bytes += floatBytes[description.weightName] ?? 0
            }
        }
        self.layers = layers
        self.schemes = float.layout.layers.map { run.schemes[$0.weightName] ?? nil }
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
            bytes += (archive.source as? any BlockQuantizedSource)?.storedBlocks(of: name)?.byteCount ?? info.storedByteCount
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
