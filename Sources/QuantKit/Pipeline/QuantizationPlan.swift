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
        /// What the output holds for it: the layout's members when quantized, else the tensor.
        public let members: [TensorInfo]

        /// The bytes its members take in the output.
        public var storedByteCount: Int { members.reduce(0) { $0 + $1.storedByteCount } }
    }

    public let steps: [Step]
    /// The tensors the source stores in a quantized form of its own and reads dequantized (a
    /// GGUF file's blocks, FP8 codes with their scales), with what it stores (`storedBlocks`).
    public private(set) var readDequantized: [(tensor: String, stored: String)] = []

    /// The tensors the output holds, in the order they are written.
    public var outputTensors: [TensorInfo] { steps.flatMap(\.members) }

    /// Each step's scheme by tensor name (nil: kept; the first of two equal names).
    public var schemes: [String: QuantScheme?] {
        Dictionary(steps.map { ($0.tensor.name, $0.scheme) }, uniquingKeysWith: { first, _ in first })
    }

    /// Plans the tensors of `source`, the error naming its file.
    public init(of source: any TensorSource, rules: SelectionRules, layout: any QuantizedLayout) throws(FileError) {
        do {
            try self.init(tensors: source.tensors, rules: rules, layout: layout)
        } catch {
            throw FileError(path: source.path, error)
        }
        if let blocks = source as? any BlockQuantizedSource {
            readDequantized = steps.compactMap { step in blocks.storedBlocks(of: step.tensor.name).map { (step.tensor.name, $0.typeName) } }
        }
    }

    /// Plans `tensors` under `rules` for `layout`, refusing per-channel axes outside a tensor's
    /// rank, tensors the layout cannot hold quantized, and output names that would be written
    /// twice (an input that already holds `fc1.weight_scale` beside a quantized `fc1.weight`,
    /// or a tensor called `__quantization__`).
    public init(tensors: [TensorInfo], rules: SelectionRules, layout: any QuantizedLayout = NPZLayout()) throws(PlanError) {
        var steps: [Step] = []
        var owners: [ExactName: String] = [:]
        var ungroupable: [String] = []
        if let metadata = layout.fileFormat.recordMember { owners[ExactName(metadata)] = "the archive metadata" }
        for info in tensors {
            var scheme = rules.scheme(for: info)
            if case .perChannel(let axis)? = scheme?.granularity, !info.shape.isEmpty {
                guard (-info.shape.count ..< info.shape.count).contains(axis) else {
                    throw .axisOutOfRange(tensor: info.name, axis: axis, rank: info.shape.count)
                }
                scheme?.granularity = .perChannel(axis: axis < 0 ? axis + info.shape.count : axis)
            }
            if let size = scheme?.groupSize, scheme?.blockRows == nil, let last = info.shape.last, last % size != 0 {
                ungroupable.append("'\(info.name)' \(formatShape(info.shape))")
            }
            if let scheme {
                if let reason = layout.unsupportedReason(info, scheme: scheme) {
                    throw .notInLayout(tensor: info.name, holds: layout.holdsDescription, reason: reason)
                }
                if let role = rules.moduleRoles?.role(of: info), !layout.loadsQuantized(role) {
                    throw .notLoadable(tensor: info.name, role: role, loaders: layout.loaderLimits)
                }
            }
            let members = scheme.map { layout.members(of: info, scheme: $0) } ?? [info]
            for member in members {
                let owner = member.name == info.name ? "the input tensor '\(info.name)'" : "a quantization member of '\(info.name)'"
                if let previous = owners[ExactName(member.name)] {
                    throw .nameCollision(name: member.name, first: previous, second: owner)
                }
                owners[ExactName(member.name)] = owner
            }
            steps.append(Step(tensor: info, scheme: scheme, keptRole: scheme == nil ? rules.keptRole(of: info) : nil,
                              members: members))
        }
        if !ungroupable.isEmpty, let size = steps.lazy.compactMap(\.scheme?.groupSize).first {
            throw .groupSizeMismatch(groupSize: size, tensors: ungroupable)
        }
        self.steps = steps
    }

}

/// Why a plan was refused.
public enum PlanError: Error, Equatable, Sendable, CustomStringConvertible {
    case axisOutOfRange(tensor: String, axis: Int, rank: Int)
    case nameCollision(name: String, first: String, second: String)
    /// A tensor the layout cannot hold quantized: what it `holds`, and why not this tensor.
    case notInLayout(tensor: String, holds: String, reason: String)
    /// A tensor selected for a layout whose `loaders` do not read it quantized.
    case notLoadable(tensor: String, role: ModuleRole, loaders: String)
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

        case .notLoadable(let tensor, let role, let loaders):
            "tensor '\(tensor)' is \(role.description); \(loaders) cannot load it quantized: keep it in float, or write "
                + ".npz to quantize it"
        case .notInLayout(let tensor, let holds, let reason):
            "tensor '\(tensor)': \(holds), and \(reason)"
        }
    }
}
