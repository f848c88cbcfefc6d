#!/usr/bin/env python3
"""Interoperability test against the real client: transformers + compressed-tensors.

    python3 Tests/interop/hf_interop.py [QUANTIZE] [MODEL_DIR] [--workdir DIR] [--timeout SECONDS]
                                        [--only SUBSTRING]

QUANTIZE defaults to `.build/debug/quantize`, MODEL_DIR to `.cache/all-MiniLM-L6-v2` (fetched by
`python3 Fixtures/minilm/fetch.py`). --only runs the parts whose name (`default run`, or a
combination such as `pack/asym/W4/group32`) contains SUBSTRING; --timeout bounds each call of
our binary (300 s). `make interop-hf` installs the pinned packages, fetches the
model, builds the binary and runs this script. Everything runs offline (HF_HUB_OFFLINE=1,
TRANSFORMERS_OFFLINE=1) and in one Python process (torch is imported once), with our binary
running in the background while Python works. The whole run costs about 10 minutes of CPU time,
a little more than half of it in our debug binary (its `inspect` and `dequantize` of the
library's files take about 6 s each per call): about 5 to 6 minutes on 2 idle cores. The last
lines print the elapsed time and that split.

Why
---
The README promises that our safetensors output is "the compressed-tensors layout that vLLM and
transformers load". Our Swift tests check the layout against our reading of compressed-tensors'
code; this script asks the real client instead, on the real sentence-transformers/all-MiniLM-L6-v2
checkpoint (a 6-layer BERT encoder: 37 Linear modules, 6 layers x 6 + pooler.dense) and on real
English sentences (Fixtures/minilm/sentences.txt: paraphrase pairs and near-topic groups, so
that nearest-neighbour agreement means something). Every number printed comes from that model
and those sentences; nothing is synthetic.

What is checked
---------------
Float reference: `AutoModel.from_pretrained(MODEL_DIR)` + `AutoTokenizer`, sentence embedding =
mean of `last_hidden_state` over the attention mask, L2-normalized (the sentence-transformers
recipe for this model), float32, under torch.no_grad.

1. The default run, `quantize MODEL -o out/` with no option at all (run in the work folder, the
   output path relative as a user types it):
   - load:    plain `AutoModel.from_pretrained(OUT)` succeeds;
   - cosine:  mean cosine to the float embeddings >= 0.9995 (it is W8 per-channel pack-quantized);
   - layout:  same tensor names, shapes and dtypes as compressed-tensors' own compressor writes
              for that scheme with `targets: ["Linear"]` (so embeddings and lm_head stay float).
2. The grid: scheme (symmetric, asymmetric) x bits (8, 4) x granularity (channel, group 32,
   group 128) x format (pack, int) = 24 combinations, each written by our binary with the default
   tensor selection (`quantize MODEL -o OUT --ct-format F --scheme S --bits B [--group-size G]
   --report none`). Per combination:
   - load:       `AutoModel.from_pretrained(OUT)`; asymmetric pack-quantized with
                 `quantization_config=CompressedTensorsConfig(dequantize=True)`, because
                 transformers 5.x builds modules with unpacked zero points and cannot load the
                 packed ones compressed-tensors itself writes (known upstream limitation,
                 llm-compressor #2099). int-quantized configs declare dynamic per-token int8
                 input activations, so int runs are W8A8 (W4A8 at 4 bits): compressed-tensors'
                 forward quantizes the activations at run time.
   - cosine:     mean cosine to the float embeddings >= the threshold below. Min cosine and
                 nearest-neighbour agreement (the fraction of sentences whose nearest other
                 sentence is the same under quantized and float embeddings) are reported.
   - layout:     ours vs the library's own checkpoint of the same scheme, written in-process from
                 the float model (apply_quantization_config with targets ["Linear"], min-max
                 qparams from calculate_qparams, ModelCompressor.compress_model, save_pretrained,
                 update_config): same tensor names, shapes and dtypes. The one allowed difference
                 is `embeddings.position_ids`: a non-persistent buffer of the float model that
                 our output copies from the input file and save_pretrained never writes.
   - identical:  with `--scale-rule compressed-tensors` added to our command (our scales and codes
                 follow the library's rounding: symmetric scale max|x| / ((2^b - 1) / 2), zero
                 point added before rounding), every tensor byte-identical to the library's:
                 codes, scales, zero points, weight_shape and the tensors kept in float. Under our
                 default rule the number of differing codes is reported (informational).
   - inspect:    `quantize inspect REF_DIR --json` on the library's checkpoint exits 0, reports
                 `quantized_tensors` equal to the number of Linear modules, and lists every Linear
                 weight with the library's scheme (our names: per-channel, per-channel-asymmetric,
                 group, group-asymmetric) and bit width.
   - dequantize: `quantize dequantize REF_DIR/model.safetensors -o X.safetensors` gives, for every
                 quantized weight, exactly (torch.equal) the floats of the library's own
                 decompression (`AutoModel.from_pretrained(REF_DIR,
                 quantization_config=CompressedTensorsConfig(dequantize=True))`).
   A check whose prerequisite failed (our binary exited non-zero, the model did not load) fails
   too, saying which prerequisite, so the number of checks is the same on every run.
3. The full symmetric range (`--symmetric-range full`, scales m / -2^(b-1), negative when the
   extreme m is positive), W4 group 32, pack and int: load (plain), cosine (the W4 group-32
   threshold), our `inspect` of it (every Linear weight `group (full range)`), and the weights the
   library decompresses (dequantize=True: code x scale) exactly equal to our `dequantize`'s.

Thresholds (mean cosine to the float embeddings)
------------------------------------------------
From the issue (#11), measured there on 16 sentences and required here on 80:
    W8, pack-quantized (weight-only), any granularity      >= 0.9995
        (the issue sets it for per-channel; groups are finer, so it holds for them a fortiori)
    W8, int-quantized (W8A8), any granularity              >= 0.995
    W4, group 32, either format                            >= 0.95
Set from this script's own measurement (2026-11-30, on the Linear-only selection; the lowest of
the four scheme x format runs), as measured minus half of its distance to 1, rounded down: a
regression has to double the error to fail.
    W4, per-channel, either format    >= 0.87   (measured 0.9177 to 0.9392)
    W4, group 128,   either format    >= 0.90   (measured 0.9370 to 0.9618)
For scale, W4 group 32 measured 0.9579 to 0.9761, W8 pack 0.99963 to 0.99991 and W8 int
0.99747 to 0.99773. See THRESHOLDS below; the printed table shows the threshold of each row.
    FP8 E4M3 (float-quantized), per tensor or channel   >= 0.997  (measured 2026-12-01: 0.99849
        per tensor, 0.99855 per channel; the same with the weights alone in the float model,
        so the dynamic FP8 activations cost nothing measurable here. Issue 17 asked for
        0.999: E4M3's 3 mantissa bits (SQNR about 31.6 dB per weight against int8's 40+) do not
        reach it on MiniLM, and compressed-tensors' own FP8 output is byte-identical to ours,
        so it does not either.)

4. FP8 (`--scheme fp8` per tensor, `--scheme fp8-per-channel`, `--scheme fp8-block` (128x128);
   compressed-tensors `float-quantized`, F8_E4M3 weights and the FP8_DYNAMIC / FP8_BLOCK
   presets' config):
   - load:     `AutoModel.from_pretrained(OUT, quantization_config=CompressedTensorsConfig(
                dequantize=True))` (torch on CPU has no FP8 matmul; the library dequantizes to
                float32 on load, fp8.to(float32) * weight_scale, and still applies the dynamic
                FP8 input activations in the forward pass);
   - cosine:   mean cosine to the float embeddings >= the FP8 threshold below;
   - torch:    every Linear weight's codes equal torch's `(w / s).clamp(-448, 448)
                .to(torch.float8_e4m3fn)` with `s = amax / 448` (per tensor, row, block), and every
                `weight_scale` equals `s`: the count of differing elements must be 0 (printed in
                the table's "codes != lib" column, of 10,764,288 for MiniLM).
5. Calibrated through the transformer: `--bits 4 --method gptq` and `--method awq` with
   `--calibration-text` (the first 32 lines of Fixtures/eval_text/calibration.txt), W4 per-channel
   pack-quantized: load (plain; AWQ's folded LayerNorm weights and biases are ordinary float
   tensors of the checkpoint), cosine (the W4 per-channel threshold), and the mean cosine equal,
   within 1e-4, to what `quantize eval MODEL OUT --text SENTENCES` computes for the same output.

Output: one table (a row per combination plus the default run), one line per failed check
(`FAIL <what>: <why>`), the elapsed time, and last `N passed, M failed` (N and M count checks).
Exit status 1 if any check failed, else 0. Every subprocess call has a timeout, a crash in one
combination does not stop the others, and the temporary folders are removed at the end.
"""
import argparse
import contextlib
import copy
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings

