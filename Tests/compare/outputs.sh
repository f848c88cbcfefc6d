#!/usr/bin/env bash
# Nothing observable changes: builds two commits of quantize (release) and runs both on the same
# matrix of inputs and options, then compares what each wrote byte for byte, what each printed
# (the reports with their timings removed, the error lines) and each exit status.
#
#   Tests/compare/outputs.sh BASE [HEAD]      # HEAD defaults to the working tree's HEAD
#
# The matrix: every committed model fixture (.npz, .npy, .safetensors, the library-written
# compressed-tensors checkpoints) and, when fetched, the all-MiniLM-L6-v2 folder; every scheme
# at 8, 4, 3 and 2 bits, per channel and group-wise; .npz stored and deflated (--compress),
# pack- and int-quantized safetensors; inspect and dequantize of each output; a few refusals.
# Prints one line per difference and ends with `N passed, M failed` (exit 1 on any difference).
set -uo pipefail
cd "$(dirname "$0")/../.."
# Both resolved to commits now: a commit made while the base builds must not change what is compared.
base=$(git rev-parse --verify "${1:?usage: Tests/compare/outputs.sh BASE [HEAD]}^{commit}") || exit 2
head=$(git rev-parse --verify "${2:-HEAD}^{commit}") || exit 2
work=$(mktemp -d)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1; git worktree remove --force "$work/head" >/dev/null 2>&1; rm -rf "$work"' EXIT

build() {  # build NAME REV
    git worktree add --detach "$work/$1" "$2" >/dev/null 2>&1 || { echo "cannot check out $2"; exit 2; }
    (cd "$work/$1" && swift build -c release --product quantize >/dev/null 2>&1) || { echo "cannot build $2"; exit 2; }
    echo "$work/$1/.build/release/quantize"
}
old=$(build base "$base") || exit 2
new=$(build head "$head") || exit 2
echo "base $(git rev-parse --short "$base"), head $(git rev-parse --short "$head")"

passed=0
failed=0
# Timings and paths differ between runs and builds; everything else must not, except the last
# digits of the error metrics printed at full double precision (`--report json`), which
# Tests/compare/same_text.py compares within a relative 1e-7 (its docstring says why).
normalize() {
    sed -E -e 's/in [0-9.]+ s/in T s/g' -e 's/[0-9.]+ GB\/s/R GB\/s/g' \
        -e 's/"elapsed_seconds" : [0-9.e+-]+/"elapsed_seconds" : T/g' -e "s#$work/(base|head)#W#g" \
        -e 's/quantize [0-9]+\.[0-9]+\.[0-9]+//g'
}

