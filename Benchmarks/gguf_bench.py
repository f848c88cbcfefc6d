"""`make bench-gguf` (and the GGUF section of `make bench`): quantize --type T --pure beside
llama.cpp's `llama-quantize --pure IN OUT T THREADS`, type by type, at 1 and 2 threads, and the
Q4_K_M mix without --pure on either side (`quantize --type Q4_K_M`, `llama-quantize IN OUT Q4_K_M`).

Every round runs, one after the other, ours at 1 and 2 threads and llama-quantize at 1 and 2
threads (outputs removed before each run, page cache warm), BENCH_REPEAT rounds (default 5, as
run.py). It
prints medians of wall time and of peak resident memory (the child's ru_maxrss), throughput as
float32 tensor bytes / time, and `vs llama`, the median of each round's llama-quantize time /
ours at the same thread count (above 1: we are faster; the goals: Q8_0 2x, Q4_0 1.5x, every
K-quant 4x). The last outputs of the two tools at 2 threads are compared byte for byte (`same
bytes`: yes or the first differing offset). Peak memory is set beside the budget: the largest
tensor's float32 bytes + 32 MiB.

Q8_0 and Q4_0 run on FULL.gguf (the 1 GiB workload); the K-quants and Q4_K_M on SMALL.gguf (4
of its tensors, 256 MiB), because llama-quantize's K-quants run at 0.05-0.2 GB/s and the whole
section should stay near ten minutes. Both are made by Benchmarks/gguf_workload.py.

Usage: python3 Benchmarks/gguf_bench.py QUANTIZE LLAMA_QUANTIZE FULL.gguf SMALL.gguf [--workdir DIR]
           [--only TYPE]...
Outputs go to DIR (default: beside FULL.gguf) and are removed afterwards. --only runs just the
types named (llama's spelling, e.g. Q3_K; repeatable). Needs gguf (gguf-py).
"""
import argparse
import os

import gguf

from run import REPEAT, median, ratio, rounds, run_once

# (llama type, our --type word, workload, --pure): legacy types on the full file, K-quants and the
# Q4_K_M mix (llama-quantize's rules choose each tensor's type, on both sides) on the small one.
TYPES = [("Q8_0", "q8_0", "full", True), ("Q4_0", "q4_0", "full", True), ("Q4_K", "q4_K", "small", True),
         ("Q6_K", "q6_K", "small", True), ("Q3_K", "q3_K", "small", True), ("Q2_K", "q2_K", "small", True),
         ("Q5_K", "q5_K", "small", True), ("Q4_K_M", "Q4_K_M", "small", False)]
THREADS = (1, 2)
COLUMNS = (f"{'type':6} {'input':>7} {'threads':>7} {'ours s':>8} {'GB/s':>6} {'peak MiB':>8} {'llama s':>8} "
           f"{'GB/s':>6} {'peak MiB':>8} {'vs llama':>9} {'same bytes':>10}")


def tensor_bytes(path):
    """(the float32 bytes of every tensor, the largest tensor's) of a GGUF file."""
    sizes = [int(tensor.n_bytes) for tensor in gguf.GGUFReader(path).tensors]
    return sum(sizes), max(sizes)


def first_difference(a, b):
    """None when files a and b hold the same bytes, else the first offset where they differ."""
    with open(a, "rb") as left, open(b, "rb") as right:
        offset = 0
        while True:
            x, y = left.read(1 << 20), right.read(1 << 20)
            if x != y:
                return offset + next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
            if not x:
                return None
            offset += len(x)


def type_rows(binary, llama, source, kind, word, pure, workdir):
    """One type's rounds, its rows, and the byte comparison of the two tools' outputs."""
    ours_out, llama_out = os.path.join(workdir, "gguf-bench-ours.gguf"), os.path.join(workdir, "gguf-bench-llama.gguf")
    flag = ["--pure"] if pure else []
    runs = {}
    for n in THREADS:
        runs[f"ours t{n}"] = (lambda n=n: run_once([binary, source, "-o", ours_out, "--type", word, *flag,
                                                    "--threads", str(n), "--force"], [ours_out]))
        runs[f"llama t{n}"] = (lambda n=n: run_once([llama, *flag, source, llama_out, kind, str(n)], [llama_out]))
    r = rounds(runs)
    difference = first_difference(ours_out, llama_out)
    same = "yes" if difference is None else f"at {difference}"
    size, _ = tensor_bytes(source)
    label = f"{os.path.getsize(source) / 2**20:.0f}M"
    for n in THREADS:
        ours, theirs = r[f"ours t{n}"], r[f"llama t{n}"]
        o_time, l_time = median([t for t, _ in ours]), median([t for t, _ in theirs])
        print(f"{kind:6} {label:>7} {n:>7} {o_time:8.3f} {size / o_time / 1e9:6.2f} {median([m for _, m in ours]):8.0f} "
              f"{l_time:8.3f} {size / l_time / 1e9:6.2f} {median([m for _, m in theirs]):8.0f} "
              f"{ratio(theirs, ours):8.2f}x {same if n == THREADS[-1] else '':>10}".rstrip(), flush=True)
    for path in (ours_out, llama_out):
        if os.path.exists(path):
            os.remove(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("quantize")
    parser.add_argument("llama_quantize")
    parser.add_argument("full")
    parser.add_argument("small")
    parser.add_argument("--workdir")
    parser.add_argument("--only", action="append", choices=[kind for kind, *_ in TYPES],
                        help="run only this type (repeatable)")
    args = parser.parse_args()
    types = [entry for entry in TYPES if not args.only or entry[0] in args.only]
    workdir = args.workdir or os.path.dirname(os.path.abspath(args.full))
    sources = {"full": args.full, "small": args.small}
    print(f"\nGGUF --pure: quantize --type T --pure vs llama-quantize --pure IN OUT T N (Q4_K_M: the mix, "
          f"no --pure on either side); median of {REPEAT} interleaved rounds, page cache warm")
    for name, path in sources.items():
        total, largest = tensor_bytes(path)
        print(f"  {name}: {os.path.basename(path)}, {total / 1e9:.3f} GB of float32 tensors (GB/s counts these); "
              f"memory budget: largest tensor {largest / 2**20:.0f} MiB + 32 MiB = {largest / 2**20 + 32:.0f} MiB")
    print("  Q8_0 and Q4_0 run on the full file; the K-quants and Q4_K_M on the small one (llama-quantize's "
          "K-quants are slow)")
    print(COLUMNS)
    for path in {sources[source] for _, _, source, _ in types}:
        with open(path, "rb") as stream:  # warm the page cache
            while stream.read(1 << 24):
                pass
    for kind, word, source, pure in types:
        type_rows(args.quantize, args.llama_quantize, sources[source], kind, word, pure, workdir)


if __name__ == "__main__":
    main()
