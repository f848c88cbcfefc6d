"""Checkpoints written by compressed-tensors itself (the library llm-compressor saves with), for
the tests that read what other tools wrote: the shipped digits MLP (Fixtures/digits/mlp.npz:
fc1 64->64, fc2 64->32, fc3 32->10) as a torch module of three nn.Linear, quantized with the
library's own min-max qparams (`calculate_qparams`) and compressed by its `ModelCompressor`,
in every kind a Hub checkpoint of int weights comes in:

    {pack,int}-{sym,asym}-{channel,group16,tensor}-{8,4}/model.safetensors + config.json

and, under `library-decompressed/KIND.npz`, the float32 weights compressed-tensors' own
decompression gives back (`ModelCompressor.decompress_model`), which our `dequantize` must
reproduce exactly; and once, `digits-float.safetensors`: the float weights the library
quantized (our `--scale-rule compressed-tensors` output of it must be byte-identical to the
library's).

    python3 Fixtures/compressed_tensors/library_written.py   # needs torch, compressed-tensors, safetensors

Pinned to what CI installs: torch 2.13.0+cpu, compressed-tensors 0.20.1.
"""
import json
import os
import shutil

import numpy as np
import torch
from compressed_tensors.compressors import ModelCompressor
from compressed_tensors.quantization import (QuantizationArgs, QuantizationConfig, QuantizationScheme,
                                             apply_quantization_config)
from compressed_tensors.quantization.utils import calculate_qparams
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "library")
DECOMPRESSED = os.path.join(HERE, "library-decompressed")


class MLP(torch.nn.Module):
    def __init__(self, weights):
        super().__init__()
        for name in ("fc1", "fc2", "fc3"):
            w = torch.from_numpy(weights[name + ".weight"])
            layer = torch.nn.Linear(w.shape[1], w.shape[0])
            layer.weight.data = w.clone()
            layer.bias.data = torch.from_numpy(weights[name + ".bias"]).clone()
            setattr(self, name, layer)


def min_max(w, strategy, group_size):
    if strategy == "channel":
        return w.amin(dim=1, keepdim=True), w.amax(dim=1, keepdim=True)
    if strategy == "group":
        g = w.unflatten(-1, (w.shape[1] // group_size, group_size))
        return g.amin(dim=-1), g.amax(dim=-1)
    return w.amin().reshape(1), w.amax().reshape(1)


def write(weights, fmt, symmetric, strategy, group_size, bits):
    name = f"{fmt}-{'sym' if symmetric else 'asym'}-{strategy}{group_size or ''}-{bits}"
    folder = os.path.join(OUT, name)
    os.makedirs(folder)
    model = MLP(weights)
    args = QuantizationArgs(num_bits=bits, type="int", symmetric=symmetric, strategy=strategy,
                            group_size=group_size)
    apply_quantization_config(model, QuantizationConfig(
        config_groups={"group_0": QuantizationScheme(targets=["Linear"], weights=args)}, ignore=[]))
    for module in (model.fc1, model.fc2, model.fc3):
        scale, zero_point = calculate_qparams(*min_max(module.weight.data, strategy, group_size), args)
        module.weight_scale.data = scale.to(module.weight_scale.dtype).reshape(module.weight_scale.shape)
        if hasattr(module, "weight_zero_point"):
            module.weight_zero_point.data = zero_point.to(module.weight_zero_point.dtype).reshape(
                module.weight_zero_point.shape)
    compressor = ModelCompressor.from_pretrained_model(model, quantization_format=f"{fmt}-quantized")
    compressor.compress_model(model)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump({"architectures": ["MLP"], "model_type": "mlp"}, f)
    compressor.update_config(folder)
    compressor.decompress_model(model)
    np.savez(os.path.join(DECOMPRESSED, name + ".npz"),
             **{k: v.numpy() for k, v in model.state_dict().items() if k.endswith(".weight") or k.endswith(".bias")})
    return name


def main():
    weights = dict(np.load(os.path.join(ROOT, "Fixtures", "digits", "mlp.npz")))
    shutil.rmtree(OUT, ignore_errors=True)
    shutil.rmtree(DECOMPRESSED, ignore_errors=True)
    os.makedirs(DECOMPRESSED)
    save_file({k: torch.from_numpy(v) for k, v in weights.items()}, os.path.join(HERE, "digits-float.safetensors"),
              metadata={"format": "pt"})
    names = []
    for fmt in ("pack", "int"):
        for symmetric in (True, False):
            for strategy, group_size in (("channel", None), ("group", 16), ("tensor", None)):
                for bits in (8, 4):
                    names.append(write(weights, fmt, symmetric, strategy, group_size, bits))
    print("\n".join(names))


if __name__ == "__main__":
    main()
