"""Writes the inputs `make tsan` quantizes: an .npz of four 512x2048 float32 weights (4 MiB
each, so CRC-32 checks and reads span several 4 MiB pieces and threads) with their biases, once
stored and once deflated. Python's standard library only (no NumPy), deterministic.

Usage: python3 Fuzz/sanitizers/workload.py OUTPUT_DIR
"""
import array
import io
import os
import struct
import sys
import zipfile


def npy(shape, values):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % "".join(f"{d}, " for d in shape)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + values.tobytes()


def values(count, seed):
    return array.array("f", (((i * 2654435761 + seed) % 65521) / 65521.0 - 0.5 for i in range(count)))


def main(out):
    os.makedirs(out, exist_ok=True)
    members = {}
    for layer in range(4):
        members[f"layers.{layer}.weight.npy"] = npy((512, 2048), values(512 * 2048, layer))
        members[f"layers.{layer}.bias.npy"] = npy((512,), values(512, layer + 100))
    for name, method in (("stored.npz", zipfile.ZIP_STORED), ("deflated.npz", zipfile.ZIP_DEFLATED)):
        with zipfile.ZipFile(os.path.join(out, name), "w", method) as archive:
            for member, data in members.items():
                archive.writestr(member, data)


main(sys.argv[1])
