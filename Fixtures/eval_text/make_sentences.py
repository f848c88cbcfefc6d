"""Writes the English sentences `quantize eval` is measured on: eval.txt (300 held-out lines) and
calibration.txt (300 other lines, for GPTQ/AWQ through a transformer).

Source: the Debian package `fortunes` (1:1.99.1-7.3, bookworm; the fortune-mod collection),
the inoffensive topic files listed in TOPICS. Each fortune is split into sentences; a sentence is
kept when it has 6 to 40 words, only printable ASCII, and no quoting or dialogue markup; duplicates
are dropped; the kept sentences are shuffled with a fixed seed and the first 600 split in two.
The .deb is fetched with `apt-get download` into .cache/downloads/fortunes/ (not installed).
Run from the repository root: python3 Fixtures/eval_text/make_sentences.py
"""
import glob
import os
import random
import re
import subprocess

TOPICS = ["computers", "education", "food", "literature", "science", "wisdom", "work",
          "platitudes", "miscellaneous", "linux", "law", "medicine", "people", "pets",
          "politics", "sports", "zippy", "humorists", "definitions", "kids", "news"]
CACHE = ".cache/downloads/fortunes"
HERE = os.path.dirname(os.path.abspath(__file__))


def fortune_files():
    root = os.path.join(CACHE, "x/usr/share/games/fortunes")
    if not os.path.isdir(root):
        os.makedirs(CACHE, exist_ok=True)
        subprocess.run(["apt-get", "download", "fortunes=1:1.99.1-7.3"], cwd=CACHE, check=True)
        deb = glob.glob(os.path.join(CACHE, "fortunes_*.deb"))[0]
        subprocess.run(["dpkg-deb", "-x", deb, os.path.join(CACHE, "x")], check=True)
    return [os.path.join(root, topic) for topic in TOPICS if os.path.exists(os.path.join(root, topic))]


def sentences(text):
    for fortune in text.split("\n%\n"):
        lines = [line for line in fortune.splitlines() if not line.strip().startswith("--")]
        body = " ".join(" ".join(lines).split())
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", body):
            words = sentence.split()
            if not 6 <= len(words) <= 40:
                continue
            if not all(32 <= ord(c) < 127 for c in sentence) or re.search(r'["\[\]{}<>|_*=:]|^\W|\t', sentence):
                continue
            if not sentence[-1] in ".!?":
                continue
            yield sentence


def main():
    seen, kept = set(), []
    for path in fortune_files():
        with open(path, encoding="latin-1") as f:
            for sentence in sentences(f.read()):
                if sentence.lower() not in seen:
                    seen.add(sentence.lower())
                    kept.append(sentence)
    kept.sort()
    random.Random(20261201).shuffle(kept)
    assert len(kept) >= 600, len(kept)
    for name, lines in (("eval.txt", kept[:300]), ("calibration.txt", kept[300:600])):
        with open(os.path.join(HERE, name), "w") as f:
            f.write("\n".join(lines) + "\n")
    print(f"{len(kept)} sentences kept; wrote eval.txt and calibration.txt (300 each)")


if __name__ == "__main__":
    main()
