#!/usr/bin/env python3
"""Interoperability test against the real client of GGUF: llama.cpp.

    python3 Tests/interop/gguf_interop.py QUANTIZE --llama-quantize PATH --llama-embedding PATH
        [--model DIR] [--workdir DIR] [--peer-only] [--mixes] [--only TYPE[,TYPE...]]

QUANTIZE is our binary (e.g. `.build/release/quantize`); the two llama.cpp binaries are the ones
`Benchmarks/llama_cpp.sh --with-embedding` builds (and prints); MODEL_DIR defaults to
`.cache/all-MiniLM-L6-v2` (`python3 Fixtures/minilm/fetch.py`). `make interop-gguf` installs the
pinned packages, builds everything and runs this script in a mktemp folder removed afterwards.

--peer-only  runs without our binary: a second `llama-quantize` run stands in for ours, so every
             step (conversion, quantization, the comparisons, llama-embedding, the table) runs and
             every type must come out identical.
--mixes      also runs llama.cpp's mixes: every type again without --pure on either side (then
             llama-quantize picks other types for some tensors, e.g. q6_K for output.weight), the
             names that exist only as mixes (Q3_K_M, Q3_K_L, Q4_K_M, Q5_K_M), and the option
             combinations of OPTION_RUNS (the same options given to both). `make interop-gguf`
             passes it.
--only       restricts the types (e.g. `--only Q4_0,Q6_K`).
--imatrix    also runs every pure type (and Q2_K_S, which needs one) with an importance matrix:
             make_interop_imatrix.py writes one for each model (random, seeded) in the GGUF and the
             legacy .dat format; for each, `llama-quantize --pure --imatrix FILE` and
             `QUANTIZE ... --pure --imatrix FILE` must give the same bytes and llama-embedding
             must load ours (checks (a) to (c) below). Then `QUANTIZE imatrix` computes the
             importance matrix of Fixtures/gguf/imatrix/mlp256.npz on its calibration rows and
             llama-quantize, given that file, must write what we write for mlp256.gguf.

The two models
--------------
- all-MiniLM-L6-v2 (real weights, a 6-layer BERT encoder, rows 384 and 1536 wide), converted to
  an F32 GGUF by the llama.cpp copy's own `convert_hf_to_gguf.py --outtype f32`. Its 384-wide rows
  are not a multiple of 256, so llama-quantize replaces a K-quant by a legacy type on those
  tensors even with --pure (q2_K, q3_K -> q4_0; q4_K -> q5_0; q5_K -> q5_1; q6_K -> q8_0): the
  table's `types` column shows what each file holds. The F32 file's embeddings are checked
  against transformers' (mean pooling, L2-normalized) first, so the reference is the real model.
- a synthetic llama (written here with gguf-py from numpy's PCG64, seed 20261130): 2 layers,
  hidden 256, FFN 768, 4 heads, 2 KV heads, vocabulary 512 (an SPM `llama` tokenizer: <unk>,
  <s>, </s>, the 256 byte tokens <0x00>..<0xFF> that llama.cpp's byte fallback needs, then
  pieces from Fixtures/minilm/sentences.txt), context 1024 (llama-embedding puts all 8
  sentences, some 400 tokens, in one batch, which must fit the context: with 256 it aborts),
  with its own output.weight and no general.quantization_version (llama-quantize appends one;
  MiniLM's converter writes one, which llama-quantize moves to the end with general.file_type);
  1.84M parameters, the same bytes on every run. Every number
  printed for it comes from random weights: its cosines say how far quantization moves a random
  network, not how well a trained model survives. Its embeddings (mean pooling over llama.cpp's
  final norm output) do not go through output.weight, which the byte and value comparisons cover.

What is checked, per model and type (pure mode: `llama-quantize --pure IN OUT TYPE` and
`QUANTIZE IN -o OUT --type TYPE --pure`)
- (a) the whole file byte for byte; when it differs, per entry with gguf-py's GGUFReader: the
      metadata key/value list in order (key, value type, value bytes), then per tensor in order:
      name, type, shape and data bytes; the first difference is printed (with the block and
      elements for data), and if all of those agree, the first differing file offset;
- (b) for every tensor whose data bytes differ but type and shape agree, gguf-py's
      `gguf.quants.dequantize` of ours equals that of llama-quantize's exactly (identical bytes
      give identical values, so this runs only where bytes differ);
- (d) gguf-py reads our file back (`GGUFReader`, `gguf.quants.dequantize`) and its float32 values
      of every tensor equal, bit for bit, those of `QUANTIZE dequantize OURS -o X.npz` (ggml's
      `dequantize_row_<type>`, which gguf-py's NumPy arithmetic matches in every type written here;
      a difference is a failure naming type, tensor and the max |difference|); and `QUANTIZE
      inspect OURS --json` lists gguf-py's tensors (names, types, dims, offsets) and bits per
      weight. The float types llama-quantize is not compared on (F16, BF16) are written by us and
      read back the same way, after the table;
- (c) `llama-embedding` loads our file and embeds the sentences (8 lines of
      Fixtures/minilm/sentences.txt, every 10th; `--pooling mean --embd-normalize 2`); the
      embeddings must be finite. llama-quantize's file is embedded too only when the files
      differ (byte-identical files give identical embeddings, so its cosine is ours).
- (e) on the synthetic llama (not with --only): --allow-requantize, from llama-quantize's Q8_0 and
      Q4_K_M files (its mix) to three types each (REQUANTIZE_RUNS), the same input to both sides:
      byte-identical, ours embedded by llama-embedding; both refuse without the flag. Then the
      model written in 3 shards by gguf-py's split writer, quantized from its first shard
      (SPLIT_RUNS) as one file and with --keep-split: the same files, byte-identical, and
      llama-embedding loads ours from its first shard.
Before the types, once per model, the comparison code checks itself on a copy of llama-quantize's
first output with one data byte flipped in its middle tensor: (a) must name that tensor and (b)
must report different values.

Output: a table per model (type; the tensor types in llama-quantize's file and its bits per
weight over all tensors, as llama-quantize's "quant size" counts them; the mean cosine to the F32
file's embeddings of llama-quantize's file and of ours; identical yes/NO/no file), one line per
failure (`FAIL model TYPE: why`), the time of each step, and exit status 1 if anything failed.
Every subprocess call has a timeout (600 s); a failure in one type does not stop the others.
A whole run (--peer-only, pure types) takes about 70 s on 2 busy cores; with --mixes about
twice that.
--imatrix adds 44 quantizations on each side and their embeddings: a whole run with it took 894 s on
2 busy cores with a debug build of ours (448 s of it our debug-built kernels; 0 failures).
"""
import argparse
import collections
import contextlib
import filecmp
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

