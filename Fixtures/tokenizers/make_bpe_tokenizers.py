#!/usr/bin/env python3
"""Trains the three small byte-level BPE tokenizers of the parity tests with the `tokenizers`
package itself (0.23.3), and writes each as a tokenizer.json fixture.

    python3 Fixtures/tokenizers/make_bpe_tokenizers.py

No real GPT-2, Llama 3 or Qwen2 tokenizer is available offline, so each fixture copies the
pipeline of one of them onto a vocabulary of 1,000 tokens (the 256 byte symbols, the special
tokens, then merges) learned from 3,000 lines of make_corpus.py's generator with another seed:

- gpt2.json: ByteLevel pre-tokenizer (GPT-2's regex, no prefix space), BPE, ByteLevel
  post-processor; merges rewritten in the legacy "a b" string form; added tokens
  <|endoftext|> (special), <mask> (lstrip, as RoBERTa's) and "foo" (single_word).
- llama3.json: Split with Llama 3's regex (isolated) then ByteLevel(use_regex=false), BPE with
  ignore_merges, post-processor Sequence[ByteLevel, TemplateProcessing "<|begin_of_text|> $A"];
  merges as [a, b] pairs; special <|begin_of_text|>, <|end_of_text|>, <|eot_id|>.
- qwen2.json: NFC normalizer, Split with Qwen2's regex then ByteLevel(use_regex=false), BPE,
  ByteLevel post-processor; special <|endoftext|>, <|im_start|>, <|im_end|> (rstrip), and a
  normalized (not special) added token "Ångström", matched after NFC.
"""
import json
import os
import sys

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_corpus import lines  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_SIZE = 1000
LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                  r"|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                 r"|\s*[\r\n]+|\s+(?!\S)|\s+")


def trained(tokenizer, special_tokens):
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, special_tokens=special_tokens, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(lines(7, 3000), trainer)
    tokenizer.decoder = decoders.ByteLevel()
    return tokenizer


def gpt2():
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=True)
    trained(tokenizer, ["<|endoftext|>"])
    tokenizer.add_tokens([AddedToken("<mask>", lstrip=True, special=True), AddedToken("foo", single_word=True)])
    return tokenizer


def llama3():
    tokenizer = Tokenizer(models.BPE(ignore_merges=True))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False)])
    specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"]
    trained(tokenizer, specials)
    tokenizer.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=False),
        processors.TemplateProcessing(single="<|begin_of_text|> $A", pair="<|begin_of_text|> $A <|begin_of_text|> $B",
                                      special_tokens=[("<|begin_of_text|>", tokenizer.token_to_id("<|begin_of_text|>"))])])
    return tokenizer


def qwen2():
    tokenizer = Tokenizer(models.BPE())
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN2_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)])
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    trained(tokenizer, ["<|endoftext|>", "<|im_start|>"])
    tokenizer.add_special_tokens([AddedToken("<|im_end|>", rstrip=True, special=True)])
    tokenizer.add_tokens([AddedToken("Ångström", normalized=True)])
    return tokenizer


def write(name, tokenizer, legacy_merges=False):
    document = json.loads(tokenizer.to_str())
    if legacy_merges:
        document["model"]["merges"] = [" ".join(pair) for pair in document["model"]["merges"]]
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, ensure_ascii=False, separators=(",", ":"))
    reloaded = Tokenizer.from_file(path)
    assert reloaded.encode("Hello, world's 123").ids == tokenizer.encode("Hello, world's 123").ids
    print(f"{path}: {reloaded.get_vocab_size()} tokens, {len(document['model']['merges'])} merges, "
          f"{os.path.getsize(path)} bytes")


if __name__ == "__main__":
    write("gpt2.json", gpt2(), legacy_merges=True)
    write("llama3.json", llama3())
    write("qwen2.json", qwen2())
