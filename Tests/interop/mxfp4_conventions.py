#!/usr/bin/env python3
"""Where ggml's MXFP4 and compressed-tensors' MXFP4 part ways, on a real model's Linear weights.

    python3 Tests/interop/mxfp4_conventions.py [--quantize .build/release/quantize] [--model .cache/all-MiniLM-L6-v2]

Both are OCP MXFP4 (blocks of 32 E2M1 elements along the input dimension, one E8M0 exponent) but
choose differently: ggml (`quantize_row_mxfp4_ref`) takes the exponent `floor(log2 amax) - 2` and
rounds each element to the nearest E2M1 point with ties to the smaller magnitude; compressed-tensors
(`generate_mx_scales`, `cast_to_fp4`) rounds amax's mantissa first (0.75 and above goes up) and
breaks element ties to the even mantissa. `quantize` writes each format as its own reference does:
`--scheme mxfp4` is compressed-tensors' (0 differing elements on this model, Tests/interop/mx_interop.py)
and `--type MXFP4_MOE --pure` on a GGUF is ggml's (byte-identical to llama-quantize,
Tests/interop/gguf_interop.py). Here the ggml side is gguf-py 0.19's NumPy MXFP4 quantizer, which
writes ggml's bytes on every row of Fixtures/ggml/fp4.npz.

Prints, over the Linear weights of the model (the weights `--scheme mxfp4` quantizes): the blocks
whose exponent differs, the elements whose dequantized value differs, and each convention's SQNR.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
from gguf import GGMLQuantizationType
from gguf.quants import quantize as gguf_quantize
from safetensors.numpy import load_file

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
E2M1 = np.array([0, .5, 1, 1.5, 2, 3, 4, 6, -0., -.5, -1, -1.5, -2, -3, -4, -6], np.float32)
DOUBLED = np.array([0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12], np.float32)


def compressed_tensors_side(packed, scale):
    """(exponent bytes [blocks], values [out, in]) of `--scheme mxfp4`'s members."""
    codes = np.stack([packed & 15, packed >> 4], -1).reshape(packed.shape[0], -1)
    values = E2M1[codes] * np.repeat(np.ldexp(np.float32(1), scale.astype(np.int32) - 127), 32, axis=1)
    return scale.reshape(-1), values.astype(np.float32)


def ggml_side(weight):
    """(exponent bytes [blocks], values [out, in]) of ggml's MXFP4 blocks for `weight`."""
    blocks = gguf_quantize(weight, GGMLQuantizationType.MXFP4).reshape(-1, 17)
    exponents, qs = blocks[:, 0], blocks[:, 1:]
    codes = np.concatenate([qs & 15, qs >> 4], axis=1)
    half = np.where(exponents < 2, np.uint32(0x00200000) << exponents.astype(np.uint32),
                    (exponents.astype(np.uint32) - 1) << np.uint32(23)).view(np.float32)
    return exponents, (DOUBLED[codes] * half[:, None]).reshape(weight.shape).astype(np.float32)


def sqnr(weight, values):
    return 10 * np.log10(np.sum(weight.astype(np.float64) ** 2) / np.sum((weight - values).astype(np.float64) ** 2))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quantize", default=os.path.join(ROOT, ".build", "release", "quantize"))
    parser.add_argument("--model", default=os.path.join(ROOT, ".cache", "all-MiniLM-L6-v2"))
    args = parser.parse_args()
    source = os.path.join(args.model, "model.safetensors")
    floats = load_file(source)
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "mxfp4.safetensors")
        subprocess.run([args.quantize, source, "-o", out, "--scheme", "mxfp4", "--quiet"], check=True, stdout=subprocess.DEVNULL)
        written = load_file(out)
    names = sorted(k[: -len(".weight_packed")] for k in written if k.endswith(".weight_packed"))
    blocks = differing_blocks = elements = differing_elements = 0
    sqnrs = {"ggml": [], "compressed-tensors": []}
    for name in names:
        weight = floats[name + ".weight"].astype(np.float32)
        ct_exponents, ct_values = compressed_tensors_side(written[name + ".weight_packed"], written[name + ".weight_scale"])
        ggml_exponents, ggml_values = ggml_side(weight)
        blocks += ct_exponents.size
        differing_blocks += int((ct_exponents != ggml_exponents).sum())
        elements += weight.size
        differing_elements += int((ct_values.view(np.uint32) != ggml_values.view(np.uint32)).sum())
        sqnrs["ggml"].append(sqnr(weight, ggml_values))
        sqnrs["compressed-tensors"].append(sqnr(weight, ct_values))
    print(f"{len(names)} Linear weights of {args.model}: {elements:,} elements in {blocks:,} blocks of 32")
    print(f"exponent differs in {differing_blocks:,} blocks ({100 * differing_blocks / blocks:.2f}%); "
          f"dequantized value differs in {differing_elements:,} elements ({100 * differing_elements / elements:.2f}%)")
    for side, values in sqnrs.items():
        print(f"{side:>20}: SQNR mean {np.mean(values):.2f} dB, min {np.min(values):.2f} dB")
    return 0 if len(names) > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
