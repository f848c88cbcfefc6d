"""Full-range symmetric 4-bit group-32 against the restricted range and llama.cpp's Q4_0, on the
Linear weights of the real all-MiniLM-L6-v2 (37 weights, 6 layers x 6 + pooler.dense).

    python3 Fixtures/minilm/fetch.py
    python3 Benchmarks/minilm_fullrange.py .build/release/quantize [.cache/all-MiniLM-L6-v2]

For every Linear weight W, the relative MSE sum((W - W')^2) / sum(W^2) of:
  restricted   quantize --bits 4 --group-size 32                     scale max|x| / 7, codes -7..7
  full         ... --symmetric-range full                            scale m / -8, codes -8..7
  full f16     ... --symmetric-range full --scale-dtype float16      the same, scales stored float16
  Q4_0         gguf-py's gguf.quants.quantize / dequantize (GGMLQuantizationType.Q4_0): blocks of
               32 along each row, d = max / -8 (max the signed extreme), float16 d
Ours are written by the binary (.npz, the default Linear-only selection of a model folder) and read
back through `quantize dequantize`; the originals come from model.safetensors. The aggregate is
sum of squared errors over sum of squares across all 37 weights; bits per weight count the stored
scales (4 + 32/32 with float32 scales, 4 + 16/32 with float16 ones, as Q4_0). Exit status 1 when
the full range's aggregate is more than 2% above Q4_0's (the issue's bar), with either scale type.
Needs NumPy, safetensors and gguf (`pip install gguf==0.19.0`).
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from safetensors.numpy import load_file

try:
    from gguf import GGMLQuantizationType
    from gguf.quants import dequantize as gguf_dequantize
    from gguf.quants import quantize as gguf_quantize
except ImportError:
    sys.exit("gguf-py is not installed: pip install gguf==0.19.0")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BAR = 1.02
RUNS = {
    "restricted": [],
    "full": ["--symmetric-range", "full"],
    "full f16": ["--symmetric-range", "full", "--scale-dtype", "float16"],
}


def ours(binary, folder, options, work):
    """Our dequantized Linear weights under `options`, and the bits per weight the report counts."""
    output, restored = os.path.join(work, "q"), os.path.join(work, "restored.npz")
    report = json.loads(subprocess.run(
        [binary, folder, "-o", output, "--format", "npz", "--bits", "4", "--group-size", "32", "--report", "json", "--force"]
        + options, check=True, capture_output=True).stdout)
    lines = [t for shard in report["shards"] for t in shard["tensors"] if t["scheme"] != "none"]
    subprocess.run([binary, "dequantize", os.path.join(output, "model.npz"), "-o", restored, "--force"],
                   check=True, capture_output=True)
    with np.load(restored) as archive:
        weights = {t["name"]: archive[t["name"]].astype(np.float32) for t in lines}
    bits = 8 * sum(t["bytes_after"] for t in lines) / sum(int(np.prod(t["shape"])) for t in lines)
    return weights, bits, {t["name"]: t["scheme"] for t in lines}


def q4_0(weight):
    """gguf-py's Q4_0 round trip of a [out, in] float32 weight (in a multiple of 32)."""
    packed = gguf_quantize(weight, GGMLQuantizationType.Q4_0)
    return gguf_dequantize(packed, GGMLQuantizationType.Q4_0).reshape(weight.shape).astype(np.float32)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/release/quantize")
    folder = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, ".cache/all-MiniLM-L6-v2")
    originals = load_file(os.path.join(folder, "model.safetensors"))
    results, bits, labels = {}, {}, {}
    with tempfile.TemporaryDirectory() as work:
        for run, options in RUNS.items():
            results[run], bits[run], labels[run] = ours(binary, folder, options, work)
    names = sorted(results["restricted"])
    results["Q4_0"] = {name: q4_0(originals[name].astype(np.float32)) for name in names}
    bits["Q4_0"] = 4.5  # 18 bytes per block of 32: a float16 d and 16 bytes of nibbles
    for run in RUNS:
        command = " ".join(["quantize MODEL -o OUT --format npz --bits 4 --group-size 32"] + RUNS[run])
        print(f"{run}: `{command}`, scheme shown as '{', '.join(sorted(set(labels[run].values())))}'")
    print()

    columns = list(results)
    noise = {run: 0.0 for run in columns}
    signal = 0.0
    print("| weight | shape | " + " | ".join(f"{run} rel MSE" for run in columns) + " | full / Q4_0 | full f16 / Q4_0 |")
    print("|---|---|" + "---|" * (len(columns) + 2))
    for name in names:
        w = originals[name].astype(np.float64)
        power = float(np.sum(w * w))
        signal += power
        relative = {}
        for run in columns:
            error = float(np.sum((w - results[run][name].astype(np.float64)) ** 2))
            noise[run] += error
            relative[run] = error / power
        print(f"| {name} | {'x'.join(map(str, w.shape))} | " + " | ".join(f"{relative[run]:.4e}" for run in columns)
              + f" | {relative['full'] / relative['Q4_0']:.4f} | {relative['full f16'] / relative['Q4_0']:.4f} |")
    print()
    print(f"Aggregate over {len(names)} Linear weights (sum of squared errors / sum of squares):")
    print()
    print("| run | bits per weight | relative MSE | / Q4_0 | / restricted |")
    print("|---|---|---|---|---|")
    aggregate = {run: noise[run] / signal for run in columns}
    for run in columns:
        print(f"| {run} | {bits[run]:.2f} | {aggregate[run]:.4e} | {aggregate[run] / aggregate['Q4_0']:.4f}"
              f" | {aggregate[run] / aggregate['restricted']:.4f} |")
    print()
    failed = [run for run in ("full", "full f16") if aggregate[run] / aggregate["Q4_0"] > BAR]
    for run in ("full", "full f16"):
        ratio = aggregate[run] / aggregate["Q4_0"]
        print(f"{run} / Q4_0 = {ratio:.6f} ({'within' if ratio <= BAR else 'NOT within'} {BAR:.2f})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
