import Testing
@testable import QuantKit

/// Added tokens: leftmost-longest matching, the lstrip/rstrip/single_word/normalized flags, and
/// the ids `tokenizers` gives them, against `tokenizers`.
@Suite struct AddedVocabularyTests {
    @Test(arguments: ["added_tokens_leftmost_longest", "added_token_lstrip_rstrip", "added_token_single_word",
                      "added_token_normalized_matches_after_normalizing",
                      "added_token_already_in_vocabulary_keeps_its_id"])
    func addedTokensMatchTokenizers(name: String) throws {
        let (got, ids, _) = try ComponentCases.encoded(name)
        #expect(got.ids == ids)
    }

    @Test func idsComeFromTheVocabularyOrCountUpFromItsSize() {
        let model = WordPieceModel(vocabulary: ["[UNK]": 0, "foo": 1], unknownTokenID: 0, continuingSubwordPrefix: "##",
                                   maxInputCharsPerWord: 100)
        let tokens = AddedVocabulary.assigningIDs(
            [AddedToken(content: "new", id: 7), AddedToken(content: "foo", id: 9), AddedToken(content: "", id: 3),
             AddedToken(content: "other", id: 2)], model: model)
        #expect(tokens.map(\.content) == ["foo", "new", "other"])
        #expect(tokens.map(\.id) == [1, 2, 3])
    }
}
