"""`make bench`: quantize and the NumPy pipeline on the same file, in one run.

Each round runs NumPy, quantize and the I/O floor one after the other (outputs removed before
each run, page cache warm), REPEAT rounds; the medians of wall time and of peak resident memory
(the child's ru_maxrss) are printed with throughput (input bytes / time), and the ratios are
medians of each round's ratios, so that the machine's drifts (writeback, neighbours) hit all
three alike. The I/O floor is `dd bs=4M` reading the input plus `dd bs=4M` writing as many
bytes as our output has.

Usage: python3 Benchmarks/run.py QUANTIZE_BINARY WORKLOAD.npz [more...] [--compressed STORED.npz DEFLATED.npz]

With --compressed, DEFLATED (np.savez_compressed of the tensors in STORED) is quantized, and
STORED is quantized with --compress: deflate throughput against NumPy's savez_compressed.
"""
import os
import platform
import statistics
import subprocess
import sys
import time

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
here = os.path.dirname(os.path.abspath(__file__))


def run_once(command, outputs=()):
    """Wall seconds and peak RSS (MiB) of one run of `command`."""
    for path in outputs:
        if os.path.exists(path):
            os.remove(path)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        sys.exit(f"failed: {' '.join(command)}: {process.stderr.read().decode()}")
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


def compressed_runs(binary, stored, compressed):
    """Deflated input, and deflated output, against the NumPy pipeline doing the same."""
    folder = os.path.dirname(os.path.abspath(stored))
    ours, theirs = os.path.join(folder, "out-quantize.npz"), os.path.join(folder, "out-numpy.npz")
    pipeline = os.path.join(here, "numpy_pipeline.py")
    print(f"\ndeflate: {os.path.basename(compressed)} ({os.path.getsize(compressed) / 2**30:.2f} GiB deflated) in, "
          f"and {os.path.basename(stored)} with --compress out")
    print(f"{'run':44} {'time s':>8} {'GB/s':>7} {'peak MiB':>9} {'vs numpy':>9}")
    raw = os.path.getsize(stored)  # the same tensors, so the same raw bytes
    for label, ours_cmd, theirs_cmd in (
        ("deflated input", [binary, compressed, "-o", ours, "--report", "none"],
         [sys.executable, pipeline, compressed, theirs]),
        ("--compress output", [binary, stored, "-o", ours, "--compress", "--report", "none"],
         [sys.executable, pipeline, stored, theirs, "per-channel", "--compress"]),
    ):
        r = rounds({"numpy": lambda: run_once(theirs_cmd, [theirs]), "quantize": lambda: run_once(ours_cmd, [ours])})
        n_time, q_time = median([t for t, _ in r["numpy"]]), median([t for t, _ in r["quantize"]])
        ratio = median([n[0] / q[0] for n, q in zip(r["numpy"], r["quantize"])])
        print(f"{'numpy ' + label:44} {n_time:8.3f} {raw / n_time / 1e9:7.2f} {median([m for _, m in r['numpy']]):9.0f}")
        print(f"{'quantize ' + label:44} {q_time:8.3f} {raw / q_time / 1e9:7.2f} "
              f"{median([m for _, m in r['quantize']]):9.0f} {ratio:8.2f}x")
    for path in (ours, theirs):
        if os.path.exists(path):
            os.remove(path)


# Each run: its name and the options that make it. Group-wise and 4-bit runs (codes packed two
# to a byte) take other paths through the quantizer and the encoders than the per-channel ones.
RUNS = [("per-channel", ["--scheme", "per-channel"]), ("symmetric", ["--scheme", "symmetric"]),
        ("asymmetric", ["--scheme", "asymmetric"]), ("int8 group 32", ["--group-size", "32"]),
        ("int4 group 32", ["--bits", "4", "--group-size", "32"])]
NUMPY_SCHEMES = ("per-channel", "symmetric")


def main():
    arguments = sys.argv[2:]
    pair = None
    if "--compressed" in arguments:
        at = arguments.index("--compressed")
        pair = arguments[at + 1: at + 3]
        arguments = arguments[:at] + arguments[at + 3:]
    binary, workloads = sys.argv[1], arguments
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores ({cpu}), Linux {platform.release()}; "
          f"median of {REPEAT} runs, page cache warm")
    for source in workloads:
        size = os.path.getsize(source)
        folder = os.path.dirname(os.path.abspath(source))
        ours, theirs = os.path.join(folder, "out-quantize.npz"), os.path.join(folder, "out-numpy.npz")
        subprocess.run(["cat", source], stdout=subprocess.DEVNULL, check=True)  # warm the page cache
        print(f"\n{os.path.basename(source)}: {size / 2**30:.2f} GiB")
        print(f"{'run':44} {'time s':>8} {'GB/s':>7} {'peak MiB':>9} {'vs numpy':>9} {'vs floor':>9}")
        for scheme, options in RUNS:
            ours_cmd = [binary, source, "-o", ours, "--report", "none"] + options
            run_once(ours_cmd, [ours])  # once first, for the size of our output
            output_bytes = os.path.getsize(ours)
            runs = {"quantize": lambda: run_once(ours_cmd, [ours]),
                    "floor": lambda: (floor_once(source, output_bytes, os.path.join(folder, "dd-scratch")), None)}
            if scheme in NUMPY_SCHEMES:  # the textbook pipeline: no asymmetric, group-wise or packed variant
                runs["numpy"] = lambda: run_once([sys.executable, os.path.join(here, "numpy_pipeline.py"), source,
                                                  theirs, scheme], [theirs])
            r = rounds(runs)
            q_time, floor = median([t for t, _ in r["quantize"]]), median([t for t, _ in r["floor"]])
            vs_floor = median([q[0] / f[0] for q, f in zip(r["quantize"], r["floor"])])
            vs_numpy = "        -"
            if "numpy" in r:
                n_time = median([t for t, _ in r["numpy"]])
                vs_numpy = f"{median([n[0] / q[0] for n, q in zip(r['numpy'], r['quantize'])]):8.2f}x"
                print(f"{'numpy ' + scheme:44} {n_time:8.3f} {size / n_time / 1e9:7.2f} "
                      f"{median([m for _, m in r['numpy']]):9.0f}")
            print(f"{'quantize ' + scheme:44} {q_time:8.3f} {size / q_time / 1e9:7.2f} "
                  f"{median([m for _, m in r['quantize']]):9.0f} {vs_numpy} {vs_floor:8.2f}x")
            print(f"{'I/O floor (dd read input + write output size)':44} {floor:8.3f} {size / floor / 1e9:7.2f}")
        for path in (ours, theirs):
            if os.path.exists(path):
                os.remove(path)
    if pair:
        compressed_runs(binary, *pair)


if __name__ == "__main__":
    main()
