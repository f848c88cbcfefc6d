#!/usr/bin/env bash
# Fills $1/<target>/ with the starting corpus of each fuzz target: the committed fixtures of its
# format, the small generated seeds under Fuzz/seeds/<target>/, and the reproducers of every
# crash found so far (Fixtures/fuzz/<target>/). Existing corpus entries are kept, so a corpus
# grows from run to run. Files over 64 KiB are left out (the targets' -max_len is smaller).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: Fuzz/corpus.sh OUTPUT_DIR}

add() {  # add TARGET FILE...
    local target=$1; shift
    mkdir -p "$out/$target"
    for file in "$@"; do
        [ -f "$file" ] && [ "$(stat -c %s "$file")" -le 65536 ] || continue
        cp "$file" "$out/$target/seed-$(echo "$file" | tr '/' '_')"
    done
}

shopt -s nullglob
add FuzzNPY Fixtures/npy/*/*.npy Fixtures/digits/*.npy Fixtures/zip/*.npy
add FuzzZip Fixtures/zip/*.zip Fixtures/zip/*.npz Fixtures/npz/*.npz Fixtures/example/*.npz Fixtures/digits/*.npz
add FuzzSafetensors Fixtures/safetensors/*/*.safetensors
add FuzzGGUF Fixtures/gguf/*.gguf
add FuzzArchiveMetadata
add FuzzCommandLine
add FuzzQuantizationConfig Fixtures/compressed_tensors/library/*/config.json Fixtures/fp8/library/*/config.json
for target in FuzzNPY FuzzZip FuzzSafetensors FuzzGGUF FuzzArchiveMetadata FuzzCommandLine FuzzQuantizationConfig; do
    add "$target" Fuzz/seeds/"$target"/* Fixtures/fuzz/"$target"/*
done
