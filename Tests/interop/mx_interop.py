#!/usr/bin/env python3
"""MXFP4, NVFP4 and MXFP8 on MiniLM against the real clients (make interop-mx).

For each format (`quantize MODEL_FOLDER -o OUT_FOLDER --scheme nvfp4 | mxfp4 | mxfp8`):
1. codes:  compressed-tensors 0.20.1 quantizes the same float MiniLM itself (its presets NVFP4A16, MXFP4A16,
           MXFP8A16 on every nn.Linear; `generate_gparam` and `calculate_qparams`, then `ModelCompressor` with the
           format); every element of every Linear weight's codes (FP4 nibbles unpacked), every group scale and
           every global scale of ours is compared with the library's: the count of differing ones must be 0.
2. config: our folder's `quantization_config` must equal the one the library's `update_config` writes for its
           compressor on the same model (a copy of MiniLM's config.json updated by it).
3. load:   our output folder as written (model.safetensors, config.json with our quantization_config, tokenizer
           and the other companions) is loaded by transformers with `CompressedTensorsConfig(dequantize=True)`;
           if it does not load, the exception's class and first line are printed (and the run fails). Loaded,
           the mean and min cosine of its sentence embeddings to the float model's on the sentences file are
           printed (informational: the 4-bit formats lose more than int8).
4. table:  bits per weight and the mean / min SQNR over the quantized Linear weights from our report, for each
           format and, for comparison, FP8 E4M3 per tensor, per channel and per 128x128 block, and int8 / int4
           per channel and group 32 (with the embedding cosine of the float model holding our dequantized
           weights) (`--scheme fp8 | fp8-per-channel | fp8-block` as float-quantized `.safetensors`,
           `per-channel` / `symmetric --group-size 32` as `.npz`), the README's table.

    python3 Tests/interop/mx_interop.py --quantize .build/release/quantize --model .cache/all-MiniLM-L6-v2
"""
import argparse
import contextlib
import copy
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

import compressed_tensors
import numpy as np
import torch
import transformers
from compressed_tensors.compressors import ModelCompressor
from compressed_tensors.quantization import QuantizationConfig, QuantizationScheme, apply_quantization_config
from compressed_tensors.quantization.quant_scheme import PRESET_SCHEMES
from compressed_tensors.quantization.utils import calculate_qparams, generate_gparam
from safetensors.torch import load_file
from transformers import AutoModel, AutoTokenizer, CompressedTensorsConfig

FORMATS = {"nvfp4": ("NVFP4A16", "nvfp4-pack-quantized"), "mxfp4": ("MXFP4A16", "mxfp4-pack-quantized"),
           "mxfp8": ("MXFP8A16", "mxfp8-quantized")}
# MiniLM's nn.Linear weights (the ones compressed-tensors' targets: ["Linear"] and our .linear role select).
LINEAR_WEIGHTS = r"(query|key|value|dense)\.weight$"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


@contextlib.contextmanager
def quiet():
    with contextlib.redirect_stderr(io.StringIO()):
        yield


def embed(model, batch):
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state.float()
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1)


