/// What the user should know about a plan's output that the table does not say: tensors the
/// default selection kept in float and why, and what loads the file (no silent choices).
public enum PlanNote: Sendable, Equatable, CustomStringConvertible {
    /// Tensors that are not Linear weights, kept in float, grouped by what they are.
    case keptInFloat([(role: ModuleRole, tensors: [String])])
    /// What the layout's readers should know (`QuantizedLayout.notes`): for example that
    /// transformers 5.x loads asymmetric `pack-quantized` weights, or a tied output head, only
    /// when it dequantizes on load.
    case layout(LayoutNote)
    /// Scales and codes follow compressed-tensors' rounding rather than the reference rule.
    case compressedTensorsRounding

    /// The notes of `plan` written in `layout` for a checkpoint of `roles`, in this order.
    public static func notes(for plan: QuantizationPlan, layout: any QuantizedLayout, roles: ModuleRoles? = nil) -> [PlanNote] {
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
        notes += layout.notes(for: schemes, roles: roles).map(PlanNote.layout)
        if schemes.contains(where: { $0.scaleRule == .compressedTensors }) { notes.append(.compressedTensorsRounding) }
        return notes
    }

    public var description: String {
        switch self {
        case .keptInFloat(let groups):
            "kept in float, since only Linear weights are quantized by default (as llm-compressor does; compressed-tensors "
                + "loaders read nothing else quantized): "
                + groups.map { "\($0.role.description): \($0.tensors.joined(separator: ", "))" }.joined(separator: "; ")
        case .layout(let note):
            note.description
        case .compressedTensorsRounding:
            "scales and codes follow compressed-tensors' rounding (symmetric scale max|x| / ((2^b - 1) / 2), the zero point "
                + "added before rounding, arithmetic in the weight's dtype), not the reference rule"
        }
    }

    public static func == (a: PlanNote, b: PlanNote) -> Bool { a.description == b.description }
}
