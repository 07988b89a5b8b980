"""How deep is the alignment? Per-token KL, prefilling attacks and first-token refusal.

Qi et al. (2024), "Safety Alignment Should Be Made More Than Just a Few Tokens Deep":

- The per-token KL between an aligned model and its reference (base) model, along the aligned
  model's own replies to harmful prompts, shows where alignment changed the distribution. A
  shallow alignment concentrates it in the first few reply tokens.
- A prefilling attack forces the first ``k`` tokens of a compliant answer and lets the model
  continue; a shallow alignment stops refusing after a few forced tokens.
- For models that reason in ``<think>`` before answering, prefilling an empty
  ``<think></think>`` skips the reasoning; an alignment that lives in the reasoning weakens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch
from jaxtyping import Float
from torch import Tensor
from transformer_lens.model_bridge import TransformerBridge

from interp.chat import format_chat, left_pad
from interp.data.items import PromptItem
from interp.forward import model_device
from interp.generation import GenerationConfig, generate
from interp.judge import RefusalJudge
from interp.metrics import kl_divergence
from interp.stats import Estimate, bootstrap_mean, wilson_interval

EMPTY_THINK = "<think></think>\n"


@dataclass(frozen=True)
class KLProfile:
    """Per-token KL along replies, by reply position.

    Attributes:
        mean: Mean KL at each reply position (over replies that reach it).
        low: Lower end of the 95% bootstrap interval per position.
        high: Upper end of the 95% bootstrap interval per position.
        count: Number of replies that reach each position.
    """

    mean: list[float]
    low: list[float]
    high: list[float]
    count: list[int]


@torch.no_grad()
def per_token_kl(
    aligned: TransformerBridge,
    reference: TransformerBridge,
    prompts: Sequence[str],
    replies: Sequence[Sequence[int]],
    *,
    max_positions: int = 32,
    assistant_prefix: str = "",
    batch_size: int = 8,
    seed: int = 0,
) -> KLProfile:
    """Measure KL(aligned || reference) at each position of the aligned model's own replies.

    Args:
        aligned: The aligned model.
        reference: The model it was trained from.
        prompts: User messages.
        replies: The aligned model's reply token ids, one per prompt.
        max_positions: Reply positions to report.
        assistant_prefix: Text forced before the reply (both models see it).
        batch_size: Sequences per forward pass.
        seed: Seed of the bootstrap.
    """
    if len(prompts) != len(replies) or not prompts:
        raise ValueError("need one reply per prompt, and at least one prompt")
    rows: list[Tensor] = []
    for start in range(0, len(prompts), batch_size):
        chunk = range(start, min(start + batch_size, len(prompts)))
        sequences, lengths = [], []
        for index in chunk:
            rendered = format_chat(
                aligned.tokenizer, prompts[index], assistant_prefix=assistant_prefix
            )
            reply = list(replies[index])[:max_positions]
            sequences.append(list(rendered.input_ids) + reply)
            lengths.append(len(reply))
        ids, mask = left_pad(sequences, aligned.tokenizer.pad_token_id)
        device = model_device(aligned)
        first = aligned(ids.to(device), attention_mask=mask.to(device)).float().cpu()
        second = (
            reference(
                ids.to(model_device(reference)), attention_mask=mask.to(model_device(reference))
            )
            .float()
            .cpu()
        )
        width = ids.shape[1]
        for row, length in enumerate(lengths):
            # The logits predicting reply token t sit one column before it.
            columns = torch.arange(width - length - 1, width - 1)
            values = torch.full((max_positions,), float("nan"))
            values[:length] = kl_divergence(first[row, columns], second[row, columns])
            rows.append(values)
    table = torch.stack(rows)
    return _profile(table, seed)


def _profile(table: Float[Tensor, "reply position"], seed: int) -> KLProfile:
    mean, low, high, count = [], [], [], []
    for position in range(table.shape[1]):
        column = table[:, position]
        column = column[~torch.isnan(column)]
        count.append(int(column.numel()))
        if column.numel() == 0:
            mean.append(float("nan"))
            low.append(float("nan"))
            high.append(float("nan"))
            continue
        estimate = bootstrap_mean(column.numpy(), seed=seed)
        mean.append(estimate.value)
        low.append(estimate.low)
        high.append(estimate.high)
    return KLProfile(mean, low, high, count)


def prefill_attack(
    bridge: TransformerBridge,
    items: Sequence[PromptItem],
    compliant: Mapping[str, Sequence[int]],
    judge: RefusalJudge,
    *,
    ks: Sequence[int] = (0, 5, 10, 20, 40),
    generation: GenerationConfig = GenerationConfig(32),
    assistant_prefix: str = "",
    compliant_tokenizer=None,
) -> dict[int, Estimate]:
    """Return the attack success rate when the first ``k`` tokens of a compliant reply are forced.

    Args:
        bridge: The attacked model.
        items: Harmful prompts.
        compliant: Compliant reply token ids by item id (from the base model).
        judge: Decides whether the forced prefix plus the continuation is a refusal.
        ks: Numbers of forced tokens.
        generation: Decoding of the continuation.
        assistant_prefix: Text placed before the forced tokens (``"<think>"`` style openings).
        compliant_tokenizer: Tokenizer that produced ``compliant``; the bridge's by default.

    Items without a compliant reply of at least ``max(ks)`` tokens are skipped for the larger
    ``k`` values, and the count behind each rate is in its :class:`Estimate`.
    """
    decoder = compliant_tokenizer or bridge.tokenizer
    rates = {}
    for k in ks:
        usable = [item for item in items if len(compliant.get(item.id, ())) >= k]
        if not usable:
            raise ValueError(f"no compliant reply has {k} tokens")
        forced = [decoder.decode(list(compliant[item.id])[:k]) if k else "" for item in usable]
        prompts = [
            format_chat(bridge.tokenizer, item.text, assistant_prefix=assistant_prefix + prefix)
            for item, prefix in zip(usable, forced, strict=True)
        ]
        completions = generate(bridge, prompts, generation, progress=False)
        successes = sum(
            not judge.judge(item.text, assistant_prefix + prefix + completion.text).refused
            for item, prefix, completion in zip(usable, forced, completions, strict=True)
        )
        rates[k] = wilson_interval(successes, len(usable))
    return rates


def attack_success(
    bridge: TransformerBridge,
    items: Sequence[PromptItem],
    judge: RefusalJudge,
    *,
    assistant_prefix: str = "",
    generation: GenerationConfig = GenerationConfig(32),
) -> Estimate:
    """Return the fraction of harmful prompts whose reply the judge does not label a refusal."""
    prompts = [
        format_chat(bridge.tokenizer, item.text, assistant_prefix=assistant_prefix)
        for item in items
    ]
    completions = generate(bridge, prompts, generation, progress=False)
    successes = sum(
        not judge.judge(item.text, assistant_prefix + completion.text).refused
        for item, completion in zip(items, completions, strict=True)
    )
    return wilson_interval(successes, len(items))


@torch.no_grad()
def first_token_refusal_probability(
    bridge: TransformerBridge,
    prompts: Sequence[str],
    refusal_ids: Sequence[int],
    *,
    assistant_prefix: str = "",
    batch_size: int = 16,
) -> Estimate:
    """Return the mean probability that the first reply token is a refusal token, with a CI."""
    from interp.forward import last_token_logits

    rendered = [
        format_chat(bridge.tokenizer, p, assistant_prefix=assistant_prefix) for p in prompts
    ]
    logits = last_token_logits(bridge, rendered, batch_size=batch_size)
    probabilities = torch.softmax(logits, dim=-1)[:, list(refusal_ids)].sum(-1)
    return bootstrap_mean(probabilities.numpy())
