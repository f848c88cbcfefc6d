extension Granularity {
    /// The channel axis as an index into a shape of rank `rank`: nil per tensor and for a 0-d
    /// tensor (one channel), `axis + rank` for a negative axis, as in NumPy.
    ///
    /// Throws `QuantizationError.axisOutOfRange` when the axis is outside `-rank ..< rank`.
    public func resolvedAxis(rank: Int) throws(QuantizationError) -> Int? {
        guard case .perChannel(let axis) = self, rank > 0 else { return nil }
        guard (-rank ..< rank).contains(axis) else { throw .axisOutOfRange(axis: axis, rank: rank) }
        return axis < 0 ? axis + rank : axis
    }
}
