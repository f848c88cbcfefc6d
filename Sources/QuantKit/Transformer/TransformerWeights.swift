/// Where a transformer's forward pass gets its weights: the float checkpoint, or a quantized output of it.
public protocol TransformerWeights: Sendable {
    /// The Linear layer stored as `prefix + ".weight"` ([out, in]) and, when present, `prefix + ".bias"`.
    func linear(_ prefix: String) throws -> NetworkLayer
    /// A tensor that stays in float (embeddings, norms, biases of non-Linear modules), as float32, row-major.
    func floatTensor(_ name: String) throws -> (values: [Float], shape: [Int])
    /// Whether a tensor of this name exists (optional biases, untied heads).
    func contains(_ name: String) -> Bool
}

extension TransformerWeights {
    /// The first of `prefixes` (e.g. `["bert.", ""]`) under which `probe` exists, as transformers
    /// accepts a checkpoint saved from `BertModel` (no prefix) or from a `BertFor*` class
    /// (`bert.`); nil when `probe` exists under none of them.
    func modulePrefix(of probe: String, among prefixes: [String]) -> String? {
        prefixes.first { contains($0 + probe) }
    }

    /// `floatTensor(name)`, refused unless its shape is `shape`.
    func floatTensor(_ name: String, shape: [Int]) throws -> [Float] {
        let tensor = try floatTensor(name)
        guard tensor.shape == shape else { throw TransformerError.tensorShape(tensor: name, expected: shape, found: tensor.shape) }
        return tensor.values
    }

    /// `linear(prefix)` as a module of the forward pass, refused unless it maps `inFeatures` to
    /// `outFeatures` and has a bias when `bias` says it must.
    func linearModule(_ prefix: String, inFeatures: Int, outFeatures: Int, bias: Bool) throws -> TransformerLinear {
        let module = TransformerLinear(prefix: prefix, layer: try linear(prefix))
        guard module.inFeatures == inFeatures, module.outFeatures == outFeatures else {
            throw TransformerError.tensorShape(tensor: prefix + ".weight", expected: [outFeatures, inFeatures],
                                               found: [module.outFeatures, module.inFeatures])
        }
        if bias, !module.hasBias { throw TransformerError.missingTensor(prefix + ".bias") }
        return module
    }
}
