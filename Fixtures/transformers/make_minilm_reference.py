#!/usr/bin/env python3
"""What transformers computes for all-MiniLM-L6-v2 on six sentences, for the Swift BERT forward
pass's parity test (Tests/QuantKitTests/Transformer/MiniLMParityTests.swift).

    python3 Fixtures/transformers/make_minilm_reference.py [MINILM_FOLDER]

MINILM_FOLDER defaults to .cache/all-MiniLM-L6-v2 (Fixtures/minilm/fetch.py). Needs torch,
transformers and tokenizers (made with torch 2.13.0+cpu, transformers 5.24.0, tokenizers 0.23.3).

The sentences (three short, three long) are tokenized by the `tokenizers` package from the
folder's tokenizer.json, padding turned off, special tokens added. Written to minilm/:

- ids.npy (int32, every sentence's ids one after the other) and lengths.npy (int32 [6]);
- last_hidden_state.npy (float32 [tokens, 384]): BertModel's last_hidden_state for the batch of
  six padded on the right with attention_mask, only the real tokens kept, in the order of ids;
- embeddings.npy (float32 [6, 384]): the sentence-transformers embedding the folder's modules
  describe (mean pooling over the real tokens, then L2 normalization), computed here in torch
  as sentence_transformers' Pooling and Normalize modules compute it.
"""
import os
import sys

import numpy as np
import torch
from tokenizers import Tokenizer
from transformers import BertModel

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SENTENCES = [
    "A cat sits on the mat.",
    "Quantization shrinks models.",
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog while the farmer, who had been watching since dawn, "
    "wonders aloud whether any of this will ever make sense to the neighbours.",
    "In 1969, Apollo 11 landed on the Moon; Neil Armstrong's first words were broadcast to roughly "
    "650 million people around the world.",
    "Int8 matrix multiplication with int32 accumulation is exact, but choosing the scales per channel "
    "rather than per tensor is what keeps the error small on real weights.",
]


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".cache", "all-MiniLM-L6-v2")
    tokenizer = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    tokenizer.no_padding()
    encoded = [tokenizer.encode(sentence).ids for sentence in SENTENCES]
    lengths = [len(ids) for ids in encoded]
    padded = np.zeros((len(encoded), max(lengths)), dtype=np.int64)
    mask = np.zeros_like(padded)
    for row, ids in enumerate(encoded):
        padded[row, :len(ids)] = ids
        mask[row, :len(ids)] = 1
    model = BertModel.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager").eval()
    with torch.no_grad():
        hidden = model(input_ids=torch.tensor(padded), attention_mask=torch.tensor(mask)).last_hidden_state
        weights = torch.tensor(mask, dtype=torch.float32).unsqueeze(-1)
        mean = (hidden * weights).sum(1) / torch.clamp(weights.sum(1), min=1e-9)
        embeddings = torch.nn.functional.normalize(mean, p=2, dim=1)
    real = np.concatenate([hidden[row, :length].numpy() for row, length in enumerate(lengths)])
    out = os.path.join(HERE, "minilm")
    os.makedirs(out, exist_ok=True)
    np.save(os.path.join(out, "ids.npy"), np.concatenate(encoded).astype(np.int32))
    np.save(os.path.join(out, "lengths.npy"), np.array(lengths, dtype=np.int32))
    np.save(os.path.join(out, "last_hidden_state.npy"), real.astype(np.float32))
    np.save(os.path.join(out, "embeddings.npy"), embeddings.numpy().astype(np.float32))
    print("lengths", lengths, "max|hidden|", float(np.abs(real).max()))


if __name__ == "__main__":
    main()
