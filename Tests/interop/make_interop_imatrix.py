#!/usr/bin/env python3
"""A deterministic importance matrix for a GGUF model, in llama.cpp's two formats, for
gguf_interop.py's `--imatrix` check:

    python3 Tests/interop/make_interop_imatrix.py MODEL.gguf OUT.gguf OUT.dat [--seed S]

Entries: every tensor of MODEL with at least two dimensions whose name ends in `weight` (those
llama-quantize may quantize), each with `dims[0] · experts` values (experts: dims[2] of a 3-D
tensor, else 1), random and positive from numpy's PCG64 with the seed: sums `Σ x²` of a
log-normal mean times the count. OUT.gguf is laid out as llama-imatrix's `save_imatrix` writes it
(`NAME.in_sum2` f32 [columns, experts], `NAME.counts` f32 [1, experts], general.type, imatrix.datasets,
imatrix.chunk_count, imatrix.chunk_size; gguf-py's general.architecture removed); OUT.dat as
`save_imatrix_legacy` writes it (values = mean · ncall, then chunk count and dataset). Both give
llama-quantize the same weights up to float32 rounding of mean · ncall / ncall.
"""
import argparse
import struct

import numpy as np
import gguf

CHUNK_COUNT, CHUNK_SIZE, NCALL = 10, 512, 10
DATASET = "interop/random-imatrix"


def entries(model, seed):
    """(name, means [experts, columns] float32, counts [experts]) sorted by name."""
    rng = np.random.default_rng(seed)
    out = []
    for tensor in sorted(gguf.GGUFReader(model).tensors, key=lambda t: t.name):
        dims = [int(d) for d in tensor.shape]
        if len([d for d in dims if d != 1]) < 2 or not tensor.name.endswith("weight"):
            continue
        experts = dims[2] if len(dims) > 2 else 1
        means = rng.lognormal(-2, 1, (experts, dims[0])).astype(np.float32)
        out.append((tensor.name, means, np.full(experts, CHUNK_COUNT * CHUNK_SIZE, dtype=np.float32)))
    return out


def write_gguf(path, items):
    writer = gguf.GGUFWriter(path, "imatrix")
    writer.kv_data[0].pop("general.architecture")
    writer.add_type("imatrix")
    writer.add_array("imatrix.datasets", [DATASET])
    writer.add_uint32("imatrix.chunk_count", CHUNK_COUNT)
    writer.add_uint32("imatrix.chunk_size", CHUNK_SIZE)
    for name, means, counts in items:
        sums = (means * counts[:, None]).astype(np.float32)
        writer.add_tensor(name + ".in_sum2", sums, raw_shape=list(sums.shape), raw_dtype=gguf.GGMLQuantizationType.F32)
        writer.add_tensor(name + ".counts", counts.reshape(-1, 1), raw_shape=[len(counts), 1],
                          raw_dtype=gguf.GGMLQuantizationType.F32)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def write_legacy(path, items):
    with open(path, "wb") as f:
        f.write(struct.pack("<i", len(items)))
        for name, means, _ in items:
            values = (means.reshape(-1) * NCALL).astype("<f4")
            f.write(struct.pack("<i", len(name)) + name.encode() + struct.pack("<ii", NCALL, values.size) + values.tobytes())
        f.write(struct.pack("<ii", CHUNK_COUNT, len(DATASET)) + DATASET.encode())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model")
    parser.add_argument("gguf_out")
    parser.add_argument("dat_out")
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    items = entries(args.model, args.seed)
    write_gguf(args.gguf_out, items)
    write_legacy(args.dat_out, items)


if __name__ == "__main__":
    main()
