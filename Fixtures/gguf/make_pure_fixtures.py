#!/usr/bin/env python3
"""Regenerates the `--pure` GGUF fixtures in Fixtures/gguf/pure; run from the repository root:

    python3 Fixtures/gguf/make_pure_fixtures.py [path/to/llama-quantize]

Needs NumPy and gguf-py (gguf==0.19.0). Writes tiny_llama.gguf with gguf-py's GGUFWriter: a
llama-architecture model, 2 layers, hidden size 256, random weights (seed 7) in f32, f16 and
bf16, whose tensors have few rows (llama-quantize reads the hyperparameters, never builds the
graph, so the rows need not match a runnable model): every 2-D weight is 256 wide except
blk.*.ffn_down.weight, 96 wide, which no 256-block type fits (llama-quantize falls back:
q2_K -> q4_0, q4_K -> q5_0, q6_K -> q8_0), blk.1.attn_k_b.weight, 48 wide, which no block type
fits (it falls back to f16), and blk.0.ffn_gate_inp.weight, which llama-quantize never
quantizes. Tensors are written in an order other than llama-quantize's (it sorts them by
layer, then name).

Then, given llama-quantize (default: .cache/llama-cpp-python-0.3.36/build/bin/llama-quantize),
runs `llama-quantize --pure tiny_llama.gguf OUT TYPE` for each type in TYPES and records in
expected.json the output's size and SHA-256 (whole file) and each tensor's type and the SHA-256
of its data, so that the outputs themselves need not be committed. Deterministic.
"""
import json
import os
import tempfile

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T

import llama_quantize
from llama_quantize import tensor_hashes

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pure")
TYPES = ["F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K_S", "Q4_K", "Q4_K_S", "Q5_K_M", "Q6_K", "MXFP4_MOE"]


def bf16_bits(values):
    """bfloat16 bits of float32 values, rounded to nearest even (values are finite)."""
    bits = values.astype(np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def tensors(rng):
    """(name, array, ggml type) in the order written; shapes are C order (rows, row length)."""
    def weight(rows, width):
        return (rng.standard_normal((rows, width)) * 0.05).astype(np.float32)

    out = [("token_embd.weight", weight(32, 256).astype(np.float16), T.F16)]
    for layer in range(2):
        p = f"blk.{layer}."
        out += [
            (p + "attn_norm.weight", (1 + 0.1 * rng.standard_normal(256)).astype(np.float32), T.F32),
            (p + "attn_q.weight", weight(32, 256).astype(np.float16), T.F16),
            (p + "attn_k.weight", weight(16, 256), T.F32),
            (p + "attn_v.weight", weight(16, 256).astype(np.float16), T.F16),
            (p + "attn_output.weight", bf16_bits(weight(32, 256)), T.BF16),
            (p + "ffn_norm.weight", (1 + 0.1 * rng.standard_normal(256)).astype(np.float32), T.F32),
            (p + "ffn_gate.weight", weight(16, 256).astype(np.float16), T.F16),
            (p + "ffn_up.weight", weight(16, 256), T.F32),
            (p + "ffn_down.weight", weight(16, 96).astype(np.float16), T.F16),
        ]
    out.insert(3, ("blk.0.ffn_gate_inp.weight", weight(4, 256), T.F32))
    out.insert(12, ("blk.1.attn_k_b.weight", weight(8, 48), T.F32))
    out += [("output_norm.weight", (1 + 0.1 * rng.standard_normal(256)).astype(np.float32), T.F32),
            ("output.weight", weight(32, 256).astype(np.float16), T.F16)]
    return out


def write_model(path):
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_name("tiny-llama-pure-fixture")
    llama_quantize.add_tiny_llama_parameters(writer, vocab_size=32)
    writer.add_array("tiny.fixture.numbers", [3, 1, 4, 1, 5])
    for name, array, kind in tensors(np.random.default_rng(7)):
        shape = list(array.shape)
        writer.add_tensor(name, array, raw_shape=shape, raw_dtype=kind)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def describe(path):
    """The file's record, each tensor with its dims."""
    return llama_quantize.describe(path, lambda tensors: tensor_hashes(tensors, dims=True))


def main():
    os.makedirs(HERE, exist_ok=True)
    model = os.path.join(HERE, "tiny_llama.gguf")
    write_model(model)
    tool = llama_quantize.tool()
    expected = {"input": describe(model), "outputs": {}}
    with tempfile.TemporaryDirectory() as scratch:
        for name in TYPES:
            out = os.path.join(scratch, name + ".gguf")
            llama_quantize.run(tool, ["--pure"], model, out, name)
            expected["outputs"][name] = describe(out)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
