/// What `quantizeCheckpoint` writes instead of streaming round-to-nearest when `method` runs on
/// the inputs of `plan` under `rules` in `layout` (calibration rows read from `calibrationPath`,
/// `activation` between layers):
/// - round to nearest without calibration: nothing; `quantizeFile` streams every tensor, and
///   memory follows the largest tensor;
/// - another method that needs no calibration and chooses each weight alone
///   (`WeightQuantizationMethod`): every selected tensor of every input, quantized by it when
///   read (`TensorOverride.quantizedWhenRead`), on any file;
/// - otherwise the method sees the whole network: the one input is read as an MLP
///   (`FloatNetwork`) and run through `NetworkQuantization`.
///
/// Throws `MethodOverridesError.severalInputs` when a whole-network run is asked of several
/// files, and what reading, planning and the method throw.
public func methodOverrides(plan: ShardPlan, rules: SelectionRules, layout: OutputLayout, method: any QuantizationMethod,
                            calibrationPath: String?, activation: Activation,
                            threads: Int = defaultThreadCount) throws -> [String: TensorOverride] {
    if calibrationPath == nil, !method.needsCalibration {
        if method is RoundToNearest { return [:] }
        if let weightMethod = method as? any WeightQuantizationMethod {
            return try plan.jobs.reduce(into: [:]) { overrides, job in
                let source = try openTensorSource(path: job.input, threads: threads)
                try overrides.merge(tensorByTensor(source: source, rules: rules, layout: layout, method: weightMethod)) { first, _ in first }
            }
        }
    }
    guard !plan.sharded else { throw MethodOverridesError.severalInputs(method: method.name) }
    let source = try openTensorSource(path: plan.jobs[0].input, threads: threads)
    let float = try FloatNetwork(source: source)
    let rows = try calibrationPath.map { path in
        try EvaluationData(inputPath: path, labelsPath: nil, width: float.layout.inFeatures, classes: float.layout.outFeatures)
    }
    return try NetworkQuantization(float: float, rules: rules, layout: layout, path: source.path, method: method,
                                   calibration: rows, activation: activation).tensors
}

/// Every tensor of `source` the plan under `rules` quantizes, marked to be quantized by
/// `method` under its scheme when `quantizeFile` reads it.
func tensorByTensor(source: any TensorSource, rules: SelectionRules, layout: OutputLayout,
                    method: any WeightQuantizationMethod) throws -> [String: TensorOverride] {
    let plan: QuantizationPlan
    do {
        plan = try QuantizationPlan(tensors: source.tensors, rules: rules, layout: layout)
    } catch {
        throw FileError(path: source.path, error)
    }
    return Dictionary(plan.steps.compactMap { step in step.scheme.map { (step.tensor.name, .quantizedWhenRead(by: method, scheme: $0)) } },
                      uniquingKeysWith: { first, _ in first })
}

/// Why `methodOverrides` could not run a method.
public enum MethodOverridesError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A method that sees the whole network was given several files.
    case severalInputs(method: String)

    public var description: String {
        switch self {
        case .severalInputs(let method):
            "the \(method) method reads the whole network from one file, not from several shards or a folder"
        }
    }
}
