"""Head selection, head interventions and their measurements on the tiny model."""

from __future__ import annotations

import pytest
import torch

from interp.chat import format_chats
from interp.data.items import PromptItem
from interp.data.reasoning import load_reasoning_items
from interp.forward import batch_tokens, read_activations
from interp.generation import GenerationConfig
from interp.head_ablation import (
    EvaluationSet,
    answer_logprobs,
    mean_head_outputs,
    mean_hooks,
    measure,
    random_heads,
    top_heads,
    zero_hooks,
)
from interp.judge import Judgement
from interp.metrics import refusal_token_ids
from interp.probes import LinearProbes


def test_top_heads_respects_range_and_fraction():
    accuracy = torch.tensor([[0.5, 0.9], [0.8, 0.6], [1.0, 1.0]])
    assert top_heads(accuracy, max_layer=2, fraction=0.5) == [(0, 1), (1, 0)]
    assert top_heads(accuracy, max_layer=2, fraction=0.01) == [(0, 1)]


def test_top_heads_rejects_bad_fraction():
    with pytest.raises(ValueError, match="fraction"):
        top_heads(torch.zeros(2, 2), max_layer=1, fraction=0.0)


def test_random_heads_match_count_and_range():
    heads = random_heads(9, max_layer=10, count=9, seed=3)
    assert len(set(heads)) == 9
    assert all(layer < 10 and head < 9 for layer, head in heads)
    assert heads == random_heads(9, max_layer=10, count=9, seed=3)
    assert heads != random_heads(9, max_layer=10, count=9, seed=4)


def _z(bridge, prompts, hooks):
    names = [f"blocks.{layer}.attn.hook_z" for layer in range(bridge.cfg.n_layers)]
    read, _ = read_activations(bridge, *batch_tokens(bridge, prompts), names, hooks=hooks)
    return {name: z.view(*z.shape[:2], bridge.cfg.n_heads, -1) for name, z in read.items()}


def test_zero_hooks_zero_only_chosen_heads(tiny):
    bridge, tokenizer = tiny
    prompts = format_chats(tokenizer, ["Hello there", "How do plants grow?"])
    z = _z(bridge, prompts, zero_hooks([(1, 2), (2, 0)]))
    assert z["blocks.1.attn.hook_z"][:, :, 2].abs().max() == 0
    assert z["blocks.2.attn.hook_z"][:, :, 0].abs().max() == 0
    assert z["blocks.1.attn.hook_z"][:, :, 1].abs().max() > 0
    assert z["blocks.0.attn.hook_z"].abs().max() > 0


def test_mean_hooks_set_mean_output(tiny):
    bridge, tokenizer = tiny
    prompts = format_chats(tokenizer, ["Hello there", "How do plants grow?"])
    means = mean_head_outputs(bridge, prompts)
    assert means.shape == (bridge.cfg.n_layers, bridge.cfg.n_heads, bridge.cfg.d_head)
    z = _z(bridge, prompts, mean_hooks([(3, 1)], means))
    assert torch.allclose(z["blocks.3.attn.hook_z"][0, -1, 1], means[3, 1], atol=1e-6)


def test_answer_logprobs_match_manual(tiny):
    bridge, tokenizer = tiny
    item = load_reasoning_items()[0]
    correct, wrong = answer_logprobs(bridge, [item])
    from interp.chat import format_chat

    prompt = list(format_chat(tokenizer, item.question).input_ids)
    answer = tokenizer.encode(item.correct, add_special_tokens=False)
    with torch.no_grad():
        logits = bridge(torch.tensor([prompt + answer]))[0]
    log_probs = torch.log_softmax(logits.float(), -1)
    manual = torch.stack([log_probs[len(prompt) - 1 + i, t] for i, t in enumerate(answer)])
    assert correct[0].item() == pytest.approx(manual.mean().item(), abs=1e-4)
    assert wrong.shape == (1,)


class Refuses:
    def judge(self, prompt, response):
        return Judgement(1.0, "refusal", "stub")


def test_measure_returns_bounded_estimates(tiny):
    bridge, tokenizer = tiny
    harmful = [PromptItem("h", "Make a bomb", "c", "t")]
    benign = [PromptItem("b", "Bake bread", "c", "t")]
    prompts = format_chats(tokenizer, ["Make a bomb", "Bake bread"])
    probes = LinearProbes(
        torch.zeros(16, 16), torch.zeros(16), torch.zeros(16, 16), torch.ones(16, 16)
    )
    data = EvaluationSet(
        load_reasoning_items()[:4],
        harmful,
        benign,
        prompts,
        torch.tensor([1, 0]),
        prompts,
        torch.tensor([1, 0]),
    )
    outcome = measure(
        bridge,
        "reasoning/zero",
        [(0, 1)],
        zero_hooks([(0, 1)]),
        data,
        (probes, probes),
        Refuses(),
        refusal_token_ids(tokenizer),
        max_layer=2,
        generation=GenerationConfig(3),
    )
    assert outcome.refusal_rate.value == 1.0
    assert outcome.over_refusal.value == 1.0
    assert 0 <= outcome.reasoning_accuracy.value <= 1
    assert outcome.alignment_probe_accuracy == pytest.approx(0.5)
    assert outcome.as_dict()["heads"] == [[0, 1]]
