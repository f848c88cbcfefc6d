#!/usr/bin/env python3
"""FP8 checkpoints written by compressed-tensors itself, and a DeepSeek-style block checkpoint.

1. The digits MLP (Fixtures/compressed_tensors/digits-float.safetensors: fc1 64->64, fc2 64->32,
   fc3 32->10) and an edge-case MLP (written here as edge-float.safetensors: fc1 8x16 whose rows
   are all zeros, amax exactly 448 with exact ties between E4M3 neighbours and subnormal ties,
   amax a power of two, negative extremes, random; fc2 4x8 random; fc3 4x4 all zeros), each
   quantized with compressed-tensors' own min-max qparams (`calculate_qparams`, type float,
   8 bits: FP8 E4M3) and compressed by its `ModelCompressor` (format float-quantized):

       library/{digits,edge}-fp8-{tensor,channel,block}/model.safetensors + config.json

   (block: block_structure [16, 16] for the digits MLP, [3, 4] for the edge MLP, so that the
   last row of blocks is partial), and the float32 weights the library's decompression gives
   back, as library-decompressed/{digits,edge}-fp8-{tensor,channel,block}.npz.
   Also edge-fp8-partialblock: the edge MLP in blocks of [3, 6], which divide none of its rows
   (16, 8 and 4 columns), so the last block of columns is partial too (the library pads it with
   zeros, warning that vLLM's kernels need whole blocks of columns).
   For the edge MLP, also `torch_codes_edge.json`: for every weight, torch's
   `(w / s).clamp(-448, 448).to(torch.float8_e4m3fn)` bit patterns with s = amax / 448 per tensor,
   per row, per [3, 4] and per [3, 6] block ("partialblock/LAYER"), which must equal the library's
   codes (checked here) and ours (in the tests).
2. deepseek-block.safetensors: a DeepSeek-V3 / Kimi-style checkpoint: `w.weight` F8_E4M3
   [130, 260] (partial edge blocks), `w.weight_scale_inv` float32 [2, 3] over 128x128 blocks,
   `plain.weight` F8_E4M3 [3, 5] without a scale, `e5m2.weight` F8_E5M2 [2, 4], `norm.weight`
   float32 [4]; and deepseek-block-dequantized.sha256: the SHA-256 of the float32 little-endian
   bytes of each tensor as torch dequantizes it (`fp8.to(float32) * scale_inv` repeated over
   each block, cut to the weight's shape), one `NAME HEX` line each.

    python3 Fixtures/fp8/library_written_fp8.py   # torch 2.13.0+cpu, compressed-tensors 0.20.1
"""
import hashlib
import json
import os
import shutil
import sys

import numpy as np
import torch
from compressed_tensors.compressors import ModelCompressor
from compressed_tensors.quantization import (QuantizationArgs, QuantizationConfig, QuantizationScheme,
                                             apply_quantization_config)
from compressed_tensors.quantization.utils import calculate_qparams
from safetensors.numpy import load_file
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "library")
DECOMPRESSED = os.path.join(HERE, "library-decompressed")

# The torch module of three nn.Linear the integer fixtures already build from an MLP's weights.
sys.path.insert(0, os.path.join(ROOT, "Fixtures", "compressed_tensors"))
from library_written import MLP  # noqa: E402


def edge_weights():
    rng = np.random.default_rng(8)
    e4m3 = torch.arange(256, dtype=torch.int32).to(torch.uint8).view(torch.float8_e4m3fn).to(torch.float32).numpy()
    grid = np.unique(e4m3[np.isfinite(e4m3) & (e4m3 >= 0)])
    fc1 = np.zeros((8, 16), dtype=np.float32)
    ties = ((grid[:-1] + grid[1:]) / 2).astype(np.float32)
    fc1[1] = np.concatenate([[448.0], ties[-8:-1], ties[40:44], [2.0**-10, 3 * 2.0**-10, 5 * 2.0**-10, -(2.0**-10)]])
    fc1[2] = np.concatenate([[2.0], rng.uniform(-2, 2, 15)])
    fc1[3] = np.concatenate([[-3.5], rng.uniform(-1, 1, 15)])
    fc1[4] = rng.standard_normal(16) * 1e-3
    fc1[5] = np.concatenate([[448.0 * 2.0**-6], ties[30:45] * 2.0**-6])
    fc1[6] = rng.standard_normal(16)
    fc1[7] = np.concatenate([[1e-30], rng.standard_normal(15) * 1e-35])
    return {"fc1.weight": fc1, "fc1.bias": np.zeros(8, np.float32),
            "fc2.weight": rng.standard_normal((4, 8)).astype(np.float32), "fc2.bias": np.zeros(4, np.float32),
            "fc3.weight": np.zeros((4, 4), np.float32), "fc3.bias": np.zeros(4, np.float32)}


BLOCKS = {"digits": [16, 16], "edge": [3, 4]}
PARTIAL_BLOCK = [3, 6]


