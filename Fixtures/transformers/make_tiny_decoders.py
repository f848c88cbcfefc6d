#!/usr/bin/env python3
"""Tiny random Llama-family decoders and what transformers computes on them, for the Swift
forward pass's parity tests (Tests/QuantKitTests/Transformer/).

    python3 Fixtures/transformers/make_tiny_decoders.py

Needs torch and transformers (5.x; made with torch 2.13.0+cpu, transformers 5.24.0). Every
model has hidden size 64, 2 layers, 4 attention heads over 2 key/value heads (head_dim 16),
intermediate size 172 and a vocabulary of 512, random weights from a fixed seed (the numbers
these fixtures give are from random weights, not a trained model):

- llama/:   LlamaForCausalLM, untied head, rope_type llama3 (factor 8, low 1, high 4, original
            context 256: the 8 frequencies fall in all three bands), saved in bfloat16;
- qwen2/:   Qwen2ForCausalLM, q/k/v biases, tied embeddings, default rope with rope_theta 50000,
            saved in float32;
- mistral/: MistralForCausalLM, sliding_window 32 (longer than the test sequences), untied
            head, saved in bfloat16.

Each folder gets, beside the `save_pretrained` files, for one batch of two sequences of 11 and
7 tokens padded on the right with id 0 (attention_mask marks the real tokens):
input_ids.npy (int32 [2, 11]), lengths.npy (int32 [2]), hidden_before_norm.npy (the last
decoder layer's output, before the final RMSNorm), hidden_after_norm.npy (after it: this is
what transformers returns as `last_hidden_state`), logits.npy ([2, 11, 512]) and inv_freq.npy
(the rotary embedding's float32 inverse frequencies); all float32. Positions past a sequence's
length are padding and carry no meaning. The reference runs in float32 (a bfloat16 folder is
loaded upcast, exactly) with eager attention.

mistral/window5_hidden_after_norm.npy is the same batch run with sliding_window set to 5, so
that the sliding-window mask is exercised.
"""
import os

import numpy as np
import torch
from transformers import (LlamaConfig, LlamaForCausalLM, MistralConfig, MistralForCausalLM, Qwen2Config,
                          Qwen2ForCausalLM)

HERE = os.path.dirname(os.path.abspath(__file__))
COMMON = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
              intermediate_size=172, vocab_size=512, max_position_embeddings=1024, rms_norm_eps=1e-6,
              bos_token_id=1, eos_token_id=2, pad_token_id=0)
LENGTHS = [11, 7]


def models():
    yield "llama", torch.bfloat16, LlamaForCausalLM(LlamaConfig(
        **COMMON, tie_word_embeddings=False,
        rope_parameters=dict(rope_type="llama3", rope_theta=10000.0, factor=8.0, low_freq_factor=1.0,
                             high_freq_factor=4.0, original_max_position_embeddings=256)))
    yield "qwen2", torch.float32, Qwen2ForCausalLM(Qwen2Config(
        **COMMON, tie_word_embeddings=True, rope_parameters=dict(rope_type="default", rope_theta=50000.0)))
    yield "mistral", torch.bfloat16, MistralForCausalLM(MistralConfig(
        **COMMON, tie_word_embeddings=False, sliding_window=32,
        rope_parameters=dict(rope_type="default", rope_theta=10000.0)))


def batch():
    generator = np.random.default_rng(16)
    ids = np.zeros((len(LENGTHS), max(LENGTHS)), dtype=np.int32)
    mask = np.zeros_like(ids)
    for row, length in enumerate(LENGTHS):
        ids[row, :length] = generator.integers(3, 512, size=length)
        mask[row, :length] = 1
    return ids, mask


def run(model, ids, mask):
    captured = {}
    hook = model.model.norm.register_forward_hook(lambda module, args, output: captured.update(before=args[0]))
    with torch.no_grad():
        out = model(input_ids=torch.tensor(ids, dtype=torch.long), attention_mask=torch.tensor(mask),
                    output_hidden_states=False)
        after = model.model(input_ids=torch.tensor(ids, dtype=torch.long), attention_mask=torch.tensor(mask)).last_hidden_state
    hook.remove()
    return captured["before"].numpy(), after.numpy(), out.logits.numpy()


def reload(model_class, folder):
    """The saved model read back in float32 (bfloat16 widens exactly), with eager attention."""
    return model_class.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager").eval()


def main():
    ids, mask = batch()
    for seed, (name, dtype, model) in enumerate(models()):
        torch.manual_seed(seed)
        with torch.no_grad():
            for parameter in model.parameters():
                parameter.normal_(0, 0.2 if parameter.dim() > 1 else 0.05)
                if parameter.dim() == 1 and parameter.shape[0] == 64:
                    parameter.add_(1.0)  # norm weights around 1 (and qwen2's q_proj bias, 64 wide too)
        folder = os.path.join(HERE, name)
        model.to(dtype).save_pretrained(folder, safe_serialization=True)
        model = reload(type(model), folder)
        before, after, logits = run(model, ids, mask)
        np.save(os.path.join(folder, "input_ids.npy"), ids)
        np.save(os.path.join(folder, "lengths.npy"), np.array(LENGTHS, dtype=np.int32))
        np.save(os.path.join(folder, "hidden_before_norm.npy"), before.astype(np.float32))
        np.save(os.path.join(folder, "hidden_after_norm.npy"), after.astype(np.float32))
        np.save(os.path.join(folder, "logits.npy"), logits.astype(np.float32))
        np.save(os.path.join(folder, "inv_freq.npy"), model.model.rotary_emb.inv_freq.numpy().astype(np.float32))
        if name == "mistral":
            model.config.sliding_window = 5  # read by the mask at every forward
            _, after5, _ = run(model, ids, mask)
            np.save(os.path.join(folder, "window5_hidden_after_norm.npy"), after5.astype(np.float32))
        generation_config = os.path.join(folder, "generation_config.json")  # not read by the forward pass
        if os.path.exists(generation_config):
            os.remove(generation_config)
        print(name, "max|hidden|", float(np.abs(after).max()), "max|logits|", float(np.abs(logits).max()))


if __name__ == "__main__":
    main()