def library_checkpoint(float_model, fmt):
    """The library's compressed state dict and compressor for `fmt` on every Linear."""
    preset, compression = FORMATS[fmt]
    model = copy.deepcopy(float_model)
    args = PRESET_SCHEMES[preset]["weights"]
    apply_quantization_config(model, QuantizationConfig(
        config_groups={"group_0": QuantizationScheme(targets=["Linear"], weights=args)}, ignore=[]))
    for module in model.modules():
        if not isinstance(module, torch.nn.Linear):
            continue
        w = module.weight.data
        global_scale = None
        if hasattr(module, "weight_global_scale"):
            global_scale = generate_gparam(w.amin().reshape(1), w.amax().reshape(1))
            module.weight_global_scale.data = global_scale
        g = w.unflatten(-1, (w.shape[1] // args.group_size, args.group_size))
        scale, _ = calculate_qparams(g.amin(dim=-1), g.amax(dim=-1), args, global_scale=global_scale)
        module.weight_scale.data = scale.to(module.weight_scale.dtype).reshape(module.weight_scale.shape)
    compressor = ModelCompressor.from_pretrained_model(model, quantization_format=compression)
    compressor.compress_model(model)
    return {k: v.contiguous() for k, v in model.state_dict().items()}, compressor


def elements(tensor):
    """The stored elements: FP4 nibbles unpacked from uint8 codes, bytes otherwise."""
    raw = tensor.view(torch.uint8) if tensor.dtype != torch.float32 else tensor.view(torch.int32)
    return raw


def differing(ours, library, fmt):
    """(differing, compared) elements over every member the library wrote for a quantized weight."""
    bad = total = 0
    for name, theirs in library.items():
        if not any(name.endswith(s) for s in ("weight_packed", "weight_scale", "weight_global_scale")) and not (
                fmt == "mxfp8" and theirs.dtype == torch.float8_e4m3fn):
            continue
        mine = ours[name]
        a, b = elements(mine), elements(theirs)
        if name.endswith("weight_packed"):
            a = torch.stack([a & 15, a >> 4], dim=-1)
            b = torch.stack([b & 15, b >> 4], dim=-1)
        bad += int((a != b).sum()) if a.shape == b.shape else b.numel()
        total += b.numel()
    return bad, total


def sqnr_summary(report):
    """bits per weight over the quantized weights, mean and min SQNR (dB) over them, from our JSON report."""
    tensors = [t for t in report["tensors"] if t.get("sqnr_db") is not None]
    sqnr = [float(t["sqnr_db"]) for t in tensors]
    sizes = [float(torch.tensor(t["shape"]).prod()) for t in tensors]
    bits = sum(t["bits_per_weight"] * n for t, n in zip(tensors, sizes)) / sum(sizes)
    return bits, sum(sqnr) / len(sqnr), min(sqnr), len(tensors)


def ours(quantize, source, output, options):
    run = subprocess.run([quantize, source, "-o", output, "--report", "json", "--force"]
                         + options, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(run.stderr.strip())
    return json.loads(run.stdout)


def dequantized_cosine(quantize, path, float_model, reference, batch):
    """Mean and min embedding cosine to the float model of the float model with our `quantize dequantize` of `path`."""
    restored = path + ".restored.npz"
    run = subprocess.run([quantize, "dequantize", path, "-o", restored, "--force"], capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(run.stderr.strip())
    model = copy.deepcopy(float_model)
    state = model.state_dict()
    with np.load(restored) as archive:
        for name in archive.files:
            if name in state and name.endswith(".weight"):
                state[name].copy_(torch.from_numpy(archive[name]))
    cosines = (reference * embed(model, batch)).sum(dim=1)
    return cosines.mean().item(), cosines.min().item()


def baselines(quantize, model, float_model, reference, batch):
    with tempfile.TemporaryDirectory() as folder:
        for name, options in (("fp8 per tensor", ["--scheme", "fp8"]),
                              ("fp8 per-channel", ["--scheme", "fp8-per-channel"]),
                              ("fp8 block 128x128", ["--scheme", "fp8-block"]),
                              ("int8 per-channel", ["--scheme", "per-channel", "--bits", "8"]),
                              ("int8 group 32", ["--scheme", "symmetric", "--group-size", "32", "--bits", "8"]),
                              ("int4 per-channel", ["--scheme", "per-channel", "--bits", "4"]),
                              ("int4 group 32", ["--scheme", "symmetric", "--group-size", "32", "--bits", "4"])):
            # FP8 as compressed-tensors float-quantized (one scale per block; an .npz holds a block's scale on each
            # of its rows), the integer schemes as .npz.
            path = os.path.join(folder, "baseline.safetensors" if name.startswith("fp8") else "baseline.npz")
            bits, mean, low, count = sqnr_summary(ours(quantize, os.path.join(model, "model.safetensors"), path,
                                                       options + ["--include", LINEAR_WEIGHTS]))
            cosine, lowest = dequantized_cosine(quantize, path, float_model, reference, batch)
            print(f"{name}: {count} Linear weights, {bits:.4f} bits per weight, SQNR mean {mean:.2f} dB min {low:.2f} dB; "
                  f"dequantized weights in the float model: cosine mean {cosine:.5f} min {lowest:.5f}")


def config_matches_library(model, output, compressor, folder):
    """Whether our folder's quantization_config is the one the library's update_config writes on MiniLM's config.json."""
    library_folder = os.path.join(folder, "library")
    os.makedirs(library_folder)
    shutil.copy(os.path.join(model, "config.json"), library_folder)
    compressor.update_config(library_folder)
    with open(os.path.join(library_folder, "config.json")) as theirs, open(os.path.join(output, "config.json")) as mine:
        return json.load(theirs)["quantization_config"] == json.load(mine)["quantization_config"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quantize", default=os.path.join(ROOT, ".build", "release", "quantize"))
    parser.add_argument("--model", default=os.path.join(ROOT, ".cache", "all-MiniLM-L6-v2"))
    parser.add_argument("--sentences", default=os.path.join(ROOT, "Fixtures", "minilm", "sentences.txt"))
    arguments = parser.parse_args()
    with open(arguments.sentences, encoding="utf-8") as file:
        sentences = [line.strip() for line in file if line.strip()]
    tokenizer = AutoTokenizer.from_pretrained(arguments.model)
    batch = tokenizer(sentences, padding=True, truncation=True, max_length=128, return_tensors="pt")
    float_model = AutoModel.from_pretrained(arguments.model, dtype=torch.float32)
    reference = embed(float_model, batch)
    print(f"torch {torch.__version__}, transformers {transformers.__version__}, compressed-tensors "
          f"{compressed_tensors.__version__}; {len(sentences)} sentences")
    failures = 0
    for fmt in FORMATS:
        with tempfile.TemporaryDirectory() as folder:
            output = os.path.join(folder, "ours")
            try:
                report = ours(arguments.quantize, arguments.model, output, ["--scheme", fmt])
            except RuntimeError as error:
                print(f"{fmt}: quantize failed: {error}")
                failures += 1
                continue
            bits, mean, low, count = sqnr_summary(report)
            with quiet():
                library, compressor = library_checkpoint(float_model, fmt)
            bad, total = differing(load_file(os.path.join(output, "model.safetensors")), library, fmt)
            same_config = config_matches_library(arguments.model, output, compressor, folder)
            try:
                with quiet():
                    model = AutoModel.from_pretrained(output, quantization_config=CompressedTensorsConfig(dequantize=True))
                cosines = (reference * embed(model, batch)).sum(dim=1)
                loaded = f"loads; cosine mean {cosines.mean().item():.5f} min {cosines.min().item():.5f}"
            except Exception as error:  # noqa: BLE001 - the client's refusal is the finding
                loaded = f"does not load: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
                failures += 1
            failures += bad != 0 or not same_config
            print(f"{fmt}: {count} Linear weights, {bits:.4f} bits per weight, SQNR mean {mean:.2f} dB min {low:.2f} dB; "
                  f"{bad} of {total} stored elements differ from compressed-tensors; quantization_config "
                  f"{'equal to' if same_config else 'DIFFERS from'} the library's; transformers on our folder: {loaded}")
    baselines(arguments.quantize, arguments.model, float_model, reference, batch)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