# Offline and quiet, before transformers is imported: the model comes from MODEL_DIR.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TQDM_DISABLE", "1")

import numpy as np  # noqa: E402
import gguf  # noqa: E402
from gguf import GGUFReader, GGMLQuantizationType, GGML_QUANT_SIZES  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LLAMA_CPP = os.path.join(ROOT, ".cache", "llama-cpp-python-0.3.36", "vendor", "llama.cpp")
TYPES = ["Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K_S", "Q4_K_S", "Q5_K_S", "Q6_K", "MXFP4_MOE"]
# Names that exist only as mixes (Q2_K_S and the IQ types need an importance matrix).
MIXES = ["Q3_K_M", "Q3_K_L", "Q4_K_M", "Q5_K_M"]
# Option combinations run with --mixes, each under a short label for the table.
OPTION_RUNS = [
    ("o1", "Q4_K_M", ["--output-tensor-type", "q8_0", "--tensor-type", "attn_v=q6_k"]),
    ("o2", "Q3_K_M", ["--token-embedding-type", "q8_0", "--tensor-type", "ffn_down=q5_0", "--override-kv",
                      "general.name=str:interop"]),
]
TIMEOUT = 600  # seconds per subprocess call
THREADS = "2"
SEED = 20261130
TRANSFORMERS_MIN_COSINE = 0.9999  # llama.cpp's F32 MiniLM against transformers' float model


class StepFailed(Exception):
    pass


class Timings:
    """Seconds per kind of step, summed (the report's last lines)."""

    def __init__(self):
        self.seconds = collections.defaultdict(float)
        self.counts = collections.defaultdict(int)
        self.embedding_environment = None  # see build_log_drain

    def run(self, kind, command, environment=None):
        start = time.monotonic()
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT,
                                    env=None if environment is None else {**os.environ, **environment})
        except subprocess.TimeoutExpired:
            raise StepFailed(f"{os.path.basename(command[0])} timed out after {TIMEOUT} s")
        finally:
            self.seconds[kind] += time.monotonic() - start
            self.counts[kind] += 1
        if result.returncode != 0:
            tail = " | ".join(result.stderr.strip().splitlines()[-3:])
            raise StepFailed(f"{os.path.basename(command[0])} exited {result.returncode}: {tail}")
        return result.stdout

    @contextlib.contextmanager
    def timed(self, kind):
        start = time.monotonic()
        try:
            yield
        finally:
            self.seconds[kind] += time.monotonic() - start
            self.counts[kind] += 1


def sentences():
    with open(os.path.join(ROOT, "Fixtures", "minilm", "sentences.txt"), encoding="utf-8") as f:
        lines = [line.strip() for line in f if line.strip()]
    return lines[::10][:8]


# --- The two F32 inputs -------------------------------------------------------------------------

def convert_minilm(timings, model_dir, out):
    timings.run("convert MiniLM (convert_hf_to_gguf.py)",
                [sys.executable, os.path.join(LLAMA_CPP, "convert_hf_to_gguf.py"), model_dir,
                 "--outtype", "f32", "--outfile", out])


def synthetic_vocabulary(size):
    """<unk>, <s>, </s>, the 256 byte tokens, then '▁' and the most frequent words and letters of
    the sentences file as '▁word' pieces, scored so that longer pieces win."""
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    types = [2, 3, 3] + [6] * 256  # UNKNOWN, CONTROL, BYTE (llama.cpp's LLAMA_TOKEN_TYPE_*)
    with open(os.path.join(ROOT, "Fixtures", "minilm", "sentences.txt"), encoding="utf-8") as f:
        words = collections.Counter(w.strip(".,;?'").lower() for w in f.read().split())
    pieces = ["\u2581"] + [chr(c) for c in range(ord("a"), ord("z") + 1)]
    pieces += [f"\u2581{w}" for w, _ in sorted(words.items(), key=lambda item: (-item[1], item[0])) if w]
    for piece in pieces:
        if len(tokens) == size:
            break
        if piece not in tokens:
            tokens.append(piece)
            types.append(1)  # NORMAL
    scores = [0.0] * 259 + [-float(i) / len(tokens) for i in range(len(tokens) - 259)]
    return tokens, scores, types


