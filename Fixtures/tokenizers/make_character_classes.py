#!/usr/bin/env python3
"""Fingerprints what `tokenizers` (0.23.3) does to every Unicode code point in each per-character
step of BERT's normalizer and pre-tokenizer, to character_classes.json.

    python3 Fixtures/tokenizers/make_character_classes.py

`tokenizers` takes "other", "punctuation" and "non-spacing mark" from the `unicode_categories`
crate (Unicode 8.0 tables) and whitespace and lowercase from Rust's standard library, so the
classes differ from today's Unicode in places; only `tokenizers` itself can say where. Steps, each
applied to the one-character text c for every code point c (surrogates excluded):

- clean_text: BertNormalizer(clean_text only); c, a space, or nothing
- handle_chinese_chars: BertNormalizer(handle_chinese_chars only); c or " c "
- strip_accents: BertNormalizer(strip_accents only): NFD, then non-spacing marks dropped
- lowercase: BertNormalizer(lowercase only, strip_accents false): the full lowercase mapping
- pre_tokenizer: BertPreTokenizer on "a" + c + "a"; the output is the number of words (1, 2 or 3)

For each step and each block of 16,384 code points, the FNV-1a hash (64-bit, over 32-bit units)
of the outputs in code point order, each output's scalars followed by 0xFFFFFFFF (the
pre-tokenizer's output is its word count). The Swift test computes the same hashes and names the
step and block of any difference.
"""
import json
import os

from tokenizers import normalizers, pre_tokenizers

BLOCK = 0x4000
FNV_OFFSET, FNV_PRIME, MASK = 0xCBF29CE484222325, 0x100000001B3, (1 << 64) - 1
STEPS = {
    "clean_text": normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False),
    "handle_chinese_chars": normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=True, strip_accents=False,
                                                       lowercase=False),
    "strip_accents": normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=True,
                                                lowercase=False),
    "lowercase": normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=False,
                                            lowercase=True),
}


def units(step, c):
    if step == "pre_tokenizer":
        return [len(PRE.pre_tokenize_str("a" + c + "a"))]
    return [ord(ch) for ch in STEPS[step].normalize_str(c)]


PRE = pre_tokenizers.BertPreTokenizer()


def main():
    hashes = {step: [] for step in [*STEPS, "pre_tokenizer"]}
    for step, blocks in hashes.items():
        for start in range(0, 0x110000, BLOCK):
            h = FNV_OFFSET
            for cp in range(start, start + BLOCK):
                if 0xD800 <= cp <= 0xDFFF:
                    continue
                for unit in units(step, chr(cp)) + [0xFFFFFFFF]:
                    h = ((h ^ unit) * FNV_PRIME) & MASK
            blocks.append(f"{h:016x}")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "character_classes.json")
    with open(path, "w") as f:
        json.dump({"block_size": BLOCK, "fnv1a64": hashes}, f, indent=1)
    print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
