"""Reasoning-head ablation with controls: does refusal depend on the heads that reason?

Hu et al. (2026), section 3, select the heads whose outputs best predict reasoning
correctness among the first third of the layers, zero their Q, K and V weights, and find that
reasoning accuracy drops while refusal does not. This module runs that experiment with the
controls the original lacked:

- heads are selected on a training split and every measurement uses held-out data;
- random heads, matched in number and layer range, over several seeds;
- the top alignment-probe heads;
- mean-ablation of head outputs next to zeroing.

Zeroing a head's Q, K and V weights makes its output exactly zero (``softmax(0) @ 0``), in a
model without biases. Under grouped-query attention the key and value weights are shared by
several query heads, so the intervention here zeroes the selected query head's output ``z``,
which is what zeroing its own Q, K and V weights would do without sharing.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from jaxtyping import Float
from torch import Tensor
from transformer_lens.model_bridge import TransformerBridge

from interp.chat import ChatPrompt, format_chat, left_pad
from interp.data.items import PromptItem, ReasoningItem
from interp.forward import (
    Hook,
    batch_tokens,
    batches,
    last_token_logits,
    model_device,
    read_activations,
)
from interp.generation import GenerationConfig, generate
from interp.judge import RefusalJudge
from interp.metrics import refusal_score
from interp.probes import LinearProbes, ProbeFeatures, probe_features
from interp.stats import Estimate, bootstrap_mean, wilson_interval

logger = logging.getLogger(__name__)

Head = tuple[int, int]


def top_heads(
    accuracy: Float[Tensor, "layer head"], *, max_layer: int, fraction: float
) -> list[Head]:
    """Return the top ``fraction`` of heads by accuracy among layers below ``max_layer``.

    At least one head is returned. Ties are broken by layer, then head.
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    n_heads = accuracy.shape[1]
    candidates = [
        (float(accuracy[layer, head]), layer, head)
        for layer in range(max_layer)
        for head in range(n_heads)
    ]
    count = max(1, math.ceil(fraction * len(candidates)))
    ranked = sorted(candidates, key=lambda c: (-c[0], c[1], c[2]))
    return sorted((layer, head) for _, layer, head in ranked[:count])


