#!/usr/bin/env python3
"""The edge cases of each tokenizer component, with what `tokenizers` (0.23.3) gives for them, to
component_cases.json.

    python3 Fixtures/tokenizers/make_component_cases.py

Each case has a name (the Swift tests look cases up by name), a kind, the component's JSON as
tokenizer.json spells it, an input text, and `tokenizers`' output:

- normalizer: `Tokenizer.normalizer.normalize_str(input)` (a string);
- pre_tokenizer: the words of `Tokenizer.pre_tokenizer.pre_tokenize_str(input)` (strings);
- tokenizer: the JSON is a whole tokenizer.json; `Tokenizer.encode(input).ids` and `.attention_mask`.

Components are loaded through `Tokenizer.from_str` on a minimal tokenizer.json around them, so
the JSON is exactly what the Swift loader reads.
"""
import json
import os

from tokenizers import Tokenizer

WORD_LEVEL = {"type": "WordLevel", "vocab": {"[UNK]": 0}, "unk_token": "[UNK]"}
BERT = {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "strip_accents": None,
        "lowercase": True}
LLAMA3 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
          r"|\s*[\r\n]+|\s+(?!\S)|\s+")


def bert(**options):
    return {**BERT, **options}


def split(pattern, behavior, invert=False, regex=False):
    return {"type": "Split", "pattern": {"Regex" if regex else "String": pattern}, "behavior": behavior, "invert": invert}


def byte_level(add_prefix_space=False, use_regex=True):
    return {"type": "ByteLevel", "add_prefix_space": add_prefix_space, "trim_offsets": True, "use_regex": use_regex}


def added(content, token_id, **flags):
    token = {"id": token_id, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": False}
    token.update(flags)
    return token


def tokenizer(model, normalizer=None, pre_tokenizer=None, post_processor=None, added_tokens=(), truncation=None,
              padding=None):
    return {"version": "1.0", "truncation": truncation, "padding": padding, "added_tokens": list(added_tokens),
            "normalizer": normalizer, "pre_tokenizer": pre_tokenizer, "post_processor": post_processor,
            "decoder": None, "model": model}


def wordpiece(tokens, max_chars=100):
    return {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
            "max_input_chars_per_word": max_chars, "vocab": {token: i for i, token in enumerate(tokens)}}


def bpe(tokens, merges, **options):
    model = {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
             "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
             "vocab": {token: i for i, token in enumerate(tokens)}, "merges": merges}
    model.update(options)
    return model


BYTE_TOKENS = [f"<0x{b:02X}>" for b in range(256)]
WP_VOCAB = ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "un", "##aff", "##able", "unaff", "##a", "a", "b", "foo", "bar",
            "hello", "x", "y", ".", "##b", "##c", "abc", "d", "##d", "c"]
TEMPLATE = {"type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [1], "tokens": ["[CLS]"]},
                               "[SEP]": {"id": "[SEP]", "ids": [2], "tokens": ["[SEP]"]}}}
WP_BERT = dict(normalizer=bert(), pre_tokenizer={"type": "BertPreTokenizer"})

