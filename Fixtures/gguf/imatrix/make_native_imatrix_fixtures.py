#!/usr/bin/env python3
"""Regenerates the fixtures of `quantize imatrix` in Fixtures/gguf/imatrix; run from the
repository root:

    python3 Fixtures/gguf/imatrix/make_native_imatrix_fixtures.py [path/to/llama-quantize]

Needs NumPy and gguf-py (gguf==0.19.0). Writes:

- mlp256.npz: a seeded MLP (fc1 [16, 256], fc2 [8, 16], biases; stored float16) and
  calibration.npy (12 rows of 256, float16): fc1's rows fit the K-quants' 256-blocks.
- native_imatrix.gguf: the importance matrix of that MLP on those rows computed with NumPy as
  llama-imatrix defines it (per layer input column Σ x² over the rows, added in float32 row after
  row; the rows of fc2 are relu(x · fc1ᵀ + b) in float32), laid out as imatrix.cpp's
  `save_imatrix` writes it (written with gguf-py, its general.architecture removed: llama-imatrix
  writes none), with dataset "calibration.npy", chunk count 1, chunk size 12.
- mlp256.gguf: the MLP as a GGUF file written by gguf-py under its own tensor names (float32,
  llama hyperparameters so that llama-quantize loads it).
- native_expected.json: for each type, `llama-quantize --pure --imatrix native_imatrix.gguf
  mlp256.gguf OUT TYPE` run in this folder: the output's size and SHA-256.
"""
import json
import os
import sys
import tempfile

import numpy as np
import gguf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import llama_quantize  # noqa: E402  (Fixtures/gguf/llama_quantize.py)

TYPES = ["Q4_0", "Q5_1", "Q2_K", "Q3_K_S", "Q4_K_M", "Q5_K_S", "Q6_K"]


def model(rng):
    return {
        "fc1.weight": (rng.standard_normal((16, 256)) * 0.06).astype(np.float16),
        "fc1.bias": (rng.standard_normal(16) * 0.1).astype(np.float16),
        "fc2.weight": (rng.standard_normal((8, 16)) * 0.25).astype(np.float16),
        "fc2.bias": (rng.standard_normal(8) * 0.1).astype(np.float16),
    }


def sums_of_squares(rows):
    """llama-imatrix's Σ x² per column: float32, one row after another."""
    sums = np.zeros(rows.shape[1], dtype=np.float32)
    for row in rows:
        sums += row * row
    return sums


def layer_inputs(weights, x):
    """fc1's and fc2's inputs in float32: x, then relu(x · W1ᵀ + b1) (sums in order, as the
    tool's float forward pass; the fixture checks the values, so any difference shows)."""
    w1, b1 = weights["fc1.weight"].astype(np.float32), weights["fc1.bias"].astype(np.float32)
    hidden = np.zeros((x.shape[0], w1.shape[0]), dtype=np.float32)
    for i in range(x.shape[0]):
        for o in range(w1.shape[0]):
            acc = np.float32(0)
            for k in range(w1.shape[1]):
                acc = np.float32(acc + np.float32(x[i, k] * w1[o, k]))
            hidden[i, o] = np.float32(acc + b1[o])
    return x, np.maximum(hidden, 0)


def write_imatrix(path, entries, rows):
    writer = gguf.GGUFWriter(path, "imatrix")
    writer.kv_data[0].pop("general.architecture")
    writer.add_type("imatrix")
    writer.add_array("imatrix.datasets", ["calibration.npy"])
    writer.add_uint32("imatrix.chunk_count", 1)
    writer.add_uint32("imatrix.chunk_size", rows)
    for name, sums in sorted(entries.items()):
        writer.add_tensor(name + ".in_sum2", sums.reshape(1, -1), raw_shape=[1, sums.size], raw_dtype=gguf.GGMLQuantizationType.F32)
        writer.add_tensor(name + ".counts", np.array([[rows]], dtype=np.float32), raw_shape=[1, 1],
                          raw_dtype=gguf.GGMLQuantizationType.F32)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def write_model_gguf(path, weights):
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_name("mlp256-imatrix-fixture")
    for add, value in [(writer.add_context_length, 128), (writer.add_embedding_length, 256), (writer.add_block_count, 1),
                       (writer.add_feed_forward_length, 16), (writer.add_head_count, 4), (writer.add_head_count_kv, 1),
                       (writer.add_vocab_size, 32), (writer.add_layer_norm_rms_eps, 1e-5), (writer.add_file_type, 0)]:
        add(value)
    for name, array in weights.items():
        writer.add_tensor(name, array.astype(np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main():
    tool = llama_quantize.tool()
    rng = np.random.default_rng(256)
    weights = model(rng)
    np.savez(os.path.join(HERE, "mlp256.npz"), **weights)
    x = rng.standard_normal((12, 256)).astype(np.float16)
    np.save(os.path.join(HERE, "calibration.npy"), x)
    inputs = layer_inputs(weights, x.astype(np.float32))
    entries = {"fc1.weight": sums_of_squares(inputs[0]), "fc2.weight": sums_of_squares(inputs[1])}
    write_imatrix(os.path.join(HERE, "native_imatrix.gguf"), entries, len(x))
    write_model_gguf(os.path.join(HERE, "mlp256.gguf"), weights)
    expected = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name in TYPES:
            out = os.path.join(scratch, name + ".gguf")
            llama_quantize.run(tool, ["--pure", "--imatrix", "native_imatrix.gguf"], "mlp256.gguf", out, name, cwd=HERE)
            expected[name] = llama_quantize.digest(out)
    with open(os.path.join(HERE, "native_expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
