/// Where a transformer's forward pass gets its weights: the float checkpoint, or a quantized output of it.
public protocol TransformerWeights: Sendable {
    /// The Linear layer stored as `prefix + ".weight"` ([out, in]) and, when present, `prefix + ".bias"`.
    func linear(_ prefix: String) throws -> NetworkLayer
    /// A tensor that stays in float (embeddings, norms, biases of non-Linear modules), as float32, row-major.
    func floatTensor(_ name: String) throws -> (values: [Float], shape: [Int])
    /// Whether a tensor of this name exists (optional biases, untied heads).
    func contains(_ name: String) -> Bool
}
