/// Which keys of its own sequence a query attends to. Sequences are packed without padding
/// (see `HiddenStates`), so a key padding mask is the sequence's end, and a query never sees
/// another sequence's keys.
public enum AttentionMask: Sendable, Equatable {
    /// Every key of the sequence (BERT).
    case bidirectional
    /// Keys at or before the query; with a window `w`, only the `w` latest of them
    /// (transformers' sliding window: key `j` is seen from query `i` when `i - w < j <= i`).
    case causal(window: Int?)

    /// The keys query `i` of a sequence of `length` tokens sees; never empty.
    @inline(__always)
    func keys(query i: Int, length: Int) -> Range<Int> {
        switch self {
        case .bidirectional: 0 ..< length
        case .causal(nil): 0 ..< i + 1
        case .causal(let window?): max(0, i - window + 1) ..< i + 1
        }
    }
}
