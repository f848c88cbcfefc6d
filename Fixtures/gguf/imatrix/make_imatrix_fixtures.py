#!/usr/bin/env python3
"""Regenerates the importance-matrix fixtures in Fixtures/gguf/imatrix; run from the repository
root:

    python3 Fixtures/gguf/imatrix/make_imatrix_fixtures.py [path/to/llama-quantize]

Needs NumPy and gguf-py (gguf==0.19.0). Writes, for Fixtures/gguf/pure/tiny_llama.gguf and for
tiny_moe.gguf (written here: one layer whose ffn_gate_exps/ffn_up_exps are 3-D, two experts):

- imatrix.gguf / moe_imatrix.gguf: importance matrices in the GGUF layout llama-imatrix writes
  (imatrix.cpp `save_imatrix`: `NAME.in_sum2` f32 [columns, experts], `NAME.counts` f32
  [1, experts], `general.type = imatrix`, `imatrix.datasets`, `imatrix.chunk_count`,
  `imatrix.chunk_size`), written with gguf-py from seeded random sums. Entries: every weight
  llama-quantize quantizes but token_embd.weight, which gets one of the wrong length (llama-quantize
  then quantizes it without weights), one entry with count 0 (weights 1), one with an odd count,
  one naming no tensor, and for the MoE model one expert with count 0.
- imatrix.dat: the same matrix (tiny_llama) in the legacy layout (imatrix.cpp
  `save_imatrix_legacy`): values = mean · ncall, with ncall, the trailing chunk count and dataset.
- weights.npz: the weights llama-quantize derives from each file (quantize.cpp `load_imatrix`,
  in float32: sums / count, 1 for count 0; legacy values / ncall), member `<file>:<entry>`.
- expected.json: for each file type, `llama-quantize --pure --imatrix FILE MODEL OUT TYPE` run
  here (so `quantize.imatrix.file` records the bare file name): the output's size, SHA-256 and
  keys, and each tensor's type; and which types it refuses without an importance matrix.
"""
import json
import os
import struct
import sys
import tempfile

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import llama_quantize  # noqa: E402  (Fixtures/gguf/llama_quantize.py)

MODEL = os.path.join(llama_quantize.ROOT, "Fixtures", "gguf", "pure", "tiny_llama.gguf")
TYPES = ["F16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q2_K_S", "Q3_K_S", "Q4_K_M", "Q5_K_S", "Q6_K"]
CHUNK_COUNT, CHUNK_SIZE = 12, 512


def model_entries():
    """(entry name, columns, experts, count per expert) for tiny_llama.gguf's imatrix."""
    entries = [("token_embd.weight", 100, 1, 1000), ("output.weight", 256, 1, 1000)]
    for layer in range(2):
        p = f"blk.{layer}."
        entries += [(p + n, 256, 1, 1000) for n in ("attn_q.weight", "attn_k.weight", "attn_v.weight",
                                                     "attn_output.weight", "ffn_gate.weight", "ffn_up.weight")]
        entries.append((p + "ffn_down.weight", 96, 1, 1000))
    entries.append(("blk.1.attn_k_b.weight", 48, 1, 1000))
    entries.append(("blk.9.not_in_model.weight", 64, 1, 1000))
    entries = [(n, c, e, 0 if n == "blk.1.ffn_up.weight" else 37 if n == "blk.0.attn_v.weight" else k)
               for n, c, e, k in entries]
    return entries


def moe_entries():
    return [("blk.0.ffn_gate_exps.weight", 256, 2, [640, 0]), ("blk.0.ffn_up_exps.weight", 256, 2, [300, 900]),
            ("blk.0.ffn_down_exps.weight", 256, 2, [640, 512]), ("blk.0.attn_q.weight", 256, 1, [640])]


def sums_for(rng, columns, counts):
    counts = np.atleast_1d(counts)
    means = rng.gamma(0.7, 0.02, (len(counts), columns))
    return (means * np.maximum(counts, 1)[:, None]).astype(np.float32), counts.astype(np.float32)


def write_gguf_imatrix(path, entries, rng):
    writer = gguf.GGUFWriter(path, "imatrix")
    writer.add_type("imatrix")
    writer.add_array("imatrix.datasets", ["calibration/tiny.txt"])
    writer.add_uint32("imatrix.chunk_count", CHUNK_COUNT)
    writer.add_uint32("imatrix.chunk_size", CHUNK_SIZE)
    weights, raw = {}, {}
    for name, columns, experts, count in sorted(entries):
        sums, counts = sums_for(rng, columns, count if experts > 1 else [count])
        writer.add_tensor(name + ".in_sum2", sums, raw_shape=[experts, columns], raw_dtype=T.F32)
        writer.add_tensor(name + ".counts", counts.reshape(experts, 1), raw_shape=[experts, 1], raw_dtype=T.F32)
        rounded = np.floor(np.abs(counts) + 0.5) * np.sign(counts)  # lround
        weights[name] = np.concatenate([s / np.float32(c) if c > 0 else np.ones_like(s)
                                        for s, c in zip(sums, rounded.astype(np.float32))])
        raw[name] = (sums, counts)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return weights, raw


