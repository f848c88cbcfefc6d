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
Ends with `N passed, M failed`; exit 1 on any failure.
"""
import json
import os
import subprocess
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
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
    for line in failures:
        print(line)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
