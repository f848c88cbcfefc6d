/// What an importance matrix did in a GGUF run: the file as recorded, and which quantized
/// tensors were weighted and which were not, with why.
public struct GGUFImportanceReport: Sendable, Encodable {
    public struct TensorUse: Sendable, Encodable, Equatable {
        public let tensor: String
        public let use: String
    }

    /// The importance matrix's path, as recorded in `quantize.imatrix.file`.
    public let file: String
    /// Per quantized tensor, in output order: `weighted`, or why not.
    public let tensors: [TensorUse]
    public let weightedCount: Int

    public init(_ plan: GGUFImportancePlan, recordedPath: String) {
        file = recordedPath
        tensors = plan.uses.map { TensorUse(tensor: $0.tensor, use: $0.use.rawValue) }
        weightedCount = plan.uses.filter { $0.use == .weighted }.count
    }

    /// One line for the count, then one per tensor quantized without importance weights.
    public func renderedLines() -> String {
        let unweighted = tensors.filter { $0.use != GGUFImportancePlan.Use.weighted.rawValue }
        return "importance matrix \(file): \(weightedCount) tensors quantized with importance weights, "
            + "\(unweighted.count) without\n" + unweighted.map { "without importance: \($0.tensor): \($0.use)\n" }.joined()
    }
}
