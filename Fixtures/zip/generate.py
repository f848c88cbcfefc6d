#!/usr/bin/env python3
"""Generates the zip fixtures for Tests/QuantKitTests/Zip*.swift, deterministically.

Run from anywhere: `python3 Fixtures/zip/generate.py`. Needs NumPy for the .npz files.
Writes good archives (listed in MANIFEST.json with each member's size and CRC-32, as computed
by Python's zlib) and bad ones (listed in MANIFEST.json under "bad" with the ZipError case the
reader must give). Archives that Python's zipfile cannot make are built by `craft` below, from
APPNOTE.TXT's record layouts (sections 4.3.7, 4.3.12, 4.3.14-16, 4.5.3).
"""
import io
import json
import os
import struct
import sys
import zipfile
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ziputil import FIXED_DATE, NonSeekable, zip_with  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def deflate_raw(data, level=6):
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def craft(members, comment=b"", zip64_end=False, declared_count=None):
    """A zip built by hand. Each member is a dict with name (bytes), data (the member's stored
    bytes, already compressed when method is 8) and optional overrides: method, flags, crc,
    csize, usize (central directory values), local_signature, central_zip64 (write sizes and
    offset in a ZIP64 extra field of the central header)."""
    out = bytearray()
    central = bytearray()
    for m in members:
        name, data = m["name"], m["data"]
        method = m.get("method", 0)
        flags = m.get("flags", 0)
        crc = m.get("crc", zlib.crc32(data) if method == 0 else m.get("crc", 0))
        csize = m.get("csize", len(data))
        usize = m.get("usize", len(data))
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", m.get("local_signature", 0x04034B50), 20, flags, method,
                           0, 0x21, crc, csize & 0xFFFFFFFF, usize & 0xFFFFFFFF, len(name), 0)
        out += name + data
        extra = b""
        c_csize, c_usize, c_offset = csize, usize, offset
        if m.get("central_zip64"):
            extra = struct.pack("<HHQQQ", 1, 24, usize, csize, offset)
            c_csize = c_usize = c_offset = 0xFFFFFFFF
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45 if extra else 20, flags, method,
                               0, 0x21, crc, c_csize, c_usize, len(name), len(extra), 0, 0, 0, 0, c_offset)
        central += name + extra
    cd_offset = len(out)
    out += central
    count = len(members) if declared_count is None else declared_count
    if zip64_end:
        zip64_offset = len(out)
        out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, len(central), cd_offset)
        out += struct.pack("<IIQI", 0x07064B50, 0, zip64_offset, 1)
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, len(comment))
    else:
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), cd_offset, len(comment))
    out += comment
    return bytes(out)


def stored(name, data, **overrides):
    return dict(name=name, data=data, **overrides)


def deflated(name, content, **overrides):
    fields = dict(name=name, data=deflate_raw(content), method=8, crc=zlib.crc32(content), usize=len(content))
    fields.update(overrides)
    return fields


def savez_bytes(compressed, arrays):
    buffer = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
    return buffer.getvalue()


def pin_dates(archive):
    """numpy stamps members with the current time: rewrite every DOS time and date field
    (local 4.3.7 at +10, central 4.3.12 at +12) to 1980-01-01 so the bytes are reproducible."""
    data = bytearray(archive)
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        infos = zf.infolist()
        central_offset = zf.start_dir
    for info in infos:
        struct.pack_into("<HH", data, info.header_offset + 10, 0, 0x21)
    position = central_offset
    for _ in infos:
        struct.pack_into("<HH", data, position + 12, 0, 0x21)
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, position + 28)
        position += 46 + name_len + extra_len + comment_len
    return bytes(data)


