"""`make bench`: quantize beside llama.cpp's llama-quantize and the NumPy pipeline, in one run.

For each scheme, every round runs quantize at --threads 1 and at --threads 2, llama-quantize at 1
and 2 threads (Q8_0 beside the int8 schemes, Q4_0 beside int4 group 32), the NumPy pipeline
where it has the scheme, and the I/O floor, one after the other (outputs removed before each
run, page cache warm), REPEAT rounds. It prints the medians of wall time and of peak resident
memory (the child's ru_maxrss), throughput as float32 tensor bytes / time (the same tensors, so
the same bytes, in the npz and in its GGUF copy), and ratios as medians of each round's ratios,
so that the machine's drifts (writeback, neighbours) hit every run of a round alike:
  vs llama  llama-quantize's time / ours, at the same thread count (above 1: we are faster)
  vs numpy  NumPy's time / ours
  vs floor  our time / the floor's (below 1.3: within 1.3x of the floor)
  t1/t2     the tool's time at 1 thread / at 2 threads (2: both cores fully used)
The I/O floor is `dd bs=4M` reading the input plus `dd bs=4M` writing as many bytes as our
output has.

llama-quantize reads WORKLOAD.gguf beside WORKLOAD.npz (Benchmarks/gguf_workload.py makes it) and
is run as `llama-quantize --pure IN.gguf OUT.gguf TYPE THREADS`: --pure puts every tensor in TYPE,
with no k-quant mixture. Without --llama-quantize, the binary Benchmarks/llama_cpp.sh builds is
used if it is there; if not, or if a workload has no GGUF copy, its rows are skipped, saying so.

Usage: python3 Benchmarks/run.py QUANTIZE_BINARY WORKLOAD.npz [more...] [--llama-quantize BINARY]
                                 [--compressed STORED.npz DEFLATED.npz]

With --compressed, DEFLATED (np.savez_compressed of the tensors in STORED) is quantized, and
STORED is quantized with --compress: deflate throughput against NumPy's savez_compressed.
"""
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

import numpy as np

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
THREADS = (1, 2)
here = os.path.dirname(os.path.abspath(__file__))
BUILT_LLAMA_QUANTIZE = os.path.join(here, "..", ".cache", "llama-cpp-python-0.3.36", "build", "bin", "llama-quantize")
FLOOR_LABEL = "I/O floor (dd read input + write output size)"


def run_once(command, outputs=()):
    """Wall seconds and peak RSS (MiB) of one run of `command`. Its stderr goes to a file, not a
    pipe: llama-quantize logs every tensor, and a full pipe would stall it."""
    for path in outputs:
        if os.path.exists(path):
            os.remove(path)
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        if status != 0:
            log.seek(0)
            sys.exit(f"failed: {' '.join(command)}: {log.read().decode(errors='replace')[-4000:]}")
    return elapsed, usage.ru_maxrss / 1024


def floor_once(source, output_bytes, scratch):
    start = time.perf_counter()
    subprocess.run(["dd", f"if={source}", "of=/dev/null", "bs=4M"], check=True, stderr=subprocess.DEVNULL)
    subprocess.run(["dd", "if=/dev/zero", f"of={scratch}", "bs=4M", f"count={max(1, output_bytes >> 22)}"],
                   check=True, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    os.remove(scratch)
    return elapsed


def rounds(runs):
    """Runs each of `runs` (label -> zero-argument function giving (seconds, MiB or None)) once a
    round for REPEAT rounds; returns label -> list of results."""
    results = {label: [] for label in runs}
    for _ in range(REPEAT):
        for label, run in runs.items():
            results[label].append(run())
    return results


def median(values):
    return statistics.median(values)


def ratio(numerators, denominators):
    """The median of the rounds' ratios of time."""
    return median([n[0] / d[0] for n, d in zip(numerators, denominators)])


def float_tensor_bytes(npz):
    """The bytes of the floating-point tensors in `npz`, from the .npy headers of its members."""
    total = 0
    with zipfile.ZipFile(npz) as archive:
        for member in archive.namelist():
            with archive.open(member) as stream:
                version = np.lib.format.read_magic(stream)
                read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                               else np.lib.format.read_array_header_2_0)
                shape, _, dtype = read_header(stream)
            if dtype.kind == "f":
                total += int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    return total


