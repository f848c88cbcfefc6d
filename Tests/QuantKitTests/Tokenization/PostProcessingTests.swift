import Testing
@testable import QuantKit

/// Truncation, templates and padding, against `tokenizers`.
@Suite struct PostProcessingTests {
    @Test func truncationLeavesRoomForTheTemplateThenPaddingGoesLeftToAMultiple() throws {
        let (got, ids, attentionMask) = try ComponentCases.encoded("template_truncation_and_padding")
        #expect(got.ids == ids && got.attentionMask == attentionMask)
    }

    @Test func bertProcessingIsClsSequenceSep() throws {
        let (got, ids, _) = try ComponentCases.encoded("bert_processing")
        #expect(got.ids == ids)
    }

    @Test func aMaxLengthBelowTheSpecialTokensIsRefused() throws {
        let truncation = Truncation(maxLength: 1)
        #expect(throws: TokenizationError.maxLengthBelowSpecialTokens(maxLength: 1, specialTokens: 2)) {
            try truncation.truncated([5, 6], specialTokens: 2)
        }
        #expect(try truncation.truncated([5, 6], specialTokens: 1) == [])
        #expect(try Truncation(maxLength: 2, direction: .left).truncated([5, 6, 7], specialTokens: 0) == [6, 7])
    }
}