def make_synthetic_llama(timings, out, layers=2, hidden=256, ffn=768, heads=4, kv_heads=2, vocab=512,
                         split_max_tensors=0):
    """Writes the synthetic llama to OUT, or with split_max_tensors in shards of at most that many
    tensors (gguf-py's split writer: OUT's stem + -0000k-of-0000N.gguf), the same values either way."""
    with timings.timed("make synthetic llama (gguf-py)"):
        rng = np.random.Generator(np.random.PCG64(SEED))

        def linear(rows, columns):  # numpy (out, in) = GGUF [in, out]; unit variance through a layer
            return (rng.standard_normal((rows, columns)) / np.sqrt(columns)).astype(np.float32)

        head_dim = hidden // heads
        writer = gguf.GGUFWriter(out, "llama", split_max_tensors=split_max_tensors)
        writer.add_name("synthetic-llama")
        writer.add_context_length(1024)
        writer.add_embedding_length(hidden)
        writer.add_block_count(layers)
        writer.add_feed_forward_length(ffn)
        writer.add_head_count(heads)
        writer.add_head_count_kv(kv_heads)
        writer.add_layer_norm_rms_eps(1e-5)
        writer.add_rope_dimension_count(head_dim)
        writer.add_rope_freq_base(10000.0)
        writer.add_file_type(gguf.LlamaFileType.ALL_F32)
        writer.add_vocab_size(vocab)
        tokens, scores, types = synthetic_vocabulary(vocab)
        writer.add_tokenizer_model("llama")
        writer.add_token_list(tokens)
        writer.add_token_scores(scores)
        writer.add_token_types(types)
        writer.add_bos_token_id(1)
        writer.add_eos_token_id(2)
        writer.add_unk_token_id(0)
        writer.add_add_bos_token(True)
        writer.add_add_eos_token(False)
        writer.add_tensor("token_embd.weight", rng.standard_normal((vocab, hidden)).astype(np.float32))
        for i in range(layers):
            ones = np.ones(hidden, dtype=np.float32)
            writer.add_tensor(f"blk.{i}.attn_norm.weight", ones)
            writer.add_tensor(f"blk.{i}.attn_q.weight", linear(hidden, hidden))
            writer.add_tensor(f"blk.{i}.attn_k.weight", linear(kv_heads * head_dim, hidden))
            writer.add_tensor(f"blk.{i}.attn_v.weight", linear(kv_heads * head_dim, hidden))
            writer.add_tensor(f"blk.{i}.attn_output.weight", linear(hidden, hidden))
            writer.add_tensor(f"blk.{i}.ffn_norm.weight", ones)
            writer.add_tensor(f"blk.{i}.ffn_gate.weight", linear(ffn, hidden))
            writer.add_tensor(f"blk.{i}.ffn_up.weight", linear(ffn, hidden))
            writer.add_tensor(f"blk.{i}.ffn_down.weight", linear(hidden, ffn))
        writer.add_tensor("output_norm.weight", np.ones(hidden, dtype=np.float32))
        writer.add_tensor("output.weight", linear(vocab, hidden))
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()


# --- Comparison ---------------------------------------------------------------------------------

def field_bytes(field):
    return b"".join(bytes(np.asarray(part).view(np.uint8)) for part in field.parts)


def field_summary(field):
    if field is None:
        return "(none)"
    types = "/".join(t.name for t in field.types)
    try:
        value = field.contents()
    except Exception:  # noqa: BLE001 - gguf-py may not decode every nested value
        value = "?"
    if isinstance(value, list) and len(value) > 4:
        value = f"[{len(value)} items: {value[:3]!r}...]"
    return f"{field.name} ({types}) = {value!r}"[:160]


def tensor_summary(tensor):
    if tensor is None:
        return "(none)"
    return f"{tensor.name} {tensor.tensor_type.name} {list(int(d) for d in tensor.shape)}"


def compare(ours, peer):
    """(None, []) when the files are byte-identical, else a sentence naming the first difference
    and the sentences of dequantized_differences."""
    if filecmp.cmp(ours, peer, shallow=False):
        return None, []
    try:
        a = GGUFReader(ours)
    except Exception as error:  # noqa: BLE001 - any failure to parse is the finding
        return f"gguf-py cannot read ours: {type(error).__name__}: {error}", []
    b = GGUFReader(peer)
    return first_difference(ours, peer, a, b), dequantized_differences(a, b)


def first_difference(ours, peer, a, b):
    for index, (x, y) in enumerate(itertools.zip_longest(a.fields.values(), b.fields.values())):
        if x is None or y is None or x.name != y.name or x.types != y.types or field_bytes(x) != field_bytes(y):
            return f"metadata entry {index}: ours {field_summary(x)}, llama-quantize {field_summary(y)}"
    for x, y in itertools.zip_longest(a.tensors, b.tensors):
        if (x is None or y is None or x.name != y.name or x.tensor_type != y.tensor_type
                or list(x.shape) != list(y.shape)):
            return f"tensor info: ours {tensor_summary(x)}, llama-quantize {tensor_summary(y)}"
        xd, yd = np.asarray(x.data).view(np.uint8).ravel(), np.asarray(y.data).view(np.uint8).ravel()
        if not np.array_equal(xd, yd):
            at = int(np.argmax(xd != yd))
            block_size, type_size = GGML_QUANT_SIZES[x.tensor_type]
            block = at // type_size
            return (f"tensor {tensor_summary(x)}: data differs first at byte {at} (block {block}, "
                    f"elements {block * block_size}..{(block + 1) * block_size - 1})")
        if x.data_offset != y.data_offset:
            return f"tensor {x.name}: data at offset {x.data_offset} in ours, {y.data_offset} in llama-quantize's"
    x, y = np.fromfile(ours, dtype=np.uint8), np.fromfile(peer, dtype=np.uint8)
    common = min(x.size, y.size)
    unequal = np.flatnonzero(x[:common] != y[:common])
    at = int(unequal[0]) if unequal.size else common
    return (f"metadata and tensors agree but the files differ at offset {at} "
            f"(sizes {x.size} and {y.size}): header, padding or alignment")


def dequantized_differences(a, b):
    """One sentence per tensor whose bytes differ and whose gguf-py dequantized values differ."""
    peer_tensors = {t.name: t for t in b.tensors}
    differences = []
    for x in a.tensors:
        y = peer_tensors.get(x.name)
        if y is None or list(x.shape) != list(y.shape):
            continue
        if x.tensor_type == y.tensor_type and np.array_equal(np.asarray(x.data).view(np.uint8),
                                                             np.asarray(y.data).view(np.uint8)):
            continue
        xv = gguf.quants.dequantize(np.asarray(x.data), x.tensor_type)
        yv = gguf.quants.dequantize(np.asarray(y.data), y.tensor_type)
        if not np.array_equal(xv, yv, equal_nan=True):
            unequal = xv != yv
            differences.append(f"{x.name}: {int(unequal.sum())} of {xv.size} dequantized values differ, "
                               f"max |difference| {float(np.nanmax(np.abs(xv - yv))):.3g}")
    return differences


