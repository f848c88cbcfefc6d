/// `models::BPE` (byte-pair encoding) as GPT-2, Llama 3 and Qwen2 use it.
///
/// A word starts as one symbol per scalar (its vocabulary id). Then, while some adjacent pair
/// of symbols has a merge, the pair with the lowest merge rank is merged, the leftmost one when
/// a rank occurs more than once; this is the order of `tokenizers`' `Word::merge_all` heap
/// (rank, then position). With `ignoreMerges` (Llama 3) a word that is itself in the vocabulary
/// is that one token, whatever the merges would do.
///
/// A scalar outside the vocabulary becomes, in order of preference: its UTF-8 bytes as
/// `<0xXX>` tokens (`byteFallback`), the unknown token (adjacent ones fused into one with
/// `fuseUnknown`), or nothing at all (no unknown token), as `BPE::merge_word` does.
///
/// - Complexity: O(n^2) in the scalars of one word.
struct BPEModel: TokenizationModel {
    let vocabulary: [String: Int]
    let merges: BPEMerges
    let unknownTokenID: Int?
    let fuseUnknown: Bool
    let byteFallback: Bool
    let ignoreMerges: Bool
    /// The ids of the single-scalar tokens, looked up without building a string.
    private let scalarIDs: [Unicode.Scalar: Int]

    init(vocabulary: [String: Int], merges: BPEMerges, unknownTokenID: Int?, fuseUnknown: Bool,
         byteFallback: Bool, ignoreMerges: Bool) {
        self.vocabulary = vocabulary
        self.merges = merges
        self.unknownTokenID = unknownTokenID
        self.fuseUnknown = fuseUnknown
        self.byteFallback = byteFallback
        self.ignoreMerges = ignoreMerges
        var scalarIDs: [Unicode.Scalar: Int] = [:]
        for (token, id) in vocabulary {
            let scalars = token.unicodeScalars
            if scalars.count == 1 { scalarIDs[scalars.first!] = id }
        }
        self.scalarIDs = scalarIDs
    }

    var vocabularySize: Int { vocabulary.count }

    func id(of token: String) -> Int? {
        vocabulary[token]
    }

    func tokenize(_ word: [Unicode.Scalar]) -> [Int] {
        if ignoreMerges, let id = vocabulary[String(String.UnicodeScalarView(word))] { return [id] }
        return merges.merged(initialSymbols(word))
    }

    /// One id per scalar, with the fallbacks for scalars outside the vocabulary.
    private func initialSymbols(_ word: [Unicode.Scalar]) -> [Int] {
        var symbols: [Int] = []
        symbols.reserveCapacity(word.count)
        var pendingUnknown = false
        for scalar in word {
            if let id = scalarIDs[scalar] {
                if pendingUnknown, let unknownTokenID { symbols.append(unknownTokenID) }
                pendingUnknown = false
                symbols.append(id)
            } else if byteFallback, let byteIDs = byteFallbackIDs(scalar) {
                // `merge_word` adds the bytes without flushing a pending unknown token first.
                symbols += byteIDs
            } else if unknownTokenID != nil {
                if pendingUnknown, !fuseUnknown { symbols.append(unknownTokenID!) }
                pendingUnknown = true
            }
        }
        if pendingUnknown, let unknownTokenID { symbols.append(unknownTokenID) }
        return symbols
    }

    /// The `<0xXX>` tokens of the scalar's UTF-8 bytes, nil unless all are in the vocabulary.
    private func byteFallbackIDs(_ scalar: Unicode.Scalar) -> [Int]? {
        var ids: [Int] = []
        for byte in String(Character(scalar)).utf8 {
            let hex = String(byte, radix: 16, uppercase: true)
            guard let id = vocabulary["<0x\(hex.count == 1 ? "0" + hex : hex)>"] else { return nil }
            ids.append(id)
        }
        return ids
    }
}
