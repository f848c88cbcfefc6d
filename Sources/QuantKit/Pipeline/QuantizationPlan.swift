/// What will happen to each tensor of a source, decided and checked before any data is read,
/// so that a bad option fails at once rather than after an hour of work.
public struct QuantizationPlan: Sendable {
    public struct Step: Sendable {
        public let tensor: TensorInfo
        /// nil: written as it is.
        public let scheme: QuantScheme?
        /// Why a tensor the rank rule would have quantized stays in float: it is not a Linear
        /// weight (`SelectionRules.keptRole(of:)`); nil otherwise.
        public var keptRole: ModuleRole? = nil
    }

    public let steps: [Step]

    /// The tensors the output holds, in the order they are written.
    public let outputTensors: [TensorInfo]

    /// Plans `tensors` under `rules` for `layout`, refusing per-channel axes outside a tensor's
    /// rank, tensors the layout cannot hold quantized, and output names that would be written
    /// twice (an input that already holds `fc1.weight_scale` beside a quantized `fc1.weight`,
    /// or a tensor called `__quantization__`).
    public init(tensors: [TensorInfo], rules: SelectionRules, layout: OutputLayout = .npz(compressed: false)) throws(PlanError) {
        var steps: [Step] = []
        var outputs: [TensorInfo] = []
        var owners: [ExactName: String] = [:]
        var ungroupable: [String] = []
        if let metadata = layout.metadataMember { owners[ExactName(metadata)] = "the archive metadata" }
        for info in tensors {
            var scheme = rules.scheme(for: info)
            if case .perChannel(let axis)? = scheme?.granularity, !info.shape.isEmpty {
                guard (-info.shape.count ..< info.shape.count).contains(axis) else {
                    throw .axisOutOfRange(tensor: info.name, axis: axis, rank: info.shape.count)
                }
                scheme?.granularity = .perChannel(axis: axis < 0 ? axis + info.shape.count : axis)
            }
            if let size = scheme?.groupSize, let last = info.shape.last, last % size != 0 {
                ungroupable.append("'\(info.name)' \(formatShape(info.shape))")
            }
            if case .compressedTensors = layout, let scheme {
                if let reason = CompressedTensorsFormat.unsupported(info, scheme: scheme) {
                    throw .notInLayout(tensor: info.name, reason: reason)
                }
                if let role = rules.moduleRoles?.role(of: info), !Self.compressedTensorsLoads(role) {
                    throw .notLoadable(tensor: info.name, role: role)
                }
            }
            for member in layout.members(of: info, scheme: scheme) {
                outputs.append(member)
                let owner = member.name == info.name ? "the input tensor '\(info.name)'" : "a quantization member of '\(info.name)'"
                if let previous = owners[ExactName(member.name)] {
                    throw .nameCollision(name: member.name, first: previous, second: owner)
                }
                owners[ExactName(member.name)] = owner
            }
            steps.append(Step(tensor: info, scheme: scheme, keptRole: scheme == nil ? rules.keptRole(of: info) : nil))
        }
        if !ungroupable.isEmpty, let size = steps.lazy.compactMap(\.scheme?.groupSize).first {
            throw .groupSizeMismatch(groupSize: size, tensors: ungroupable)
        }
        self.steps = steps
        self.outputTensors = outputs
    }

    /// Whether a compressed-tensors loader reads a quantized weight of a module of `role`:
    /// Linear modules and an untied output head. An embedding (compressed-tensors replaces its
    /// `weight`, which transformers' initialisation then reads), a tied head (it is the
    /// embedding's storage) and a Conv1D (stored transposed) do not load.
    static func compressedTensorsLoads(_ role: ModuleRole) -> Bool {
        switch role {
        case .linear, .outputHead(tied: false): true
        case .embedding, .outputHead(tied: true), .conv1D, .other: false
        }
    }
}

/// Why a plan was refused.
public enum PlanError: Error, Equatable, Sendable, CustomStringConvertible {
    case axisOutOfRange(tensor: String, axis: Int, rank: Int)
    case nameCollision(name: String, first: String, second: String)
    case notInLayout(tensor: String, reason: String)
    /// A tensor selected for compressed-tensors output that no loader reads quantized.
    case notLoadable(tensor: String, role: ModuleRole)
    /// Selected tensors whose last dimension the group size does not divide.
    case groupSizeMismatch(groupSize: Int, tensors: [String])

    public var description: String {
        switch self {
        case .axisOutOfRange(let tensor, let axis, let rank):
            "tensor '\(tensor)': axis \(axis) is out of range for rank \(rank) (use -\(rank)...\(rank - 1))"
        case .nameCollision(let name, let first, let second):
            "output name '\(name)' would be written twice: by \(first) and by \(second)"
        case .groupSizeMismatch(let size, let tensors):
            "group size \(size) does not divide the last dimension of \(tensors.count) selected tensor"
                + (tensors.count == 1 ? "" : "s") + ": " + tensors.joined(separator: ", ")

        case .notLoadable(let tensor, let role):
            "tensor '\(tensor)' is \(role.description); compressed-tensors loaders quantize Linear modules only and "
                + "cannot load it quantized: keep it in float, or write .npz to quantize it"
        case .notInLayout(let tensor, let reason):
            "tensor '\(tensor)': the compressed-tensors layout holds 2-D '.weight' tensors quantized per tensor or "
                + "per output channel, and \(reason)"
        }
    }
}