def alter_copy(source, target):
    """Copies `source` with one data byte flipped in its middle quantized tensor; returns its name."""
    shutil.copyfile(source, target)
    reader = GGUFReader(source)
    quantized = [t for t in reader.tensors if t.tensor_type not in (GGMLQuantizationType.F32, GGMLQuantizationType.F16)]
    tensor = quantized[len(quantized) // 2]
    offset = tensor.data_offset + tensor.n_bytes // 2
    with open(target, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)[0]
        f.seek(offset)
        f.write(bytes([byte ^ 0x5A]))
    return tensor.name


def file_summary(path):
    """('q4_0 x36, f32 x65', bits per weight over all tensors, as llama-quantize's 'quant size')."""
    reader = GGUFReader(path)
    kinds = collections.Counter(t.tensor_type.name.lower() for t in reader.tensors)
    elements = sum(int(t.n_elements) for t in reader.tensors)
    data = sum(int(t.n_bytes) for t in reader.tensors)
    types = ", ".join(f"{name} x{count}" for name, count in sorted(kinds.items(), key=lambda kv: -kv[1]))
    return types, 8.0 * data / elements


# --- llama.cpp runs -----------------------------------------------------------------------------

# This llama.cpp's logger (common/log.cpp) is a worker thread that the program leaks on purpose
# (llama.cpp issue #22142), and llama-embedding prints its embeddings through it, one entry per
# number: when main returns before the worker has drained its queue, the end of stdout is lost
# (6 runs in 10 on the synthetic model here). A preloaded library whose destructor sleeps runs
# before the C library's final flush and gives the worker the time; an output that still does not
# parse into one finite row per sentence is retried, and the retries are counted.
LOG_DRAIN_SOURCE = "#include <unistd.h>\n__attribute__((destructor)) static void drain(void) { usleep(300000); }\n"
EMBEDDING_ATTEMPTS = 3


def build_log_drain(work):
    """Compiles the sleeping destructor into WORK/log_drain.so; None when no C compiler works."""
    source, library = os.path.join(work, "log_drain.c"), os.path.join(work, "log_drain.so")
    with open(source, "w") as f:
        f.write(LOG_DRAIN_SOURCE)
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler and subprocess.run([compiler, "-shared", "-fPIC", "-O2", "-o", library, source]).returncode == 0:
        return library
    print("no C compiler: llama-embedding runs without the log drain, relying on retries")
    return None


def parse_embeddings(stdout):
    start, end = stdout.find("[["), stdout.rfind("]]")
    if start < 0 or end < 0:
        return None
    try:
        embeddings = np.array(json.loads(stdout[start:end + 2]), dtype=np.float64)
    except ValueError:
        return None
    if embeddings.ndim != 2 or embeddings.shape[0] != len(sentences()):
        return None
    return embeddings


def embed(timings, llama_embedding, model, sentence_file):
    command = [llama_embedding, "-m", model, "-f", sentence_file, "--pooling", "mean",
               "--embd-normalize", "2", "--embd-output-format", "array", "-t", THREADS]
    for attempt in range(EMBEDDING_ATTEMPTS):
        if attempt:
            timings.counts["llama-embedding retries (truncated stdout)"] += 1
        stdout = timings.run("llama-embedding", command, timings.embedding_environment)
        embeddings = parse_embeddings(stdout)
        if embeddings is not None:
            break
    else:
        raise StepFailed(f"llama-embedding's stdout was incomplete {EMBEDDING_ATTEMPTS} times: "
                         f"{stdout[:40]!r}...{stdout[-40:]!r}")
    if not np.all(np.isfinite(embeddings)):
        raise StepFailed("llama-embedding gave non-finite embeddings")
    return embeddings


def mean_cosine(x, y):
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    y = y / np.linalg.norm(y, axis=1, keepdims=True)
    return float(np.mean(np.sum(x * y, axis=1)))


def transformers_embeddings(timings, model_dir):
    with timings.timed("transformers reference (MiniLM, float32)"):
        import torch
        from transformers import AutoModel, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        model = AutoModel.from_pretrained(model_dir).eval()
        batch = tokenizer(sentences(), padding=True, return_tensors="pt")
        with torch.no_grad():
            hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1)
        return torch.nn.functional.normalize(pooled, dim=1).double().numpy()


# --- The run ------------------------------------------------------------------------------------

def run_model(args, timings, failures, label, f32, sentence_file, types):
    work = os.path.dirname(f32)
    fail = lambda type_name, why: failures.append(f"FAIL {label} {type_name}: {why}")  # noqa: E731
    try:
        reference = embed(timings, args.llama_embedding, f32, sentence_file)
    except StepFailed as error:
        fail("F32", f"llama-embedding on the F32 file: {error}")
        return
    if len(set(map(tuple, np.round(reference, 5)))) < 2:
        fail("F32", "llama-embedding gave the same embedding for every sentence")
    rows, self_tested = [], False
    for type_name, pure, options, row_name in types:
        stem = os.path.join(work, f"{label}-{row_name.replace(' ', '-').replace('(', '').replace(')', '')}")
        peer, ours = f"{stem}.llama-quantize.gguf", f"{stem}.ours.gguf"
        pure_flag = (["--pure"] if pure else []) + options
        try:
            timings.run("llama-quantize", [args.llama_quantize] + pure_flag + [f32, peer, type_name, THREADS])
        except StepFailed as error:
            fail(row_name, str(error))
            continue
        if not self_tested:
            self_test(timings, failures, label, type_name, peer, f"{stem}.altered.gguf")
            self_tested = True
        try:
            if args.peer_only:
                timings.run("llama-quantize (second run, standing in for ours)",
                            [args.llama_quantize] + pure_flag + [f32, ours, type_name, THREADS])
            else:
                timings.run("quantize (ours)", [args.quantize, f32, "-o", ours, "--type", type_name] + pure_flag)
        except StepFailed as error:
            fail(row_name, str(error))
            ours = None
        rows.append(check_type(args, timings, lambda why, t=row_name: fail(t, why), reference, sentence_file,
                               row_name, peer, ours))
        if ours is not None and not args.peer_only:
            check_read_back(args, timings, lambda why, t=row_name: fail(t, why), ours)
        for path in (peer, ours):
            if path and os.path.exists(path):
                os.remove(path)
    print_table(label, rows, args.peer_only)
    if not args.peer_only:
        read_back_float_types(args, timings, fail, f32)


