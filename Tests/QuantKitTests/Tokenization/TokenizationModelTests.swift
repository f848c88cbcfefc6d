import Testing
@testable import QuantKit

/// WordPiece and BPE through small tokenizer.json files, against `tokenizers`.
@Suite struct TokenizationModelTests {
    @Test(arguments: ["wordpiece_longest_match_first", "wordpiece_unmatched_piece_makes_the_word_unknown",
                      "wordpiece_long_word_is_unknown"])
    func wordPieceMatchesTokenizers(name: String) throws {
        let (got, ids, _) = try ComponentCases.encoded(name)
        #expect(got.ids == ids)
    }

    @Test(arguments: ["bpe_lowest_rank_first_leftmost_on_ties", "bpe_repeated_pair_merges_left_to_right",
                      "bpe_legacy_merges"])
    func bpeMergeOrderMatchesTokenizers(name: String) throws {
        let (got, ids, _) = try ComponentCases.encoded(name)
        #expect(got.ids == ids)
    }

    @Test func ignoreMergesTakesAWordInTheVocabularyWhole() throws {
        let (with, withIDs, _) = try ComponentCases.encoded("bpe_ignore_merges_takes_whole_words")
        let (without, withoutIDs, _) = try ComponentCases.encoded("bpe_without_ignore_merges")
        #expect(with.ids == withIDs && without.ids == withoutIDs)
        #expect(with.ids != without.ids)
    }

    @Test(arguments: ["bpe_byte_fallback", "bpe_unknown_fused", "bpe_unknown_not_fused",
                      "bpe_without_unknown_drops_unknown_characters"])
    func charactersOutsideTheVocabularyMatchTokenizers(name: String) throws {
        let (got, ids, _) = try ComponentCases.encoded(name)
        #expect(got.ids == ids)
    }
}

/// The heap-based merge loop against the plain one it replaces: merge the leftmost pair of
/// lowest rank until none is left, rescanning the word each time (O(n^2)).
@Suite struct BPEMergesTests {
    func mergedByScanning(_ symbols: [Int], _ merges: BPEMerges) -> [Int] {
        var symbols = symbols
        while symbols.count > 1 {
            var best: (rank: Int, position: Int, mergedID: Int)?
            for position in 0 ..< symbols.count - 1 {
                guard let merge = merges.merge(symbols[position], symbols[position + 1]) else { continue }
                if best == nil || merge.rank < best!.rank { best = (merge.rank, position, merge.mergedID) }
            }
            guard let best else { break }
            symbols[best.position] = best.mergedID
            symbols.remove(at: best.position + 1)
        }
        return symbols
    }

    @Test func theHeapMergesExactlyAsRescanningDoes() {
        // Symbols 0..<4; every pair (a, b) of ids below 12 may merge into a new id, with ranks
        // shuffled, so merged ids merge again; words of up to 40 symbols.
        var generator = SplitMix64(seed: 11)
        var merges = BPEMerges()
        var nextID = 4
        for rank in 0 ..< 60 {
            let left = Int(generator.next() % UInt64(min(nextID, 12))), right = Int(generator.next() % UInt64(min(nextID, 12)))
            merges.add(left: left, right: right, rank: rank, mergedID: nextID)
            nextID += 1
        }
        for _ in 0 ..< 2000 {
            let word = (0 ..< Int(generator.next() % 40)).map { _ in Int(generator.next() % 4) }
            #expect(merges.merged(word) == mergedByScanning(word, merges), "\(word)")
        }
    }

    @Test func aLongWordStaysFast() {
        var merges = BPEMerges()
        merges.add(left: 0, right: 0, rank: 0, mergedID: 1)
        merges.add(left: 1, right: 1, rank: 1, mergedID: 2)
        let merged = merges.merged(Array(repeating: 0, count: 1 << 18))
        #expect(merged == Array(repeating: 2, count: 1 << 16))
    }
}
