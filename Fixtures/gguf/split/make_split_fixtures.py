#!/usr/bin/env python3
"""Regenerates the split (sharded) GGUF fixtures in Fixtures/gguf/split; run from the repository root:

    python3 Fixtures/gguf/split/make_split_fixtures.py [path/to/llama-quantize]

Needs NumPy and gguf-py (gguf==0.19.0). Writes tiny_split-0000k-of-00004.gguf with gguf-py's
GGUFWriter(split_max_tensors=6): a llama-architecture model (2 layers, hidden size 256, random
weights, seed 11, in f16, f32 and bf16, 8 rows each; blk.*.ffn_down.weight 96 wide, which no
256-block fits) whose 21 tensors are added in an order other than llama-quantize's, so its shards
hold 6, 6, 6 and 3 tensors. gguf-py writes every metadata entry in the first shard, and
split.no (u16), split.count (u16) and split.tensors.count (i32) in each.

Then, given llama-quantize (default: .cache/llama-cpp-python-0.3.36/build/bin/llama-quantize),
for each run in RUNS (`+pure` adds --pure) records in expected.json what
`llama-quantize [--pure] tiny_split-00001-of-00004.gguf OUT.gguf TYPE` wrote (one file) and what
`llama-quantize --keep-split ...` wrote (the shards OUT-0000k-of-00004.gguf): per file its name,
size, SHA-256, metadata keys and each tensor's name, type and data SHA-256. Also
`llama-quantize --keep-split ../pure/tiny_llama.gguf OUT.gguf Q8_0` (one input file: the output
is OUT-00001-of-00001.gguf, its tensors in the input's order). Deterministic.
"""
import json
import os
import sys
import tempfile

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import llama_quantize  # noqa: E402  (Fixtures/gguf/llama_quantize.py)

ROOT = llama_quantize.ROOT
PREFIX = "tiny_split"
RUNS = ["Q8_0+pure", "Q4_K_M", "Q6_K"]


def bf16_bits(values):
    """bfloat16 bits of float32 values, rounded to nearest even (values are finite)."""
    bits = values.astype(np.float32).view(np.uint32).astype(np.uint64)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)


def tensors(rng):
    """(name, array, ggml type) in the order added; shapes are C order (rows, row length)."""
    def weight(width, rows=8):
        return (rng.standard_normal((rows, width)) * 0.05).astype(np.float32)

    def norm():
        return (1 + 0.1 * rng.standard_normal(256)).astype(np.float32)

    out = [("output.weight", weight(256, 16).astype(np.float16), T.F16),
           ("token_embd.weight", weight(256, 16).astype(np.float16), T.F16)]
    for layer in (1, 0):
        p = f"blk.{layer}."
        out += [
            (p + "ffn_up.weight", weight(256).astype(np.float16), T.F16),
            (p + "attn_q.weight", weight(256).astype(np.float16), T.F16),
            (p + "attn_norm.weight", norm(), T.F32),
            (p + "attn_k.weight", weight(256, 4), T.F32),
            (p + "attn_v.weight", weight(256, 4).astype(np.float16), T.F16),
            (p + "attn_output.weight", bf16_bits(weight(256)), T.BF16),
            (p + "ffn_norm.weight", norm(), T.F32),
            (p + "ffn_gate.weight", weight(256).astype(np.float16), T.F16),
            (p + "ffn_down.weight", weight(96, 8).astype(np.float16), T.F16),
        ]
    out.append(("output_norm.weight", norm(), T.F32))
    return out


def write_model(folder):
    writer = gguf.GGUFWriter(os.path.join(folder, PREFIX + ".gguf"), "llama", split_max_tensors=6)
    writer.add_name("tiny-split-fixture")
    llama_quantize.add_tiny_llama_parameters(writer, vocab_size=16)
    for name, array, kind in tensors(np.random.default_rng(11)):
        writer.add_tensor(name, array, raw_shape=list(array.shape), raw_dtype=kind)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def describe(path):
    """The file's record under its name."""
    return {"name": os.path.basename(path), **llama_quantize.describe(path)}


def quantize(tool, source, out, run, keep_split):
    name, _, mode = run.partition("+")
    flags = (["--keep-split"] if keep_split else []) + (["--pure"] if mode == "pure" else [])
    llama_quantize.run(tool, flags, source, out, name)
    folder = os.path.dirname(out)
    stem = os.path.basename(out)[:-len(".gguf")]
    written = sorted(f for f in os.listdir(folder) if f.startswith(stem + "-") or f == os.path.basename(out))
    return [describe(os.path.join(folder, f)) for f in written]


def main():
    tool = llama_quantize.tool()
    for stale in os.listdir(HERE):
        if stale.startswith(PREFIX):
            os.remove(os.path.join(HERE, stale))
    write_model(HERE)
    shards = sorted(f for f in os.listdir(HERE) if f.startswith(PREFIX))
    first = os.path.join(HERE, shards[0])
    expected = {"input": [describe(os.path.join(HERE, f)) for f in shards], "single": {}, "keepSplit": {}}
    with tempfile.TemporaryDirectory() as scratch:
        for run in RUNS:
            for keep, key in ((False, "single"), (True, "keepSplit")):
                folder = os.path.join(scratch, f"{run}-{key}")
                os.mkdir(folder)
                expected[key][run] = quantize(tool, first, os.path.join(folder, "out.gguf"), run, keep)
        folder = os.path.join(scratch, "unsplit")
        os.mkdir(folder)
        expected["unsplitKeepSplit"] = quantize(tool, os.path.join(ROOT, "Fixtures/gguf/pure/tiny_llama.gguf"),
                                                os.path.join(folder, "out.gguf"), "Q8_0", True)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
