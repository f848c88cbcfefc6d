/// The type of each tensor in turn (llama-quantize's `llama_tensor_get_type` with this tool's
/// keep patterns and strict mode), carrying the mix's counters from one tensor to the next:
/// see `GGUFPlan` for the order of the rules.
struct GGUFTypeChooser {
    let options: GGUFQuantizationOptions
    let architecture: String
    var mix: GGUFMix?

    /// The plan's entry for `tensor`, the next in output order.
    mutating func entry(for tensor: GGUFTensorInfo) throws(GGUFQuantizationError) -> GGUFPlan.Entry {
        let name = tensor.name
        guard GGUFPlan.allowsQuantization(name: name, dims: tensor.dims, architecture: architecture,
                                          quantizeOutput: options.quantizeOutputTensor) else {
            let choice: GGUFPlan.Choice = name == "output.weight" && !options.quantizeOutputTensor ? .outputTensorKept : .copied
            return GGUFPlan.Entry(name: name, inputType: tensor.type, outputType: tensor.type, dims: tensor.dims, choice: choice,
                                  intendedType: nil, fallback: nil)
        }
        var (type, choice) = try chosenType(tensor)
        var intended: GGMLType?
        var fallback: String?
        let rowLength = tensor.dims[0]
        // A type asked for by name for the token embeddings or the output fits (`fitting`); a
        // kept tensor is not quantized, so it needs no fallback (nor is refused for lacking one).
        let kept = isKept(name)
        if !kept, let substitute = try Self.fallback(for: type, rowLength: rowLength, tensor: name) {
            if options.strict {
                throw .strictFallback(tensor: name, type: type, fallback: substitute, rowLength: rowLength)
            }
            fallback = "rows of \(rowLength) are not a multiple of \(type)'s \(type.blockSize); "
                + "\(substitute) as llama-quantize falls back"
            (intended, type) = (type, substitute)
        }
        if kept {
            (type, choice, intended, fallback) = (tensor.type, .kept, nil, nil)
        }
        if tensor.type != type, !tensor.type.isQuantizable {
            try checkRequantizable(tensor, to: type)
        }
        return GGUFPlan.Entry(name: name, inputType: tensor.type, outputType: type, dims: tensor.dims, choice: choice,
                              intendedType: intended, fallback: fallback)
    }

    /// A tensor of a type other than f32, f16 and bf16 is quantized only when it is of a block
    /// type, requantizing is allowed and ggml's dequantizer for its type is one this tool has
    /// (`GGMLDequantizers`); llama-quantize refuses the plain types (f64, the integers) even
    /// then (`llama_tensor_dequantize_impl`).
    private func checkRequantizable(_ tensor: GGUFTensorInfo, to type: GGMLType) throws(GGUFQuantizationError) {
        let (name, from) = (tensor.name, tensor.type)
        guard from.dtype == nil else { throw .notFloat(tensor: name, type: from) }
        guard options.allowRequantize else { throw .requantize(tensor: name, from: from, to: type) }
        guard GGMLDequantizers.types.contains(from) else { throw .cannotDequantize(tensor: name, from: from, to: type) }
    }

    private func isKept(_ name: String) -> Bool {
        options.keptInInputType.contains { name.contains($0) }
    }

    /// The type before the fallback, and who chose it. A type asked for by name for the token
    /// embeddings or the output has no fallback: it must fit.
    private mutating func chosenType(_ tensor: GGUFTensorInfo) throws(GGUFQuantizationError)
        -> (GGMLType, GGUFPlan.Choice) {
        let name = tensor.name
        let category = GGUFTensorCategory(name: name)
        let rules = options.tensorTypeRules
        if let type = options.tokenEmbeddingType, category == .tokenEmbedding,
           name != "per_layer_token_embd.weight" || !rules.contains(where: { $0.matches(name) }) {
            return (try fitting(type, tensor), .tokenEmbeddingType)
        }
        if let type = options.outputTensorType, category == .output {
            return (try fitting(type, tensor), .outputTensorType)
        }
        let type = options.fileType.tensorType
        guard type.blockSize > 1 else { return (type, .fileType) }
        if let rule = rules.first(where: { $0.matches(name) }) { return (rule.type, .rule(rule.pattern)) }
        guard mix != nil else { return (type, .fileType) }
        let mixed = try mix!.type(for: name, dims: tensor.dims, category: category, type: type)
        if category == .tokenEmbedding, mix!.tiedEmbeddings, options.outputTensorType != nil { return (mixed, .outputTensorType) }
        return (mixed, mixed == type ? .fileType : .mix)
    }

    private func fitting(_ type: GGMLType, _ tensor: GGUFTensorInfo) throws(GGUFQuantizationError) -> GGMLType {
        guard tensor.dims[0] % type.blockSize == 0 else {
            throw .typeDoesNotFit(tensor: tensor.name, type: type, rowLength: tensor.dims[0])
        }
        return type
    }

    /// `tensor_type_fallback`: nil when rows of `rowLength` fit `type`'s blocks; for a type of
    /// blocks above 32 without a listed fallback, llama-quantize's refusal.
    static func fallback(for type: GGMLType, rowLength: Int, tensor: String) throws(GGUFQuantizationError) -> GGMLType? {
        guard rowLength % type.blockSize != 0 else { return nil }
        if GGUFPlan.fallbackType[type] == nil, type.blockSize > 32 { throw .noFallback(tensor: tensor, type: type, rowLength: rowLength) }
        let substitute = GGUFPlan.fallbackType[type] ?? type
        return rowLength % substitute.blockSize == 0 ? substitute : .f16
    }
}
