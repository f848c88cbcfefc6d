/// What the user should know about a plan's output that the table does not say: tensors the
/// default selection kept in float and why, and what loads the file (no silent choices).
public enum PlanNote: Sendable, Equatable, CustomStringConvertible {
    /// Tensors that are not Linear weights, kept in float, grouped by what they are.
    case keptInFloat([(role: ModuleRole, tensors: [String])])
    /// Asymmetric `pack-quantized` weights per channel or group: their zero points are packed
    /// as compressed-tensors writes them, which transformers 5.x reads only when it
    /// dequantizes on load.
    case packedZeroPoints
    /// Scales and codes follow compressed-tensors' rounding rather than the reference rule.
    case compressedTensorsRounding
    /// A language model whose output head is tied to its input embedding, in compressed-tensors
    /// output: transformers 5.x loads it only when it dequantizes on load (the library's own
    /// files fail the same way: the tied head loses its `weight` while loading).
    case tiedHead

    /// The notes of `plan` written in `layout` for a checkpoint of `roles`, in this order.
    public static func notes(for plan: QuantizationPlan, layout: OutputLayout, roles: ModuleRoles? = nil) -> [PlanNote] {
        var notes: [PlanNote] = []
        var kept: [(role: ModuleRole, tensors: [String])] = []
        for step in plan.steps {
            guard let role = step.keptRole else { continue }
            if let index = kept.firstIndex(where: { $0.role == role }) {
                kept[index].tensors.append(step.tensor.name)
            } else {
                kept.append((role, [step.tensor.name]))
            }
        }
        if !kept.isEmpty { notes.append(.keptInFloat(kept)) }
        let schemes = plan.steps.compactMap(\.scheme)
        if layout == .compressedTensors(.packQuantized), schemes.contains(where: { !$0.symmetric && $0.granularity != .perTensor }) {
            notes.append(.packedZeroPoints)
        }
        if schemes.contains(where: { $0.scaleRule == .compressedTensors }) { notes.append(.compressedTensorsRounding) }
        if case .compressedTensors = layout, !schemes.isEmpty, roles?.config.hasTiedLanguageModelHead == true {
            notes.append(.tiedHead)
        }
        return notes
    }

    public var description: String {
        switch self {
        case .keptInFloat(let groups):
            "kept in float, since only Linear weights are quantized by default (as llm-compressor does; compressed-tensors "
                + "loaders read nothing else quantized): "
                + groups.map { "\($0.role.description): \($0.tensors.joined(separator: ", "))" }.joined(separator: "; ")
        case .packedZeroPoints:
            "asymmetric pack-quantized zero points are packed as compressed-tensors writes them; vLLM reads them, but "
                + "transformers 5.x loads them only with CompressedTensorsConfig(dequantize=True); for a plain from_pretrained, "
                + "write int-quantized or use a symmetric scheme"
        case .tiedHead:
            "the output head is tied to the input embedding (tie_word_embeddings): transformers 5.x loads compressed-tensors "
                + "checkpoints of tied models only with CompressedTensorsConfig(dequantize=True) (the library's own files fail "
                + "the same way); vLLM reads them"
        case .compressedTensorsRounding:
            "scales and codes follow compressed-tensors' rounding (symmetric scale max|x| / ((2^b - 1) / 2), the zero point "
                + "added before rounding, arithmetic in the weight's dtype), not the reference rule"
        }
    }

    public static func == (a: PlanNote, b: PlanNote) -> Bool { a.description == b.description }
}
