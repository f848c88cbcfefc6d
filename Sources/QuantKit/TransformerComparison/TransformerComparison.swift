/// Every compared scheme at every width under every method, each evaluated against the float
/// transformer on the same sequences: what `quantize eval FOLDER --compare` prints.
///
/// Each row is what `quantize FOLDER -o OUT.npz --scheme S --bits B [--method M ...]` followed
/// by `quantize eval FOLDER OUT.npz` gives: the method quantizes the checkpoint in memory
/// (`CheckpointQuantizer`, the tensors `quantize` selects under the same rules), the float and
/// quantized models run in lockstep (`TransformerEvaluation`), and the row keeps the model-level
/// metrics. Within each width the rows run best first (`ComparisonPoint.isBetter(than:)`).
///
/// A scheme the checkpoint cannot take (a group size that does not divide some selected
/// Linear's inputs) is left out at every width, and `notes` says why; nothing is substituted.
///
/// Memory: one quantized model at a time, plus what one `TransformerEvaluation` holds.
/// Time: `methods · schemes · widths` evaluations, each two forward passes over the sequences,
/// plus each method's own work (GPTQ's calibration) per row.
public struct TransformerComparison: Sendable {
    /// What every row is evaluated on, as `TransformerEvaluation` takes it.
    public struct Run: Sendable {
        public var sequences: [[Int]]
        /// What the sequences were read from, for the report (`EvaluationSequences.origin`).
        public var origin: String
        public var batch: Int
        public var compute: ComputePath
        public var pooling: SentencePooling
        public var scoring: ScoredPositions

        public init(sequences: [[Int]], origin: String, batch: Int, compute: ComputePath, pooling: SentencePooling,
                    scoring: ScoredPositions = .all) {
            (self.sequences, self.origin, self.batch) = (sequences, origin, batch)
            (self.compute, self.pooling, self.scoring) = (compute, pooling, scoring)
        }
    }

    /// The checkpoint as given, and what the rows were evaluated on.
    public let model: String
    public let run: Run
    /// The rows, widths in the order given, best first within each.
    public let points: [ComparisonPoint]
    /// The float checkpoint's tensor data as stored.
    public let floatBytes: Int
    /// Schemes left out and what the methods did, one sentence each.
    public let notes: [String]

    /// Evaluates `float` (read from `path` as `floatWeights`) against every scheme of `schemes`
    /// at every width of `bitWidths` under every method of `methods`, the tensors selected by
    /// `include` and `exclude` as `quantize` selects them, per-channel scales along `axis`;
    /// `notes` come first in the report's.
    /// - Throws: what the methods and `TransformerEvaluation` throw, but a scheme's group size
    ///   not dividing a selected tensor (`PlanError.groupSizeMismatch`), which leaves it out.
    public init(path: String, float: any TransformerModel, floatWeights: CheckpointWeights, run: Run,
                methods: [any CheckpointQuantizer], schemes: [ComparedScheme], bitWidths: [Int] = ComparedScheme.bitWidths,
                include: [Regex<AnyRegexOutput>] = [], exclude: [Regex<AnyRegexOutput>] = [], axis: Int = 0,
                notes: [String] = []) throws {
        var points: [ComparisonPoint] = []
        var notes = notes
        var skipped: Set<String> = []
        for bits in bitWidths {
            var width: [ComparisonPoint] = []
            for method in methods {
                for compared in schemes where !skipped.contains(compared.label) {
                    let rules = SelectionRules(defaultScheme: compared.scheme(bits: bits, axis: axis), include: include, exclude: exclude)
                    let quantized: QuantizedCheckpoint
                    do {
                        quantized = try method.quantize(path: path, rules: rules)
                    } catch where groupSizeMismatch(error) != nil {
                        skipped.insert(compared.label)
                        notes.append("\(compared.label) is left out: \(groupSizeMismatch(error)!).")
                        continue
                    }
                    notes += quantized.notes.filter { !notes.contains($0) }
                    width.append(try Self.point(quantized, scheme: compared.label, bits: bits, method: method.name,
                                                float: float, floatWeights: floatWeights, run: run))
                }
            }
            points += width.sorted { $0.isBetter(than: $1) }
        }
        self.points = points
        self.notes = notes
        (model, self.run) = (path, run)
        floatBytes = floatWeights.tensors.reduce(0) { $0 + $1.storedByteCount }
    }

    /// The row of `quantized`: its model built on the float weights with the quantized tensors
    /// replaced, evaluated against `float` on `run`.
    static func point(_ quantized: QuantizedCheckpoint, scheme: String, bits: Int, method: String,
                      float: any TransformerModel, floatWeights: CheckpointWeights, run: Run) throws -> ComparisonPoint {
        let weights = InMemoryQuantizedWeights(float: floatWeights, replaced: quantized.tensors, floats: quantized.floats)
        let model = try loadTransformer(config: float.config, weights: weights)
        let evaluation = try TransformerEvaluation(float: float, quantized: model, sequences: run.sequences, batch: run.batch,
                                                   compute: run.compute, pooling: run.pooling, scoring: run.scoring)
        let tensors = quantized.tensors.values
        return ComparisonPoint(scheme: scheme, bits: bits, method: method, bytes: tensors.reduce(0) { $0 + $1.storedByteCount },
                               weights: tensors.reduce(0) { $0 + $1.shape.reduce(1, *) }, metrics: evaluation.comparison)
    }
}

/// The group-size refusal inside `error` (bare, or in the `FileError` naming its file), nil for
/// any other error.
private func groupSizeMismatch(_ error: any Error) -> PlanError? {
    let plan = (error as? PlanError) ?? ((error as? FileError)?.underlying as? PlanError)
    if case .groupSizeMismatch = plan { return plan }
    return nil
}