# --- (d) our files read back by gguf-py -----------------------------------------------------------

READ_BACK_ONLY = ["F16", "BF16"]  # types we write that the table does not compare with llama-quantize


def read_back_float_types(args, timings, fail, f32):
    """Writes f32's model as each of READ_BACK_ONLY with our binary and checks it as (d); the
    first also checks that (d) sees one flipped bit."""
    for index, type_name in enumerate(READ_BACK_ONLY):
        ours = f"{os.path.splitext(f32)[0]}-{type_name}.ours.gguf"
        try:
            timings.run("quantize (ours)", [args.quantize, f32, "-o", ours, "--type", type_name, "--pure"])
        except StepFailed as error:
            fail(type_name, str(error))
            continue
        check_read_back(args, timings, lambda why, t=type_name: fail(t, why), ours, self_test=index == 0)
        os.remove(ours)


def check_read_back(args, timings, fail, ours, self_test=False):
    """(d): gguf-py's dequantization of every tensor of OURS equals our `dequantize` output, and
    our `inspect --json` lists what gguf-py reads; prints one line with the counts. With
    `self_test`, first checks that the comparison names a tensor whose last value has one bit
    flipped."""
    values = f"{os.path.splitext(ours)[0]}.dequantized.npz"
    try:
        timings.run("quantize dequantize (ours)", [args.quantize, "dequantize", ours, "-o", values, "--force"])
        listing = json.loads(timings.run("quantize inspect (ours)", [args.quantize, "inspect", ours, "--json"]))
    except (StepFailed, ValueError) as error:
        fail(f"reading our file back: {error}")
        return
    with timings.timed("read back (gguf-py)"):
        reader = GGUFReader(ours)
        dequantized = dict(np.load(values))
        if self_test:
            read_back_self_test(reader, dequantized, fail)
        checked = compare_read_back(reader, dequantized, fail)
        compare_listing(reader, listing, fail)
    os.remove(values)
    print(f"{os.path.basename(ours)}: gguf-py's dequantized values equal ours in {checked[0]} tensors "
          f"({checked[1]} values, {checked[2]} of them quantized), inspect lists its {len(reader.tensors)} tensors")


