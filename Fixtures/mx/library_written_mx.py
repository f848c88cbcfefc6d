#!/usr/bin/env python3
"""MXFP4, NVFP4 and MXFP8 checkpoints written by compressed-tensors itself (its own qparams and compressors, on CPU).

Two float MLPs, each quantized with compressed-tensors' presets (quant_scheme.py: NVFP4A16, MXFP4A16, MXFP8A16 weights):
the scales from its `calculate_qparams` over each group's min/max (NVFP4: with the tensor's global scale from
`generate_gparam` over the whole weight), then compressed by its `ModelCompressor` as `nvfp4-pack-quantized`,
`mxfp4-pack-quantized` and `mxfp8-quantized`:

- digits: Fixtures/compressed_tensors/digits-float.safetensors (fc1 64->64, fc2 64->32, fc3 32->10);
- edge (written here as edge-mx-float.safetensors): fc1 [10, 64] whose rows are all zeros; E2M1 ties at scale 1
  (0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5) in a group of amax 6 (rounds to the power of two 4: scale 2^0) and values above 6 (amax 6.8, also scale 2^0); tiny
  negatives (which compressed-tensors stores as FP4 -0, nibble 8) and -0.0 (stored as +0); an amax that is a power of
  two (4, 8, 2^-3); an amax whose mantissa is 0.75 (7: rounds up to 8); float32 subnormals; E4M3 ties and E4M3
  subnormals after an MX scale; random normal rows; fc2 [4, 32] random with one huge group; fc3 [4, 32] zeros.

    library/{digits,edge}-{nvfp4,mxfp4,mxfp8}/model.safetensors + config.json

- headed (a folder, written here as headed-float/): digits' fc1 and fc2 and its fc3 as `lm_head`, with a config.json
  (untied head) and a tokenizer_config.json companion; quantized with the presets and `ignore: ["lm_head"]`, as
  llm-compressor's recipes ignore the head; only the library's config.json is kept (its `quantization_config` is
  what `quantize FOLDER -o OUT --scheme F` must write):

    library/headed-{nvfp4,mxfp4,mxfp8}/config.json

`library-decompressed/NAME.npz` holds what compressed-tensors' own decompression gives back (bfloat16 for the FP4
formats, as its unpack_fp4_from_uint8 defaults to, stored here widened to float32).

    python3 Fixtures/mx/library_written_mx.py   # torch 2.13.0+cpu, compressed-tensors 0.20.1
"""
import json
import os
import shutil
import sys

import numpy as np
import torch
from compressed_tensors.compressors import ModelCompressor
from compressed_tensors.quantization import QuantizationConfig, QuantizationScheme, apply_quantization_config
from compressed_tensors.quantization.quant_scheme import PRESET_SCHEMES
from compressed_tensors.quantization.utils import calculate_qparams, generate_gparam
from safetensors.numpy import load_file
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "library")
DECOMPRESSED = os.path.join(HERE, "library-decompressed")

sys.path.insert(0, os.path.join(ROOT, "Fixtures", "compressed_tensors"))
from library_written import MLP  # noqa: E402

# Our scheme name -> (compressed-tensors preset of weight-only args, compression format).
FORMATS = {"nvfp4": ("NVFP4A16", "nvfp4-pack-quantized"), "mxfp4": ("MXFP4A16", "mxfp4-pack-quantized"),
           "mxfp8": ("MXFP8A16", "mxfp8-quantized")}


def edge_weights():
    rng = np.random.default_rng(17)
    fc1 = np.zeros((10, 64), dtype=np.float32)
    # Group 0 (amax 6: scale 2^0): every E2M1 tie, exact values, tiny negatives (-> FP4 -0) and -0.0 (-> +0).
    fc1[1, :32] = [0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5.0, 6.0, 0.5, -0.1, -0.0, -0.25, -0.75, -5.0, 4.0, 2.9,
                   3.1, 0.3, -0.3, 1e-3, -1e-3, 0.0, -1.25, -1.75, -2.5, -3.5, 5.5, -5.5, 0.2, 0.26, 0.74, 1.0]
    # Group 1 (amax 6.8 = 1.7 * 2^2 rounds down to 4: scale 2^0): values above the E2M1 maximum 6 clamp.
    fc1[1, 32:] = np.concatenate([[6.8, 6.5, 6.1, -6.7], rng.uniform(-6, 6, 28)])
    fc1[2, :32] = np.concatenate([[4.0], rng.uniform(-4, 4, 31)])
    fc1[2, 32:] = np.concatenate([[-8.0], rng.uniform(-1, 1, 31)])
    fc1[3, :32] = np.concatenate([[7.0], rng.uniform(-7, 7, 31)])
    fc1[3, 32:] = np.concatenate([[2.0**-3], rng.uniform(-(2.0**-3), 2.0**-3, 31)])
    fc1[4] = np.concatenate([[1e-40, -3e-41], np.full(30, 1e-42), rng.standard_normal(32) * 1e-38]).astype(np.float32)
    # E4M3 ties and subnormals once the MX scale is 2 (amax 448 rounds up to 512 = 2^9; 2^(9-8)).
    e4m3 = [448.0, 2 * 13.0, 2 * 15.0, 2 * 0.5625 * 2.0**-6, 2 * 2.0**-9, 2 * 3 * 2.0**-10, 2 * 5 * 2.0**-10, -2 * 2.0**-10]
    fc1[5, :8] = e4m3
    fc1[5, 8:32] = rng.uniform(-400, 400, 24)
    fc1[5, 32:] = rng.standard_normal(32) * 1e-6
    fc1[6:] = rng.standard_normal((4, 64))
    fc2 = rng.standard_normal((4, 32)).astype(np.float32)
    fc2[0, 0] = 3e4
    return {"fc1.weight": fc1, "fc1.bias": np.zeros(10, np.float32),
            "fc2.weight": fc2, "fc2.bias": np.zeros(4, np.float32),
            "fc3.weight": np.zeros((4, 32), np.float32), "fc3.bias": np.zeros(4, np.float32)}