def main():
    rng = np.random.default_rng(1234)
    good = {}
    arrays = {
        "weight": rng.standard_normal((16, 8)).astype(np.float32),
        "bias": np.arange(8, dtype=np.float64),
        "step": np.array(7, dtype=np.int64),
    }
    good["savez.npz"] = pin_dates(savez_bytes(False, arrays))
    good["savez_compressed.npz"] = pin_dates(savez_bytes(True, {**arrays, "zeros": np.zeros(4096, np.float32)}))
    good["comment.zip"] = zip_with([("a.txt", b"hello\n"), ("b.bin", bytes(range(256)))],
                                   comment=b"an archive comment")

    sink = NonSeekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in [("descriptor.txt", b"written through a non-seekable stream\n" * 50),
                           ("second.bin", bytes(1000))]:
            with zf.open(zipfile.ZipInfo(name, FIXED_DATE), "w") as member:
                member.write(data)
    good["data_descriptor.zip"] = bytes(sink.data)

    good["utf8_names.zip"] = zip_with([
        ("layers/", b""),
        ("layers/0/weight.npy", b"\x93NUMPY fake weight"),
        ("größe.npy", b"umlaut"),
        ("层/权重.npy", b"cjk"),
    ], compression=zipfile.ZIP_DEFLATED)

    good["zip64_end.zip"] = craft([stored(b"first.bin", b"zip64 end record"),
                                   deflated(b"second.bin", b"abc" * 1000, central_zip64=True)],
                                  zip64_end=True)
    good["empty_archive.zip"] = craft([])
    good["empty_member.zip"] = zip_with([("empty.npy", b""), ("one.bin", b"\x01")])

    savez = good["savez.npz"]
    with zipfile.ZipFile(io.BytesIO(savez)) as zf:
        first = zf.infolist()[0]
        data_start = first.header_offset + 30 + len(first.filename) + len(first.extra)
    crc_mismatch = bytearray(savez)
    crc_mismatch[data_start + 100] ^= 0xFF

    payload = b"some member data that deflates " * 40
    # Block type 3 is reserved (RFC 1951 3.2.3): zlib stops at the first header bits.
    corrupt = deflate_raw(payload)
    corrupt = bytes([corrupt[0] | 0x06]) + corrupt[1:]
    zeros = bytes(10 * 1024 * 1024)

    two_members = craft([stored(b"a.npy", b"first"), stored(b"b.npy", b"second")])
    spanned = bytearray(two_members)
    struct.pack_into("<H", spanned, len(spanned) - 22 + 4, 1)
    bad_signature = bytearray(two_members)
    bad_signature[two_members.rindex(b"PK\x01\x02") + 3] = 0x03

    bad = {
        "empty.zip": (b"", "emptyFile"),
        "truncated.zip": (savez[: len(savez) // 2], "noEndOfCentralDirectory"),
        "no_eocd.zip": (savez[:-22] + bytes(22), "noEndOfCentralDirectory"),
        "cd_out_of_bounds.zip": (savez[:-6] + struct.pack("<I", len(savez) + 1000) + savez[-2:],
                                 "centralDirectoryOutOfBounds"),
        "count_mismatch.zip": (craft([stored(b"a", b"1"), stored(b"b", b"2")], declared_count=1),
                               "entryCountMismatch"),
        "too_many_entries.zip": (craft([stored(b"a", b"1")], zip64_end=True, declared_count=2_000_000),
                                 "tooManyEntries"),
        "bad_central_signature.zip": (bytes(bad_signature), "truncatedCentralDirectory"),
        "spanned.zip": (bytes(spanned), "spannedArchive"),
        "missing_zip64_extra.zip": (craft([stored(b"z.npy", b"abc", csize=0xFFFFFFFF, usize=0xFFFFFFFF)]),
                                    "badZip64ExtraField"),
        "crc_mismatch.npz": (bytes(crc_mismatch), "crcMismatch"),
        "corrupt_deflate.zip": (craft([deflated(b"bad.bin", payload, data=corrupt)]), "corruptDeflate"),
        "encrypted.zip": (craft([stored(b"secret.npy", b"data", flags=1)]), "encrypted"),
        "bzip2.zip": (zip_with([("b.npy", b"bzip2 data " * 20)], compression=zipfile.ZIP_BZIP2),
                      "unsupportedMethod"),
        "parent_name.zip": (craft([stored(b"../evil.npy", b"x")]), "unsafeName"),
        "absolute_name.zip": (craft([stored(b"/abs.npy", b"x")]), "unsafeName"),
        "drive_name.zip": (craft([stored(b"C:\\x.npy", b"x")]), "unsafeName"),
        "nul_name.zip": (craft([stored(b"a\x00b.npy", b"x")]), "unsafeName"),
        "duplicate_names.zip": (craft([stored(b"w.npy", b"1"), stored(b"w.npy", b"2")]), "duplicateName"),
        "bomb_lied_size.zip": (craft([deflated(b"bomb.bin", zeros, usize=1000, crc=zlib.crc32(zeros[:1000]))]),
                               "inflatesBeyondDeclaredSize"),
        "bomb_ratio.zip": (craft([deflated(b"bomb.bin", bytes(1024 * 1024), usize=10 * 10**9,
                                           central_zip64=True)]), "implausibleCompressionRatio"),
        "truncated_deflate.zip": (craft([deflated(b"cut.bin", payload, data=deflate_raw(payload)[:20])]),
                                  "corruptDeflate"),
        "short_inflate.zip": (craft([deflated(b"short.bin", b"x" * 100, usize=200)]),
                              "inflatesShortOfDeclaredSize"),
        "past_eof.zip": (craft([stored(b"big.npy", b"tiny", csize=5000, usize=5000)]), "memberDataOutOfBounds"),
        "stored_size_mismatch.zip": (craft([stored(b"s.npy", b"abcdef", usize=3)]), "storedSizeMismatch"),
        "local_signature.zip": (craft([stored(b"l.npy", b"abc", local_signature=0x04034B51)]),
                                "badLocalHeaderSignature"),
        "latin1_name.zip": (craft([stored("café.npy".encode("latin-1"), b"x")]), "nonASCIILegacyName"),
        "bad_utf8_name.zip": (craft([stored(b"caf\xe9.npy", b"x", flags=1 << 11)]), "nameNotUTF8"),
    }

    manifest = {"good": {}, "bad": {}}
    for name, data in good.items():
        with open(path(name), "wb") as f:
            f.write(data)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            manifest["good"][name] = [
                {"name": info.filename, "size": info.file_size, "crc32": zlib.crc32(zf.read(info)),
                 "method": info.compress_type}
                for info in zf.infolist()
            ]
    for name, (data, error) in bad.items():
        with open(path(name), "wb") as f:
            f.write(data)
        manifest["bad"][name] = error
    with open(path("MANIFEST.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
