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

    /// How the scales divide a tensor of `shape` (resolved axis, or groups along the last axis),
    /// as a block view: `channels` scales, the scale of flat index `i` being
    /// `(i / inner) % channels`. Groups are the channels of the view `[count / size, size]`.
    func blocks(shape: [Int]) throws -> ChannelBlocks {
        if case .perGroup(let size) = self, !shape.isEmpty {
            let count = try elementCount(of: shape)
            guard shape[shape.count - 1] % size == 0 else {
                throw QuantizationError.groupSizeMismatch(groupSize: size, lastDimension: shape[shape.count - 1])
            }
            return ChannelBlocks(outer: 1, channels: count / size, inner: size)
        }
        return try ChannelBlocks(shape: shape, axis: try resolvedAxis(rank: shape.count))
    }

    /// The shape scales are stored in: the tensor's rank with 1 on every reduced axis (per
    /// tensor, per channel); `shape[..<last] + [last / size]` per group.
    func scaleShape(of shape: [Int], axis: Int?) -> [Int] {
        if case .perGroup(let size) = self, let last = shape.last {
            return shape.dropLast() + [last / size]
        }
        return shape.indices.map { $0 == axis ? shape[$0] : 1 }
    }
}