# Offline, before transformers is imported: every file comes from MODEL_DIR or from our output.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TQDM_DISABLE", "1")  # the progress bars tqdm draws by default (see quiet())
warnings.filterwarnings("ignore")

import torch  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from safetensors import safe_open  # noqa: E402
import transformers  # noqa: E402
from transformers import AutoModel, AutoTokenizer  # noqa: E402
from transformers.utils.quantization_config import CompressedTensorsConfig  # noqa: E402
import compressed_tensors  # noqa: E402
from compressed_tensors.compressors import ModelCompressor  # noqa: E402
from compressed_tensors.quantization import (  # noqa: E402
    QuantizationArgs,
    QuantizationConfig,
    QuantizationScheme,
    apply_quantization_config,
)
from compressed_tensors.quantization.utils import calculate_qparams  # noqa: E402

transformers.utils.logging.set_verbosity_error()
transformers.utils.logging.disable_progress_bar()
try:  # compressed-tensors logs through loguru: one warning per module is noise here
    from loguru import logger as _loguru

    _loguru.disable("compressed_tensors")
except ImportError:
    pass

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUANTIZE_TIMEOUT = 300  # seconds per call of our binary (the debug build takes a few seconds)
# The one tensor our output may have that the library's does not (see the docstring, "layout").
ALLOWED_ONLY_OURS = {"embeddings.position_ids"}
MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length (sentence_bert_config.json)

# Mean-cosine thresholds by (format, bits, granularity); granularity "*" is any. The origin of
# each is in the module docstring.
THRESHOLDS = {
    ("pack", 8, "*"): (0.9995, "issue #11"),
    ("int", 8, "*"): (0.995, "issue #11"),
    ("pack", 4, "group32"): (0.95, "issue #11"),
    ("int", 4, "group32"): (0.95, "issue #11"),
    ("pack", 4, "channel"): (0.87, "measured minus half the distance to 1"),
    ("int", 4, "channel"): (0.87, "measured minus half the distance to 1"),
    ("pack", 4, "group128"): (0.90, "measured minus half the distance to 1"),
    ("int", 4, "group128"): (0.90, "measured minus half the distance to 1"),
    ("float", 8, "*"): (0.997, "FP8 E4M3, measured minus half the distance to 1"),
}


