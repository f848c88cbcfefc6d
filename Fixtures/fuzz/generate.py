"""Writes the hand-made reproducers of Fixtures/fuzz/ (libFuzzer's own reproducers are
committed as found, minimized); each is a few hundred bytes and must be refused with an error.

Run from the repository root: python3 Fixtures/fuzz/generate.py
"""
import json
import struct


def safetensors(path, header, data):
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def per_channel_without_axis():
    """A pack-quantized 1x1 weight whose record says per-channel but has no "axis"."""
    record = {"compressed_tensors_format": "pack-quantized", "format": "quantize.compressed-tensors",
              "format_version": 1, "tool": "t",
              "tensors": [{"bits": 8, "codes_dtype": "int8", "dtype": "float32", "name": "w.weight",
                           "scheme": "per-channel", "shape": [1, 1], "symmetric": True}]}
    header = {"__metadata__": {"format": "pt", "quantize": json.dumps(record, separators=(",", ":"))},
              "w.weight_packed": {"dtype": "I32", "shape": [1, 1], "data_offsets": [0, 4]},
              "w.weight_scale": {"dtype": "F32", "shape": [1, 1], "data_offsets": [4, 8]},
              "w.weight_shape": {"dtype": "I64", "shape": [2], "data_offsets": [8, 24]}}
    data = struct.pack("<i", 128 + 5) + struct.pack("<f", 0.5) + struct.pack("<qq", 1, 1)
    safetensors("Fixtures/fuzz/FuzzSafetensors/per_channel_without_axis.safetensors", header, data)


def integer_original_dtype():
    """An int-quantized 1x1 weight whose record says it was uint8 before quantization, so that
    its scale (stored in the original dtype) is U8 and holds no float."""
    record = {"compressed_tensors_format": "int-quantized", "format": "quantize.compressed-tensors",
              "format_version": 1, "tool": "t",
              "tensors": [{"axis": 0, "bits": 8, "codes_dtype": "int8", "dtype": "uint8", "name": "w.weight",
                           "scheme": "per-channel", "shape": [1, 1], "symmetric": True}]}
    header = {"__metadata__": {"format": "pt", "quantize": json.dumps(record, separators=(",", ":"))},
              "w.weight": {"dtype": "I8", "shape": [1, 1], "data_offsets": [0, 1]},
              "w.weight_scale": {"dtype": "U8", "shape": [1, 1], "data_offsets": [1, 2]}}
    safetensors("Fixtures/fuzz/FuzzSafetensors/integer_original_dtype.safetensors", header, bytes([5, 1]))


per_channel_without_axis()
integer_original_dtype()
