"""Writes fp4.npz, the fixture of GGMLFP4QuantizerTests: float32 rows with the edge cases of
ggml's two FP4 block types and, for MXFP4 (type 39) and NVFP4 (type 40), the bytes ggml itself
writes for them (`ggml_quantize_chunk`, the call `llama-quantize` makes, through
ggml_reference.py) and the values ggml's `dequantize_row_<type>` reads back from those bytes;
for MXFP4 also the bytes gguf-py 0.19's NumPy quantizer (`gguf.quants.quantize`) writes for the
same rows, which need not equal ggml's (its log2 is NumPy's float32 one).

Members (np.savez_compressed):
- rows: float32 [ROWS, ROW_LENGTH] (ROW_LENGTH = 128: 4 MXFP4 blocks, 2 NVFP4 blocks a row);
- mxfp4, nvfp4: uint8 [ROWS, row bytes], ggml's blocks;
- mxfp4_dequantized, nvfp4_dequantized: float32 [ROWS, ROW_LENGTH], ggml's values of them;
- mxfp4_gguf_py: uint8 [ROWS, row bytes], gguf-py's MXFP4 blocks.

Also writes Fixtures/gguf/fp4_blocks.gguf with gguf-py's GGUFWriter: the tensors `mxfp4.weight` and
`nvfp4.weight` holding ggml's blocks of the first four rows (a seed of the GGUF fuzz target, whose
corpus takes Fixtures/gguf/*.gguf, and read back by GGUFBlockReadingTests).

The rows: random normals at scales from 1e-3 to 3e4; zeros and -0.0; every tie between two
E2M1 points under a power-of-two scale (amax 4, so MXFP4's step is 0.5), positive and negative;
values past the largest point (amax 7 and just below 8: saturation); amax a power of two and
the float32 just below one (where log2f may round up to the integer); NVFP4 group maxima whose
amax / 6 is an E4M3 tie, above 448 and in E4M3's subnormals; float32 subnormals and amax below
2^-125 (where ggml's exponent conversion leaves the byte's range); values near float32's largest.

Run from the repository root (builds ggml_reference on first use; needs the llama.cpp build of
Benchmarks/llama_cpp.sh under .cache/ and gguf-py 0.19, `pip install gguf`):
    python3 Fixtures/ggml/make_fp4_fixtures.py
"""
import os

import gguf
import numpy as np
from gguf import GGMLQuantizationType
from gguf.quants import quantize

import ggml_reference

HERE = os.path.dirname(os.path.abspath(__file__))
ROW_LENGTH = 128
TYPES = {"mxfp4": 39, "nvfp4": 40}


def normal_rows(rng):
    return [rng.standard_normal(ROW_LENGTH) * scale for scale in (1, 0.02, 1e-3, 0.05, 100, 3e4)]


def tie_rows():
    """Every E2M1 tie at scale 0.5 (amax 4 in each block of 32 and group of 16), both signs."""
    ties = np.array([0.125, 0.375, 0.625, 0.875, 1.25, 1.75, 2.5, 0.25, 0.75, 1.5, 3.0, 3.5, 5.0, 4.0])
    row = np.resize(np.concatenate([ties, -ties, [4.0, -4.0]]), ROW_LENGTH)
    for start in range(0, ROW_LENGTH, 16):
        row[start] = 4.0
    return [row, row * 2.0, -row]


def saturating_rows(rng):
    """Blocks whose amax is 7, just below 8, 6, a power of two, and the float32 below one."""
    rows = []
    for top in (7.0, np.nextafter(np.float32(8), np.float32(0)), 6.0, 8.0, np.nextafter(np.float32(4), np.float32(0)),
                np.nextafter(np.float32(0.25), np.float32(0)), np.nextafter(np.float32(1024), np.float32(0))):
        row = rng.uniform(-1, 1, ROW_LENGTH) * float(top) * 0.9
        row[::16] = top
        row[8::32] = -float(top)
        rows.append(row)
    return rows


def zero_rows(rng):
    zeros = np.zeros(ROW_LENGTH)
    negative_zeros = np.full(ROW_LENGTH, -0.0)
    mixed = rng.standard_normal(ROW_LENGTH)
    mixed[np.arange(ROW_LENGTH) // 16 % 2 == 0] = 0.0
    mixed[1::16] = -0.0
    tiny_negatives = -np.abs(rng.standard_normal(ROW_LENGTH)) * 1e-3
    tiny_negatives[::32] = 1.0
    return [zeros, negative_zeros, mixed, tiny_negatives]


def e4m3_rows():
    """NVFP4 groups whose amax / 6 lands on E4M3 ties, rounding carries, 448 and beyond, and
    E4M3's subnormals (below 2^-6)."""
    rows = []
    for amax in (6 * 1.0625, 6 * 1.9375, 6 * 1.96875, 6 * 448.0, 6 * 500.0, 1e6, 6 * 2.0 ** -7, 6 * 2.0 ** -8 * 1.5,
                 6 * 2.0 ** -10, 6 * 2.0 ** -12, 6 * 0.0171875):
        row = np.linspace(-amax, amax, ROW_LENGTH) * 0.8
        row[::16] = amax
        rows.append(row)
    return rows


def tiny_and_huge_rows(rng):
    return [rng.standard_normal(ROW_LENGTH) * 1e-38, rng.standard_normal(ROW_LENGTH) * 1e-40,
            rng.standard_normal(ROW_LENGTH) * 1e-44, rng.standard_normal(ROW_LENGTH) * 2.0 ** -124,
            rng.standard_normal(ROW_LENGTH) * 1e37, np.clip(rng.standard_normal(ROW_LENGTH), -1, 1) * 3.4e38]


def main():
    rng = np.random.default_rng(39)
    rows = normal_rows(rng) + tie_rows() + saturating_rows(rng) + zero_rows(rng) + e4m3_rows() + tiny_and_huge_rows(rng)
    rows = np.array(rows, dtype=np.float32)
    assert np.isfinite(rows).all()
    members = {"rows": rows}
    for name, number in TYPES.items():
        blocks = np.frombuffer(ggml_reference.quantize(number, rows), dtype=np.uint8).reshape(len(rows), -1)
        members[name] = blocks
        members[name + "_dequantized"] = ggml_reference.dequantize(number, blocks.tobytes()).reshape(rows.shape)
    members["mxfp4_gguf_py"] = quantize(rows, GGMLQuantizationType.MXFP4).reshape(len(rows), -1)
    differing = int((members["mxfp4_gguf_py"] != members["mxfp4"]).any(axis=1).sum())
    print(f"{len(rows)} rows; gguf-py's MXFP4 differs from ggml's in {differing} rows")
    np.savez_compressed(os.path.join(HERE, "fp4.npz"), **members)
    write_gguf(members)


def write_gguf(members):
    writer = gguf.GGUFWriter(os.path.join(os.path.dirname(HERE), "gguf", "fp4_blocks.gguf"), "llama")
    for name, number in TYPES.items():
        writer.add_tensor(name + ".weight", members[name][:4], raw_dtype=GGMLQuantizationType(number))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


if __name__ == "__main__":
    main()
