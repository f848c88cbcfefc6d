#!/usr/bin/env python3
"""Writes dequantize.npz, the fixture of GGMLDequantizersTests: hostile blocks of every block type
quantize writes, and the float32 values ggml's own `dequantize_row_<type>` gives for them (through
ggml_reference.py's dequantize mode: the type's `to_float` in the static ggml library).

Members (np.savez_compressed), for each type in q4_0, q4_1, q5_0, q5_1, q8_0, q2_K ... q6_K:
- <type>: uint8 [blocks, block bytes], the hostile blocks;
- <type>_ggml: float32 [blocks, block size], ggml's values for them;
for the FP4 types mxfp4 and nvfp4 the same two members, whose blocks carry every scale byte
(MXFP4: the E8M0 exponents 0 ... 255, among them 0xFF, which ggml's row validation refuses and
whose largest codes overflow to infinity; NVFP4: the unsigned E4M3 bytes 0 ... 255, 0x7F and those
with bit 7 set among them) with random codes, then codes all zero and all ones;
and for the float types:
- f16: uint16, binary16 bit patterns (every NaN, every subnormal, zeros, infinities and a sample of
  the normals: the rest convert exactly, with no choice to get wrong); f16_ggml: float32, ggml's
  `to_float` of them;
- bf16: uint16 [...], bfloat16 patterns (zeros, subnormals, infinities, NaNs, random);
  bf16_ggml: float32, ggml's values.

The hostile blocks: every binary16 scale of interest (±0, the smallest and largest subnormals, the
smallest normal, 1, the largest finite, ±infinity, quiet and signalling NaNs with payloads) in each
scale field of the type in turn (the others random but finite), pairs of them together (infinity
minus infinity, two NaNs: which payload wins), codes all zero, all ones (the extreme codes) and
random.

The blocks of the quantizer fixtures (legacy/<type>.bin, kquants.npz) are checked here too: the
values stored there beside them (gguf-py's dequantization) must equal ggml's bit for bit, or this
script stops; so the quantizer tests' dequantization checks are checks against ggml as well.

Run from anywhere (builds ggml_reference on first use, see ggml_reference.py):
    python3 Fixtures/ggml/make_dequantize_fixtures.py
"""
import os

import numpy as np

import ggml_reference

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20261201
# name: (ggml type number, block bytes, elements per block, byte offsets of the binary16 scales)
TYPES = {
    "q4_0": (2, 18, 32, [0]), "q4_1": (3, 20, 32, [0, 2]), "q5_0": (6, 22, 32, [0]), "q5_1": (7, 24, 32, [0, 2]),
    "q8_0": (8, 34, 32, [0]), "q2_K": (10, 84, 256, [80, 82]), "q3_K": (11, 110, 256, [108]),
    "q4_K": (12, 144, 256, [0, 2]), "q5_K": (13, 176, 256, [0, 2]), "q6_K": (14, 210, 256, [208]),
}
HALVES = [0x0000, 0x8000, 0x0001, 0x8001, 0x03FF, 0x0400, 0x3C00, 0xBC00, 0x7BFF, 0xFBFF,
          0x7C00, 0xFC00, 0x7E00, 0xFE00, 0x7C01, 0x7D55, 0xFE2A, 0x7FFF]
PAIRS = [(0x7C00, 0xFC00), (0xFC00, 0x7C00), (0x7C00, 0x7C00), (0x7E01, 0x7E02), (0x7C01, 0x7E02),
         (0xFE03, 0x7C04), (0x0000, 0x8000), (0x8000, 0x8000), (0x0001, 0x8001), (0x7BFF, 0x7BFF),
         (0xFBFF, 0x7BFF), (0x7C00, 0x7E00)]


def finite_half(rng):
    """A random finite binary16 bit pattern."""
    while True:
        bits = int(rng.integers(0, 1 << 16))
        if bits & 0x7C00 != 0x7C00:
            return bits


def put_half(block, offset, bits):
    block[offset:offset + 2] = np.frombuffer(np.uint16(bits).astype("<u2").tobytes(), dtype=np.uint8)


