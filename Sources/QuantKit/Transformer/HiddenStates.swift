/// The hidden states of a batch between blocks: one row of `width` values per real token, the
/// tokens of each sequence one after the other (`[tokens, width]` row-major, no padding).
///
/// Packing is what padding plus an attention mask computes for the real tokens: every Linear
/// and norm works row by row, and attention only mixes a sequence's own tokens
/// (`AttentionMask`), so a sequence's states do not depend on the others in its batch.
public struct HiddenStates: Sendable, Equatable {
    public var values: [Float]
    public let width: Int
    /// Tokens of each sequence, in order.
    public let lengths: [Int]

    public init(values: [Float], width: Int, lengths: [Int]) {
        precondition(values.count == lengths.reduce(0, +) * width, "hidden states: \(values.count) values, not tokens x \(width)")
        self.values = values
        self.width = width
        self.lengths = lengths
    }

    /// Real tokens in the batch: the rows of `values`.
    public var tokenCount: Int { values.count / max(width, 1) }

    /// The rows of sequence `index`, `[lengths[index], width]`.
    public func sequence(_ index: Int) -> ArraySlice<Float> {
        let start = lengths[..<index].reduce(0, +)
        return values[start * width ..< (start + lengths[index]) * width]
    }
}
