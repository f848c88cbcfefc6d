#!/usr/bin/env bash
# Regenerates the fp8-block records of the archive-metadata fuzz target
# (Fuzz/seeds/FuzzArchiveMetadata/fp8-partial-block{,-float}.json): the record our binary writes for
# the edge MLP (Fixtures/fp8/edge-float.safetensors) in 3x6 blocks, which divide none of its rows, as
# .npz (the __quantization__ member) and as compressed-tensors safetensors (the header's "quantize"
# metadata), so that the corpus reaches BlockGrid's partial column blocks in both layouts.
# Usage: Fuzz/seeds/make_fp8_block_seeds.sh [QUANTIZE]   (default .build/debug/quantize)
set -euo pipefail
cd "$(dirname "$0")/../.."
quantize=${1:-.build/debug/quantize}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for extension in npz safetensors; do
    "$quantize" Fixtures/fp8/edge-float.safetensors -o "$work/o.$extension" --scheme fp8-block --block 3x6 --report none
done
python3 - "$work" <<'PY'
import json, struct, sys, zipfile
work, seeds = sys.argv[1], "Fuzz/seeds/FuzzArchiveMetadata/"
with zipfile.ZipFile(f"{work}/o.npz") as archive, open(seeds + "fp8-partial-block.json", "wb") as out:
    member = archive.read("__quantization__.npy")
    out.write(member[member.index(b"\n", 10) + 1:])  # the uint8 array's bytes after the .npy header
with open(f"{work}/o.safetensors", "rb") as f, open(seeds + "fp8-partial-block-float.json", "w") as out:
    header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
    out.write(header["__metadata__"]["quantize"])
PY
