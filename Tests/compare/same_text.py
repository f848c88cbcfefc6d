"""Whether two normalized outputs say the same: `same_text.py OLD NEW` exits 0 when they are
equal word for word, except that numbers printed with 10 or more significant digits (the error
metrics at full double precision) may differ by a relative 1e-7: sums over millions of terms
whose order and grouping the kernels may change (lanes, runs, pieces, float32 partial sums over
a run or a batch of sixteen short runs) move them by up to about 1e-8, while one code more or
less changes a tensor's squared error by about 1/N relative, still seen in tensors of up to
10^7 values. Prints the first differing pair otherwise (exit 1).
"""
import re
import sys

LONG = re.compile(r"-?[0-9]+\.[0-9]{10,}(?:e[+-]?[0-9]+)?")
TOKEN = re.compile(r"-?[0-9]+\.[0-9]+(?:e[+-]?[0-9]+)?|\S")


def same(a, b):
    if a == b:
        return True
    if LONG.fullmatch(a) and LONG.fullmatch(b):
        x, y = float(a), float(b)
        return abs(x - y) <= 1e-7 * max(abs(x), abs(y))
    return False


def main(old, new):
    left = TOKEN.findall(open(old, encoding="utf-8", errors="replace").read())
    right = TOKEN.findall(open(new, encoding="utf-8", errors="replace").read())
    for a, b in zip(left, right):
        if not same(a, b):
            print(f"{a} != {b}")
            return 1
    if len(left) != len(right):
        print(f"{len(left)} words != {len(right)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
