/// The result of encoding one text: token ids, the segment (type) id of each token, and the
/// attention mask (1 for a token, 0 for padding), as `tokenizers`' `Encoding` holds them.
public struct Encoding: Sendable, Equatable {
    public var ids: [Int]
    public var typeIDs: [Int]
    public var attentionMask: [Int]

    public init(ids: [Int], typeIDs: [Int], attentionMask: [Int]) {
        self.ids = ids
        self.typeIDs = typeIDs
        self.attentionMask = attentionMask
    }

    /// Tokens of segment 0, none of them padding.
    init(ids: [Int]) {
        self.init(ids: ids, typeIDs: Array(repeating: 0, count: ids.count),
                  attentionMask: Array(repeating: 1, count: ids.count))
    }
}
