/// What a run would write, from the plans alone (`--dry-run`): per tensor its scheme, bits,
/// bytes before and after and bits per weight, per shard the totals, and the plan's notes.
/// No tensor data is read, so there are no error metrics; the sizes are exactly those the run
/// writes (the members' stored bytes, `QuantizationPlan.Step.storedByteCount`).
public struct PlanReport: Sendable, Encodable {
    public struct Shard: Sendable, Encodable {
        public let input: String
        public let output: String
        public let tensors: [Line]
        public let notes: [String]

        /// Bytes of tensor data before and after, and `8 · bytesAfter / elements`.
        public var bytesBefore: Int { tensors.bytesBefore }
        public var bytesAfter: Int { tensors.bytesAfter }
        public var bitsPerWeight: Double { tensors.bitsPerWeight }

        enum CodingKeys: String, CodingKey {
            case input, output, tensors, notes
            case bytesBefore = "bytes_before", bytesAfter = "bytes_after", bitsPerWeight = "bits_per_weight"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(input, forKey: .input)
            try container.encode(output, forKey: .output)
            try container.encode(tensors, forKey: .tensors)
            try container.encode(bytesBefore, forKey: .bytesBefore)
            try container.encode(bytesAfter, forKey: .bytesAfter)
            try container.encode(bitsPerWeight, forKey: .bitsPerWeight)
            if !notes.isEmpty { try container.encode(notes, forKey: .notes) }
        }
    }

    /// One tensor as planned (`TensorReportLine`'s fields, no error metrics: nothing is read).
    public struct Line: TensorReportLine, Equatable {
        public let name: String
        public let shape: [Int]
        public let dtype: String
        public let scheme: String
        public let bits: Int?
        public let bytesBefore: Int
        public let bytesAfter: Int
        public let keptBecause: String?

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: TensorReportKey.self)
            try encodeSharedFields(into: &container)
        }
    }

    public let shards: [Shard]

    /// The report of `plans`, one per job of `shardPlan` in its order, written in `layout`.
    public init(shardPlan: ShardPlan, plans: [QuantizationPlan], layout: any QuantizedLayout, roles: ModuleRoles?) {
        shards = zip(shardPlan.jobs, plans).map { job, plan in
            Shard(input: job.input, output: job.output, tensors: plan.steps.map(Line.init),
                  notes: plan.notes(layout: layout, roles: roles).map(\.description))
        }
    }

    public var bytesBefore: Int { shards.reduce(0) { $0 + $1.bytesBefore } }
    public var bytesAfter: Int { shards.reduce(0) { $0 + $1.bytesAfter } }
    /// Over every tensor of every shard: `8 · bytesAfter / elements`.
    public var bitsPerWeight: Double { shards.flatMap(\.tensors).bitsPerWeight }
}

extension PlanReport.Line {
    /// The line of one planned step.
    init(_ step: QuantizationPlan.Step) {
        let tensor = step.tensor
        self.init(name: tensor.name, shape: tensor.shape, dtype: tensor.dtype.rawValue, scheme: step.scheme?.label ?? "none",
                  bits: step.scheme?.bits, bytesBefore: tensor.storedByteCount, bytesAfter: step.storedByteCount,
                  keptBecause: step.keptRole?.description)
    }
}