NORMALIZERS = {
    "bert_final_sigma_lowercases_without_context": (bert(), "ΟΔΥΣΣΕΥΣ Σίσυφος ΣΑΣ"),
    "bert_turkish_dotted_capital_i_keeps_its_dot_as_a_mark": (bert(strip_accents=False), "İstanbul ISTANBUL ı"),
    "bert_turkish_dotted_capital_i_with_accents_stripped": (bert(), "İstanbul DİYARBAKIR"),
    "bert_strip_accents_null_follows_lowercase_off": (bert(lowercase=False), "Café Ångström Dvořák"),
    "bert_strip_accents_true_without_lowercase": (bert(lowercase=False, strip_accents=True), "Café Ångström ﬁ Ǆ"),
    "bert_clean_text_drops_controls_and_maps_whitespace": (
        bert(lowercase=False), "a\x00b\ufffdc\x07d\u200be\tf\rg\u2028h\x85i\ue000j\u0378k\u00a0l\u3000m\u2066n"),
    "bert_chinese_chars_get_spaces_but_hangul_and_kana_do_not": (bert(), "中文abc𠀋한국어カナ㐀豈"),
    "bert_strip_accents_drops_indic_and_hebrew_marks": (bert(), "नमस्ते क\u093c שָׁלוֹם e\u0301\u0327"),
    "nfc_composes": ({"type": "NFC"}, "A\u030angstro\u0308m e\u0301 \u1e9b\u0323 각"),
    "nfkc_folds_compatibility_forms": ({"type": "NFKC"}, "ﬁ ＡＢＣ１ ² ½ Ⅻ \u00a0x"),
    "nfd_decomposes": ({"type": "NFD"}, "Ångström 각"),
    "lowercase_is_full_and_context_free": ({"type": "Lowercase"}, "ΣΑΣ İ ẞ ǅ"),
    "sequence_runs_in_order": ({"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "Lowercase"}]}, "ÅNGSTRÖM"),
}
PRE_TOKENIZERS = {
    "bert_splits_whitespace_and_isolates_punctuation": (
        {"type": "BertPreTokenizer"}, "Hello, world! (x+y)=z  tab\there  don't ¿Qué? 1.5 $5 a|b ~`^"),
    "bert_punctuation_is_unicode_8": ({"type": "BertPreTokenizer"}, "a⹎b a⸺b a‽b a⹂b a჻b a᭞b a꣼b a\u166db"),
    "byte_level_gpt2_regex": (byte_level(), "Hello world's  123 \n\n  x   I'M you'RE"),
    "byte_level_prefix_space": (byte_level(add_prefix_space=True), "Hello  world"),
    "byte_level_prefix_space_not_doubled": (byte_level(add_prefix_space=True), " Hello"),
    "byte_level_without_regex_maps_bytes_only": (byte_level(use_regex=False), "héllo wörld\t😀"),
    "split_llama3_regex": (split(LLAMA3, "Isolated", regex=True), "I'M here 12345 ...\r\n x  don'T\t\tgo"),
    "split_removed": (split("-", "Removed"), "a-b--c-"),
    "split_isolated": (split("-", "Isolated"), "a-b--c-"),
    "split_merged_with_previous": (split("-", "MergedWithPrevious"), "a-b--c-"),
    "split_merged_with_next": (split("-", "MergedWithNext"), "-a-b--c"),
    "split_contiguous": (split("-", "Contiguous"), "a-b--c-"),
    "split_inverted": (split(r"\d+", "Isolated", invert=True, regex=True), "ab12cd345"),
    "split_inverted_removed": (split(r"\d+", "Removed", invert=True, regex=True), "ab12cd345"),
    "sequence_split_then_byte_level": (
        {"type": "Sequence", "pretokenizers": [split(LLAMA3, "Isolated", regex=True), byte_level(use_regex=False)]},
        "héllo 😀 world"),
}
TOKENIZERS = {
    "wordpiece_longest_match_first": (tokenizer(wordpiece(WP_VOCAB), **WP_BERT), "unaffable unaff abcd"),
    "wordpiece_unmatched_piece_makes_the_word_unknown": (tokenizer(wordpiece(WP_VOCAB), **WP_BERT), "unaffz ab"),
    "wordpiece_long_word_is_unknown": (tokenizer(wordpiece(WP_VOCAB, max_chars=5), **WP_BERT), "unaffable abc"),
    "bpe_lowest_rank_first_leftmost_on_ties": (
        tokenizer(bpe(["a", "b", "aa", "ab", "aab", "ba"], [["a", "a"], ["b", "a"], ["a", "b"], ["aa", "b"]])),
        "aaab"),
    "bpe_repeated_pair_merges_left_to_right": (
        tokenizer(bpe(["a", "aa", "aaaa"], [["a", "a"], ["aa", "aa"]])), "aaaaaaa"),
    "bpe_ignore_merges_takes_whole_words": (
        tokenizer(bpe(["a", "b", "c", "ab", "bc", "abc"], [["b", "c"]], ignore_merges=True),
                  pre_tokenizer={"type": "BertPreTokenizer"}), "abc ab"),
    "bpe_without_ignore_merges": (
        tokenizer(bpe(["a", "b", "c", "ab", "bc", "abc"], [["b", "c"]]),
                  pre_tokenizer={"type": "BertPreTokenizer"}), "abc ab"),
    "bpe_byte_fallback": (tokenizer(bpe(["a", "<unk>"] + BYTE_TOKENS, [], byte_fallback=True, unk_token="<unk>")),
                          "aéa😀"),
    "bpe_unknown_fused": (tokenizer(bpe(["a", "<unk>"], [], unk_token="<unk>", fuse_unk=True)), "xxaxay"),
    "bpe_unknown_not_fused": (tokenizer(bpe(["a", "<unk>"], [], unk_token="<unk>")), "xxaxay"),
    "bpe_without_unknown_drops_unknown_characters": (tokenizer(bpe(["a", "b", "ab"], [["a", "b"]])), "axbyab"),
    "bpe_legacy_merges": (tokenizer(bpe(["a", "b", "ab"], ["#version: 0.2", "a b"])), "abab"),
    "added_tokens_leftmost_longest": (
        tokenizer(wordpiece(WP_VOCAB), added_tokens=[added("ab", 30), added("abc", 31), added("bcd", 32)]), "xabcdab"),
    "added_token_lstrip_rstrip": (
        tokenizer(wordpiece(WP_VOCAB), **WP_BERT,
                  added_tokens=[added("<mask>", 30, lstrip=True, special=True), added("[X]", 31, rstrip=True)]),
        "a   <mask>b x[X]   y <mask>"),
    "added_token_single_word": (
        tokenizer(wordpiece(WP_VOCAB), **WP_BERT, added_tokens=[added("foo", 30, single_word=True)]),
        "foobar foo barfoo foo. _foo éfoo"),
    "added_token_normalized_matches_after_normalizing": (
        tokenizer(wordpiece(WP_VOCAB), **WP_BERT,
                  added_tokens=[added("HeLLo", 30, normalized=True), added("Bar", 31)]), "HELLO hello Bar bar"),
    "added_token_already_in_vocabulary_keeps_its_id": (
        tokenizer(wordpiece(WP_VOCAB), **WP_BERT, added_tokens=[added("foo", 99), added("new", 99)]), "foo new"),
    "template_truncation_and_padding": (
        tokenizer(wordpiece(WP_VOCAB), **WP_BERT, post_processor=TEMPLATE,
                  truncation={"max_length": 6, "strategy": "LongestFirst", "stride": 0, "direction": "Right"},
                  padding={"strategy": "BatchLongest", "direction": "Left", "pad_to_multiple_of": 4, "pad_id": 3,
                           "pad_type_id": 0, "pad_token": "[PAD]"}),
        "a b x y a b"),
    "bert_processing": (
        tokenizer(wordpiece(WP_VOCAB), **WP_BERT,
                  post_processor={"type": "BertProcessing", "sep": ["[SEP]", 2], "cls": ["[CLS]", 1]}),
        "a b"),
}


def around(kind, component):
    return tokenizer(WORD_LEVEL, **{kind: component})


def main():
    cases = {}
    for name, (component, text) in NORMALIZERS.items():
        output = Tokenizer.from_str(json.dumps(around("normalizer", component))).normalizer.normalize_str(text)
        cases[name] = {"kind": "normalizer", "json": component, "input": text, "output": output}
    for name, (component, text) in PRE_TOKENIZERS.items():
        words = Tokenizer.from_str(json.dumps(around("pre_tokenizer", component))).pre_tokenizer.pre_tokenize_str(text)
        cases[name] = {"kind": "pre_tokenizer", "json": component, "input": text, "output": [w for w, _ in words]}
    for name, (document, text) in TOKENIZERS.items():
        encoding = Tokenizer.from_str(json.dumps(document)).encode(text)
        cases[name] = {"kind": "tokenizer", "json": document, "input": text, "ids": encoding.ids,
                       "attention_mask": encoding.attention_mask}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "component_cases.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(cases, f, ensure_ascii=False, indent=1)
    print(f"{path}: {len(cases)} cases, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
