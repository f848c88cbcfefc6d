/// A quantization method as it runs on a whole Hugging Face checkpoint in memory: what
/// `quantize eval FOLDER` (without QUANTIZED) and `quantize eval FOLDER --compare` evaluate.
/// One conforming type per way of running a method: round to nearest tensor by tensor
/// (`RoundToNearestQuantizer`), or a method that reads the model itself with its own
/// calibration (`ModelCalibratedQuantizer`: GPTQ through a transformer's blocks); a method that
/// later runs through the blocks the same way (AWQ) is one more value, not a new path.
public protocol CheckpointQuantizer: Sendable {
    /// The method's name in reports: `rtn`, `gptq`.
    var name: String { get }

    /// The tensors `quantize PATH` would quantize under `rules` (`checkpointPlans`), by name, as
    /// this method quantizes them; what the report should know of the run in `notes`.
    func quantize(path: String, rules: SelectionRules) throws -> QuantizedCheckpoint
}

/// The quantized tensors of a checkpoint, by tensor name, and what the method did, one sentence
/// per note ("gptq on 300 calibration sequences (5666 tokens), block by block through the
/// transformer").
public struct QuantizedCheckpoint: Sendable {
    public var tensors: [String: QuantizedTensor]
    /// Tensors kept in float that the method gave new values (AWQ's folded norms and biases),
    /// by name, in the float tensor's shape.
    public var floats: [String: [Float]]
    public var notes: [String]

    public init(tensors: [String: QuantizedTensor], floats: [String: [Float]] = [:], notes: [String] = []) {
        self.tensors = tensors
        self.floats = floats
        self.notes = notes
    }
}

/// Round to nearest, tensor by tensor (`roundToNearestCheckpoint`).
public struct RoundToNearestQuantizer: CheckpointQuantizer {
    public var name: String { "rtn" }

    public init() {}

    public func quantize(path: String, rules: SelectionRules) throws -> QuantizedCheckpoint {
        QuantizedCheckpoint(tensors: try roundToNearestCheckpoint(path: path, rules: rules))
    }
}