def compressed_runs(binary, stored, compressed):
    """Deflated input, and deflated output, against the NumPy pipeline doing the same."""
    folder = os.path.dirname(os.path.abspath(stored))
    ours, theirs = os.path.join(folder, "out-quantize.npz"), os.path.join(folder, "out-numpy.npz")
    pipeline = os.path.join(here, "numpy_pipeline.py")
    print(f"\ndeflate: {os.path.basename(compressed)} ({os.path.getsize(compressed) / 2**30:.2f} GiB deflated) in, "
          f"and {os.path.basename(stored)} with --compress out")
    print(f"{'run':46} {'time s':>8} {'GB/s':>7} {'peak MiB':>9} {'vs numpy':>9}")
    raw = float_tensor_bytes(stored)  # the same tensors, so the same bytes
    for label, ours_cmd, theirs_cmd in (
        ("deflated input", [binary, compressed, "-o", ours, "--report", "none"],
         [sys.executable, pipeline, compressed, theirs]),
        ("--compress output", [binary, stored, "-o", ours, "--compress", "--report", "none"],
         [sys.executable, pipeline, stored, theirs, "per-channel", "--compress"]),
    ):
        r = rounds({"numpy": lambda: run_once(theirs_cmd, [theirs]), "quantize": lambda: run_once(ours_cmd, [ours])})
        n_time, q_time = median([t for t, _ in r["numpy"]]), median([t for t, _ in r["quantize"]])
        print(f"{'numpy ' + label:46} {n_time:8.3f} {raw / n_time / 1e9:7.2f} {median([m for _, m in r['numpy']]):9.0f}")
        print(f"{'quantize ' + label:46} {q_time:8.3f} {raw / q_time / 1e9:7.2f} "
              f"{median([m for _, m in r['quantize']]):9.0f} {ratio(r['numpy'], r['quantize']):8.2f}x")
    for path in (ours, theirs):
        if os.path.exists(path):
            os.remove(path)


# Each run: its name, the options that make it, and the llama.cpp type nearest to it (Q8_0: int8
# codes with one float16 scale per 32 values; Q4_0: int4 codes, likewise). Group-wise and 4-bit
# runs (codes packed two to a byte) take other paths through the quantizer and the encoders than
# the per-channel ones.
RUNS = [("per-channel", ["--scheme", "per-channel"], "Q8_0"), ("symmetric", ["--scheme", "symmetric"], "Q8_0"),
        ("asymmetric", ["--scheme", "asymmetric"], "Q8_0"), ("int8 group 32", ["--group-size", "32"], "Q8_0"),
        ("int4 group 32", ["--bits", "4", "--group-size", "32"], "Q4_0")]
NUMPY_SCHEMES = ("per-channel", "symmetric")
COLUMNS = (f"{'run':46} {'threads':>7} {'time s':>8} {'GB/s':>7} {'peak MiB':>9} {'vs llama':>9} {'vs numpy':>9} "
           f"{'vs floor':>9} {'t1/t2':>9}")


def row(label, threads, results, size, vs_llama=None, vs_numpy=None, vs_floor=None, scaling=None):
    seconds = median([t for t, _ in results])
    peaks = [m for _, m in results if m is not None]
    peak = f"{median(peaks):9.0f}" if peaks else " " * 9
    ratios = " ".join(f"{x:8.2f}x" if x is not None else " " * 9 for x in (vs_llama, vs_numpy, vs_floor, scaling))
    print(f"{label:46} {threads:>7} {seconds:8.3f} {size / seconds / 1e9:7.2f} {peak} {ratios}".rstrip())


