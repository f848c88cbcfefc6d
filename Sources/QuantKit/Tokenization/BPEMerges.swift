/// The merge table of a BPE model: for a pair of token ids, the merge's rank (its line in the
/// `merges` list, lowest first) and the id of the merged token.
///
/// When a pair is listed twice the later line wins, as collecting `tokenizers`' merges into a
/// hash map does.
struct BPEMerges: Sendable {
    private var table: [UInt64: (rank: Int, mergedID: Int)] = [:]

    init() {}

    mutating func add(left: Int, right: Int, rank: Int, mergedID: Int) {
        table[Self.key(left, right)] = (rank, mergedID)
    }

    /// `symbols` after every merge, lowest rank first, leftmost first among equal ranks.
    func merged(_ symbols: [Int]) -> [Int] {
        var symbols = symbols
        while symbols.count > 1 {
            var best: (rank: Int, position: Int, mergedID: Int)?
            for position in 0 ..< symbols.count - 1 {
                guard let merge = table[Self.key(symbols[position], symbols[position + 1])] else { continue }
                if best == nil || merge.rank < best!.rank { best = (merge.rank, position, merge.mergedID) }
            }
            guard let best else { break }
            symbols[best.position] = best.mergedID
            symbols.remove(at: best.position + 1)
        }
        return symbols
    }

    private static func key(_ left: Int, _ right: Int) -> UInt64 {
        UInt64(truncatingIfNeeded: left) << 32 | UInt64(truncatingIfNeeded: right)
    }
}
