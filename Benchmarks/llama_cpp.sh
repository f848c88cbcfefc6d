#!/usr/bin/env bash
# llama.cpp's `llama-quantize`, the peer `make bench` measures quantize against, built from the
# llama.cpp copy inside the llama-cpp-python 0.3.36 source distribution (vendor/llama.cpp): the
# sdist comes from PyPI with pip, is unpacked under .cache/ (ignored by git), and only the
# targets needed are built (CMake, Release, CPU only, tuned for this CPU). Prints the path of
# llama-quantize; when it is already built, builds nothing (otherwise about 10 minutes of CPU
# time, niced: some 5 minutes on 2 idle cores).
#
# Usage: Benchmarks/llama_cpp.sh [--with-embedding]
#   --with-embedding   also build llama-embedding (the examples are configured in for it);
#                      its path is printed on a second line.
#
# cmake and g++ are installed with apt-get when missing (with sudo when not root).
set -euo pipefail

VERSION=0.3.36
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=$ROOT/.cache
SOURCE=$CACHE/llama-cpp-python-$VERSION
BUILD=$SOURCE/build
QUANTIZE=$BUILD/bin/llama-quantize
EMBEDDING=$BUILD/bin/llama-embedding

with_embedding=
for argument in "$@"; do
    case $argument in
        --with-embedding) with_embedding=1 ;;
        *) echo "usage: $0 [--with-embedding]" >&2; exit 2 ;;
    esac
done

report() {
    echo "$QUANTIZE"
    if [ -n "$with_embedding" ]; then echo "$EMBEDDING"; fi
}

if [ -x "$QUANTIZE" ] && { [ -z "$with_embedding" ] || [ -x "$EMBEDDING" ]; }; then
    report
    exit 0
fi

# Progress goes to stderr: stdout is only the paths, for callers that capture them.
{
    missing=
    command -v cmake > /dev/null || missing="$missing cmake"
    command -v g++ > /dev/null || missing="$missing g++"
    if [ -n "$missing" ]; then
        echo "installing$missing (to build llama.cpp)"
        SUDO=$( [ "$(id -u)" = 0 ] || echo sudo )
        $SUDO apt-get update -qq && $SUDO apt-get install -y -qq $missing > /dev/null
    fi

    if [ ! -f "$SOURCE/vendor/llama.cpp/CMakeLists.txt" ]; then
        # --no-binary for this package only: the sdist is what is wanted, while pip's metadata step
        # may take its build tools (scikit-build-core, cmake, ninja) as wheels rather than
        # compiling cmake from source.
        sdist=$CACHE/downloads/llama_cpp_python-$VERSION.tar.gz
        [ -f "$sdist" ] || python3 -m pip download -q --no-deps --no-binary llama-cpp-python \
            "llama-cpp-python==$VERSION" -d "$CACHE/downloads"
        rm -rf "$SOURCE.partial"
        mkdir -p "$SOURCE.partial"
        tar -xzf "$sdist" -C "$SOURCE.partial" --strip-components 1
        rm -rf "$SOURCE"
        mv "$SOURCE.partial" "$SOURCE"
    fi

    # Static libraries, so the binary stands alone; no HTTPS (this llama.cpp's HTTP client is
    # cpp-httplib; LLAMA_CURL is deprecated and ignored), no server, app, tests or (unless asked)
    # examples.
    targets=(llama-quantize)
    examples=OFF
    if [ -n "$with_embedding" ]; then targets+=(llama-embedding); examples=ON; fi
    nice cmake -S "$SOURCE/vendor/llama.cpp" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
        -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=ON -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF \
        -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_BUILD_EXAMPLES=$examples > "$BUILD.log" 2>&1 \
        || { tail -n 30 "$BUILD.log"; echo "llama.cpp: cmake configure failed (log: $BUILD.log)"; exit 1; }
    nice cmake --build "$BUILD" --target "${targets[@]}" -j "$(nproc)" >> "$BUILD.log" 2>&1 \
        || { tail -n 30 "$BUILD.log"; echo "llama.cpp: build failed (log: $BUILD.log)"; exit 1; }
} >&2

report
