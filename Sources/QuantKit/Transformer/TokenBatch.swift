/// A batch of token-id sequences of possibly different lengths, the input of a forward pass;
/// with BERT, optionally each token's type (segment) id, 0 when not given.
public struct TokenBatch: Sendable, Equatable {
    public let sequences: [[Int]]
    public let tokenTypes: [[Int]]?

    public init(_ sequences: [[Int]], tokenTypes: [[Int]]? = nil) {
        self.sequences = sequences
        self.tokenTypes = tokenTypes
    }

    public var lengths: [Int] { sequences.map(\.count) }

    /// Refuses an empty batch or sequence, an id outside `0 ..< vocabularySize`, a sequence
    /// longer than `maxPositions`, and token types that do not match the sequences or fall
    /// outside `0 ..< typeCount`.
    func validate(vocabularySize: Int, maxPositions: Int, typeCount: Int) throws(TransformerError) {
        guard !sequences.isEmpty else { throw .emptyBatch }
        for (s, sequence) in sequences.enumerated() {
            guard !sequence.isEmpty else { throw .emptySequence(sequence: s) }
            guard sequence.count <= maxPositions else {
                throw .sequenceTooLong(sequence: s, length: sequence.count, maxPositions: maxPositions)
            }
            if let p = sequence.firstIndex(where: { !(0 ..< vocabularySize).contains($0) }) {
                throw .tokenOutOfRange(sequence: s, position: p, id: sequence[p], vocabularySize: vocabularySize)
            }
        }
        guard let tokenTypes else { return }
        guard tokenTypes.count == sequences.count else { throw .tokenTypeSequences(sequences: sequences.count, types: tokenTypes.count) }
        for (s, types) in tokenTypes.enumerated() {
            guard types.count == sequences[s].count else { throw .tokenTypesMismatch(sequence: s, tokens: sequences[s].count, types: types.count) }
            if let p = types.firstIndex(where: { !(0 ..< typeCount).contains($0) }) {
                throw .tokenTypeOutOfRange(sequence: s, position: p, type: types[p], typeCount: typeCount)
            }
        }
    }
}
