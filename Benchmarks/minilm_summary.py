"""The README's all-MiniLM-L6-v2 summary: quantizes the real model folder with every scheme
(8 and 4 bits) and prints the total size before and after, the mean SQNR per scheme, and the
five worst tensors of the default run (per-channel, 8 bits).

    python3 Fixtures/minilm/fetch.py
    python3 Benchmarks/minilm_summary.py .build/release/quantize .cache/all-MiniLM-L6-v2
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

binary, folder = sys.argv[1], sys.argv[2]
schemes = ["per-channel", "per-channel-asymmetric", "symmetric", "asymmetric"]


def run(scheme, bits, ct_format="pack"):
    with tempfile.TemporaryDirectory() as work:
        start = time.perf_counter()
        out = subprocess.run([binary, folder, "-o", os.path.join(work, "q"), "--scheme", scheme, "--bits", str(bits),
                              "--ct-format", ct_format, "--report", "json"], check=True, capture_output=True).stdout
        elapsed = time.perf_counter() - start
    report = json.loads(out)
    lines = [t for shard in report["shards"] for t in shard["tensors"] if t["scheme"] != "none"]
    return report, lines, elapsed


print("| scheme | bits | size before | size after | ratio | mean SQNR dB | min SQNR dB | time s |")
print("|---|---|---|---|---|---|---|---|")
for bits in (8, 4):
    for scheme in schemes:
        report, lines, elapsed = run(scheme, bits)
        sqnr = [t["sqnr_db"] for t in lines]
        print(f"| {scheme} | {bits} | {report['bytes_before'] / 2**20:.1f} MiB | {report['bytes_after'] / 2**20:.1f} MiB"
              f" | {report['bytes_before'] / report['bytes_after']:.2f}x | {statistics.mean(sqnr):.1f}"
              f" | {min(sqnr):.1f} | {elapsed:.2f} |")

_, lines, _ = run("per-channel", 8)
print()
print("Worst five tensors, per-channel 8 bits:")
print()
print("| tensor | shape | SQNR dB | max abs error |")
print("|---|---|---|---|")
for t in sorted(lines, key=lambda t: t["sqnr_db"])[:5]:
    print(f"| {t['name']} | {'x'.join(map(str, t['shape']))} | {t['sqnr_db']:.1f} | {t['max_abs_error']:.2e} |")
