/// Why a tensor could not be quantized as asked.
public enum QuantizationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A per-channel axis outside `-rank ..< rank`.
    case axisOutOfRange(axis: Int, rank: Int)
    /// The number of values does not match the element count of the shape.
    case valueCountMismatch(count: Int, shape: [Int])
    /// A group size that does not divide the last dimension.
    case groupSizeMismatch(groupSize: Int, lastDimension: Int)
    /// A full symmetric range asked of a scheme that cannot take it (`QuantScheme.fullRangeConflict`).
    case fullRangeConflict(FullRangeConflict)

    public var description: String {
        switch self {
        case .axisOutOfRange(let axis, let rank):
            "axis \(axis) is out of range for a tensor of rank \(rank) (valid: \(-rank) to \(rank - 1))"
        case .valueCountMismatch(let count, let shape):
            "\(count) values do not fill shape \(formatShape(shape))"
        case .groupSizeMismatch(let groupSize, let lastDimension):
            "group size \(groupSize) does not divide the last dimension, \(lastDimension)"
        case .fullRangeConflict(let conflict):
            "the full symmetric range does not apply: \(conflict)"
        }
    }
}
