#!/usr/bin/env bash
# Regenerates the microscaled .npz seeds of the zip fuzz target (Fuzz/seeds/FuzzZip/{nvfp4,mxfp8}.npz):
# the small headed MLP of Fixtures/mx/headed-float quantized by our own binary, so that the corpus
# holds an archive with a __microscaling__ record (MicroscaledSource.readingRecorded).
# Usage: Fuzz/seeds/make_microscaled_seeds.sh [QUANTIZE]   (default .build/debug/quantize)
set -euo pipefail
cd "$(dirname "$0")/../.."
quantize=${1:-.build/debug/quantize}
for format in nvfp4 mxfp8; do
    "$quantize" Fixtures/mx/headed-float/model.safetensors -o "Fuzz/seeds/FuzzZip/$format.npz" --scheme "$format" \
        --report none --force
done
