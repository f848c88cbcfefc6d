import Testing
@testable import QuantKit

/// BertPreTokenizer, ByteLevel, Split (every behavior, inverted) and Sequence against `tokenizers`.
@Suite struct PreTokenizerTests {
    @Test(arguments: ["bert_splits_whitespace_and_isolates_punctuation", "bert_punctuation_is_unicode_8"])
    func bertPreTokenizerMatchesTokenizers(name: String) throws {
        let (got, want) = try ComponentCases.preTokenized(name)
        #expect(got == want)
    }

    @Test(arguments: ["byte_level_gpt2_regex", "byte_level_prefix_space", "byte_level_prefix_space_not_doubled",
                      "byte_level_without_regex_maps_bytes_only"])
    func byteLevelMatchesTokenizers(name: String) throws {
        let (got, want) = try ComponentCases.preTokenized(name)
        #expect(got == want)
    }

    @Test(arguments: ["split_llama3_regex", "split_removed", "split_isolated", "split_merged_with_previous",
                      "split_merged_with_next", "split_contiguous", "split_inverted", "split_inverted_removed"])
    func splitMatchesTokenizers(name: String) throws {
        let (got, want) = try ComponentCases.preTokenized(name)
        #expect(got == want)
    }

    @Test func aSequenceSplitsThenMapsBytes() throws {
        let (got, want) = try ComponentCases.preTokenized("sequence_split_then_byte_level")
        #expect(got == want)
    }

    @Test func theByteAlphabetIsGPT2s() {
        let alphabet = ByteLevelAlphabet.scalarOfByte
        #expect(Set(alphabet).count == 256)
        #expect(alphabet[0x20] == "\u{120}" && alphabet[0x0A] == "\u{10A}" && alphabet[0xAD] == "\u{143}")
        #expect(alphabet[0x21] == "!" && alphabet[0xFF] == "\u{FF}")
    }
}
