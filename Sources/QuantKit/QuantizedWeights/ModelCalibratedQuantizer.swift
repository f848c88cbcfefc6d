/// A method that reads the model itself with its own calibration (`ModelCalibratedRun`: GPTQ
/// through a transformer's blocks, `TransformerCalibration`), run in memory exactly as
/// `quantize PATH -o OUT.npz` runs it: the same plans (`checkpointPlans`), the run's quantized
/// tensors with their scales in the `.npz` layout's storage type, and the selected tensors it
/// leaves (those outside the blocks: its notes say which) rounded to nearest, as `quantize`
/// streams them.
public struct ModelCalibratedQuantizer: CheckpointQuantizer {
    public let method: any QuantizationMethod
    public let run: any ModelCalibratedRun

    public var name: String { method.name }

    public init(method: any QuantizationMethod, run: any ModelCalibratedRun) {
        self.method = method
        self.run = run
    }

    /// - Throws: what planning and the run throw, and `CheckpointQuantizerError.notQuantized`
    ///   for a tensor the run replaces by anything but a quantized tensor (new float values).
    public func quantize(path: String, rules: SelectionRules) throws -> QuantizedCheckpoint {
        let plans = try checkpointPlans(path: path, rules: rules)
        let output = try run.overrides(plans: plans.map(\.plan), method: method, layout: NPZLayout(), memoryBudget: .systemDefault(),
                                        progress: nil)
        var tensors: [String: QuantizedTensor] = [:]
        for (name, override) in output.overrides {
            guard case .quantized(let tensor, _) = override else {
                throw CheckpointQuantizerError.notQuantized(tensor: name, method: method.name)
            }
            tensors[name] = tensor
        }
        tensors.merge(try roundToNearest(plans, except: Set(tensors.keys))) { calibrated, _ in calibrated }
        return QuantizedCheckpoint(tensors: tensors, notes: output.notes)
    }
}

/// Why a method's result cannot be held as quantized tensors in memory.
public enum CheckpointQuantizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The method gave a tensor new float values (as AWQ folds its scales into a norm), which
    /// the in-memory weights do not hold.
    case notQuantized(tensor: String, method: String)

    public var description: String {
        switch self {
        case .notQuantized(let tensor, let method):
            "'\(tensor)': \(method) gives it new float values, which an in-memory evaluation does not hold yet; "
                + "write the output with 'quantize' and evaluate that"
        }
    }
}
