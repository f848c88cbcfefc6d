#!/usr/bin/env python3
"""The Linear-only defaults on real architectures, judged by transformers itself.

    python3 Tests/interop/hf_architectures.py QUANTIZE WORKDIR

No real decoder LLM is available offline, so this makes small models with transformers' own
model classes from random weights (torch.manual_seed(0)): Llama (untied head), Llama (tied
head), Qwen2, GPT-2 (Conv1D) and T5 (shared table, relative position buckets, tied head), saves
each with save_pretrained, runs `quantize MODEL -o OUT` with default options (W8 per-channel,
pack-quantized), loads OUT with `AutoModelForCausalLM` / `AutoModelForSeq2SeqLM` and compares
the logits on 4 x 16 random token ids with the float model's. Every number printed comes from
random weights, not from a trained model: they show that the files load and compute the same
function, not what quantization costs a real LLM.

Checks per model:
- plan:   the report quantizes exactly the Linear weights (q/k/v/o and MLP projections; T5's
          q/k/v/o/wi/wo), keeps embeddings, the output head and GPT-2's Conv1D in float and
          says why (`kept_because`);
- load:   `from_pretrained(OUT)` succeeds; models with a tied head are loaded with
          `CompressedTensorsConfig(dequantize=True)`, which transformers 5.x needs for them
          (compressed-tensors' own files of tied models fail a plain load the same way; the
          report says so);
- logits: mean cosine of the logits to the float model's >= 0.999 (8-bit per-channel weights).
Then FP8 blocks narrower than a row's length: the untied Llama with `--scheme fp8-block` (128x128)
has rows of 64 (q/k/v/o, gate/up) and 128 (down), so most weights end in a partial block of
columns (one 64-wide block). Checked: the report's note names them; every code and scale equals
torch's cast with compressed-tensors' rule (pad to whole blocks with zeros, s = amax / 448, codes
`(w / s).clamp(-448, 448).to(float8_e4m3fn)`, cut back), scales `[ceil(out/128), ceil(in/128)]`;
transformers loads the folder (dequantize=True) and its logits' mean cosine to float is >= 0.99
(E4M3's 3 mantissa bits: about 31 dB per weight).
Ends with `N passed, M failed`; exit 1 on any failure.
"""
import json
import os
import subprocess
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
from compressed_tensors.quantization.utils import maybe_pad_tensor_for_block_quant  # noqa: E402
from safetensors import safe_open  # noqa: E402
from transformers import (AutoModelForCausalLM, AutoModelForSeq2SeqLM, GPT2Config, GPT2LMHeadModel,  # noqa: E402
                          LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM, T5Config,
                          T5ForConditionalGeneration)
from transformers.utils import logging  # noqa: E402
from transformers.utils.quantization_config import CompressedTensorsConfig  # noqa: E402

logging.set_verbosity_error()
COSINE = 0.999


def models():
    """(name, model, loader class, tied head, expected quantized names' suffixes)."""
    llama = dict(vocab_size=256, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                 num_key_value_heads=2)
    decoder = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    return [
        ("llama", lambda: LlamaForCausalLM(LlamaConfig(tie_word_embeddings=False, **llama)), AutoModelForCausalLM, False,
         decoder),
        ("llama-tied", lambda: LlamaForCausalLM(LlamaConfig(tie_word_embeddings=True, **llama)), AutoModelForCausalLM,
         True, decoder),
        ("qwen2", lambda: Qwen2ForCausalLM(Qwen2Config(tie_word_embeddings=False, **llama)), AutoModelForCausalLM, False,
         decoder),
        ("gpt2", lambda: GPT2LMHeadModel(GPT2Config(vocab_size=256, n_embd=64, n_layer=2, n_head=4, n_positions=64)),
         AutoModelForCausalLM, True, []),
        ("t5", lambda: T5ForConditionalGeneration(T5Config(vocab_size=256, d_model=64, d_kv=16, d_ff=128, num_layers=2,
                                                           num_heads=4)),
         AutoModelForSeq2SeqLM, True, ["q", "k", "v", "o", "wi", "wo"]),
    ]


def logits(model, ids, seq2seq):
    with torch.no_grad():
        extra = {"decoder_input_ids": ids} if seq2seq else {}
        return model(input_ids=ids, **extra).logits.flatten(0, 1)


