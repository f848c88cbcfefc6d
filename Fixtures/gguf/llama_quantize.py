"""The real llama-quantize for the GGUF fixture generators: where it is, how it is run, and how
its outputs are recorded (size and SHA-256 of the whole file, metadata keys, per tensor its type
and the SHA-256 of its data, read back with gguf-py 0.19), so that the outputs themselves need
not be committed. Imported by make_pure_fixtures.py, make_mix_fixtures.py,
imatrix/make_imatrix_fixtures.py, imatrix/make_native_imatrix_fixtures.py,
split/make_split_fixtures.py and requantize/make_requantize_fixtures.py.
"""
import hashlib
import os
import subprocess
import sys

import gguf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_TOOL = os.path.join(ROOT, ".cache/llama-cpp-python-0.3.36/build/bin/llama-quantize")


def tool():
    """The llama-quantize the generator was given as its first argument, else DEFAULT_TOOL."""
    return sys.argv[1] if len(sys.argv) > 1 else DEFAULT_TOOL


def run(tool_path, flags, model, out, type_name, *extra, check=True, cwd=None):
    """`llama-quantize FLAGS MODEL OUT TYPE EXTRA...` (EXTRA: the thread count, when given);
    its CompletedProcess, output as text. With check, a failure raises CalledProcessError."""
    return subprocess.run([tool_path] + list(flags) + [model, out, type_name] + list(extra), check=check,
                          capture_output=True, text=True, errors="replace", cwd=cwd)


def digest(path):
    """{size, sha256} of the file's bytes."""
    data = open(path, "rb").read()
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def tensor_hashes(tensors, dims=False):
    """Per tensor (gguf-py's ReaderTensor) its name, ggml type number, dims (innermost first) when
    asked, and the SHA-256 of its data, in file order."""
    return [{"name": t.name, "type": int(t.tensor_type), **({"dims": [int(d) for d in t.shape]} if dims else {}),
             "sha256": hashlib.sha256(bytes(t.data.tobytes())).hexdigest()} for t in tensors]


def tensor_types(tensors):
    """{name: ggml type number} of the tensors."""
    return {t.name: int(t.tensor_type) for t in tensors}


def describe(path, tensors=tensor_hashes):
    """{size, sha256, keys, tensors} of the GGUF file at path: keys are its metadata keys in
    order (gguf-py's own GGUF.* fields left out), tensors what `tensors` makes of its tensors."""
    reader = gguf.GGUFReader(path)
    return {**digest(path), "keys": [field.name for field in reader.fields.values() if not field.name.startswith("GGUF.")],
            "tensors": tensors(reader.tensors)}


def add_tiny_llama_parameters(writer, vocab_size):
    """The hyperparameters of the tiny two-block llama the pure and split fixtures write: width
    256, feed-forward 96, 4 heads sharing 1 key/value head, rope over 64 dimensions, file type F16."""
    writer.add_context_length(128)
    writer.add_embedding_length(256)
    writer.add_block_count(2)
    writer.add_feed_forward_length(96)
    writer.add_head_count(4)
    writer.add_head_count_kv(1)
    writer.add_rope_dimension_count(64)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(vocab_size)
    writer.add_file_type(1)