# compare LABEL OUTPUT_NAME ARGS...: runs both binaries (OUTPUT_NAME, if not '-', is an output
# path under each run's own folder, substituted for the word OUT in ARGS).
compare() {
    local label=$1 output=$2; shift 2
    local results=()
    for side in old new; do
        local binary=${!side} dir="$work/out-$side"
        rm -rf "$dir"; mkdir -p "$dir"
        local args=()
        for arg in "$@"; do args+=("${arg//OUT/$dir/$output}"); done
        "$binary" "${args[@]}" >"$work/$side.out" 2>"$work/$side.err"
        echo $? >"$work/$side.status"
        sed -i "s#$dir#D#g" "$work/$side.out" "$work/$side.err"
    done
    local why=""
    cmp -s "$work/old.status" "$work/new.status" || why="exit $(cat "$work/old.status") vs $(cat "$work/new.status")"
    python3 Tests/compare/same_text.py <(normalize <"$work/old.out") <(normalize <"$work/new.out") >/dev/null ||
        why="$why; stdout differs"
    python3 Tests/compare/same_text.py <(normalize <"$work/old.err") <(normalize <"$work/new.err") >/dev/null ||
        why="$why; stderr differs"
    if [ "$output" != - ]; then
        diff -r -q "$work/out-old" "$work/out-new" >/dev/null || why="$why; output bytes differ"
    fi
    if [ -z "$why" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $label: ${why#; }"; fi
}

inputs=(Fixtures/example/mlp.npz Fixtures/example/mlp-compressed.npz Fixtures/digits/mlp.npz Fixtures/npz/stored.npz
        Fixtures/npz/deflated.npz Fixtures/npz/unicode.npz Fixtures/safetensors/valid/multi.safetensors
        Fixtures/safetensors/valid/all_dtypes.safetensors Fixtures/safetensors/valid/bf16_rounding.safetensors
        Fixtures/compressed_tensors/digits-float.safetensors)
schemes=(per-channel per-channel-asymmetric symmetric asymmetric)
for input in "${inputs[@]}"; do
    name=$(basename "$input")
    for scheme in "${schemes[@]}"; do
        for bits in 8 4 3 2; do
            for group in "" 16; do
                extra=(); [ -n "$group" ] && extra=(--group-size "$group")
                compare "$name $scheme $bits g${group:-none} npz" o.npz "$input" -o OUT --scheme "$scheme" --bits "$bits" "${extra[@]}" --report json
                compare "$name $scheme $bits g${group:-none} npz --compress" o.npz "$input" -o OUT --scheme "$scheme" --bits "$bits" "${extra[@]}" --compress
                for ct in pack int; do
                    compare "$name $scheme $bits g${group:-none} $ct" o.safetensors "$input" -o OUT --scheme "$scheme" --bits "$bits" "${extra[@]}" --ct-format "$ct"
                done
            done
        done
    done
    # inspect and dequantize of what the head binary writes, by both binaries.
    "$new" "$input" -o "$work/probe.npz" --force --report none >/dev/null 2>&1 && {
        compare "$name inspect" - inspect "$work/probe.npz" --json
        compare "$name dequantize" r.npz dequantize "$work/probe.npz" -o OUT
    }
    "$new" "$input" -o "$work/probe.safetensors" --force --report none >/dev/null 2>&1 && {
        compare "$name inspect safetensors" - inspect "$work/probe.safetensors" --json
        compare "$name dequantize safetensors" r.safetensors dequantize "$work/probe.safetensors" -o OUT
    }
done
for kind in Fixtures/compressed_tensors/library/*/; do
    compare "$(basename "$kind") inspect" - inspect "$kind" --json
    compare "$(basename "$kind") dequantize" r.npz dequantize "$kind/model.safetensors" -o OUT
done
compare "eval digits" - eval Fixtures/digits/mlp.npz --input Fixtures/digits/test_inputs.npy --labels Fixtures/digits/test_labels.npy --report json
compare "eval compare digits" - eval Fixtures/digits/mlp.npz --input Fixtures/digits/test_inputs.npy --labels Fixtures/digits/test_labels.npy --compare --calibration Fixtures/digits/calibration_inputs.npy --report json
compare "eval in memory gptq digits" - eval Fixtures/digits/mlp.npz --input Fixtures/digits/test_inputs.npy --method gptq --calibration Fixtures/digits/calibration_inputs.npy --bits 4 --report json
compare "gptq digits" o.npz Fixtures/digits/mlp.npz -o OUT --method gptq --calibration Fixtures/digits/calibration_inputs.npy --bits 3
compare "awq digits" o.npz Fixtures/digits/mlp.npz -o OUT --method awq --calibration Fixtures/digits/calibration_inputs.npy --bits 4
compare "outliers digits" o.npz Fixtures/digits/mlp.npz -o OUT --keep-outliers 2 --calibration Fixtures/digits/calibration_inputs.npy --bits 2
compare "refusal: bad scheme" o.npz Fixtures/digits/mlp.npz -o OUT --scheme nope
compare "refusal: group size" o.npz Fixtures/digits/mlp.npz -o OUT --group-size 7
compare "refusal: crc" o.npz Fixtures/npz/crc_mismatch.npz -o OUT
if [ -f .cache/all-MiniLM-L6-v2/model.safetensors ]; then
    for ct in pack int; do
        compare "MiniLM $ct" out .cache/all-MiniLM-L6-v2 -o OUT --ct-format "$ct" --report json
    done
    compare "MiniLM npz" out .cache/all-MiniLM-L6-v2 -o OUT --format npz --bits 4 --group-size 32
else
    echo "skip MiniLM: not fetched (python3 Fixtures/minilm/fetch.py)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