def random_heads(n_heads: int, *, max_layer: int, count: int, seed: int) -> list[Head]:
    """Return ``count`` heads drawn without replacement from the layers below ``max_layer``."""
    rng = np.random.default_rng(seed)
    flat = rng.choice(max_layer * n_heads, size=count, replace=False)
    return sorted((int(i) // n_heads, int(i) % n_heads) for i in flat)


def zero_hooks(heads: Sequence[Head]) -> list[Hook]:
    """Return hooks that set the outputs ``z`` of the given heads to zero."""
    return [
        (f"blocks.{layer}.attn.hook_z", _set_heads(_heads_in(heads, layer), None))
        for layer in sorted({owner for owner, _ in heads})
    ]


def mean_hooks(heads: Sequence[Head], means: Float[Tensor, "layer head d_head"]) -> list[Hook]:
    """Return hooks that replace the outputs of the given heads by their mean output."""
    return [
        (f"blocks.{layer}.attn.hook_z", _set_heads(_heads_in(heads, layer), means[layer]))
        for layer in sorted({owner for owner, _ in heads})
    ]


def _per_head(bridge: TransformerBridge) -> Callable[[Tensor], Tensor]:
    """Return a function that views ``z`` as ``[batch pos head d_head]`` in float64 on the CPU."""
    return lambda z: z.view(*z.shape[:2], bridge.cfg.n_heads, -1).double().cpu()


def _heads_in(heads: Sequence[Head], layer: int) -> list[int]:
    return [head for owner, head in heads if owner == layer]


def _set_heads(heads: list[int], values: Tensor | None) -> Callable[..., Tensor]:
    def hook(activation: Tensor, hook) -> Tensor:
        patched = activation.clone()
        shaped = (
            patched.view(*patched.shape[:2], -1, patched.shape[-1])
            if patched.dim() == 3
            else patched
        )
        for head in heads:
            if values is None:
                shaped[:, :, head] = 0.0
            else:
                shaped[:, :, head] = values[head].to(patched.dtype)
        return patched

    return hook


@torch.no_grad()
def mean_head_outputs(
    bridge: TransformerBridge, prompts: Sequence[ChatPrompt], *, batch_size: int = 16
) -> Float[Tensor, "layer head d_head"]:
    """Return each head's output ``z`` averaged over every real token of the prompts."""
    total = torch.zeros(
        bridge.cfg.n_layers, bridge.cfg.n_heads, bridge.cfg.d_head, dtype=torch.float64
    )
    count = 0
    names = [f"blocks.{layer}.attn.hook_z" for layer in range(bridge.cfg.n_layers)]
    for _, chunk in batches(prompts, batch_size):
        input_ids, attention_mask = batch_tokens(bridge, chunk)
        real = attention_mask.bool().cpu()
        read, _ = read_activations(bridge, input_ids, attention_mask, names, _per_head(bridge))
        read = {name: z[real].sum(0) for name, z in read.items()}
        total += torch.stack([read[name] for name in names])
        count += int(real.sum())
    return (total / count).float()


@torch.no_grad()
def answer_logprobs(
    bridge: TransformerBridge,
    items: Sequence[ReasoningItem],
    *,
    hooks: Sequence[Hook] = (),
    batch_size: int = 16,
) -> tuple[Float[Tensor, " item"], Float[Tensor, " item"]]:
    """Return the mean per-token log-probability of the correct and of the wrong answer.

    The question is the user message and the answer is scored as the start of the reply.
    """
    tokenizer = bridge.tokenizer
    sequences, spans = [], []
    for item in items:
        prompt = format_chat(tokenizer, item.question)
        for answer in (item.correct, item.wrong):
            answer_ids = tokenizer.encode(answer, add_special_tokens=False)
            sequences.append(list(prompt.input_ids) + answer_ids)
            spans.append(len(answer_ids))
    scores = []
    for start in range(0, len(sequences), batch_size):
        chunk = sequences[start : start + batch_size]
        ids, mask = left_pad(chunk, tokenizer.pad_token_id)
        device = model_device(bridge)
        with bridge.hooks(fwd_hooks=list(hooks)):
            logits = bridge(ids.to(device), attention_mask=mask.to(device)).float().cpu()
        log_probs = torch.log_softmax(logits[:, :-1], dim=-1)
        targets = ids[:, 1:]
        picked = log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        for row, length in enumerate(spans[start : start + batch_size]):
            scores.append(picked[row, -length:].mean())
    paired = torch.stack(scores).view(-1, 2)
    return paired[:, 0], paired[:, 1]


@dataclass(frozen=True)
class InterventionOutcome:
    """Measurements under one intervention.

    Attributes:
        name: Intervention label, such as ``"reasoning/zero"`` or ``"random/zero/seed=2"``.
        heads: The ablated heads.
        reasoning_accuracy: Fraction of held-out items whose correct answer is more likely.
        refusal_rate: Fraction of held-out harmful prompts refused (judge).
        refusal_score: Mean refusal logit score on those prompts.
        over_refusal: Fraction of held-out benign prompts refused.
        alignment_probe_accuracy: Held-out accuracy of the alignment head probes, averaged
            over the heads of the selection layer range, read under the intervention.
        reasoning_probe_accuracy: The same for the reasoning probes.
    """

    name: str
    heads: list[Head]
    reasoning_accuracy: Estimate
    refusal_rate: Estimate
    refusal_score: Estimate
    over_refusal: Estimate
    alignment_probe_accuracy: float
    reasoning_probe_accuracy: float

    def as_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {
            "name": self.name,
            "heads": [list(h) for h in self.heads],
            "reasoning_accuracy": self.reasoning_accuracy.as_dict(),
            "refusal_rate": self.refusal_rate.as_dict(),
            "refusal_score": self.refusal_score.as_dict(),
            "over_refusal": self.over_refusal.as_dict(),
            "alignment_probe_accuracy": self.alignment_probe_accuracy,
            "reasoning_probe_accuracy": self.reasoning_probe_accuracy,
        }


@dataclass(frozen=True)
class EvaluationSet:
    """Held-out data every intervention is measured on.

    Attributes:
        reasoning: Reasoning items for the accuracy metric.
        harmful: Harmful prompts for the refusal rate and score.
        benign: Benign prompts for the over-refusal rate.
        alignment_prompts: Probe test prompts of the alignment task.
        alignment_labels: Their labels.
        reasoning_prompts: Probe test prompts of the reasoning task.
        reasoning_labels: Their labels.
    """

    reasoning: Sequence[ReasoningItem]
    harmful: Sequence[PromptItem]
    benign: Sequence[PromptItem]
    alignment_prompts: Sequence[ChatPrompt]
    alignment_labels: Tensor
    reasoning_prompts: Sequence[ChatPrompt]
    reasoning_labels: Tensor


def measure(
    bridge: TransformerBridge,
    name: str,
    heads: Sequence[Head],
    hooks: Sequence[Hook],
    data: EvaluationSet,
    probes: tuple[LinearProbes, LinearProbes],
    judge: RefusalJudge,
    refusal_ids: Sequence[int],
    *,
    max_layer: int,
    generation: GenerationConfig,
    assistant_prefix: str = "",
    seed: int = 0,
) -> InterventionOutcome:
    """Measure reasoning, refusal, over-refusal and probe accuracy under ``hooks``."""
    correct, wrong = answer_logprobs(bridge, data.reasoning, hooks=hooks)
    wins = (correct > wrong).float().numpy()
    flags = _refusals(
        bridge, list(data.harmful) + list(data.benign), judge, hooks, generation, assistant_prefix
    )
    refused, over = flags[: len(data.harmful)], flags[len(data.harmful) :]
    prompts = [
        format_chat(bridge.tokenizer, item.text, assistant_prefix=assistant_prefix)
        for item in data.harmful
    ]
    scores = refusal_score(last_token_logits(bridge, prompts, hooks=hooks), refusal_ids)
    alignment_probes, reasoning_probes = probes
    return InterventionOutcome(
        name=name,
        heads=list(heads),
        reasoning_accuracy=bootstrap_mean(wins, seed=seed),
        refusal_rate=wilson_interval(sum(refused), len(refused)),
        refusal_score=bootstrap_mean(scores.numpy(), seed=seed),
        over_refusal=wilson_interval(sum(over), len(over)),
        alignment_probe_accuracy=_probe_accuracy(
            bridge,
            alignment_probes,
            data.alignment_prompts,
            data.alignment_labels,
            hooks,
            max_layer,
        ),
        reasoning_probe_accuracy=_probe_accuracy(
            bridge,
            reasoning_probes,
            data.reasoning_prompts,
            data.reasoning_labels,
            hooks,
            max_layer,
        ),
    )


def _refusals(bridge, items, judge, hooks, generation, assistant_prefix) -> list[bool]:
    prompts = [
        format_chat(bridge.tokenizer, item.text, assistant_prefix=assistant_prefix)
        for item in items
    ]
    with bridge.hooks(fwd_hooks=list(hooks)):
        completions = generate(bridge, prompts, generation, progress=False)
    return [
        judge.judge(item.text, assistant_prefix + completion.text).refused
        for item, completion in zip(items, completions, strict=True)
    ]


def _probe_accuracy(bridge, probe: LinearProbes, prompts, labels, hooks, max_layer) -> float:
    features: ProbeFeatures = probe_features(bridge, prompts, hooks=hooks)
    heads = features.heads
    flat = heads.reshape(heads.shape[0], heads.shape[1] * heads.shape[2], heads.shape[3])
    accuracy = probe.accuracy(flat, labels).view(heads.shape[1], heads.shape[2])
    return float(accuracy[:max_layer].mean())