def describe_thresholds():
    """One line per origin, e.g. 'W8 pack >= 0.9995, ...: issue #11'."""
    by_origin = {}
    for (fmt, bits, granularity), (value, origin) in THRESHOLDS.items():
        formats = [f for (f, b, g), v in THRESHOLDS.items() if (b, g) == (bits, granularity) and v == (value, origin)]
        where = "" if granularity == "*" else f" {granularity}"
        label = f"W{bits}{where}" + ("" if len(formats) > 1 else f" {fmt}" + (" (W8A8)" if fmt == "int" else ""))
        entries = by_origin.setdefault(origin, [])
        if f"{label} >= {value}" not in entries:
            entries.append(f"{label} >= {value}")
    return [f"  {', '.join(entries)}: {origin}" for origin, entries in by_origin.items()]


def threshold(fmt, bits, granularity):
    return THRESHOLDS.get((fmt, bits, granularity)) or THRESHOLDS[(fmt, bits, "*")]


class Combination:
    """One cell of the grid: how we write it, how the library writes it, how it is loaded."""

    def __init__(self, fmt, symmetric, bits, group):
        self.fmt, self.symmetric, self.bits, self.group = fmt, symmetric, bits, group
        self.granularity = "channel" if group is None else f"group{group}"
        self.scheme = "per-channel" if symmetric else "per-channel-asymmetric"
        # The scheme name our `inspect` gives a tensor written with these options.
        base = "per-channel" if group is None else "group"
        self.inspect_scheme = base if symmetric else f"{base}-asymmetric"
        self.library_format = f"{fmt}-quantized"
        # transformers 5.x cannot load packed zero points (see the docstring).
        self.dequantize_load = fmt == "pack" and not symmetric

    @property
    def name(self):
        return f"{self.fmt}/{'sym' if self.symmetric else 'asym'}/W{self.bits}/{self.granularity}"

    def options(self):
        options = ["--ct-format", self.fmt, "--scheme", self.scheme, "--bits", str(self.bits)]
        if self.group is not None:
            options += ["--group-size", str(self.group)]
        return options + ["--report", "none"]


def grid():
    return [Combination(fmt, symmetric, bits, group)
            for fmt in ("pack", "int")
            for symmetric in (True, False)
            for bits in (8, 4)
            for group in (None, 32, 128)]


class Checks:
    """Counts checks; keeps one `FAIL <what>: <why>` line per failure."""

    def __init__(self):
        self.passed = 0
        self.failures = []

    def record(self, what, ok, why=""):
        if ok:
            self.passed += 1
        else:
            self.failures.append(f"FAIL {what}: {why}")
        return ok


def first_line(text):
    for line in str(text).splitlines():
        if line.strip():
            return line.strip()[:300]
    return str(text).strip()[:300] or "(no message)"


class Call:
    """A call of our binary running in the background, so that several run while Python works.
    Its output goes to unnamed temporary files (a pipe could fill and stall it); `result()` waits
    for it, up to its timeout, and gives (exit status or None, stdout, a one-line reason on
    failure)."""

    default_timeout = QUANTIZE_TIMEOUT

    def __init__(self, command, timeout=None, cwd=None):
        self.command, self.started = command, time.monotonic()
        self.timeout = timeout or Call.default_timeout
        self.process, self.error = None, ""
        self.stdout, self.stderr = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
        for attempt in range(3):
            if attempt:
                time.sleep(5)
            try:
                self.process = subprocess.Popen(command, stdout=self.stdout, stderr=self.stderr, text=True,
                                                cwd=cwd, start_new_session=True)
                return
            except OSError as error:  # the binary is absent or being rewritten: wait for it, briefly
                self.error = f"could not run {command[0]}: {error}"

    def result(self):
        if self.process is None:
            return None, "", self.error
        remaining = max(1.0, self.timeout - (time.monotonic() - self.started))
        try:
            status = self.process.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            self.stop()
            return None, "", f"timed out after {self.timeout} s"
        self.stdout.seek(0)
        self.stderr.seek(0)
        stdout, stderr = self.stdout.read(), self.stderr.read()
        self.stdout.close()
        self.stderr.close()
        if status == 0:
            return 0, stdout, ""
        return status, stdout, f"exit {status}: {first_line(stderr or stdout)}"

    def stop(self):
        """Ends the process if it still runs (a timeout, or a crash in this script)."""
        if self.process is not None and self.process.poll() is None:
            try:  # its own process group (start_new_session): it and anything it started
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def quiet():
    """Hides the progress bars that transformers and compressed-tensors ask tqdm for explicitly
    (TQDM_DISABLE cannot turn those off); exceptions still propagate."""
    with contextlib.redirect_stderr(io.StringIO()):
        yield


# Float model, embeddings ---------------------------------------------------------------------

def embed(model, batch):
    """Sentence embeddings the sentence-transformers way: masked mean of the last hidden state,
    L2-normalized."""
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state.float()
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1)


def nearest_neighbours(embeddings):
    similarity = embeddings @ embeddings.T
    similarity.fill_diagonal_(float("-inf"))
    return similarity.argmax(dim=1)


def compare(reference, quantized, reference_neighbours):
    """Mean and min cosine per sentence, and nearest-neighbour agreement."""
    cosines = (reference * quantized).sum(dim=1)
    agreement = (nearest_neighbours(quantized) == reference_neighbours).float().mean()
    return cosines.mean().item(), cosines.min().item(), agreement.item()


