#!/usr/bin/env python3
"""Regenerates Fixtures/gguf/mix/expected.json, llama-quantize's per-tensor type choice (its
mixes and type options) on small synthetic headers; run from the repository root:

    python3 Fixtures/gguf/make_mix_fixtures.py [path/to/llama-quantize]

Needs NumPy and gguf-py (gguf==0.19.0). The type choice depends only on tensor names, shapes and
metadata, so each model is written with gguf-py's GGUFWriter into a temporary folder with tiny
f16 tensors (2 rows each, 3-D expert tensors 2 rows by 8 experts), quantized by llama-quantize
(default: .cache/llama-cpp-python-0.3.36/build/bin/llama-quantize) for every mix type and a few
option combinations, and the output read back with gguf-py. Only headers are committed: per
model its metadata (scalars), its tensors (name, dims innermost first, ggml type, in file order)
the names of the output's tensors in its order (the same for every run) and per run the command
line's options and, per output tensor in that order, its ggml type (number);
for the runs with --override-kv also the output's metadata (key, value type, value), in order.
A run llama-quantize does not finish (it aborts when an option names a type whose blocks do not
fit a tensor's rows) is recorded as refused.

The models (each exercises branches of llama.cpp's llama_tensor_get_type):
- llama2: llama, 2 layers, 4 heads, 4 KV heads (no GQA), its own output.weight; blk.1.ffn_down
  is 96 wide (no 256-block type fits: the mix's choice falls back);
- llama8-gqa: llama, 8 layers, 32 heads, 8 KV heads (n_gqa 4), no output.weight (the token
  embeddings are the output: tied);
- llama32: llama, 32 layers, no GQA, output.weight 384 wide (not a multiple of 256: q8_0);
- llama80-gqa: llama, 80 layers, GQA (llama.cpp's 70B type: attn_v gets more bits);
- moe8: llama with 8 experts (ffn_*_exps, 3-D), 4 layers (the 8-expert branches; layer numbers
  read from the names);
- falcon: falcon, 8 layers, fused attn_qkv (falcon's own branches);
- bert: 6 layers, 384 wide as all-MiniLM-L6-v2 (position and token type embeddings are kept).
Deterministic (no random values: every weight is 0.01).

With an importance matrix (`--imatrix`), for the models deep enough that `n_layer/8 >= 1`
(IMATRIX_MODELS: llama8-gqa, llama32, llama80-gqa with GQA 8, falcon with GQA 4), llama-quantize
runs (without --pure) each of IMATRIX_RUNS: a file type and the name prefixes of the entries left
out of the matrix (None: no matrix at all). The matrix is written with
Tests/interop/make_interop_imatrix.py's writer (GGUF format, given as the relative path
`imatrix.gguf`) and holds one entry per tensor of
at least two dimensions whose name ends in `weight`, `dims[0] * experts` weights, every one 1.0
(the type choice reads only which entries there are). Per model the entries (name, length) are
recorded under "imatrix_entries" (with the file's dataset and chunk count under
"imatrix_file"), and per run under "imatrix_runs" the file type, the omitted entries (null
without a matrix), and the types and output metadata, or under "refused" the tensor
llama-quantize names when it refuses the run.

Then, for the bytes, llama-quantize quantizes Fixtures/gguf/pure/tiny_llama.gguf (random
weights, make_pure_fixtures.py) for each of BYTE_RUNS, and expected.json records each output's
size and SHA-256 under "tiny_llama".
"""
import json
import os
import re
import sys
import tempfile

import numpy as np
import gguf

import llama_quantize
from llama_quantize import ROOT

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mix")
sys.path.insert(0, os.path.join(ROOT, "Tests", "interop"))
import make_interop_imatrix  # noqa: E402  (its GGUF imatrix writer)

