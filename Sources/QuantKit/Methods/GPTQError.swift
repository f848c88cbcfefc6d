/// Why `gptqQuantize` refused a layer.
public enum GPTQError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `weight` does not hold `outFeatures x inFeatures` values.
    case weightSizeMismatch(count: Int, outFeatures: Int, inFeatures: Int)
    /// `inputs` does not hold `samples x inFeatures` values.
    case inputSizeMismatch(count: Int, samples: Int, inFeatures: Int)
    /// No calibration samples, or a layer with no rows or columns.
    case emptyLayer(outFeatures: Int, inFeatures: Int, samples: Int)
    /// A NaN or an infinity at flat index `index` of the weight.
    case nonFiniteWeight(index: Int)
    /// A NaN or an infinity at flat index `index` of the calibration inputs.
    case nonFiniteInput(index: Int)
    /// A per-channel scheme whose axis is not the output axis (0, or -2) of the `[out, in]` weight.
    case unsupportedAxis(Int)
    /// A group size that does not divide `inFeatures`.
    case groupSizeMismatch(groupSize: Int, inFeatures: Int)
    /// A negative or non-finite `damp`, or a `blockSize` below 1.
    case invalidOptions(GPTQOptions)
    /// The dampened Hessian `2 XᵀX / samples + damp · mean(diag) · I` is not
    /// numerically positive definite.
    case notPositiveDefinite(damp: Float)

    public var description: String {
        switch self {
        case .weightSizeMismatch(let count, let outFeatures, let inFeatures):
            "the weight has \(count) values, not \(outFeatures) x \(inFeatures)"
        case .inputSizeMismatch(let count, let samples, let inFeatures):
            "the calibration inputs have \(count) values, not \(samples) samples x \(inFeatures) features"
        case .emptyLayer(let outFeatures, let inFeatures, let samples):
            "GPTQ needs a non-empty layer and at least one calibration sample "
                + "(got \(outFeatures) x \(inFeatures) and \(samples) samples)"
        case .nonFiniteWeight(let index):
            "the weight holds a NaN or an infinity at flat index \(index)"
        case .nonFiniteInput(let index):
            "the calibration inputs hold a NaN or an infinity at flat index \(index)"
        case .unsupportedAxis(let axis):
            "GPTQ quantizes per output channel (axis 0) only, not axis \(axis)"
        case .groupSizeMismatch(let groupSize, let inFeatures):
            "group size \(groupSize) does not divide the \(inFeatures) input features"
        case .invalidOptions(let options):
            "GPTQ needs a finite damp >= 0 and a block size >= 1 (got damp \(options.damp), block size \(options.blockSize))"
        case .notPositiveDefinite(let damp):
            "the calibration Hessian is not positive definite with damp \(damp) "
                + "(too few or linearly dependent calibration samples)"
        }
    }
}