def load_ours(folder, dequantize):
    with quiet():
        if dequantize:
            return AutoModel.from_pretrained(folder, quantization_config=CompressedTensorsConfig(dequantize=True))
        return AutoModel.from_pretrained(folder)


# The library's own checkpoint ----------------------------------------------------------------

def write_library_checkpoint(float_model, combination, folder):
    """The same scheme written by compressed-tensors' own compressor from the float model."""
    with quiet():
        _write_library_checkpoint(float_model, combination, folder)


def _write_library_checkpoint(float_model, combination, folder):
    model = copy.deepcopy(float_model)
    weights = QuantizationArgs(num_bits=combination.bits, type="int", symmetric=combination.symmetric,
                               strategy="channel" if combination.group is None else "group",
                               group_size=combination.group)
    # int-quantized as llm-compressor's W8A8 presets write it, as ours declares it: dynamic
    # per-token int8 input activations (no tensor in the file).
    activations = None
    if combination.fmt == "int":
        activations = QuantizationArgs(num_bits=8, type="int", symmetric=True, strategy="token", dynamic=True)
    scheme = QuantizationScheme(targets=["Linear"], weights=weights, input_activations=activations)
    apply_quantization_config(model, QuantizationConfig(config_groups={"group_0": scheme}, ignore=[]))
    for module in model.modules():
        if getattr(module, "quantization_scheme", None) is None:
            continue
        weight = module.weight.data
        if combination.group is None:
            low, high = weight.amin(dim=1, keepdim=True), weight.amax(dim=1, keepdim=True)
        else:
            groups = weight.unflatten(-1, (weight.shape[1] // combination.group, combination.group))
            low, high = groups.amin(dim=-1), groups.amax(dim=-1)
        scale, zero_point = calculate_qparams(low, high, weights)
        module.weight_scale.data = scale.to(module.weight_scale.dtype).reshape(module.weight_scale.shape)
        if hasattr(module, "weight_zero_point"):
            module.weight_zero_point.data = zero_point.to(module.weight_zero_point.dtype).reshape(
                module.weight_zero_point.shape)
    compressor = ModelCompressor.from_pretrained_model(model, quantization_format=combination.library_format)
    compressor.compress_model(model)
    model.save_pretrained(folder)
    compressor.update_config(folder)


def load_folder(folder):
    """Every tensor of every .safetensors file in a folder."""
    tensors = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".safetensors"):
            tensors.update(load_file(os.path.join(folder, name)))
    return tensors


def layout_difference(ours, library):
    """'' when names, shapes and dtypes agree (position_ids allowed in ours only), else why not."""
    only_ours = sorted(set(ours) - set(library) - ALLOWED_ONLY_OURS)
    only_library = sorted(set(library) - set(ours))
    problems = []
    if only_ours:
        problems.append(f"{len(only_ours)} tensors only in ours (e.g. {only_ours[0]})")
    if only_library:
        problems.append(f"{len(only_library)} tensors only in the library's (e.g. {only_library[0]})")
    for name in sorted(set(ours) & set(library)):
        a, b = ours[name], library[name]
        if a.dtype != b.dtype or a.shape != b.shape:
            problems.append(f"{name}: ours {a.dtype} {tuple(a.shape)}, library {b.dtype} {tuple(b.shape)}")
            break
    return "; ".join(problems)


def raw_bytes(tensor):
    return tensor.contiguous().reshape(-1).view(torch.uint8)


def byte_difference(ours, library):
    """'' when every library tensor is byte-identical in ours (and ours has nothing more but
    position_ids), else the first differences."""
    layout = layout_difference(ours, library)
    if layout:
        return layout
    differing = [name for name in sorted(library) if not torch.equal(raw_bytes(ours[name]), raw_bytes(library[name]))]
    if differing:
        return f"{len(differing)} of {len(library)} tensors differ (first: {', '.join(differing[:3])})"
    return ""


def unpack_codes(packed, bits, columns):
    """pack-quantized codes: 32 / bits fields per int32, lowest bits first (offset by 2^(bits-1))."""
    per_word, mask = 32 // bits, (1 << bits) - 1
    words = packed.to(torch.int64) & 0xFFFFFFFF
    fields = [(words >> (bits * i)) & mask for i in range(per_word)]
    return torch.stack(fields, dim=-1).reshape(packed.shape[0], -1)[:, :columns]


def weight_codes(tensors, module, combination):
    if combination.fmt == "pack":
        columns = int(tensors[f"{module}.weight_shape"][1])
        return unpack_codes(tensors[f"{module}.weight_packed"], combination.bits, columns)
    return tensors[f"{module}.weight"].to(torch.int64)


def differing_codes(ours, library, modules, combination):
    """(differing, total) codes over the quantized weights; None when the layouts differ."""
    differing = total = 0
    for module in modules:
        try:
            a, b = weight_codes(ours, module, combination), weight_codes(library, module, combination)
        except KeyError:
            return None
        if a.shape != b.shape:
            return None
        differing += int((a != b).sum())
        total += a.numel()
    return differing, total


# Our inspect and dequantize on the library's file --------------------------------------------

def inspect_problem(call, modules, combination):
    """'' when `quantize inspect REF_DIR --json` (the finished call) describes every Linear weight
    with the library's scheme and bits, else why not."""
    status, stdout, why = call.result()
    if status != 0:
        return why
    try:
        report = json.loads(stdout)
    except ValueError as error:
        return f"output is not JSON: {error}"
    if report.get("quantized_tensors") != len(modules):
        return f"quantized_tensors is {report.get('quantized_tensors')}, expected {len(modules)} (the Linear modules)"
    entries = {entry.get("name"): entry for entry in report.get("tensors", [])}
    for module in modules:
        entry = entries.get(f"{module}.weight")
        if entry is None:
            return f"no entry for {module}.weight"
        if entry.get("scheme") != combination.inspect_scheme or entry.get("bits") != combination.bits:
            return (f"{module}.weight shows as scheme {entry.get('scheme')!r}, bits {entry.get('bits')!r}; "
                    f"expected {combination.inspect_scheme!r}, {combination.bits}")
    return ""


def library_decompression(folder, modules):
    """The library's own floats for every quantized weight: the checkpoint loaded by transformers
    with compressed-tensors decompressing it (dequantize=True)."""
    with quiet():
        model = AutoModel.from_pretrained(folder, quantization_config=CompressedTensorsConfig(dequantize=True))
        state = model.state_dict()
    return {f"{module}.weight": state[f"{module}.weight"].detach().clone() for module in modules}


def dequantize_problem(call, output, expected):
    """'' when our `dequantize` of the library's file (the finished call, written to `output`)
    gives exactly the library's floats for every quantized weight, else why not."""
    status, _, why = call.result()
    if status != 0:
        return why
    ours = load_file(output)
    os.remove(output)
    for name, b in expected.items():
        if name not in ours:
            return f"{name} missing from our output"
        a = ours[name]
        if a.dtype != torch.float32 or a.shape != b.shape:
            return f"{name}: ours {a.dtype} {tuple(a.shape)}, library {b.dtype} {tuple(b.shape)}"
        if not torch.equal(a, b):
            unequal = int((a != b).sum())
            return f"{name}: {unequal} values differ (max |diff| {float((a - b).abs().max()):.3g})"
    return ""


# The run -------------------------------------------------------------------------------------

class Row:
    def __init__(self, fmt, scheme, bits, granularity, loaded, threshold_value):
        self.cells = {"format": fmt, "scheme": scheme, "bits": str(bits), "granularity": granularity,
                      "loaded": loaded, "mean cos": "-", "min cos": "-", "NN agree": "-",
                      "threshold": f">= {threshold_value}", "codes != lib": "-", "bytes = lib": "-",
                      "inspect": "-", "dequantize": "-"}


def evaluate(model_folder, dequantize, batch, reference, reference_neighbours, what, checks, row, minimum):
    """load + cosine checks; returns True when the model loaded."""
    try:
        model = load_ours(model_folder, dequantize)
    except Exception as error:  # the real client refused it
        checks.record(f"{what} load", False, f"{type(error).__name__}: {first_line(error)}")
        checks.record(f"{what} cosine", False, "not measured: the model did not load")
        return False
    checks.record(f"{what} load", True)
    try:
        embeddings = embed(model, batch)
    except Exception as error:  # loaded, but its forward pass fails
        checks.record(f"{what} cosine", False, f"forward pass: {type(error).__name__}: {first_line(error)}")
        return True
    mean, low, agreement = compare(reference, embeddings, reference_neighbours)
    row.cells.update({"mean cos": f"{mean:.5f}", "min cos": f"{low:.5f}", "NN agree": f"{agreement:.3f}"})
    checks.record(f"{what} cosine", mean >= minimum, f"mean cosine {mean:.5f} < {minimum}")
    return True


def run_default(quantize, model_dir, work, float_model, batch, reference, neighbours, modules, checks):
    """`quantize MODEL -o OUT`, no option: loads, cosine, and the library's layout for that scheme
    (W8 per-channel pack-quantized, Linear weights only)."""
    what = "default run (quantize MODEL -o out/)"
    minimum, _ = threshold("pack", 8, "channel")
    row = Row("default", "per-channel", 8, "channel", "plain", minimum)
    # As a user types it (issue #11): a relative output folder, in the work folder.
    output, library = os.path.join(work, "out"), os.path.join(work, "default-library")
    call = Call([quantize, model_dir, "-o", "out/"], cwd=work)
    try:
        write_library_checkpoint(float_model, Combination("pack", True, 8, None), library)
        status, _, why = call.result()
        if status != 0:
            for check in ("load", "cosine", "layout"):
                checks.record(f"{what} {check}", False, f"quantize failed: {why}")
            return row
        evaluate(output, False, batch, reference, neighbours, what, checks, row, minimum)
        difference = layout_difference(load_folder(output), load_folder(library))
        checks.record(f"{what} layout", not difference, difference)
    finally:
        call.stop()
        shutil.rmtree(output, ignore_errors=True)
        shutil.rmtree(library, ignore_errors=True)
    return row


def run_combination(quantize, model_dir, work, combination, float_model, batch, reference, neighbours,
                    modules, checks):
    """The six checks of one combination. Our binary runs in the background while Python works
    (2 cores): first our two outputs, then inspect and dequantize of the library's file."""
    what = combination.name
    minimum, _ = threshold(combination.fmt, combination.bits, combination.granularity)
    row = Row(combination.fmt, "symmetric" if combination.symmetric else "asymmetric", combination.bits,
              combination.granularity, "dequantize=True" if combination.dequantize_load else "plain", minimum)
    ours_dir, strict_dir, library_dir = (os.path.join(work, name) for name in ("ours", "ours-ct-rule", "library"))
    dequantized = os.path.join(work, "dequantized.safetensors")
    calls = {
        "ours": Call([quantize, model_dir, "-o", ours_dir] + combination.options()),
        "strict": Call([quantize, model_dir, "-o", strict_dir] + combination.options()
                       + ["--scale-rule", "compressed-tensors"]),
    }
    try:
        # The library's own checkpoint of the same scheme, and its own decompression.
        try:
            write_library_checkpoint(float_model, combination, library_dir)
            library, library_failure = load_folder(library_dir), ""
        except Exception as error:
            library, library_failure = None, f"the library's checkpoint could not be written: {first_line(error)}"
        if library is not None:
            calls["inspect"] = Call([quantize, "inspect", library_dir, "--json"])
            calls["dequantize"] = Call([quantize, "dequantize", os.path.join(library_dir, "model.safetensors"),
                                        "-o", dequantized])
            try:
                expected, expected_failure = library_decompression(library_dir, modules), ""
            except Exception as error:
                expected, expected_failure = None, f"the library's decompression failed: {first_line(error)}"

        # Ours, default rule: loaded by transformers, compared with the float model.
        status, _, ours_failure = calls["ours"].result()
        if status == 0:
            evaluate(ours_dir, combination.dequantize_load, batch, reference, neighbours, what, checks, row, minimum)
        else:
            checks.record(f"{what} load", False, f"quantize failed: {ours_failure}")
            checks.record(f"{what} cosine", False, "not measured: quantize failed")

        # a. layout, ours vs library; the codes that differ under our default rule.
        if library is None or ours_failure:
            checks.record(f"{what} layout", False, library_failure or "not compared: quantize failed")
        else:
            ours = load_folder(ours_dir)
            difference = layout_difference(ours, library)
            checks.record(f"{what} layout", not difference, difference)
            counted = differing_codes(ours, library, modules, combination)
            if counted is not None:
                row.cells["codes != lib"] = f"{counted[0]} ({100.0 * counted[0] / counted[1]:.2f}%)"

        # b. byte-identical under --scale-rule compressed-tensors.
        status, _, strict_failure = calls["strict"].result()
        if library is None:
            checks.record(f"{what} identical", False, library_failure)
        elif status != 0:
            row.cells["bytes = lib"] = "no"
            checks.record(f"{what} identical", False, f"quantize --scale-rule compressed-tensors failed: {strict_failure}")
        else:
            difference = byte_difference(load_folder(strict_dir), library)
            row.cells["bytes = lib"] = "no" if difference else "yes"
            checks.record(f"{what} identical", not difference, f"under --scale-rule compressed-tensors: {difference}")

        # c. our inspect reads the library's checkpoint.
        if library is None:
            checks.record(f"{what} inspect", False, library_failure)
        else:
            problem = inspect_problem(calls["inspect"], modules, combination)
            row.cells["inspect"] = "no" if problem else "yes"
            checks.record(f"{what} inspect of the library's checkpoint", not problem, problem)

        # d. our dequantize of it equals the library's decompression.
        if library is None or expected is None:
            checks.record(f"{what} dequantize", False, library_failure or expected_failure)
        else:
            problem = dequantize_problem(calls["dequantize"], dequantized, expected)
            row.cells["dequantize"] = "no" if problem else "yes"
            checks.record(f"{what} dequantize of the library's checkpoint", not problem, problem)
    finally:
        for call in calls.values():
            call.stop()
        for folder in (ours_dir, strict_dir, library_dir):
            shutil.rmtree(folder, ignore_errors=True)
        if os.path.exists(dequantized):
            os.remove(dequantized)
    return row


def run_full_range(quantize, model_dir, work, fmt, batch, reference, neighbours, modules, checks):
    """`--symmetric-range full` at W4 group 32 (scales m / -8, negative when m > 0, codes -8..7):
    the real client loads it, its embeddings stay above the W4 group-32 threshold, our `inspect`
    reads it back (negative scales and code -8 are expected for it), and the weights the library
    decompresses (dequantize=True, code x scale) are exactly our `dequantize`'s."""
    what = f"{fmt}/sym/W4/group32/full-range"
    minimum, _ = threshold(fmt, 4, "group32")
    row = Row(fmt, "symmetric, full range", 4, "group32", "plain", minimum)
    ours_dir, dequantized = os.path.join(work, "full-range"), os.path.join(work, "full-range.safetensors")
    status, _, why = Call([quantize, model_dir, "-o", ours_dir, "--ct-format", fmt, "--bits", "4", "--group-size", "32",
                           "--symmetric-range", "full", "--report", "none"]).result()
    try:
        if status != 0:
            for check in ("load", "cosine", "inspect", "dequantize"):
                checks.record(f"{what} {check}", False, f"quantize failed: {why}")
            return row
        inspect = Call([quantize, "inspect", ours_dir, "--json"])
        dequantize = Call([quantize, "dequantize", os.path.join(ours_dir, "model.safetensors"), "-o", dequantized])
        evaluate(ours_dir, False, batch, reference, neighbours, what, checks, row, minimum)
        status, stdout, why = inspect.result()
        problem = why if status != 0 else ""
        if not problem:
            report = json.loads(stdout)
            schemes = {entry.get("scheme") for entry in report.get("tensors", []) if entry.get("scheme")}
            if report.get("quantized_tensors") != len(modules) or schemes != {"group (full range)"}:
                problem = f"{report.get('quantized_tensors')} quantized tensors with schemes {sorted(schemes)}"
        row.cells["inspect"] = "no" if problem else "yes"
        checks.record(f"{what} inspect", not problem, problem)
        problem = dequantize_problem(dequantize, dequantized, library_decompression(ours_dir, modules))
        row.cells["dequantize"] = "no" if problem else "yes"
        checks.record(f"{what} dequantize=True equals ours", not problem, problem)
    finally:
        shutil.rmtree(ours_dir, ignore_errors=True)
        if os.path.exists(dequantized):
            os.remove(dequantized)
    return row


def run_calibrated(quantize, model_dir, work, method, sentences_path, batch, reference, neighbours, checks):
    """`quantize MODEL -o OUT --bits 4 --method gptq|awq --calibration-text FIRST32` (W4 per-channel
    pack-quantized, calibrated through the transformer on the first 32 lines of
    Fixtures/eval_text/calibration.txt): the real client loads it (AWQ's folded LayerNorm weights
    and biases included) and its mean cosine to the float model is our own evaluation's of the same
    output (`quantize eval MODEL OUT --text SENTENCES`) within 1e-4: transformers runs the weights
    our evaluation runs, and reaches at least the W4 per-channel threshold."""
    what = f"pack/sym/W4/channel/{method}"
    minimum, _ = threshold("pack", 4, "channel")
    row = Row("pack", f"per-channel, {method}", 4, "channel", "plain", minimum)
    ours_dir, calibration = os.path.join(work, method), os.path.join(work, f"{method}-calibration.txt")
    with open(os.path.join(ROOT, "Fixtures", "eval_text", "calibration.txt"), encoding="utf-8") as file:
        lines = [line for line in file if line.strip()][:32]
    with open(calibration, "w", encoding="utf-8") as file:
        file.writelines(lines)
    status, _, why = Call([quantize, model_dir, "-o", ours_dir, "--bits", "4", "--method", method,
                           "--calibration-text", calibration, "--report", "none", "--quiet"]).result()
    try:
        if status != 0:
            for check in ("load", "cosine", "equals our eval"):
                checks.record(f"{what} {check}", False, f"quantize failed: {why}")
            return row
        ours_eval = Call([quantize, "eval", model_dir, ours_dir, "--text", sentences_path, "--report", "json", "--quiet"])
        loaded = evaluate(ours_dir, False, batch, reference, neighbours, what, checks, row, minimum)
        status, stdout, why = ours_eval.result()
        problem = why if status != 0 else ""
        if not problem and loaded and row.cells["mean cos"] != "-":
            ours = json.loads(stdout)["encoder"]["cosine_mean"]
            theirs = float(row.cells["mean cos"])
            if abs(ours - theirs) > 1e-4 + 5e-6:  # the table's cell is rounded to 5 digits
                problem = f"our eval's mean cosine {ours:.6f}, transformers' {theirs:.5f}"
        checks.record(f"{what} equals our eval", not problem and loaded, problem or "the model did not load")
    finally:
        shutil.rmtree(ours_dir, ignore_errors=True)
    return row


def torch_fp8_difference(output, float_model, strategy):
    """Elements of all Linear weights whose code differs from torch's own cast, and the modules
    whose scale differs from amax / 448 (float32; a zero amax gives float32's epsilon)."""
    differing, total, bad_scales = 0, 0, []
    with safe_open(os.path.join(output, "model.safetensors"), "pt") as tensors:
        for name, module in float_model.named_modules():
            if not isinstance(module, torch.nn.Linear):
                continue
            w = module.weight.data.float()
            if strategy == "block":  # 128x128 blocks, the last row and column of blocks partial (padded with zeros)
                padded = torch.nn.functional.pad(w.abs(), (0, (-w.shape[1]) % 128, 0, (-w.shape[0]) % 128))
                amax = padded.reshape(padded.shape[0] // 128, 128, padded.shape[1] // 128, 128).amax(dim=(1, 3))
            else:
                amax = w.abs().amax(dim=1, keepdim=True) if strategy == "channel" else w.abs().amax().reshape(1)
            s = amax / 448.0
            s = torch.where(s == 0, torch.tensor(torch.finfo(torch.float32).eps), s)
            full = s.repeat_interleave(128, 0).repeat_interleave(128, 1)[: w.shape[0], : w.shape[1]] if strategy == "block" else s
            codes = (w / full).clamp(-448, 448).to(torch.float8_e4m3fn).view(torch.uint8)
            differing += (tensors.get_tensor(name + ".weight").view(torch.uint8) != codes).sum().item()
            total += codes.numel()
            if not torch.equal(tensors.get_tensor(name + ".weight_scale").reshape(-1), s.reshape(-1)):
                bad_scales.append(name)
    return differing, total, bad_scales


def run_fp8(quantize, model_dir, work, strategy, float_model, batch, reference, neighbours, checks):
    """`--scheme fp8` (per tensor) or `fp8-per-channel`: load (dequantize=True), cosine, and every
    code and scale equal to torch's."""
    scheme = {"tensor": "fp8", "channel": "fp8-per-channel", "block": "fp8-block"}[strategy]
    what = f"float/FP8 E4M3/{strategy}"
    minimum, _ = threshold("float", 8, strategy)
    row = Row("float", "fp8 e4m3", 8, strategy, "dequantize=True", minimum)
    output = os.path.join(work, "fp8-" + strategy)
    status, _, why = Call([quantize, model_dir, "-o", output, "--scheme", scheme, "--report", "none"]).result()
    try:
        if status != 0:
            for check in ("load", "cosine", "torch"):
                checks.record(f"{what} {check}", False, f"quantize failed: {why}")
            return row
        evaluate(output, True, batch, reference, neighbours, what, checks, row, minimum)
        differing, total, bad_scales = torch_fp8_difference(output, float_model, strategy)
        row.cells["codes != lib"] = f"{differing} of {total} (torch)"
        checks.record(f"{what} torch", differing == 0 and not bad_scales,
                      f"{differing} of {total} codes differ from torch's cast; scales differ in {bad_scales[:3]}")
    finally:
        shutil.rmtree(output, ignore_errors=True)
    return row


def print_table(rows):
    columns = list(rows[0].cells)
    widths = [max(len(column), *(len(row.cells[column]) for row in rows)) for column in columns]
    print("  ".join(column.ljust(width) for column, width in zip(columns, widths)))
    print("  ".join("-" * width for width in widths))
    for row in rows:
        print("  ".join(row.cells[column].ljust(width) for column, width in zip(columns, widths)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("quantize", nargs="?", default=os.path.join(ROOT, ".build/debug/quantize"))
    parser.add_argument("model", nargs="?", default=os.path.join(ROOT, ".cache/all-MiniLM-L6-v2"))
    parser.add_argument("--sentences", default=os.path.join(ROOT, "Fixtures/minilm/sentences.txt"))
    parser.add_argument("--workdir", default=None, help="where the temporary folder goes (default: the system's)")
    parser.add_argument("--only", default=None, help="run only the parts whose name ('default run', 'pack/asym/W4/group32', ...) contains this")
    parser.add_argument("--timeout", type=float, default=QUANTIZE_TIMEOUT, help="seconds allowed per call of QUANTIZE")
    arguments = parser.parse_args()
    Call.default_timeout = arguments.timeout
    started = time.monotonic()
    quantize, model_dir = os.path.abspath(arguments.quantize), os.path.abspath(arguments.model)
    for path, hint in ((quantize, "build it with `swift build`"),
                       (os.path.join(model_dir, "model.safetensors"), "fetch it with `python3 Fixtures/minilm/fetch.py`")):
        if not os.path.exists(path):
            sys.exit(f"{path} not found: {hint}")

    with open(arguments.sentences, encoding="utf-8") as file:
        sentences = [line.strip() for line in file if line.strip()]
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    batch = tokenizer(sentences, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
    float_model = AutoModel.from_pretrained(model_dir, dtype=torch.float32)
    reference = embed(float_model, batch)
    neighbours = nearest_neighbours(reference)
    modules = sorted(name for name, module in float_model.named_modules() if isinstance(module, torch.nn.Linear))

    print(f"Real client: torch {torch.__version__}, transformers {transformers.__version__}, "
          f"compressed-tensors {compressed_tensors.__version__}; binary {quantize}")
    print(f"Every number below comes from the real model {model_dir} ({len(modules)} Linear modules) "
          f"and {len(sentences)} real sentences ({arguments.sentences}); nothing is synthetic.")
    print("Thresholds on the mean cosine to the float model (see the docstring):")
    for line in describe_thresholds():
        print(line)
    print("codes != lib: codes differing from the library's under our default rule (informational); "
          "bytes = lib: every tensor byte-identical to the library's under --scale-rule compressed-tensors.")
    print()

    checks = Checks()
    rows = []
    work = tempfile.mkdtemp(prefix="hf-interop-", dir=arguments.workdir)
    try:
        combinations = grid()
        jobs = [("default run", lambda: run_default(quantize, model_dir, work, float_model, batch, reference,
                                                    neighbours, modules, checks), 3)]
        jobs += [(c.name, (lambda c=c: run_combination(quantize, model_dir, work, c, float_model, batch, reference,
                                                       neighbours, modules, checks)), 6) for c in combinations]
        jobs += [(f"{fmt}/sym/W4/group32/full-range", (lambda fmt=fmt: run_full_range(
            quantize, model_dir, work, fmt, batch, reference, neighbours, modules, checks)), 4) for fmt in ("pack", "int")]
        jobs += [(f"float/FP8 E4M3/{strategy}", (lambda strategy=strategy: run_fp8(
            quantize, model_dir, work, strategy, float_model, batch, reference, neighbours, checks)), 3)
            for strategy in ("tensor", "channel", "block")]
        jobs += [(f"pack/sym/W4/channel/{method}", (lambda method=method: run_calibrated(
            quantize, model_dir, work, method, arguments.sentences, batch, reference, neighbours, checks)), 3)
            for method in ("gptq", "awq")]
        if arguments.only is not None:
            jobs = [job for job in jobs if arguments.only in job[0]]
        for index, (name, job, count) in enumerate(jobs, 1):
            began = time.monotonic()
            recorded = checks.passed + len(checks.failures)
            try:
                with quiet():
                    rows.append(job())
            except Exception as error:  # one combination's crash must not stop the others
                traceback.print_exc(file=sys.stderr)
                missing = count - (checks.passed + len(checks.failures) - recorded)
                for _ in range(max(missing, 1)):
                    checks.record(f"{name}", False, f"crashed: {type(error).__name__}: {first_line(error)}")
            print(f"[{index}/{len(jobs)}] {name}: {time.monotonic() - began:.1f} s", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    if rows:
        print_table(rows)
    print()
    for failure in checks.failures:
        print(failure)
    cpu = os.times()
    print(f"elapsed {time.monotonic() - started:.0f} s (one process, torch imported once); CPU time: "
          f"this script {cpu.user + cpu.system:.0f} s, our binary {cpu.children_user + cpu.children_system:.0f} s")
    print(f"{checks.passed} passed, {len(checks.failures)} failed")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main())
