/// What an importance matrix does to each tensor of a GGUF run, decided as llama-quantize's
/// `llama_model_quantize_impl` decides it (llama-quant.cpp):
///
/// - Every tensor it quantizes looks its name up among the entries. An entry must hold
///   `dims[0] · dims[2]` weights (a row's, times the experts of a 3-D tensor), else the run
///   stops naming both lengths; except `token_embd.weight`, quantized then without weights.
/// - The weights reach ggml's quantizer, which uses them for the legacy 4- and 5-bit types and
///   the K-quants (expert `e`'s rows, rows `e · dims[1] ..< (e + 1) · dims[1]`, get weights
///   `e · dims[0] ..< (e + 1) · dims[0]`); q8_0 and the float types ignore them.
/// - Entries that name no quantized tensor are unused (they still count in
///   `quantize.imatrix.entries_count`).
public struct GGUFImportancePlan: Sendable {
    /// What became of the importance matrix for one quantized tensor.
    public enum Use: String, Sendable, Encodable {
        /// Its searches were weighted.
        case weighted
        /// The matrix has no entry of its name.
        case noEntry = "no entry"
        /// Its type ignores importance weights (q8_0, f16, bf16, f32).
        case ignoredByType = "ignored by its type"
        /// The entry's length did not fit the token embedding (llama-quantize goes on without it).
        case lengthIgnored = "entry length ignored (token embedding)"
    }

    /// The weights of each tensor quantized with them, by tensor name.
    public let weights: [String: [Float]]
    /// Per quantized tensor, in output order, what became of the matrix.
    public let uses: [(tensor: String, use: Use)]

    /// The token embeddings (llama.cpp's `tensor_name_match_token_embd`), spared the length
    /// check and the requirement.
    static let tokenEmbeddings: Set<String> = ["token_embd.weight", "per_layer_token_embd.weight"]

    /// The types whose ggml quantizer reads importance weights.
    static let weightedTypes: Set<GGMLType> = [.q4_0, .q4_1, .q5_0, .q5_1, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K]

    /// The plan of `matrix` over the quantized tensors of `plan`.
    ///
    /// - Throws: `GGUFImportanceError.lengthMismatch` for an entry of the wrong length,
    ///   `.tooManyDimensions` for an entry over a 4-D tensor.
    public init(_ plan: GGUFPlan, matrix: ImportanceMatrix) throws(GGUFImportanceError) {
        var weights: [String: [Float]] = [:], uses: [(String, Use)] = []
        for entry in plan.tensors where entry.isQuantized {
            guard let values = matrix.weights[entry.name] else {
                uses.append((entry.name, .noEntry))
                continue
            }
            let expected = entry.dims[0] * (entry.dims.count > 2 ? entry.dims[2] : 1)
            guard values.count == expected else {
                if Self.tokenEmbeddings.contains(entry.name) {
                    uses.append((entry.name, .lengthIgnored))
                    continue
                }
                throw .lengthMismatch(tensor: entry.name, entryLength: values.count, tensorLength: expected)
            }
            guard entry.dims.count < 4 || entry.dims[3] == 1 else { throw .tooManyDimensions(tensor: entry.name) }
            guard Self.weightedTypes.contains(entry.outputType) else {
                uses.append((entry.name, .ignoredByType))
                continue
            }
            weights[entry.name] = values
            uses.append((entry.name, .weighted))
        }
        self.weights = weights
        self.uses = uses
    }

    /// Refuses a run whose file type needs importance weights for a tensor that has none
    /// (llama.cpp's `tensor_requires_imatrix`: every q2_K tensor of a Q2_K_S file but the token
    /// embeddings and `output.weight`; its very-low-bit types are not written here). `weights`:
    /// the tensors that have them.
    public static func checkRequirement(_ plan: GGUFPlan, weights: [String: [Float]]) throws(GGUFImportanceError) {
        guard plan.fileType.name == "Q2_K_S" else { return }
        for entry in plan.tensors where entry.isQuantized && entry.outputType == .q2_K && weights[entry.name] == nil {
            guard tokenEmbeddings.contains(entry.name) || entry.name == "output.weight" else {
                throw .required(tensor: entry.name, type: entry.outputType, fileType: plan.fileType.name)
            }
        }
    }
}

/// Why an importance matrix cannot be used on a GGUF file (one sentence each, after the file
/// and tensor).
public enum GGUFImportanceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An entry whose length is not the tensor's row length (times its experts).
    case lengthMismatch(tensor: String, entryLength: Int, tensorLength: Int)
    /// A 4-D tensor with an entry (llama.cpp indexes its weights by expert, the third dimension).
    case tooManyDimensions(tensor: String)
    /// A tensor whose type needs importance weights (q2_K in a Q2_K_S file), without them.
    case required(tensor: String, type: GGMLType, fileType: String)

    public var tensor: String {
        switch self {
        case .lengthMismatch(let tensor, _, _), .tooManyDimensions(let tensor), .required(let tensor, _, _): tensor
        }
    }

    public var description: String {
        switch self {
        case .lengthMismatch(_, let entryLength, let tensorLength):
            "the importance matrix entry holds \(entryLength) weights, the tensor's rows \(tensorLength) (llama-quantize refuses it too)"
        case .tooManyDimensions:
            "has four dimensions; importance weights are read per expert of a 3-D tensor only"
        case .required(_, let type, let fileType):
            "is quantized to \(type) in a \(fileType) file, which needs an importance matrix (--imatrix), as llama-quantize says"
        }
    }
}