def scheme_runs(binary, source, scheme, options, peer):
    """One scheme's rounds and rows. `peer` is (llama-quantize, GGUF input, llama type) or None."""
    folder = os.path.dirname(os.path.abspath(source))
    ours, theirs, peer_out = (os.path.join(folder, name) for name in ("out-quantize.npz", "out-numpy.npz",
                                                                      "out-llama.gguf"))
    size = float_tensor_bytes(source)

    def ours_cmd(threads):
        return [binary, source, "-o", ours, "--report", "none", "--threads", str(threads)] + options

    run_once(ours_cmd(THREADS[-1]), [ours])  # once first, for the size of our output
    output_bytes = os.path.getsize(ours)
    runs = {f"quantize t{n}": (lambda n=n: run_once(ours_cmd(n), [ours])) for n in THREADS}
    if peer:
        llama, gguf, kind = peer
        runs.update({f"llama t{n}": (lambda n=n: run_once([llama, "--pure", gguf, peer_out, kind, str(n)], [peer_out]))
                     for n in THREADS})
    if scheme in NUMPY_SCHEMES:  # the textbook pipeline: no asymmetric, group-wise or packed variant
        runs["numpy"] = lambda: run_once([sys.executable, os.path.join(here, "numpy_pipeline.py"), source,
                                          theirs, scheme], [theirs])
    runs["floor"] = lambda: (floor_once(source, output_bytes, os.path.join(folder, "dd-scratch")), None)
    r = rounds(runs)

    first, last = (f"t{n}" for n in (THREADS[0], THREADS[-1]))
    for n in THREADS:
        mine = r[f"quantize t{n}"]
        row(f"quantize {scheme}", n, mine, size,
            vs_llama=ratio(r[f"llama t{n}"], mine) if peer else None,
            vs_numpy=ratio(r["numpy"], mine) if "numpy" in r else None,
            vs_floor=ratio(mine, r["floor"]),
            scaling=ratio(r[f"quantize {first}"], r[f"quantize {last}"]) if f"t{n}" == last else None)
    if peer:
        for n in THREADS:
            row(f"llama-quantize --pure {peer[2]}", n, r[f"llama t{n}"], size,
                scaling=ratio(r[f"llama {first}"], r[f"llama {last}"]) if f"t{n}" == last else None)
    if "numpy" in r:
        row(f"numpy {scheme}", 1, r["numpy"], size)
    row(FLOOR_LABEL, "-", r["floor"], size)
    for path in (ours, theirs, peer_out):
        if os.path.exists(path):
            os.remove(path)


def arguments():
    """(quantize, workloads, llama-quantize or None, compressed pair or None) from sys.argv; without
    --llama-quantize, the one Benchmarks/llama_cpp.sh builds if it is there."""
    rest = sys.argv[2:]
    pair, llama = None, None
    if "--compressed" in rest:
        at = rest.index("--compressed")
        pair = rest[at + 1: at + 3]
        rest = rest[:at] + rest[at + 3:]
    if "--llama-quantize" in rest:
        at = rest.index("--llama-quantize")
        llama = rest[at + 1]
        rest = rest[:at] + rest[at + 2:]
        if not os.access(llama, os.X_OK):
            sys.exit(f"--llama-quantize {llama}: not an executable")
    elif os.access(BUILT_LLAMA_QUANTIZE, os.X_OK):
        llama = os.path.normpath(BUILT_LLAMA_QUANTIZE)
    return sys.argv[1], rest, llama, pair


def main():
    binary, workloads, llama, pair = arguments()
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores ({cpu}), Linux {platform.release()}; "
          f"median of {REPEAT} runs, page cache warm")
    if llama:
        print(f"peer: {llama} (llama.cpp from llama-cpp-python 0.3.36)")
    else:
        print("llama-quantize is not built (Benchmarks/llama_cpp.sh builds it, and make bench runs that): "
              "its rows are skipped")
    for source in workloads:
        gguf = os.path.splitext(source)[0] + ".gguf"
        warm = [source]
        if llama and not os.path.exists(gguf):
            print(f"\nno {os.path.basename(gguf)} beside {os.path.basename(source)} (Benchmarks/gguf_workload.py "
                  "makes it): its llama-quantize rows are skipped")
        elif llama:
            warm.append(gguf)
        subprocess.run(["cat"] + warm, stdout=subprocess.DEVNULL, check=True)  # warm the page cache
        print(f"\n{os.path.basename(source)}: {os.path.getsize(source) / 2**30:.2f} GiB, "
              f"{float_tensor_bytes(source) / 1e9:.3f} GB of float32 tensors (GB/s counts these)")
        print(COLUMNS)
        for scheme, options, kind in RUNS:
            peer = (llama, gguf, kind) if len(warm) > 1 else None
            scheme_runs(binary, source, scheme, options, peer)
    if pair:
        compressed_runs(binary, *pair)


if __name__ == "__main__":
    main()
