"""ggml's own quantizer as a Python function, for fixture scripts: `quantize(type_id, rows,
imatrix=None)` returns the bytes llama.cpp's `ggml_quantize_chunk` makes of a 2-D float32 array
(the call `llama-quantize` makes), and `dequantize(type_id, blocks)` the float32 values ggml's own
`dequantize_row_<type>` reads back from blocks, by running ggml_reference.c linked against the
static ggml library that Benchmarks/llama_cpp.sh builds under .cache/ (built on first use; needs cc
and c++). The binary's name carries a digest of ggml_reference.c, so an edited source is rebuilt.
"""
import hashlib
import os
import subprocess
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "ggml_reference.c"), "rb") as _source:
    BINARY = os.path.join(ROOT, ".cache", "ggml_reference-" + hashlib.sha256(_source.read()).hexdigest()[:12])


def _build():
    quantize = subprocess.run([os.path.join(ROOT, "Benchmarks", "llama_cpp.sh")], check=True,
                              capture_output=True, text=True).stdout.split()[0]
    build = os.path.dirname(os.path.dirname(quantize))
    source = os.path.dirname(build)
    library = os.path.join(build, "ggml", "src")
    subprocess.run(["c++", "-O2", "-x", "c", os.path.join(HERE, "ggml_reference.c"), "-x", "none",
                    "-I", os.path.join(source, "vendor", "llama.cpp", "ggml", "include"),
                    os.path.join(library, "libggml-base.a"), "-fopenmp", "-lm", "-lpthread", "-o", BINARY], check=True)


def quantize(type_id, rows, imatrix=None):
    """The bytes of ggml type `type_id` for the float32 rows of `rows` (2-D)."""
    if not os.path.exists(BINARY):
        _build()
    rows = np.ascontiguousarray(rows, dtype="<f4")
    command = [BINARY, str(type_id), str(rows.shape[0]), str(rows.shape[1])]
    with tempfile.NamedTemporaryFile(suffix=".f32") as weights:
        if imatrix is not None:
            weights.write(np.ascontiguousarray(imatrix, dtype="<f4").tobytes())
            weights.flush()
            command.append(weights.name)
        return subprocess.run(command, input=rows.tobytes(), capture_output=True, check=True).stdout


def dequantize(type_id, blocks):
    """The float32 values ggml's `dequantize_row_<type>` gives for `blocks` (bytes, whole blocks
    of ggml type `type_id`), as a 1-D array."""
    if not os.path.exists(BINARY):
        _build()
    blocks = bytes(blocks)
    size = {2: 18, 3: 20, 6: 22, 7: 24, 8: 34, 10: 84, 11: 110, 12: 144, 13: 176, 14: 210, 39: 17, 40: 36, 0: 4, 1: 2, 30: 2}[type_id]
    assert len(blocks) % size == 0, (type_id, len(blocks))
    output = subprocess.run([BINARY, "dequantize", str(type_id), str(len(blocks) // size)], input=blocks,
                            capture_output=True, check=True).stdout
    return np.frombuffer(output, dtype="<f4")
