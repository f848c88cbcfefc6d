/// A quantization method to run over a checkpoint instead of streaming round-to-nearest, with
/// the file of its calibration rows (nil: none) and the activation between layers they run
/// through.
public struct MethodRun: Sendable {
    public var method: any QuantizationMethod
    public var calibrationPath: String?
    public var activation: Activation
    /// A run that reads the whole model itself (calibration through a transformer's blocks)
    /// instead of rows run through an MLP.
    public var model: (any ModelCalibratedRun)?
    /// Told the layers (or a transformer's blocks) the method has done.
    public var progress: StepProgress?

    public init(method: any QuantizationMethod = RoundToNearest(), calibrationPath: String? = nil, activation: Activation = .relu,
                model: (any ModelCalibratedRun)? = nil) {
        self.method = method
        self.calibrationPath = calibrationPath
        self.activation = activation
        self.model = model
    }
}

/// A method run that reads the whole model itself, with its own calibration
/// (`TransformerCalibration`: GPTQ through a transformer's blocks), rather than the tensors
/// of the input files.
public protocol ModelCalibratedRun: Sendable {
    /// What `method` makes of the tensors `plans` select, scales chosen in `layout`'s storage type,
    /// refused before reading weights when it would need more than `memoryBudget`; `progress` is
    /// told the steps (blocks) done.
    func overrides(plans: [QuantizationPlan], method: any QuantizationMethod, layout: (any QuantizedLayout)?,
                   memoryBudget: MemoryBudget, progress: StepProgress?) throws -> MethodOutput
}

/// What a method made of a checkpoint's tensors, for `quantizeFile` to write instead of
/// streaming them through round-to-nearest: `overrides` by tensor name, and the float32 values
/// the method read of them (`originals`), against which each one's error is measured without
/// reading and converting the tensor again.
public struct MethodOutput: Sendable {
    public var overrides: [String: TensorOverride] = [:]
    public var originals: [String: [Float]] = [:]
    /// What the method did, for the report ("gptq on 300 calibration sequences (5666 tokens)").
    public var notes: [String] = []

    /// Round to nearest, streamed: nothing to override.
    public static let streamed = MethodOutput()
}

/// What `quantizeCheckpoint` writes instead of streaming round-to-nearest when `run`'s method
/// runs on `sources`, planned as `plans`:
/// - round to nearest without calibration: nothing; `quantizeFile` streams every tensor, and
///   memory follows the largest tensor;
/// - another method that needs no calibration and chooses each weight alone
///   (`WeightQuantizationMethod`): every selected tensor of every input, quantized by it when
///   read (`TensorOverride.quantizedWhenRead`), on any file;
/// - with `run.model`, the run reads the model itself (`ModelCalibratedRun`; GPTQ through a
///   transformer's blocks, `TransformerCalibration`), for every input file at once, its scales
///   in `layout`'s storage type;
/// - otherwise the method sees the whole network: the one input is read as an MLP
///   (`FloatNetwork`) and run through `NetworkQuantization` under the plan's schemes.
///
/// Throws `MethodOverridesError.severalInputs` when a whole-network run is asked of several
/// files, and what reading the network and calibration rows and the method throw. A network's
/// float values come back as the output's `originals`.
func methodOverrides(sources: [any TensorSource], plans: [QuantizationPlan], run: MethodRun,
                     layout: (any QuantizedLayout)? = nil, memoryBudget: MemoryBudget = .unlimited) throws -> MethodOutput {
    let method = run.method
    if let model = run.model {
        return try model.overrides(plans: plans, method: method, layout: layout, memoryBudget: memoryBudget, progress: run.progress)
    }
    if run.calibrationPath == nil, !method.needsCalibration {
        if method is RoundToNearest { return .streamed }
        if let weightMethod = method as? any WeightQuantizationMethod {
            let overrides: [String: TensorOverride] = plans.flatMap(\.steps).reduce(into: [:]) { overrides, step in
                guard let scheme = step.scheme, overrides[step.tensor.name] == nil else { return }
                overrides[step.tensor.name] = .quantizedWhenRead(by: weightMethod, scheme: scheme)
            }
            return MethodOutput(overrides: overrides)
        }
    }
    guard sources.count == 1 else { throw MethodOverridesError.severalInputs(method: method.name) }
    let float = try FloatNetwork(source: sources[0])
    let rows = try run.calibrationPath.map { path in
        try EvaluationData(inputPath: path, labelsPath: nil, width: float.layout.inFeatures, classes: float.layout.outFeatures)
    }
    let overrides = try NetworkQuantization(float: float, schemes: plans[0].schemes, method: method, calibration: rows,
                                            activation: run.activation, progress: run.progress).tensors
    return MethodOutput(overrides: overrides, originals: float.values(of: Set(overrides.keys)))
}

/// Why `methodOverrides` could not run a method.
public enum MethodOverridesError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A method that sees the whole network was given several files.
    case severalInputs(method: String)
    /// A method that does not run through a transformer's blocks was given transformer calibration.
    case notThroughTransformer(method: String)

    public var description: String {
        switch self {
        case .severalInputs(let method):
            "the \(method) method reads the whole network from one file, not from several shards or a folder"
        case .notThroughTransformer(let method):
            "the \(method) method does not run through a transformer's blocks (gptq, awq, and rtn with outlier columns do)"
        }
    }
}
