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
