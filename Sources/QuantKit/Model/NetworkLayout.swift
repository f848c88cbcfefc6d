/// The layers of an MLP as its tensor names describe them: each layer is a 2-D floating
/// tensor `PREFIX.weight` (`[out, in]`, PyTorch's `Linear` layout) with an optional 1-D
/// `PREFIX.bias` (`[out]`), ordered by the natural order of the prefixes (`fc2` before `fc10`).
/// Each layer's input width must be the previous layer's output width.
public struct NetworkLayout: Sendable, Equatable {
    public struct Layer: Sendable, Equatable {
        /// `fc1` for `fc1.weight`.
        public let prefix: String
        public let weightName: String
        public let biasName: String?
        public let outFeatures: Int
        public let inFeatures: Int

        /// `fc1 (64 -> 128)`.
        public var summary: String { "\(prefix) (\(inFeatures) -> \(outFeatures))" }
    }

    public let layers: [Layer]
    /// Tensors that are not part of any layer (norms, embeddings, ...), in file order.
    public let ignored: [String]

    public var inFeatures: Int { layers[0].inFeatures }
    public var outFeatures: Int { layers[layers.count - 1].outFeatures }

    /// Infers the layers from `tensors`, refusing a model without layers, a bias whose shape
    /// is not `[out]`, and layers whose widths do not chain.
    public init(tensors: [TensorInfo]) throws(NetworkError) {
        let byName = Dictionary(tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var layers: [Layer] = []
        for info in tensors where info.name.hasSuffix(".weight") && info.shape.count == 2 && info.dtype.isFloatingPoint {
            let prefix = String(info.name.dropLast(".weight".count))
            let biasName = prefix + ".bias"
            let bias = byName[biasName]
            if let bias, bias.shape != [info.shape[0]] || !bias.dtype.isFloatingPoint {
                throw .badBias(name: biasName, shape: bias.shape, dtype: bias.dtype, expected: [info.shape[0]])
            }
            layers.append(Layer(prefix: prefix, weightName: info.name, biasName: bias == nil ? nil : biasName,
                                outFeatures: info.shape[0], inFeatures: info.shape[1]))
        }
        guard !layers.isEmpty else {
            throw byName[NPZLayout.metadataName] == nil ? .noLayers : .quantizedArchive
        }
        layers.sort { naturallyPrecedes($0.prefix, $1.prefix) }
        for index in layers.indices.dropFirst() where layers[index].inFeatures != layers[index - 1].outFeatures {
            throw .brokenChain(chain: layers.map(\.summary), layer: layers[index].prefix, takes: layers[index].inFeatures,
                               previous: layers[index - 1].prefix, gives: layers[index - 1].outFeatures)
        }
        let used = Set(layers.flatMap { [$0.weightName] + ($0.biasName.map { [$0] } ?? []) })
        self.layers = layers
        self.ignored = tensors.map(\.name).filter { !used.contains($0) }
    }
}

/// Why a set of tensors is not an MLP.
public enum NetworkError: Error, Equatable, Sendable, CustomStringConvertible {
    case noLayers
    /// The tensors are a quantized archive, not a float model.
    case quantizedArchive
    case badBias(name: String, shape: [Int], dtype: DType, expected: [Int])
    /// `chain` lists every layer as `prefix (in -> out)`; `layer` does not take what `previous` gives.
    case brokenChain(chain: [String], layer: String, takes: Int, previous: String, gives: Int)

    public var description: String {
        switch self {
        case .noLayers:
            "no layers: an MLP needs 2-D floating tensors named PREFIX.weight ([out, in])"
        case .quantizedArchive:
            "this is a quantized archive, not a float model; evaluate it as 'quantize eval MODEL ARCHIVE'"
        case .badBias(let name, let shape, let dtype, let expected):
            "'\(name)' is \(dtype.rawValue) \(formatShape(shape)); a bias must be floating with shape \(formatShape(expected))"
        case .brokenChain(let chain, let layer, let takes, let previous, let gives):
            "the layers do not chain: \(chain.joined(separator: ", ")); '\(layer)' takes \(takes) inputs "
                + "but '\(previous)' gives \(gives)"
        }
    }
}