def block_amax(w, block):
    """amax over each block of `block` = [rows, columns], the last row and column of blocks
    partial (padded with zeros, which change no amax)."""
    rows, columns = block
    padded = torch.nn.functional.pad(w.abs(), (0, (-w.shape[1]) % columns, 0, (-w.shape[0]) % rows))
    return padded.reshape(padded.shape[0] // rows, rows, padded.shape[1] // columns, columns).amax(dim=(1, 3))


def expanded(scale, block, shape):
    return scale.repeat_interleave(block[0], 0).repeat_interleave(block[1], 1)[: shape[0], : shape[1]]


def torch_codes(w, strategy, block=None):
    w = torch.from_numpy(w)
    if strategy == "block":
        s = block_amax(w, block) / 448.0
        s = torch.where(s == 0, torch.tensor(torch.finfo(torch.float32).eps), s)
        return (w / expanded(s, block, w.shape)).clamp(-448, 448).to(torch.float8_e4m3fn).view(torch.uint8)
    amax = w.abs().amax(dim=1, keepdim=True) if strategy == "channel" else w.abs().amax().reshape(1)
    s = amax / 448.0
    s = torch.where(s == 0, torch.tensor(torch.finfo(torch.float32).eps), s)
    return (w / s).clamp(-448, 448).to(torch.float8_e4m3fn).view(torch.uint8)


def min_max(w, strategy, block=None):
    if strategy == "block":
        return -block_amax(w, block), block_amax(w, block)
    if strategy == "channel":
        return w.amin(dim=1, keepdim=True), w.amax(dim=1, keepdim=True)
    return w.amin().reshape(1), w.amax().reshape(1)


def write(model_name, weights, strategy, block=None, kind=None):
    name = f"{model_name}-fp8-{kind or strategy}"
    folder = os.path.join(OUT, name)
    os.makedirs(folder)
    model = MLP(weights)
    block = block or (BLOCKS[model_name] if strategy == "block" else None)
    args = QuantizationArgs(num_bits=8, type="float", symmetric=True, strategy=strategy, block_structure=block)
    apply_quantization_config(model, QuantizationConfig(
        config_groups={"group_0": QuantizationScheme(targets=["Linear"], weights=args)}, ignore=[]))
    for module in (model.fc1, model.fc2, model.fc3):
        scale, _ = calculate_qparams(*min_max(module.weight.data, strategy, block), args)
        module.weight_scale.data = scale.to(module.weight_scale.dtype).reshape(module.weight_scale.shape)
    compressor = ModelCompressor.from_pretrained_model(model, quantization_format="float-quantized")
    compressor.compress_model(model)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    for layer in ("fc1", "fc2", "fc3"):
        ours = torch_codes(weights[layer + ".weight"], strategy, block)
        assert torch.equal(state[layer + ".weight"].view(torch.uint8), ours), (name, layer)
    save_file(state, os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump({"architectures": ["MLP"], "model_type": "mlp"}, f)
    compressor.update_config(folder)
    compressor.decompress_model(model)
    np.savez(os.path.join(DECOMPRESSED, name + ".npz"),
             **{k: v.numpy() for k, v in model.state_dict().items() if k.endswith(".weight") or k.endswith(".bias")})
    return name


def deepseek_block():
    rng = np.random.default_rng(3)
    w = torch.from_numpy((rng.standard_normal((130, 260)) * 40).astype(np.float32)).to(torch.float8_e4m3fn)
    scale_inv = torch.from_numpy(rng.uniform(1e-4, 1e-2, (2, 3)).astype(np.float32))
    plain = torch.from_numpy(rng.standard_normal((3, 5)).astype(np.float32)).to(torch.float8_e4m3fn)
    e5m2 = torch.tensor([[0.0, -1.5, 57344.0, 1e-5], [3.0, -0.25, 6e-5, 100.0]]).to(torch.float8_e5m2)
    norm = torch.ones(4)
    save_file({"w.weight": w, "w.weight_scale_inv": scale_inv, "plain.weight": plain, "e5m2.weight": e5m2,
               "norm.weight": norm}, os.path.join(HERE, "deepseek-block.safetensors"), metadata={"format": "pt"})
    expanded = scale_inv.repeat_interleave(128, 0).repeat_interleave(128, 1)[:130, :260]
    dequantized = {"w.weight": w.to(torch.float32) * expanded, "plain.weight": plain.to(torch.float32),
                   "e5m2.weight": e5m2.to(torch.float32), "norm.weight": norm}
    with open(os.path.join(HERE, "deepseek-block-dequantized.sha256"), "w") as f:
        for name, tensor in dequantized.items():
            f.write(f"{name} {hashlib.sha256(tensor.numpy().astype('<f4').tobytes()).hexdigest()}\n")


def main():
    digits = load_file(os.path.join(ROOT, "Fixtures", "compressed_tensors", "digits-float.safetensors"))
    edge = edge_weights()
    save_file({k: torch.from_numpy(v) for k, v in edge.items()}, os.path.join(HERE, "edge-float.safetensors"),
              metadata={"format": "pt"})
    shutil.rmtree(OUT, ignore_errors=True)
    shutil.rmtree(DECOMPRESSED, ignore_errors=True)
    os.makedirs(DECOMPRESSED)
    names = [write(model, weights, strategy) for model, weights in (("digits", digits), ("edge", edge))
             for strategy in ("tensor", "channel", "block")]
    names.append(write("edge", edge, "block", PARTIAL_BLOCK, "partialblock"))
    codes = {f"{strategy}/{layer}": torch_codes(edge[layer + ".weight"], strategy, BLOCKS["edge"]).flatten().tolist()
             for strategy in ("tensor", "channel", "block") for layer in ("fc1", "fc2", "fc3")}
    codes |= {f"partialblock/{layer}": torch_codes(edge[layer + ".weight"], "block", PARTIAL_BLOCK).flatten().tolist()
              for layer in ("fc1", "fc2", "fc3")}
    with open(os.path.join(HERE, "torch_codes_edge.json"), "w") as f:
        json.dump(codes, f, sort_keys=True)
    deepseek_block()
    print("\n".join(names))


if __name__ == "__main__":
    main()
