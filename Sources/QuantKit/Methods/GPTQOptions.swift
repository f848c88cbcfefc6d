/// How `gptqQuantize` runs: dampening, lazy-batch width and column order.
public struct GPTQOptions: Sendable, Equatable {
    /// The fraction of the mean Hessian diagonal added to every diagonal entry (the reference's
    /// `percdamp`), so that `H` is invertible for few or correlated samples. Finite, >= 0.
    public var damp: Float
    /// Columns per lazy batch (the reference's `blocksize`), >= 1. It changes only float
    /// rounding, not the mathematical result.
    public var blockSize: Int
    /// Quantize columns in order of decreasing `H[i][i]` (the reference's `act_order`): the inputs
    /// with the most energy first, while the most columns remain to absorb their error.
    public var activationOrder: Bool

    public init(damp: Float = 0.01, blockSize: Int = 128, activationOrder: Bool = false) {
        self.damp = damp
        self.blockSize = blockSize
        self.activationOrder = activationOrder
    }
}