def read_back_self_test(reader, dequantized, fail):
    name = reader.tensors[len(reader.tensors) // 2].name
    altered = dict(dequantized)
    flipped = np.array(altered[name], copy=True)
    flipped.reshape(-1).view(np.uint8)[0] ^= 1
    altered[name] = flipped
    found = []
    compare_read_back(reader, altered, found.append)
    if len(found) != 1 or f"read back: {name} " not in found[0]:
        fail(f"read-back self-test: a bit flipped in {name} was reported as {found!r}")
    else:
        print(f"read-back self-test: a bit flipped in our {name} is reported as '{found[0]}'")


def compare_read_back(reader, ours, fail):
    """(tensors, values, quantized values) compared; each difference is a failure."""
    tensors = values = quantized = 0
    for tensor in reader.tensors:
        expected = np.asarray(gguf.quants.dequantize(np.asarray(tensor.data), tensor.tensor_type), dtype=np.float32)
        expected = expected.reshape([int(d) for d in reversed(tensor.shape)])
        if tensor.name not in ours:
            fail(f"read back: {tensor.name} ({tensor.tensor_type.name}) is missing from our dequantize output")
            continue
        got = np.asarray(ours[tensor.name]).astype(np.float32)
        if got.shape != expected.shape:
            fail(f"read back: {tensor.name}: our shape {got.shape}, gguf-py's {expected.shape}")
        elif not np.array_equal(got.view(np.uint32), expected.view(np.uint32)):
            unequal = got.view(np.uint32) != expected.view(np.uint32)
            with np.errstate(invalid="ignore"):
                worst = float(np.nanmax(np.abs(got.astype(np.float64) - expected.astype(np.float64))))
            fail(f"read back: {tensor.name} ({tensor.tensor_type.name}): {int(unequal.sum())} of {got.size} values "
                 f"differ from gguf-py's, max |difference| {worst:.3g}")
        tensors += 1
        values += got.size
        quantized += got.size if tensor.tensor_type.name not in ("F32", "F16", "BF16") else 0
    return tensors, values, quantized


def compare_listing(reader, listing, fail):
    """Our inspect's tensors and bits per weight against gguf-py's reader."""
    ours = [(t["name"], t["type"].lower(), t["dims"], t["offset"]) for t in listing["tensors"]]
    theirs = [(t.name, t.tensor_type.name.lower(), [int(d) for d in t.shape], int(t.data_offset) - reader.data_offset)
              for t in reader.tensors]
    if ours != theirs:
        first = next(i for i, (x, y) in enumerate(itertools.zip_longest(ours, theirs)) if x != y)
        fail(f"inspect lists tensor {first} as {ours[first] if first < len(ours) else None}, "
             f"gguf-py as {theirs[first] if first < len(theirs) else None}")
    bpw = 8.0 * sum(int(t.n_bytes) for t in reader.tensors) / sum(int(t.n_elements) for t in reader.tensors)
    if abs(listing["bits_per_weight"] - bpw) > 1e-9 * bpw or listing["problems"]:
        fail(f"inspect: {listing['bits_per_weight']} BPW, gguf-py's sizes give {bpw}; problems {listing['problems']}")


def run_imatrix_model(args, timings, failures, label, f32, sentence_file, selected):
    """The pure types again (and Q2_K_S) with the same importance matrix on both sides, for each
    of its two formats (see --imatrix)."""
    work = os.path.dirname(f32)
    matrices = {fmt: os.path.join(work, f"{label}-imatrix.{fmt}") for fmt in ("gguf", "dat")}
    try:
        timings.run("make_interop_imatrix.py", [sys.executable, os.path.join(ROOT, "Tests", "interop", "make_interop_imatrix.py"),
                                                f32, matrices["gguf"], matrices["dat"]])
    except StepFailed as error:
        failures.append(f"FAIL {label} imatrix: {error}")
        return
    try:
        reference = embed(timings, args.llama_embedding, f32, sentence_file)
    except StepFailed as error:
        failures.append(f"FAIL {label} imatrix: llama-embedding on the F32 file: {error}")
        return
    rows = []
    for fmt, matrix in matrices.items():
        for type_name in [t for t in selected if t in TYPES] + ["Q2_K_S"]:
            fail = lambda why, t=type_name, f=fmt: failures.append(f"FAIL {label} {t} --imatrix .{f}: {why}")  # noqa: E731
            stem = os.path.join(work, f"{label}-{type_name}-imatrix-{fmt}")
            peer, ours = f"{stem}.llama-quantize.gguf", f"{stem}.ours.gguf"
            try:
                timings.run("llama-quantize --imatrix", [args.llama_quantize, "--pure", "--imatrix", matrix, f32, peer,
                                                         type_name, THREADS])
            except StepFailed as error:
                fail(str(error))
                continue
            try:
                command = ([args.llama_quantize, "--pure", "--imatrix", matrix, f32, ours, type_name, THREADS]
                           if args.peer_only else
                           [args.quantize, f32, "-o", ours, "--type", type_name, "--pure", "--imatrix", matrix])
                timings.run("quantize --imatrix (ours)", command)
            except StepFailed as error:
                fail(str(error))
                ours = None
            rows.append(check_type(args, timings, fail, reference, sentence_file, f"{type_name} .{fmt}", peer, ours))
            for path in (peer, ours):
                if path and os.path.exists(path):
                    os.remove(path)
    print_table(f"{label} --imatrix", rows, args.peer_only)


def check_native_imatrix(args, timings, failures, work):
    """`QUANTIZE imatrix` on the mlp256 fixture; llama-quantize must accept that file and write,
    for mlp256.gguf, the bytes we write with it."""
    fixtures = os.path.join(ROOT, "Fixtures", "gguf", "imatrix")
    matrix = os.path.join(work, "mlp256-imatrix.gguf")
    try:
        timings.run("quantize imatrix (ours)", [args.quantize, "imatrix", os.path.join(fixtures, "mlp256.npz"),
                                                "--calibration", os.path.join(fixtures, "calibration.npy"), "-o", matrix])
    except StepFailed as error:
        failures.append(f"FAIL native imatrix: {error}")
        return
    for type_name in ("Q4_0", "Q2_K", "Q4_K_S", "Q6_K"):
        peer, ours = (os.path.join(work, f"mlp256-{type_name}.{side}.gguf") for side in ("llama-quantize", "ours"))
        model = os.path.join(fixtures, "mlp256.gguf")
        try:
            timings.run("llama-quantize --imatrix", [args.llama_quantize, "--pure", "--imatrix", matrix, model, peer,
                                                     type_name, THREADS])
            timings.run("quantize --imatrix (ours)", [args.quantize, model, "-o", ours, "--type", type_name, "--pure",
                                                      "--imatrix", matrix])
        except StepFailed as error:
            failures.append(f"FAIL native imatrix {type_name}: {error}")
            continue
        identical = filecmp.cmp(peer, ours, shallow=False)
        print(f"native imatrix: llama-quantize --imatrix (ours) {type_name}: identical {'yes' if identical else 'NO'}")
        if not identical:
            failures.append(f"FAIL native imatrix {type_name}: llama-quantize's file differs from ours")


def check_type(args, timings, fail, reference, sentence_file, row_name, peer, ours):
    """Compares our file with llama-quantize's ((a), (b)), embeds both (c); returns the table row."""
    difference = "no file"
    if ours is not None:
        try:
            with timings.timed("compare (bytes, gguf-py)"):
                difference, value_differences = compare(ours, peer)
            if difference is not None:
                fail(f"files differ: {difference}")
            for line in value_differences:
                fail(f"dequantized values differ: {line}")
        except Exception as error:  # noqa: BLE001 - report it and go on with the next type
            difference = "comparison crashed"
            fail(f"comparison crashed: {type(error).__name__}: {error}")
    cosines, embeddings = [], {}
    for side, path in (("llama-quantize", peer), ("ours", ours)):
        if path is None or (side == "llama-quantize" and difference is None):
            cosines.append(float("nan"))  # for identical files, ours stands for both (below)
            continue
        try:
            embeddings[side] = embed(timings, args.llama_embedding, path, sentence_file)
            cosines.append(mean_cosine(embeddings[side], reference))
        except StepFailed as error:
            fail(f"llama-embedding on {side}'s file: {error}")
            cosines.append(float("nan"))
    if difference is None:
        cosines[0] = cosines[1]
    kinds, bpw = file_summary(peer)
    identical = "yes" if difference is None else ("no file" if ours is None else "NO")
    return row_name, kinds, bpw, cosines[0], cosines[1], identical


def self_test(timings, failures, label, type_name, peer, altered):
    with timings.timed("compare (bytes, gguf-py)"):
        tensor = alter_copy(peer, altered)
        difference, values = compare(altered, peer)
        difference = difference or ""
    os.remove(altered)
    if f"tensor {tensor} " not in difference:
        failures.append(f"FAIL {label} self-test: a byte flipped in {tensor} was reported as {difference!r}")
    elif not values or not values[0].startswith(tensor):
        failures.append(f"FAIL {label} self-test: a byte flipped in {tensor} gave dequantized differences {values!r}")
    else:
        print(f"{label}: self-test: a byte flipped in {type_name}'s {tensor} is reported as '{difference}'; "
              f"values: {values[0]}")


# --- (e) --allow-requantize and split models, on the synthetic llama ----------------------------

# First type (llama-quantize's mix from F32) -> the types requantized from it (`+pure` adds --pure).
REQUANTIZE_RUNS = {"Q8_0": ["Q4_K_M", "Q4_0+pure", "Q6_K"], "Q4_K_M": ["Q8_0", "Q5_K_M", "Q2_K+pure"]}
SPLIT_RUNS = ["Q4_K_M", "Q8_0+pure"]
SPLIT_MAX_TENSORS = 7  # the synthetic llama's 21 tensors in 3 shards


def run_flags(run):
    name, _, mode = run.partition("+")
    return name, (["--pure"] if mode == "pure" else [])


def quantize_both(args, timings, flags, source, peer, ours, type_name):
    """llama-quantize FLAGS SOURCE PEER TYPE, then ours (or a second llama-quantize run) to OURS."""
    timings.run("llama-quantize", [args.llama_quantize] + flags + [source, peer, type_name, THREADS])
    if args.peer_only:
        timings.run("llama-quantize (second run, standing in for ours)",
                    [args.llama_quantize] + flags + [source, ours, type_name, THREADS])
    else:
        timings.run("quantize (ours)", [args.quantize, source, "-o", ours, "--type", type_name, "--report", "none"] + flags)


def compared(timings, fail, ours, peer):
    """'yes' when identical, else 'NO' after failing with the first difference."""
    with timings.timed("compare (bytes, gguf-py)"):
        difference, values = compare(ours, peer)
    if difference is None:
        return "yes"
    fail(f"files differ: {difference}")
    for line in values:
        fail(f"dequantized values differ: {line}")
    return "NO"


def embedded(args, timings, fail, path, reference, sentence_file):
    """The mean cosine of llama-embedding's embeddings of PATH (a file or a first shard) to REFERENCE."""
    try:
        return mean_cosine(embed(timings, args.llama_embedding, path, sentence_file), reference)
    except StepFailed as error:
        fail(f"llama-embedding on {os.path.basename(path)}: {error}")
        return float("nan")


def run_requantize(args, timings, failures, f32, reference, sentence_file):
    """Each first type of REQUANTIZE_RUNS from F32 by llama-quantize, then requantized by both
    sides with --allow-requantize from that same file: byte-identical, and ours embeds. Without
    the flag both must refuse."""
    work = os.path.dirname(f32)
    print("\nsynthetic-llama: --allow-requantize (llama-quantize's first file requantized by both)")
    for first, runs in REQUANTIZE_RUNS.items():
        source = os.path.join(work, f"requantize-{first}.gguf")
        try:
            timings.run("llama-quantize", [args.llama_quantize, f32, source, first, THREADS])
        except StepFailed as error:
            failures.append(f"FAIL requantize {first}: {error}")
            continue
        check_requantize_refused(args, timings, failures, source, first, runs[0])
        for run in runs:
            fail = lambda why, r=f"{first}->{run}": failures.append(f"FAIL requantize {r}: {why}")  # noqa: E731
            name, flags = run_flags(run)
            peer, ours = (os.path.join(work, f"requantize-{first}-{run}.{side}.gguf") for side in ("llama-quantize", "ours"))
            try:
                quantize_both(args, timings, ["--allow-requantize"] + flags, source, peer, ours, name)
            except StepFailed as error:
                fail(str(error))
                continue
            identical = compared(timings, fail, ours, peer)
            cosine = embedded(args, timings, fail, ours, reference, sentence_file)
            print(f"  {first:>6} -> {run:<10} {file_summary(ours)[0]:<40} cosine {cosine:.6f}  identical {identical}")
            for path in (peer, ours):
                os.remove(path)
        os.remove(source)


def check_requantize_refused(args, timings, failures, source, first, run):
    """Without --allow-requantize, llama-quantize and ours both refuse SOURCE (exit status not 0);
    ours leaves no file (llama-quantize leaves the one it had opened)."""
    name, flags = run_flags(run)
    out = source + ".refused.gguf"
    commands = [("llama-quantize", [args.llama_quantize] + flags + [source, out, name, THREADS])]
    if not args.peer_only:
        commands.append(("ours", [args.quantize, source, "-o", out, "--type", name] + flags))
    for side, command in commands:
        with timings.timed("refusals (no --allow-requantize)"):
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
        if done.returncode == 0:
            failures.append(f"FAIL requantize {first}->{run}: {side} requantized without --allow-requantize")
        elif side == "ours" and os.path.exists(out):
            failures.append(f"FAIL requantize {first}->{run}: ours refused but left {out}")
        if os.path.exists(out):
            os.remove(out)


def run_split(args, timings, failures, reference, sentence_file, folder):
    """The synthetic llama written in shards by gguf-py, quantized by both sides from its first
    shard, as one file and with --keep-split: every file byte-identical, and llama-embedding
    loads ours (its loader finds our shards from the first)."""
    os.makedirs(folder, exist_ok=True)
    make_synthetic_llama(timings, os.path.join(folder, "split.gguf"), split_max_tensors=SPLIT_MAX_TENSORS)
    shards = sorted(f for f in os.listdir(folder) if f.startswith("split-"))
    print(f"\nsynthetic-llama in {len(shards)} shards (gguf-py, at most {SPLIT_MAX_TENSORS} tensors each)")
    for run, keep in itertools.product(SPLIT_RUNS, (False, True)):
        label = f"{run}{' --keep-split' if keep else ''}"
        fail = lambda why, r=label: failures.append(f"FAIL split {r}: {why}")  # noqa: E731
        name, flags = run_flags(run)
        sides = {side: os.path.join(folder, side) for side in ("llama-quantize", "ours")}
        for path in sides.values():
            os.makedirs(path, exist_ok=True)
        try:
            quantize_both(args, timings, flags + (["--keep-split"] if keep else []), os.path.join(folder, shards[0]),
                          os.path.join(sides["llama-quantize"], "out.gguf"), os.path.join(sides["ours"], "out.gguf"), name)
        except StepFailed as error:
            fail(str(error))
            continue
        files = {side: sorted(os.listdir(path)) for side, path in sides.items()}
        if files["ours"] != files["llama-quantize"]:
            fail(f"files: ours {files['ours']}, llama-quantize {files['llama-quantize']}")
        identical = [compared(timings, fail, os.path.join(sides["ours"], f), os.path.join(sides["llama-quantize"], f))
                     for f in files["ours"] if f in files["llama-quantize"]]
        cosine = embedded(args, timings, fail, os.path.join(sides["ours"], files["ours"][0]), reference, sentence_file)
        print(f"  {label:<24} {len(files['ours'])} file(s)  cosine {cosine:.6f}  identical "
              f"{'yes' if identical and all(i == 'yes' for i in identical) else 'NO'}")
        for path in sides.values():
            shutil.rmtree(path)


def print_table(label, rows, peer_only):
    ours = "2nd run" if peer_only else "ours"
    print(f"\n{label}: mean cosine of the embeddings to the F32 file's (llama-embedding, {len(sentences())} sentences)")
    print(f"{'type':<18} {'tensor types (llama-quantize)':<44} {'bpw':>6} {'llama-quantize':>15} {ours:>10}  identical")
    for type_name, kinds, bpw, peer_cosine, our_cosine, identical in rows:
        cells = [f"{c:.6f}" if np.isfinite(c) else "-" for c in (peer_cosine, our_cosine)]
        print(f"{type_name:<18} {kinds:<44} {bpw:6.3f} {cells[0]:>15} {cells[1]:>10}  {identical}")


def run_extras(args, timings, failures, f32, sentence_file, split_folder):
    """(e): --allow-requantize and split models on the synthetic llama, against its F32 embeddings."""
    try:
        reference = embed(timings, args.llama_embedding, f32, sentence_file)
    except StepFailed as error:
        failures.append(f"FAIL synthetic-llama F32: {error}")
        return
    run_requantize(args, timings, failures, f32, reference, sentence_file)
    run_split(args, timings, failures, reference, sentence_file, split_folder)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("quantize", nargs="?", default=os.path.join(ROOT, ".build", "release", "quantize"))
    parser.add_argument("--llama-quantize", required=True)
    parser.add_argument("--llama-embedding", required=True)
    parser.add_argument("--model", default=os.path.join(ROOT, ".cache", "all-MiniLM-L6-v2"))
    parser.add_argument("--workdir")
    parser.add_argument("--peer-only", action="store_true")
    parser.add_argument("--mixes", action="store_true")
    parser.add_argument("--only")
    parser.add_argument("--imatrix", action="store_true")
    args = parser.parse_args()
    if not args.peer_only and not os.access(args.quantize, os.X_OK):
        sys.exit(f"{args.quantize}: not an executable (build it, or run with --peer-only)")
    selected = TYPES if args.only is None else [t for t in args.only.split(",") if t]
    unknown = [t for t in selected if t not in TYPES + MIXES]
    if unknown:
        sys.exit(f"unknown types {unknown}; known: {TYPES + MIXES}")
    if not args.mixes and any(t in MIXES for t in selected):
        sys.exit(f"{[t for t in selected if t in MIXES]} exist only as mixes: add --mixes")
    types = [(t, True, [], t) for t in selected if t in TYPES]
    if args.mixes:
        types += [(t, False, [], f"{t} (mix)") for t in (selected if args.only else TYPES + MIXES)]
        types += [(t, False, options, f"{t} ({label})") for label, t, options in OPTION_RUNS
                  if not args.only or t in selected]
        for label, t, options in OPTION_RUNS:
            print(f"{t} ({label}): {t} with {' '.join(options)}")
    else:
        print(f"skipped: the mixes (every type without --pure, {', '.join(MIXES)}, and the option runs): "
              "--mixes runs them")

    started = time.monotonic()
    timings, failures = Timings(), []
    work = args.workdir or tempfile.mkdtemp(prefix="gguf-interop-")
    os.makedirs(work, exist_ok=True)
    try:
        drain = build_log_drain(work)
        timings.embedding_environment = {"LD_PRELOAD": drain} if drain else None
        sentence_file = os.path.join(work, "sentences.txt")
        with open(sentence_file, "w", encoding="utf-8") as f:
            f.write("\n".join(sentences()) + "\n")
        for label in ("MiniLM", "synthetic-llama"):
            folder = os.path.join(work, label)
            os.makedirs(folder, exist_ok=True)
            f32 = os.path.join(folder, f"{label}-F32.gguf")
            try:
                if label == "MiniLM":
                    convert_minilm(timings, args.model, f32)
                else:
                    make_synthetic_llama(timings, f32)
            except StepFailed as error:
                failures.append(f"FAIL {label} F32: {error}")
                continue
            if label == "MiniLM":
                try:
                    cosine = mean_cosine(embed(timings, args.llama_embedding, f32, sentence_file),
                                         transformers_embeddings(timings, args.model))
                    print(f"MiniLM: llama.cpp's F32 GGUF against transformers' float model: mean cosine {cosine:.7f}")
                    if not cosine >= TRANSFORMERS_MIN_COSINE:
                        failures.append(f"FAIL MiniLM F32: mean cosine to transformers {cosine:.6f} "
                                        f"< {TRANSFORMERS_MIN_COSINE}")
                except StepFailed as error:
                    failures.append(f"FAIL MiniLM F32: {error}")
            run_model(args, timings, failures, label, f32, sentence_file, types)
            if args.imatrix:
                run_imatrix_model(args, timings, failures, label, f32, sentence_file, selected)
            if label == "synthetic-llama" and not args.only:
                run_extras(args, timings, failures, f32, sentence_file, os.path.join(work, "split"))
        if args.imatrix and not args.peer_only:
            check_native_imatrix(args, timings, failures, work)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print("\ntime per step (seconds, calls):")
    for kind, count in timings.counts.items():
        print(f"  {kind:<52} {timings.seconds[kind]:7.1f}  {count:3d}")
    print(f"  {'total':<52} {time.monotonic() - started:7.1f}")
    for line in failures:
        print(line)
    print(f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
