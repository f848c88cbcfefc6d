#!/usr/bin/env python3
"""Regenerates Fixtures/gguf/requantize/expected.json; run from the repository root:

    python3 Fixtures/gguf/requantize/make_requantize_fixtures.py [path/to/llama-quantize]

Needs gguf-py (gguf==0.19.0). Starts from Fixtures/gguf/pure/tiny_llama.gguf (written by
make_pure_fixtures.py: f32, f16 and bf16 weights, rows 256, 96 and 48 wide) and, with the real
llama-quantize (default: .cache/llama-cpp-python-0.3.36/build/bin/llama-quantize):

1. quantizes it to each FIRST type (`llama-quantize tiny_llama.gguf FIRST.gguf FIRST`, its mix;
   a `+pure` suffix adds --pure: MXFP4_MOE+pure makes every tensor that fits mxfp4),
   recording the file's size and SHA-256 (the tests make it with our quantizer and check these
   first, so no quantized input is committed);
2. requantizes each with `llama-quantize --allow-requantize FIRST.gguf OUT TYPE` for each TYPE
   of RUNS[FIRST] (a `+pure` suffix adds --pure), recording size, SHA-256, metadata keys and each
   tensor's name, type and data SHA-256;
3. runs the first of RUNS[FIRST] without --allow-requantize and records that llama-quantize
   refuses it (exit status not 0) and its reason ("requantizing from type q8_0 is disabled").

Deterministic: llama-quantize's output does not depend on the thread count.
"""
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import llama_quantize  # noqa: E402  (Fixtures/gguf/llama_quantize.py)

INPUT = os.path.join(llama_quantize.ROOT, "Fixtures", "gguf", "pure", "tiny_llama.gguf")
RUNS = {
    "Q8_0": ["Q4_K_M", "Q4_0+pure", "Q6_K", "Q8_0"],
    "Q4_K_M": ["Q8_0", "Q5_K_M", "Q2_K+pure", "Q4_K_M"],
    "MXFP4_MOE+pure": ["Q8_0", "Q4_K_M"],
}


def quantize(tool, source, out, run, allow):
    name, _, mode = run.partition("+")
    flags = (["--allow-requantize"] if allow else []) + (["--pure"] if mode == "pure" else [])
    return llama_quantize.run(tool, flags, source, out, name, check=False)


def main():
    tool = llama_quantize.tool()
    expected = {"firsts": {}}
    with tempfile.TemporaryDirectory() as scratch:
        for first, runs in RUNS.items():
            source = os.path.join(scratch, first + ".gguf")
            quantize(tool, INPUT, source, first, allow=False).check_returncode()
            entry = {**llama_quantize.digest(source), "outputs": {}}
            refused = quantize(tool, source, os.path.join(scratch, "refused.gguf"), runs[0], allow=False)
            assert refused.returncode != 0, "llama-quantize requantized without --allow-requantize"
            log = refused.stdout + refused.stderr
            entry["refusedWithoutFlag"] = log[log.index("requantizing from type"):].splitlines()[0].strip()
            for run in runs:
                out = os.path.join(scratch, f"{first}-{run}.gguf")
                done = quantize(tool, source, out, run, allow=True)
                if done.returncode != 0:
                    sys.exit(f"llama-quantize {first} -> {run} failed:\n{done.stderr}")
                entry["outputs"][run] = llama_quantize.describe(out)
            expected["firsts"][first] = entry
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
