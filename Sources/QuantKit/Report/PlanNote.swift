/// What the user should know about a plan's output that the table does not say: tensors the
/// default selection kept in float and why, and what loads the file (no silent choices).
public enum PlanNote: Sendable, Equatable, CustomStringConvertible {
    /// Tensors that are not Linear weights, kept in float, grouped by what they are.
    case keptInFloat([(role: ModuleRole, tensors: [String])])
    /// Tensors the input stores quantized (FP8 codes and scales, GGUF blocks), read as their
    /// float values: quantized again, their error adds to the stored one's.
    case readDequantized([(tensor: String, stored: String)])
    /// Tensors whose rows the block scheme's `columns` do not divide: their last block of columns
    /// is partial (`BlockGrid`).
    case partialColumnBlocks(columns: Int, tensors: [String])
    /// What the layout's readers should know (`QuantizedLayout.notes`): for example that
    /// transformers 5.x loads asymmetric `pack-quantized` weights, or a tied output head, only
    /// when it dequantizes on load.
    case layout(LayoutNote)
    /// Scales and codes follow compressed-tensors' rounding rather than the reference rule.
    case compressedTensorsRounding

    public var description: String {
        switch self {
        case .keptInFloat(let groups):
            "kept in float, since only Linear weights are quantized by default (as llm-compressor does; compressed-tensors "
                + "loaders read nothing else quantized): "
                + groups.map { "\($0.role.description): \($0.tensors.joined(separator: ", "))" }.joined(separator: "; ")
        case .readDequantized(let tensors):
            "read dequantized from what the input stores (a tensor quantized again carries both roundings' errors): "
                + tensors.map { "\($0.tensor) (\($0.stored))" }.joined(separator: ", ")
        case .partialColumnBlocks(let columns, let tensors):
            "the last block of columns is partial (narrower than \(columns)) in " + tensors.joined(separator: ", ")
                + ": its scale comes from the max|w| of its own columns, as compressed-tensors computes it after padding with zeros; "
                + "vLLM's block FP8 kernels need the rows' length to be a multiple of \(columns), so such a weight may load "
                + "only dequantized"
        case .layout(let note):
            note.description
        case .compressedTensorsRounding:
            "scales and codes follow compressed-tensors' rounding (symmetric scale max|x| / ((2^b - 1) / 2), the zero point "
                + "added before rounding, arithmetic in the weight's dtype), not the reference rule"
        }
    }

    public static func == (a: PlanNote, b: PlanNote) -> Bool { a.description == b.description }
}
