#!/usr/bin/env python3
"""What round-to-nearest per-channel weight quantization costs all-MiniLM-L6-v2's sentence
embeddings, computed in torch, for Tests/QuantKitTests/TransformerEvaluation/MiniLMEvaluationTests.swift.

    python3 Fixtures/transformers/make_minilm_rtn_reference.py [MINILM_FOLDER]

MINILM_FOLDER defaults to .cache/all-MiniLM-L6-v2 (Fixtures/minilm/fetch.py). Needs torch,
transformers and tokenizers (made with torch 2.13.0+cpu, transformers 5.24.0, tokenizers 0.23.3).

The 300 lines of Fixtures/eval_text/eval.txt are tokenized by the `tokenizers` package (special
tokens added, no padding or truncation) and embedded in batches of 32 by BertModel (padded on
the right with attention_mask), mean-pooled over the real tokens and L2-normalized, as the
folder's modules describe. Then every nn.Linear weight is replaced by its symmetric per-output-
channel round to nearest at 8 and at 4 bits: scale = max|w_row| / (2^(b-1) - 1) (1 for a zero
row), codes = round-half-even(w / scale) clamped to [-2^(b-1), 2^(b-1) - 1], weight = codes *
scale; biases, norms and embeddings stay float. Written to minilm/rtn_eval_reference.json, per
bit width: cosine_mean and cosine_min of each text's float and quantized embeddings (float64),
and neighbour_agreement, the fraction of texts whose most similar other text (by cosine) is the
same in both models.
"""
import json
import os
import sys

import numpy as np
import torch
from tokenizers import Tokenizer
from transformers import BertModel

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")


def embeddings(model, ids):
    batches = []
    with torch.inference_mode():
        for start in range(0, len(ids), 32):
            batch = ids[start:start + 32]
            length = max(map(len, batch))
            x = torch.tensor([row + [0] * (length - len(row)) for row in batch])
            mask = torch.tensor([[1] * len(row) + [0] * (length - len(row)) for row in batch])
            hidden = model(input_ids=x, attention_mask=mask).last_hidden_state
            pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
            batches.append(torch.nn.functional.normalize(pooled, dim=1))
    return torch.cat(batches).double().numpy()


def nearest_others(e):
    unit = e / np.linalg.norm(e, axis=1, keepdims=True)
    similarities = unit @ unit.T
    np.fill_diagonal(similarities, -np.inf)
    return similarities.argmax(1)


def round_linears(model, bits):
    qmax = 2 ** (bits - 1) - 1
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.Linear):
                w = module.weight
                scale = w.abs().amax(1, keepdim=True) / qmax
                scale[scale == 0] = 1
                module.weight.copy_(torch.clamp(torch.round(w / scale), -qmax - 1, qmax) * scale)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".cache", "all-MiniLM-L6-v2")
    torch.set_num_threads(1)
    tokenizer = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    lines = open(os.path.join(ROOT, "Fixtures", "eval_text", "eval.txt"), encoding="utf-8").read().splitlines()
    ids = [tokenizer.encode(line).ids for line in lines]
    reference = embeddings(BertModel.from_pretrained(folder).eval(), ids)
    result = {"texts": len(ids)}
    for bits in (8, 4):
        model = BertModel.from_pretrained(folder).eval()
        round_linears(model, bits)
        quantized = embeddings(model, ids)
        cosines = (reference * quantized).sum(1) / np.linalg.norm(reference, axis=1) / np.linalg.norm(quantized, axis=1)
        result[f"bits_{bits}"] = {
            "cosine_mean": float(cosines.mean()), "cosine_min": float(cosines.min()),
            "neighbour_agreement": float((nearest_others(reference) == nearest_others(quantized)).mean()),
        }
    with open(os.path.join(HERE, "minilm", "rtn_eval_reference.json"), "w") as out:
        json.dump(result, out, indent=2, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()
