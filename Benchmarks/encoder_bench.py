#!/usr/bin/env python3
"""The encoder forward on all-MiniLM-L6-v2, ours against torch CPU, in one interleaved run.

Both sides get the same token ids (the held-out sentences of Fixtures/eval_text/eval.txt,
tokenized once by the `tokenizers` package), in batches of BATCH in file order, each batch padded
to its longest sentence, and compute the mean-pooled, L2-normalized sentence embeddings; tokenizing
and loading are not timed. torch runs BertModel (transformers) under `torch.inference_mode()` with
`torch.set_num_threads(THREADS)`; ours is `quantize-bench encoder`, which times its own forward
passes the same way, with float weights and with the weights quantized to int8 per channel and run
on the int8 GEMM (`--compute int8`). Rounds alternate torch, ours float, ours int8; the table gives
each side's median sentences per second and each round's ratio to torch's in the same round.

Usage: python3 Benchmarks/encoder_bench.py QUANTIZE_BENCH MINILM_FOLDER [--rounds R] [--threads T]
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

BATCH = 32
HERE = os.path.dirname(os.path.abspath(__file__))
TEXT = os.path.join(HERE, "..", "Fixtures", "eval_text", "eval.txt")


def argument(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def token_batches(folder):
    from tokenizers import Tokenizer
    tokenizer = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    lines = open(TEXT).read().splitlines()
    ids = [tokenizer.encode(line).ids for line in lines]
    return [ids[i:i + BATCH] for i in range(0, len(ids), BATCH)]


def torch_round(model, batches):
    import torch
    start = time.perf_counter()
    count = 0
    with torch.inference_mode():
        for batch in batches:
            length = max(map(len, batch))
            ids = torch.tensor([row + [0] * (length - len(row)) for row in batch])
            mask = torch.tensor([[1] * len(row) + [0] * (length - len(row)) for row in batch])
            hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
            pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
            torch.nn.functional.normalize(pooled, dim=1)
            count += len(batch)
    return count / (time.perf_counter() - start)


def ours_round(binary, folder, ids_path, threads, compute):
    output = subprocess.run([binary, "encoder", folder, "--tokens", ids_path, "--batch", str(BATCH),
                             "--threads", str(threads), "--compute", compute],
                            check=True, capture_output=True, text=True).stdout
    fields = dict(part.split("=", 1) for part in output.split() if "=" in part)
    return float(fields["sentences_per_second"])


def main():
    binary, folder = sys.argv[1], sys.argv[2]
    rounds, threads = argument("--rounds", 5), argument("--threads", 2)
    import torch
    from transformers import BertModel
    torch.set_num_threads(threads)
    model = BertModel.from_pretrained(folder).eval()
    batches = token_batches(folder)
    sentences = sum(map(len, batches))
    with tempfile.TemporaryDirectory() as work:
        # The ids as one int32 array [sentences, longest] padded with -1 (our side's --tokens).
        longest = max(len(row) for batch in batches for row in batch)
        table = np.full((sentences, longest), -1, dtype=np.int32)
        for index, row in enumerate(row for batch in batches for row in batch):
            table[index, :len(row)] = row
        ids_path = os.path.join(work, "ids.npy")
        np.save(ids_path, table)
        torch_round(model, batches[:2])  # warm-up
        results = {"torch": [], "float": [], "int8": []}
        for _ in range(rounds):
            results["torch"].append(torch_round(model, batches))
            results["float"].append(ours_round(binary, folder, ids_path, threads, "float"))
            results["int8"].append(ours_round(binary, folder, ids_path, threads, "int8"))
    print(f"encoder forward, all-MiniLM-L6-v2, {sentences} sentences of Fixtures/eval_text/eval.txt, "
          f"batch {BATCH}, {threads} threads, {rounds} interleaved rounds (torch {torch.__version__})")
    print(f"{'impl':<28}{'sentences/s (median)':>22}{'vs torch (median of rounds)':>30}")
    for name, label in (("torch", "torch float32"), ("float", "quantize float32"), ("int8", "quantize int8 per-channel")):
        ratios = [ours / theirs for ours, theirs in zip(results[name], results["torch"])]
        print(f"{label:<28}{statistics.median(results[name]):>22.1f}{statistics.median(ratios):>29.2f}x")


if __name__ == "__main__":
    main()
