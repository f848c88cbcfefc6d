/// A method that reads the model itself with its own calibration (`ModelCalibratedRun`: GPTQ
/// through a transformer's blocks, `TransformerCalibration`), run in memory exactly as
/// `quantize PATH -o OUT.npz` runs it: the same plans (`checkpointPlans`), the run's quantized
/// tensors with their scales in the `.npz` layout's storage type, the float values it gives
/// tensors kept in float (AWQ's folded norms), and the selected tensors it leaves (those outside
/// the blocks: its notes say which) rounded to nearest, as `quantize` streams them.
public struct ModelCalibratedQuantizer: CheckpointQuantizer {
    public let method: any QuantizationMethod
    public let run: any ModelCalibratedRun

    public var name: String { method.name }

    public init(method: any QuantizationMethod, run: any ModelCalibratedRun) {
        self.method = method
        self.run = run
    }

    /// - Throws: what planning and the run throw, and `CheckpointQuantizerError.notQuantized`
    ///   for a tensor the run leaves to be quantized when read (no calibrated method does).
    public func quantize(path: String, rules: SelectionRules) throws -> QuantizedCheckpoint {
        let plans = try checkpointPlans(path: path, rules: rules)
        let output = try run.overrides(plans: plans.map(\.plan), method: method, layout: NPZLayout(), memoryBudget: .systemDefault(),
                                        progress: nil)
        var tensors: [String: QuantizedTensor] = [:]
        var floats: [String: [Float]] = [:]
        for (name, override) in output.overrides {
            switch override {
            case .quantized(let tensor, _): tensors[name] = tensor
            case .float(let values): floats[name] = values
            case .quantizedWhenRead: throw CheckpointQuantizerError.notQuantized(tensor: name, method: method.name)
            }
        }
        tensors.merge(try roundToNearest(plans, except: Set(tensors.keys).union(floats.keys))) { calibrated, _ in calibrated }
        return QuantizedCheckpoint(tensors: tensors, floats: floats, notes: output.notes)
    }
}

/// Why a method's result cannot be held as quantized tensors in memory.
public enum CheckpointQuantizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The method left a tensor to be quantized when read, which the in-memory weights cannot hold.
    case notQuantized(tensor: String, method: String)

    public var description: String {
        switch self {
        case .notQuantized(let tensor, let method):
            "'\(tensor)': \(method) leaves it to be quantized as it is read, which an in-memory evaluation does not do; "
                + "write the output with 'quantize' and evaluate that"
        }
    }
}