MIX_TYPES = ["Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_K_S", "Q4_K_M", "Q5_K_S", "Q5_K_M", "Q6_K",
             "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "F16", "BF16", "F32", "MXFP4_MOE"]
OPTION_RUNS = [
    ("Q4_K_M", ["--output-tensor-type", "q8_0"]),
    ("Q4_K_M", ["--token-embedding-type", "q5_k"]),
    ("Q3_K_M", ["--output-tensor-type", "f16", "--token-embedding-type", "q8_0"]),
    ("Q4_K_M", ["--leave-output-tensor"]),
    ("Q5_K_M", ["--tensor-type", "attn_v=q8_0", "--tensor-type", "ffn_down=q4_k"]),
    ("Q4_K_M", ["--tensor-type", r"blk\.[01]\.=q6_k", "--tensor-type", "FFN=q5_0"]),
    ("F16", ["--tensor-type", "attn=q8_0", "--output-tensor-type", "q4_0"]),
    ("MXFP4_MOE", ["--output-tensor-type", "nvfp4", "--tensor-type", "attn_q=mxfp4"]),
    # nvfp4's 64-blocks have no fallback: llama2's 96-wide blk.1.ffn_down makes llama-quantize refuse.
    ("Q4_0", ["--tensor-type", "ffn_down=nvfp4"]),
    ("Q4_0", ["--override-kv", "general.name=str:renamed", "--override-kv", "tiny.count=int:-7",
              "--override-kv", "tiny.scale=float:0.1", "--override-kv", "tiny.flag=bool:true",
              "--override-kv", "general.file_type=int:99"]),
    # The loader reads the override too: 1 KV head makes llama's n_gqa 4 or more (Q2_K's attn_v q4_K).
    ("Q2_K", ["--override-kv", "llama.attention.head_count_kv=int:1"]),
]
IMATRIX_MODELS = ["llama8-gqa", "llama32", "llama80-gqa", "falcon"]
# (file type, the name prefixes of the entries left out; None: no matrix). Q2_K_S needs an entry
# for every q2_K tensor but the token embeddings and output.weight: refused without a matrix or
# without layer 1's entries, not without the embeddings' and output's.
IMATRIX_RUNS = [("Q2_K_S", ()), ("Q4_0", ()), ("Q5_0", ()), ("Q4_K_M", ()), ("Q2_K_S", None),
                ("Q2_K_S", ("token_embd.weight", "output.weight")), ("Q2_K_S", ("blk.1.",))]
BYTE_RUNS = [
    ("Q4_K_M", []), ("Q3_K_L", []), ("Q5_K_M", []), ("Q2_K", []), ("Q4_0", []),
    ("Q4_K_S", ["--output-tensor-type", "q8_0", "--tensor-type", "attn_v=q6_k"]),
    ("Q3_K_M", ["--token-embedding-type", "q8_0", "--leave-output-tensor", "--override-kv", "tiny.note=str:mixed"]),
    ("MXFP4_MOE", []), ("Q8_0", ["--tensor-type", "attn_[qv]=nvfp4", "--tensor-type", "ffn_up=mxfp4"]),
]
F16 = gguf.GGMLQuantizationType.F16
F32 = gguf.GGMLQuantizationType.F32


def llama_layers(count, ffn_down_width=lambda layer: 256, experts=0):
    tensors = []
    for layer in range(count):
        p = f"blk.{layer}."
        tensors += [(p + "attn_norm.weight", [256]), (p + "attn_q.weight", [256, 2]), (p + "attn_k.weight", [256, 2]),
                    (p + "attn_v.weight", [256, 2]), (p + "attn_output.weight", [256, 2]), (p + "ffn_norm.weight", [256])]
        if experts:
            tensors += [(p + "ffn_gate_inp.weight", [256, experts]), (p + "ffn_gate_exps.weight", [256, 2, experts]),
                        (p + "ffn_up_exps.weight", [256, 2, experts]), (p + "ffn_down_exps.weight", [256, 2, experts])]
        else:
            tensors += [(p + "ffn_gate.weight", [256, 2]), (p + "ffn_up.weight", [256, 2]),
                        (p + "ffn_down.weight", [ffn_down_width(layer), 2])]
    return tensors


def llama(layers, heads, kv_heads, output_width=256, tied=False, experts=0, ffn_down_width=lambda layer: 256, only_attention=False):
    meta = {"block_count": layers, "context_length": 128, "embedding_length": 256, "feed_forward_length": 512,
            "attention.head_count": heads, "attention.head_count_kv": kv_heads, "rope.dimension_count": 256 // heads,
            "attention.layer_norm_rms_epsilon": 1e-5}
    if experts:
        meta["expert_count"] = experts
        meta["expert_used_count"] = 2
    if only_attention:
        tensors = [(f"blk.{i}.{kind}.weight", [256, 2]) for i in range(layers) for kind in ("attn_q", "attn_v")]
    else:
        tensors = llama_layers(layers, ffn_down_width, experts)
    tensors = [("token_embd.weight", [256, 4])] + tensors + [("output_norm.weight", [256])]
    if not tied:
        tensors.append(("output.weight", [output_width, 4]))
    return "llama", meta, tensors


def falcon(layers):
    meta = {"block_count": layers, "context_length": 128, "embedding_length": 256, "feed_forward_length": 1024,
            "attention.head_count": 4, "attention.head_count_kv": 1, "attention.layer_norm_epsilon": 1e-5}
    tensors = [("token_embd.weight", [256, 4])]
    for layer in range(layers):
        p = f"blk.{layer}."
        tensors += [(p + "attn_norm.weight", [256]), (p + "attn_norm.bias", [256]), (p + "attn_qkv.weight", [256, 2]),
                    (p + "attn_output.weight", [256, 2]), (p + "ffn_up.weight", [256, 2]), (p + "ffn_down.weight", [256, 2])]
    tensors += [("output_norm.weight", [256]), ("output_norm.bias", [256]), ("output.weight", [256, 4])]
    return "falcon", meta, tensors


def bert(layers):
    meta = {"block_count": layers, "context_length": 512, "embedding_length": 384, "feed_forward_length": 1536,
            "attention.head_count": 12, "attention.layer_norm_epsilon": 1e-12, "attention.causal": False,
            "pooling_type": 1}
    tensors = [("token_embd.weight", [384, 4]), ("position_embd.weight", [384, 4]), ("token_types.weight", [384, 2]),
               ("token_embd_norm.weight", [384]), ("token_embd_norm.bias", [384])]
    for layer in range(layers):
        p = f"blk.{layer}."
        tensors += [(p + "attn_q.weight", [384, 2]), (p + "attn_q.bias", [384]), (p + "attn_k.weight", [384, 2]),
                    (p + "attn_v.weight", [384, 2]), (p + "attn_output.weight", [384, 2]),
                    (p + "attn_output_norm.weight", [384]), (p + "ffn_up.weight", [384, 2]),
                    (p + "ffn_down.weight", [1536, 2]), (p + "layer_output_norm.weight", [384])]
    return "bert", meta, tensors


MODELS = {
    "llama2": llama(2, 4, 4, ffn_down_width=lambda layer: 96 if layer == 1 else 256),
    "llama8-gqa": llama(8, 32, 8, tied=True),
    "llama32": llama(32, 8, 8, output_width=384),
    "llama80-gqa": llama(80, 64, 8, only_attention=True),
    "moe8": llama(4, 8, 8, experts=8),
    "falcon": falcon(8),
    "bert": bert(6),
}


def write_model(path, arch, meta, tensors):
    writer = gguf.GGUFWriter(path, arch)
    writer.add_name("mix-fixture")
    for key, value in meta.items():
        full = f"{arch}.{key}"
        if isinstance(value, bool):
            writer.add_bool(full, value)
        elif isinstance(value, int):
            writer.add_uint32(full, value)
        else:
            writer.add_float32(full, value)
    writer.add_uint32("tiny.count", 3)
    writer.add_file_type(1)
    for name, dims in tensors:
        kind = F16 if len(dims) > 1 else F32
        array = np.full(list(reversed(dims)), 0.01, dtype=np.float16 if kind == F16 else np.float32)
        writer.add_tensor(name, array, raw_shape=list(reversed(dims)), raw_dtype=kind)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def scalar(field):
    kind = field.types[0]
    if kind == gguf.GGUFValueType.ARRAY:
        return None
    value = field.contents()
    return [kind.name.lower(), value]


def header(path):
    reader = gguf.GGUFReader(path)
    metadata = []
    for field in reader.fields.values():
        if field.name.startswith("GGUF."):
            continue
        value = scalar(field)
        if value is not None:
            metadata.append([field.name] + value)
    tensors = [[t.name, [int(d) for d in t.shape], int(t.tensor_type)] for t in reader.tensors]
    return metadata, tensors


def imatrix_entries(tensors):
    """(name, length) of every tensor of at least 2 dimensions named ...weight: dims[0] * experts."""
    return [[name, dims[0] * (dims[2] if len(dims) > 2 else 1)] for name, dims in sorted(tensors)
            if len([d for d in dims if d != 1]) >= 2 and name.endswith("weight")]


def quantize_with_imatrix(tool, scratch, model, entries, type_name, prefixes):
    """One run of IMATRIX_RUNS in `scratch`: its record."""
    omitted = None if prefixes is None else [name for name, _ in entries if name.startswith(prefixes)]
    run = {"type": type_name, "omitted": omitted}
    options = []
    if omitted is not None:
        # One expert per entry (no IMATRIX_MODELS has experts): weights 1 = sums / counts.
        rows = np.full(1, make_interop_imatrix.CHUNK_COUNT * make_interop_imatrix.CHUNK_SIZE, dtype=np.float32)
        items = [(name, np.ones((1, length), dtype=np.float32), rows) for name, length in entries if name not in omitted]
        make_interop_imatrix.write_gguf(os.path.join(scratch, "imatrix.gguf"), items)
        options = ["--imatrix", "imatrix.gguf"]
    out = os.path.join(scratch, "out.gguf")
    done = llama_quantize.run(tool, options, model, out, type_name, "1", check=False, cwd=scratch)
    if done.returncode != 0:  # the tensor it names: "offending tensor: X" or "... for tensor X in ..."
        said = re.search(r"(?:offending tensor: |importance matrix for tensor )(\S+)", done.stdout + done.stderr)
        if not said:
            raise RuntimeError(f"{model} {type_name}: llama-quantize failed naming no tensor: {done.stderr}")
        run["refused"] = said.group(1)
        return run
    run["metadata"], out_tensors = header(out)
    run["types"] = [kind for _, _, kind in out_tensors]
    os.remove(out)
    return run


def main():
    tool = llama_quantize.tool()
    expected = {"models": {}}
    with tempfile.TemporaryDirectory() as scratch:
        for label, (arch, meta, tensors) in MODELS.items():
            model = os.path.join(scratch, label + ".gguf")
            write_model(model, arch, meta, tensors)
            metadata, infos = header(model)
            runs = []
            for type_name, options in [(t, []) for t in MIX_TYPES] + OPTION_RUNS:
                out = os.path.join(scratch, "out.gguf")
                done = llama_quantize.run(tool, options, model, out, type_name, "1", check=False)
                if done.returncode != 0:  # a type the rows do not fit, asked for by name: ggml aborts
                    runs.append({"type": type_name, "options": options, "refused": True})
                    continue
                out_metadata, out_tensors = header(out)
                order = [name for name, _, _ in out_tensors]
                run = {"type": type_name, "options": options, "types": [kind for _, _, kind in out_tensors]}
                if "--override-kv" in options:
                    run["metadata"] = out_metadata
                runs.append(run)
                os.remove(out)
            expected["models"][label] = {"metadata": metadata, "tensors": infos, "output_order": order, "runs": runs}
            if label in IMATRIX_MODELS:
                entries = imatrix_entries(tensors)
                expected["models"][label]["imatrix_entries"] = entries
                expected["models"][label]["imatrix_runs"] = [
                    quantize_with_imatrix(tool, scratch, model, entries, type_name, prefixes)
                    for type_name, prefixes in IMATRIX_RUNS]
        expected["imatrix_file"] = {"dataset": make_interop_imatrix.DATASET,
                                    "chunk_count": make_interop_imatrix.CHUNK_COUNT}
        tiny = os.path.join(os.path.dirname(HERE), "pure", "tiny_llama.gguf")
        expected["tiny_llama"] = []
        for type_name, options in BYTE_RUNS:
            out = os.path.join(scratch, "out.gguf")
            llama_quantize.run(tool, options, tiny, out, type_name, "2")
            expected["tiny_llama"].append({"type": type_name, "options": options, **llama_quantize.digest(out)})
    os.makedirs(HERE, exist_ok=True)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"), sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
