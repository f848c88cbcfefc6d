#!/usr/bin/env python3
"""Encodes corpus.txt with the `tokenizers` package (0.23.3) and writes the ids the Swift
tokenizer must reproduce, to expected_ids.npz (NumPy, deflated).

    python3 Fixtures/tokenizers/make_expected_ids.py [MINILM_FOLDER]

MINILM_FOLDER defaults to .cache/all-MiniLM-L6-v2 (Fixtures/minilm/fetch.py); its tokenizer.json's
SHA-256 is stored as `minilm_sha256` (uint8 array) so the test knows it reads the same file.

For each case NAME the archive holds NAME_ids (uint16, every line's ids one after the other) and
NAME_lengths (uint16, ids per line). Each line is encoded with `Tokenizer.encode(line)`, special
tokens added, truncation as the file says:

- minilm: all-MiniLM-L6-v2 (WordPiece, truncation at 128), padding turned off (`no_padding`);
- minilm_padded: the first 8 lines with the file's padding (Fixed 128) left on;
- minilm_max16: the first 200 lines truncated to 16 tokens (`enable_truncation(16)`);
- gpt2, llama3, qwen2: the fixtures of make_bpe_tokenizers.py;
- llama3_left8: the first 200 lines, truncation at 8 tokens from the left.
"""
import hashlib
import os
import sys

import numpy as np
from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def corpus():
    with open(os.path.join(HERE, "corpus.txt"), encoding="utf-8", newline="") as f:
        text = f.read()
    assert text.endswith("\n")
    return text[:-1].split("\n")


def encoded(tokenizer, lines):
    rows = [tokenizer.encode(line).ids for line in lines]
    assert max(max(row, default=0) for row in rows) < 1 << 16 and max(len(row) for row in rows) < 1 << 16
    return (np.array([i for row in rows for i in row], dtype=np.uint16),
            np.array([len(row) for row in rows], dtype=np.uint16))


def main():
    minilm = os.path.join(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".cache", "all-MiniLM-L6-v2"),
                          "tokenizer.json")
    lines = corpus()
    arrays = {}

    def add(name, tokenizer, subset):
        arrays[name + "_ids"], arrays[name + "_lengths"] = encoded(tokenizer, subset)
        print(f"{name}: {len(subset)} lines, {len(arrays[name + '_ids'])} ids")

    with open(minilm, "rb") as f:
        arrays["minilm_sha256"] = np.frombuffer(hashlib.sha256(f.read()).digest(), dtype=np.uint8)
    padded = Tokenizer.from_file(minilm)
    add("minilm_padded", padded, lines[:8])
    unpadded = Tokenizer.from_file(minilm)
    unpadded.no_padding()
    add("minilm", unpadded, lines)
    unpadded.enable_truncation(16)
    add("minilm_max16", unpadded, lines[:200])
    for name in ["gpt2", "llama3", "qwen2"]:
        add(name, Tokenizer.from_file(os.path.join(HERE, name + ".json")), lines)
    left = Tokenizer.from_file(os.path.join(HERE, "llama3.json"))
    left.enable_truncation(8, direction="left")
    add("llama3_left8", left, lines[:200])
    path = os.path.join(HERE, "expected_ids.npz")
    np.savez_compressed(path, **arrays)
    print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
