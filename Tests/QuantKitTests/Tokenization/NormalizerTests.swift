import Testing
@testable import QuantKit

/// BertNormalizer, NFC/NFD/NFKC, Lowercase and Sequence against `tokenizers` on their edge cases.
@Suite struct NormalizerTests {
    @Test(arguments: [
        "bert_final_sigma_lowercases_without_context",
        "bert_turkish_dotted_capital_i_keeps_its_dot_as_a_mark",
        "bert_turkish_dotted_capital_i_with_accents_stripped",
        "bert_strip_accents_null_follows_lowercase_off",
        "bert_strip_accents_true_without_lowercase",
        "bert_clean_text_drops_controls_and_maps_whitespace",
        "bert_chinese_chars_get_spaces_but_hangul_and_kana_do_not",
        "bert_strip_accents_drops_indic_and_hebrew_marks",
    ])
    func bertNormalizerMatchesTokenizers(name: String) throws {
        let (got, want) = try ComponentCases.normalized(name)
        #expect(got == want)
    }

    @Test(arguments: ["nfc_composes", "nfkc_folds_compatibility_forms", "nfd_decomposes"])
    func unicodeFormsMatchTokenizers(name: String) throws {
        let (got, want) = try ComponentCases.normalized(name)
        #expect(got == want)
    }

    @Test func lowercaseIsTheFullMappingWithoutContext() throws {
        let (got, want) = try ComponentCases.normalized("lowercase_is_full_and_context_free")
        #expect(got == want)
        #expect(got.contains("\u{307}"), "İ lowercases to i + combining dot above")
    }

    @Test func aSequenceRunsItsNormalizersInOrder() throws {
        let (got, want) = try ComponentCases.normalized("sequence_runs_in_order")
        #expect(got == want)
    }

    @Test func canonicalDecompositionSortsMarksByCombiningClass() {
        // U+0323 (class 220) before U+0307 (class 230) whatever order they come in.
        #expect(canonicalDecomposition(["q", "\u{307}", "\u{323}"]) == ["q", "\u{323}", "\u{307}"])
        #expect(canonicalDecomposition(["\u{1E9B}", "\u{323}"]) == ["\u{17F}", "\u{323}", "\u{307}"])
    }
}