def write_legacy_imatrix(path, raw):
    """imatrix.cpp's legacy layout for the same means: ncall 5, values mean · 5."""
    weights = {}
    with open(path, "wb") as f:
        f.write(struct.pack("<i", len(raw)))
        for name, (sums, counts) in sorted(raw.items()):
            ncall = 5
            values = (sums[0] / max(counts[0], 1) * ncall).astype(np.float32)
            f.write(struct.pack("<i", len(name)) + name.encode() + struct.pack("<ii", ncall, values.size))
            f.write(values.astype("<f4").tobytes())
            weights[name] = values / np.float32(ncall)
        dataset = b"calibration/tiny.txt"
        f.write(struct.pack("<ii", CHUNK_COUNT, len(dataset)) + dataset)
    return weights


def write_moe_model(path, rng):
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_name("tiny-moe-imatrix-fixture")
    for add, value in [(writer.add_context_length, 128), (writer.add_embedding_length, 256), (writer.add_block_count, 1),
                       (writer.add_feed_forward_length, 16), (writer.add_head_count, 4), (writer.add_head_count_kv, 1),
                       (writer.add_expert_count, 2), (writer.add_expert_used_count, 1), (writer.add_vocab_size, 32),
                       (writer.add_layer_norm_rms_eps, 1e-5), (writer.add_file_type, 0)]:
        add(value)
    def weight(*shape):
        return (rng.standard_normal(shape) * 0.05).astype(np.float16)
    tensors = [("token_embd.weight", weight(32, 256)), ("blk.0.attn_norm.weight", 1 + weight(256).astype(np.float32)),
               ("blk.0.attn_q.weight", weight(8, 256)), ("blk.0.ffn_gate_inp.weight", weight(2, 256).astype(np.float32)),
               ("blk.0.ffn_gate_exps.weight", weight(2, 4, 256)), ("blk.0.ffn_up_exps.weight", weight(2, 4, 256)),
               ("blk.0.ffn_down_exps.weight", weight(2, 3, 256)), ("output_norm.weight", 1 + weight(256).astype(np.float32))]
    for name, array in tensors:
        writer.add_tensor(name, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def run_all(tool, model, imatrix, types):
    """{type: description} of llama-quantize's outputs, run in HERE with the bare file name."""
    outputs = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name in types:
            out = os.path.join(scratch, name + ".gguf")
            llama_quantize.run(tool, ["--pure", "--imatrix", imatrix], model, out, name, cwd=HERE)
            outputs[name] = llama_quantize.describe(out, llama_quantize.tensor_types)
    return outputs


def refusals(tool, model):
    refused = []
    with tempfile.TemporaryDirectory() as scratch:
        for name in TYPES:
            run = llama_quantize.run(tool, ["--pure"], model, os.path.join(scratch, "out.gguf"), name, check=False)
            if run.returncode != 0:
                refused.append(name)
    return refused


def main():
    tool = llama_quantize.tool()
    rng = np.random.default_rng(20261201)
    gguf_weights, raw = write_gguf_imatrix(os.path.join(HERE, "imatrix.gguf"), model_entries(), rng)
    legacy_weights = write_legacy_imatrix(os.path.join(HERE, "imatrix.dat"), raw)
    moe = os.path.join(HERE, "tiny_moe.gguf")
    write_moe_model(moe, rng)
    moe_weights, _ = write_gguf_imatrix(os.path.join(HERE, "moe_imatrix.gguf"), moe_entries(), rng)
    members = {f"imatrix.gguf:{k}": v for k, v in gguf_weights.items()}
    members.update({f"imatrix.dat:{k}": v for k, v in legacy_weights.items()})
    members.update({f"moe_imatrix.gguf:{k}": v for k, v in moe_weights.items()})
    np.savez(os.path.join(HERE, "weights.npz"), **members)
    expected = {
        "imatrix.gguf": run_all(tool, MODEL, "imatrix.gguf", TYPES),
        "imatrix.dat": run_all(tool, MODEL, "imatrix.dat", ["Q4_0", "Q3_K_S", "Q5_K_S", "Q6_K"]),
        "moe_imatrix.gguf": run_all(tool, moe, "moe_imatrix.gguf", ["Q4_0", "Q2_K", "Q4_K_M", "Q6_K"]),
        "refused_without_imatrix": refusals(tool, MODEL),
    }
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