def group_min_max(w, group_size):
    g = w.unflatten(-1, (w.shape[1] // group_size, group_size))
    return g.amin(dim=-1), g.amax(dim=-1)


def set_qparams(modules, args):
    """The library's scales (and NVFP4 global scales) of each module's weight, set on the module."""
    for module in modules:
        w = module.weight.data
        global_scale = None
        if hasattr(module, "weight_global_scale"):
            global_scale = generate_gparam(w.amin().reshape(1), w.amax().reshape(1))
            module.weight_global_scale.data = global_scale
        scale, _ = calculate_qparams(*group_min_max(w, args.group_size), args, global_scale=global_scale)
        module.weight_scale.data = scale.to(module.weight_scale.dtype).reshape(module.weight_scale.shape)


def write(model_name, weights, scheme_name):
    preset, fmt = FORMATS[scheme_name]
    name = f"{model_name}-{scheme_name}"
    folder = os.path.join(OUT, name)
    os.makedirs(folder)
    model = MLP(weights)
    args = PRESET_SCHEMES[preset]["weights"]
    apply_quantization_config(model, QuantizationConfig(
        config_groups={"group_0": QuantizationScheme(targets=["Linear"], weights=args)}, ignore=[]))
    set_qparams((model.fc1, model.fc2, model.fc3), args)
    compressor = ModelCompressor.from_pretrained_model(model, quantization_format=fmt)
    compressor.compress_model(model)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump({"architectures": ["MLP"], "model_type": "mlp"}, f)
    compressor.update_config(folder)
    compressor.decompress_model(model)
    np.savez(os.path.join(DECOMPRESSED, name + ".npz"),
             **{k: v.to(torch.float32).numpy() for k, v in model.state_dict().items()
                if k.endswith(".weight") or k.endswith(".bias")})
    return name


class HeadedMLP(torch.nn.Module):
    def __init__(self, weights):
        super().__init__()
        for name, source in (("fc1", "fc1"), ("fc2", "fc2"), ("lm_head", "fc3")):
            w = torch.from_numpy(weights[source + ".weight"])
            layer = torch.nn.Linear(w.shape[1], w.shape[0], bias=False)
            layer.weight.data = w.clone()
            setattr(self, name, layer)


HEADED_CONFIG = {"architectures": ["HeadedMLP"], "model_type": "mlp", "tie_word_embeddings": False}


def write_headed_input(digits):
    folder = os.path.join(HERE, "headed-float")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    save_file({k: v.contiguous() for k, v in HeadedMLP(digits).state_dict().items()},
              os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(HEADED_CONFIG, f, indent=2)
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump({"model_max_length": 64}, f)


def write_headed_config(digits, scheme_name):
    """The library's config.json for the headed MLP under `scheme_name`, the head ignored."""
    preset, fmt = FORMATS[scheme_name]
    folder = os.path.join(OUT, f"headed-{scheme_name}")
    os.makedirs(folder)
    model = HeadedMLP(digits)
    args = PRESET_SCHEMES[preset]["weights"]
    apply_quantization_config(model, QuantizationConfig(
        config_groups={"group_0": QuantizationScheme(targets=["Linear"], weights=args)}, ignore=["lm_head"]))
    set_qparams((model.fc1, model.fc2), args)
    compressor = ModelCompressor.from_pretrained_model(model, quantization_format=fmt)
    compressor.compress_model(model)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(HEADED_CONFIG, f)
    compressor.update_config(folder)
    return f"headed-{scheme_name}"


def main():
    digits = load_file(os.path.join(ROOT, "Fixtures", "compressed_tensors", "digits-float.safetensors"))
    edge = edge_weights()
    save_file({k: torch.from_numpy(v) for k, v in edge.items()}, os.path.join(HERE, "edge-mx-float.safetensors"),
              metadata={"format": "pt"})
    shutil.rmtree(OUT, ignore_errors=True)
    shutil.rmtree(DECOMPRESSED, ignore_errors=True)
    os.makedirs(DECOMPRESSED)
    names = [write(model, weights, scheme) for model, weights in (("digits", digits), ("edge", edge))
             for scheme in FORMATS]
    write_headed_input(digits)
    names += [write_headed_config(digits, scheme) for scheme in FORMATS]
    print("\n".join(names))


if __name__ == "__main__":
    main()
