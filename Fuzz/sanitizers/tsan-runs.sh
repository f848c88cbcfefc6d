#!/usr/bin/env bash
# The threaded paths of a Thread Sanitizer build of quantize ($1), on the committed fixtures and
# on the larger generated workload in $2 (Fuzz/sanitizers/workload.py): quantize on two threads
# (stored and deflated input, .npz with and without --compress, safetensors output), eval with
# the int8 GEMMs, dequantize and inspect. TSAN_OPTIONS makes the first report fail the run.
set -euo pipefail
bin=$1 work=$2
export TSAN_OPTIONS="halt_on_error=1 exitcode=66${TSAN_OPTIONS:+ $TSAN_OPTIONS}" SWIFT_BACKTRACE=enable=no
out=$work/out
mkdir -p "$out"
run() { echo "+ quantize $*"; "$bin" "$@" > /dev/null; }

run Fixtures/example/mlp.npz -o "$out/mlp.npz" --threads 2 --force
run Fixtures/example/mlp-compressed.npz -o "$out/mlp-asym.npz" --threads 2 --compress --force --scheme per-channel-asymmetric --bits 4
run Fixtures/example/mlp.npz -o "$out/mlp.safetensors" --threads 2 --force
run "$work/stored.npz" -o "$out/stored.npz" --threads 2 --force
run "$work/deflated.npz" -o "$out/deflated.npz" --threads 2 --force --compress --scheme asymmetric
run "$work/deflated.npz" -o "$out/deflated.safetensors" --threads 2 --force --ct-format int
run eval Fixtures/digits/mlp.npz --input Fixtures/digits/test_inputs.npy --labels Fixtures/digits/test_labels.npy --compute int8
run eval Fixtures/digits/mlp.npz --compare --samples 64
run dequantize "$out/deflated.npz" -o "$out/restored.npz" --force --compress
run inspect "$out/deflated.safetensors"
echo "Thread Sanitizer: no reports"