def torch_block_codes(w, block=128):
    """compressed-tensors' block rule for one weight: pad to whole blocks with zeros, one scale
    amax / 448 per block (float32's epsilon for a zero block), torch's cast, cut back."""
    padded = maybe_pad_tensor_for_block_quant(w.abs(), (block, block))
    amax = padded.reshape(padded.shape[0] // block, block, padded.shape[1] // block, block).amax(dim=(1, 3))
    s = amax / 448.0
    s = torch.where(s == 0, torch.tensor(torch.finfo(torch.float32).eps), s)
    full = s.repeat_interleave(block, 0).repeat_interleave(block, 1)[: w.shape[0], : w.shape[1]]
    return (w / full).clamp(-448, 448).to(torch.float8_e4m3fn).view(torch.uint8), s


def fp8_partial_blocks(quantize, work, ids, check):
    """The untied Llama as fp8-block 128x128: rows of 64 end in a partial block of columns."""
    name, build, loader, _, _ = models()[0]
    torch.manual_seed(0)
    float_dir, out_dir = os.path.join(work, name), os.path.join(work, name + "-fp8-block")
    model = build().eval()
    run = subprocess.run([quantize, float_dir, "-o", out_dir, "--scheme", "fp8-block"], capture_output=True, text=True,
                         timeout=300)
    check("fp8-block quantize", run.returncode == 0, run.stderr.strip())
    if run.returncode != 0:
        return
    check("fp8-block note", "the last block of columns is partial" in run.stdout and "q_proj.weight (64, 64)" in run.stdout,
          run.stdout[-400:])
    differing, total, bad = 0, 0, []
    with safe_open(os.path.join(out_dir, "model.safetensors"), "pt") as tensors:
        for module_name, module in model.named_modules():
            if not isinstance(module, torch.nn.Linear) or module_name == "lm_head":
                continue
            codes, scales = torch_block_codes(module.weight.data.float())
            differing += (tensors.get_tensor(module_name + ".weight").view(torch.uint8) != codes).sum().item()
            total += codes.numel()
            if not torch.equal(tensors.get_tensor(module_name + ".weight_scale"), scales):
                bad.append(module_name)
    check("fp8-block codes", differing == 0 and not bad and total > 0,
          f"{differing} of {total} codes differ from torch's; scales differ in {bad[:3]}")
    try:
        options = {"quantization_config": CompressedTensorsConfig(run_compressed=False, dequantize=True)}
        restored = loader.from_pretrained(out_dir, **options).eval()
    except Exception as error:  # the real client's verdict, whatever it raises
        check("fp8-block load", False, f"{type(error).__name__}: {str(error).splitlines()[0][:200]}")
        return
    cosine = torch.nn.functional.cosine_similarity(logits(model, ids, False), logits(restored, ids, False), dim=-1)
    check("fp8-block logits", cosine.mean().item() >= 0.99, f"mean cosine {cosine.mean():.6f} < 0.99")
    print(f"fp8-block 128x128 on {name} (rows of 64 and 128): {total - differing} of {total} codes equal torch's, "
          f"loaded with dequantize=True, logit cosine mean {cosine.mean():.6f} min {cosine.min():.6f}")


def main():
    quantize, work = os.path.abspath(sys.argv[1]), sys.argv[2]
    passed, failures = 0, []

    def check(what, ok, why=""):
        nonlocal passed
        if ok:
            passed += 1
        else:
            failures.append(f"FAIL {what}: {why}")

    torch.manual_seed(0)
    ids = torch.randint(0, 256, (4, 16))
    print("Random-weight models (torch.manual_seed(0)); numbers show loading and agreement, not LLM accuracy.")
    print(f"{'model':<11} {'quantized':>9} {'kept in float (why)':<58} {'loaded':<16} {'logit cos':>9} {'min':>8}")
    for name, build, loader, tied, linear in models():
        torch.manual_seed(0)
        float_dir, out_dir = os.path.join(work, name), os.path.join(work, name + "-w8")
        model = build().eval()
        model.save_pretrained(float_dir)
        run = subprocess.run([quantize, float_dir, "-o", out_dir, "--report", "json"], capture_output=True, text=True,
                             timeout=300)
        check(f"{name} quantize", run.returncode == 0, run.stderr.strip())
        if run.returncode != 0:
            continue
        report = json.loads(run.stdout)["shards"][0]
        quantized = [t["name"] for t in report["tensors"] if t["scheme"] != "none"]
        kept = {t["name"]: t["kept_because"] for t in report["tensors"] if t.get("kept_because")}
        modules = {n.rsplit(".", 2)[-2] for n in quantized}
        check(f"{name} plan", modules == set(linear) and all(n.endswith(".weight") for n in quantized),
              f"quantized {sorted(modules)}, expected {sorted(linear)}")
        loaded = "dequantize=True" if tied else "plain"
        try:
            options = {"quantization_config": CompressedTensorsConfig(run_compressed=False, dequantize=True)} if tied else {}
            restored = loader.from_pretrained(out_dir, **options).eval()
            check(f"{name} load", True)
        except Exception as error:  # the real client's verdict, whatever it raises
            check(f"{name} load", False, f"{type(error).__name__}: {str(error).splitlines()[0][:200]}")
            continue
        seq2seq = loader is AutoModelForSeq2SeqLM
        cosine = torch.nn.functional.cosine_similarity(logits(model, ids, seq2seq), logits(restored, ids, seq2seq), dim=-1)
        check(f"{name} logits", cosine.mean().item() >= COSINE, f"mean cosine {cosine.mean():.6f} < {COSINE}")
        why = sorted({reason for reason in kept.values()})
        print(f"{name:<11} {len(quantized):>9} {'; '.join(why)[:58]:<58} {loaded:<16} {cosine.mean():>9.6f} {cosine.min():>8.6f}")
    fp8_partial_blocks(quantize, work, ids, check)
    for line in failures:
        print(line)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