def hostile_blocks(rng, size, scales):
    blocks = []

    def block(codes, values):
        b = {"random": rng.integers(0, 256, size, dtype=np.uint8), "zeros": np.zeros(size, np.uint8),
             "ones": np.full(size, 0xFF, np.uint8)}[codes].copy()
        for offset, bits in zip(scales, values):
            put_half(b, offset, finite_half(rng) if bits is None else bits)
        blocks.append(b)

    for field in range(len(scales)):
        for bits in HALVES:
            block("random", [bits if i == field else None for i in range(len(scales))])
    if len(scales) == 2:
        for pair in PAIRS:
            block("random", list(pair))
    for codes in ("zeros", "ones"):
        for bits in (0x3C00, 0x7BFF, 0x0001, 0x7C00, 0x7E00):
            block(codes, [bits] * len(scales))
    block("zeros", [None] * len(scales))
    for _ in range(4):
        block("random", [None] * len(scales))
    return np.stack(blocks)


def check_quantizer_fixtures():
    """ggml's values for the quantizer fixtures' blocks equal the gguf-py values stored there."""
    for name, (number, size, _, _) in TYPES.items():
        if name.endswith("_K"):
            kquants = np.load(os.path.join(HERE, "kquants.npz"))
            blocks, stored = kquants[name].tobytes(), kquants[name + "_dequantized"].ravel()
        else:
            with open(os.path.join(HERE, "legacy", f"{name}.bin"), "rb") as f:
                blocks = f.read()
            stored = np.fromfile(os.path.join(HERE, "legacy", f"{name}-dequantized.f32"), dtype="<f4")
        ours = ggml_reference.dequantize(number, blocks)
        assert np.array_equal(ours.view("<u4"), stored.view("<u4")), f"{name}: gguf-py's values differ from ggml's"


def float_members(rng):
    every = np.arange(1 << 16, dtype=np.uint16)
    magnitude = every & 0x7FFF
    chosen = (magnitude > 0x7C00) | (magnitude < 0x0400) | (magnitude == 0x7C00) | (every % 97 == 0)
    halves = every[chosen]
    specials = [0x0000, 0x8000, 0x0001, 0x807F, 0x0080, 0x7F7F, 0xFF7F, 0x7F80, 0xFF80, 0x7FC0, 0xFFC0, 0x7F81, 0x7FFF]
    brains = np.concatenate([np.array(specials, dtype=np.uint16), rng.integers(0, 1 << 16, 256).astype(np.uint16)])
    return {"f16": halves, "f16_ggml": ggml_reference.dequantize(1, halves.astype("<u2").tobytes()),
            "bf16": brains, "bf16_ggml": ggml_reference.dequantize(30, brains.astype("<u2").tobytes())}


def fp4_members(rng):
    """The FP4 types' blocks with every scale byte, and ggml's values for them."""
    members = {}
    for name, (number, size, elements, scale_bytes) in {"mxfp4": (39, 17, 32, 1), "nvfp4": (40, 36, 64, 4)}.items():
        blocks = rng.integers(0, 256, (256 // scale_bytes + 2, size), dtype=np.uint8)
        blocks[:-2, :scale_bytes] = np.arange(256, dtype=np.uint8).reshape(-1, scale_bytes)
        blocks[-2:, :scale_bytes] = 0x7E
        blocks[-2, scale_bytes:], blocks[-1, scale_bytes:] = 0, 0xFF
        members[name] = blocks
        members[name + "_ggml"] = ggml_reference.dequantize(number, blocks.tobytes()).reshape(len(blocks), elements)
    return members


def main():
    check_quantizer_fixtures()
    rng = np.random.default_rng(SEED)
    members = float_members(rng)
    for name, (number, size, elements, scales) in TYPES.items():
        blocks = hostile_blocks(rng, size, scales)
        members[name] = blocks
        members[name + "_ggml"] = ggml_reference.dequantize(number, blocks.tobytes()).reshape(len(blocks), elements)
    members.update(fp4_members(rng))
    np.savez_compressed(os.path.join(HERE, "dequantize.npz"), **members)


if __name__ == "__main__":
    main()
