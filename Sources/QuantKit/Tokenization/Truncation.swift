/// `TruncationParams` for a single sequence: keep at most `maxLength` tokens, special tokens
/// included, dropping from the end (`right`) or the start (`left`) of the sequence's own ids
/// before the post-processor adds its tokens. (`stride` only shapes the overflowing pieces,
/// which are not kept, so it does not change the ids.)
public struct Truncation: Sendable, Equatable {
    public enum Direction: String, Sendable {
        case left = "Left", right = "Right"
    }

    public var maxLength: Int
    public var direction: Direction

    public init(maxLength: Int, direction: Direction = .right) {
        self.maxLength = maxLength
        self.direction = direction
    }

    /// `ids` cut to `maxLength - specialTokens`; throws when that is negative (where the Rust
    /// code would underflow).
    func truncated(_ ids: [Int], specialTokens: Int) throws(TokenizationError) -> [Int] {
        let room = maxLength - specialTokens
        guard room >= 0 else { throw .maxLengthBelowSpecialTokens(maxLength: maxLength, specialTokens: specialTokens) }
        guard ids.count > room else { return ids }
        return direction == .right ? Array(ids.prefix(room)) : Array(ids.suffix(room))
    }
}
