"""The bench workload as a GGUF file that llama.cpp's `llama-quantize` accepts: the same float32
tensors as WORKLOAD.npz (made by generate_workload.py), byte for byte, in the same order.

llama-quantize loads its input through llama.cpp's model loader, which wants a known
`general.architecture` and the hyperparameters that architecture requires, but (to quantize)
neither a vocabulary nor a complete set of tensors. So the file is a 4-layer "llama" whose layers
hold only their attention projections: tensor 4*i + j of the npz becomes blk.i.attn_q, attn_k,
attn_v, attn_output for j = 0, 1, 2, 3 (4096x4096 each, as in a Llama-2-7B layer: embedding length
4096, 32 heads of 128, no grouped-query attention). Every tensor's name ends in ".weight" and is
2-D, so llama-quantize quantizes all of them; each row is one output channel, the rows being the
npz's rows, so both tools quantize the same numbers along the same rows.

Usage: python3 Benchmarks/gguf_workload.py WORKLOAD.npz OUT.gguf
Needs NumPy and gguf (`pip install gguf`). Writes OUT.gguf.partial and renames it when complete,
after reading it back and comparing every tensor with the npz.
"""
import os
import sys

import gguf
import numpy as np

PROJECTIONS = ("attn_q", "attn_k", "attn_v", "attn_output")


def gguf_names(npz_names):
    """Maps the npz's tensor names, in order, to llama attention projections, layer by layer."""
    if len(npz_names) % len(PROJECTIONS):
        sys.exit(f"{len(npz_names)} tensors: a whole number of layers of {len(PROJECTIONS)} projections is needed")
    return {name: f"blk.{i // len(PROJECTIONS)}.{PROJECTIONS[i % len(PROJECTIONS)]}.weight"
            for i, name in enumerate(npz_names)}


def main():
    source, target = sys.argv[1], sys.argv[2]
    archive = np.load(source)
    names = gguf_names(archive.files)
    rows, columns = archive[archive.files[0]].shape
    partial = target + ".partial"

    writer = gguf.GGUFWriter(partial, "llama")
    writer.add_name("quantize bench workload")
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_context_length(4096)
    writer.add_embedding_length(columns)
    writer.add_block_count(len(names) // len(PROJECTIONS))
    writer.add_head_count(columns // 128)
    writer.add_head_count_kv(columns // 128)
    writer.add_layer_norm_rms_eps(1e-5)
    for name in archive.files:
        x = archive[name]
        if x.dtype != np.float32 or x.shape != (rows, columns):
            sys.exit(f"{name}: {x.dtype} {x.shape}; every tensor must be float32 {rows}x{columns}")
        writer.add_tensor_info(names[name], x.shape, x.dtype, x.nbytes)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for name in archive.files:  # one tensor in memory at a time
        writer.write_tensor_data(archive[name])
    writer.close()

    written = {tensor.name: tensor for tensor in gguf.GGUFReader(partial).tensors}
    for name in archive.files:
        tensor = written[names[name]]
        if tensor.tensor_type != gguf.GGMLQuantizationType.F32 or not np.array_equal(tensor.data, archive[name]):
            sys.exit(f"{partial}: {names[name]} does not read back as {name} of {source}")
    os.replace(partial, target)


if __name__ == "__main__":
    main()
