"""Refusal directions: difference-in-means candidates and their selection.

Following Arditi et al. (2024), "Refusal in Language Models Is Mediated by a Single Direction":

1. Candidates. For each layer ``l`` and each post-instruction position ``p``, the candidate is
   the mean residual stream entering block ``l`` at ``p`` over harmful prompts minus the mean
   over harmless prompts. Means are accumulated in float64 on a training split.
2. Selection, on a validation split. For each candidate outside the last 20% of layers:
   *bypass* is the mean refusal score on harmful prompts under directional ablation (lower is
   better), *induce* is the mean refusal score on harmless prompts with the candidate added at
   its own layer (must be positive), and *KL* is the divergence of the next-token distribution
   on harmless prompts under ablation (must stay below 0.1). The candidate with the lowest
   bypass among those passing both filters is selected.

Candidates are ranked by bypass first, and induce and KL are evaluated in that order until one
passes, which selects the same candidate as evaluating every one (``evaluate_all=True`` fills
the whole table).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import torch
from jaxtyping import Float
from torch import Tensor
from tqdm.auto import tqdm
from transformer_lens.model_bridge import TransformerBridge

from interp.chat import ChatPrompt, format_chat, left_pad
from interp.data.items import PromptItem
from interp.forward import (
    Hook,
    batch_tokens,
    batches,
    last_token_logits,
    model_device,
    read_activations,
)
from interp.generation import GenerationConfig, generate
from interp.interventions import ablation_hooks, addition_hooks, unit
from interp.judge import RefusalJudge
from interp.metrics import kl_divergence, refusal_score
from interp.stats import Estimate, wilson_interval

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DirectionCandidates:
    """Difference-in-means candidates over layers and post-instruction positions.

    Attributes:
        directions: ``harmful mean - harmless mean`` per layer and position, float64.
        harmful_mean: Mean residual stream of the harmful prompts, float64.
        harmless_mean: Mean residual stream of the harmless prompts, float64.
        offsets: Position of each column, counted from the end (``-1`` is the last token).
        n_harmful: Number of harmful prompts averaged.
        n_harmless: Number of harmless prompts averaged.
    """

    directions: Float[Tensor, "layer position d_model"]
    harmful_mean: Float[Tensor, "layer position d_model"]
    harmless_mean: Float[Tensor, "layer position d_model"]
    offsets: list[int]
    n_harmful: int
    n_harmless: int

    def get(self, layer: int, offset: int) -> Float[Tensor, " d_model"]:
        """Return the candidate at ``layer`` and position ``offset`` (from the end)."""
        return self.directions[layer, self.offsets.index(offset)]


@dataclass(frozen=True)
class CandidateScore:
    """Selection scores of one candidate.

    Attributes:
        layer: Block whose input the candidate was measured at.
        offset: Position counted from the end.
        bypass: Mean refusal score on harmful prompts under ablation.
        induce: Mean refusal score on harmless prompts with the candidate added; None if not
            evaluated.
        kl: Mean KL on harmless prompts under ablation; None if not evaluated.
        passed: Whether induce and KL pass their filters (None if not evaluated).
    """

    layer: int
    offset: int
    bypass: float
    induce: float | None = None
    kl: float | None = None
    passed: bool | None = None


@dataclass(frozen=True)
class DirectionSelection:
    """The selected direction and the table behind the choice.

    Attributes:
        layer: Layer of the selected candidate.
        offset: Position of the selected candidate, from the end.
        direction: The selected difference-in-means vector (not normalised).
        scores: Every scored candidate, in the order of their bypass score.
        baseline_harmful: Mean refusal score on harmful validation prompts, no intervention.
        baseline_harmless: Mean refusal score on harmless validation prompts.
        passed_filters: False when no candidate passed the filters and the best bypass with
            the lowest KL was taken instead.
    """

    layer: int
    offset: int
    direction: Float[Tensor, " d_model"]
    scores: list[CandidateScore]
    baseline_harmful: float
    baseline_harmless: float
    passed_filters: bool

    def table(self) -> list[dict]:
        """Return the score table as JSON-ready dicts."""
        return [asdict(score) for score in self.scores]


@torch.no_grad()
def candidate_directions(
    bridge: TransformerBridge,
    harmful: Sequence[ChatPrompt],
    harmless: Sequence[ChatPrompt],
    *,
    batch_size: int = 16,
    progress: bool = False,
) -> DirectionCandidates:
    """Compute difference-in-means candidates at every layer and post-instruction position.

    Raises:
        ValueError: a set is empty, or the prompts disagree on their post-instruction count.
    """
    if not harmful or not harmless:
        raise ValueError("need harmful and harmless prompts")
    counts = {len(p) - p.instruction_end for p in list(harmful) + list(harmless)}
    if len(counts) != 1 or min(counts) < 1:
        raise ValueError(f"prompts must share one post-instruction length, got {sorted(counts)}")
    n = counts.pop()
    harmful_sum = _residual_sum(bridge, harmful, n, batch_size, progress)
    harmless_sum = _residual_sum(bridge, harmless, n, batch_size, progress)
    harmful_mean = harmful_sum / len(harmful)
    harmless_mean = harmless_sum / len(harmless)
    return DirectionCandidates(
        harmful_mean - harmless_mean,
        harmful_mean,
        harmless_mean,
        list(range(-n, 0)),
        len(harmful),
        len(harmless),
    )


def _residual_sum(bridge, prompts, n, batch_size, progress) -> Tensor:
    total = torch.zeros(bridge.cfg.n_layers, n, bridge.cfg.d_model, dtype=torch.float64)
    names = _resid_pre_names(bridge)
    for _, chunk in batches(prompts, batch_size, progress=progress, description="means"):
        read, _ = read_activations(
            bridge,
            *batch_tokens(bridge, chunk),
            names,
            lambda activation: activation[:, -n:].to(torch.float64).sum(dim=0).cpu(),
        )
        total += torch.stack([read[name] for name in names])
    return total


def _resid_pre_names(bridge: TransformerBridge) -> list[str]:
    return [f"blocks.{layer}.hook_resid_pre" for layer in range(bridge.cfg.n_layers)]


def mean_refusal(
    bridge: TransformerBridge,
    prompts: Sequence[ChatPrompt],
    refusal_ids: Sequence[int],
    hooks: Sequence[Hook] = (),
    batch_size: int = 16,
) -> tuple[float, Float[Tensor, "batch d_vocab"]]:
    """Return the mean refusal score of the prompts (under hooks) and their logits."""
    logits = last_token_logits(bridge, prompts, batch_size=batch_size, hooks=hooks)
    return float(refusal_score(logits, refusal_ids).mean()), logits


def select_direction(
    bridge: TransformerBridge,
    candidates: DirectionCandidates,
    harmful_val: Sequence[ChatPrompt],
    harmless_val: Sequence[ChatPrompt],
    refusal_ids: Sequence[int],
    *,
    offsets: Sequence[int] | None = None,
    max_layer_fraction: float = 0.8,
    kl_threshold: float = 0.1,
    induce_threshold: float = 0.0,
    evaluate_all: bool = False,
    max_filtered: int | None = 10,
    layer_step: int = 1,
    batch_size: int = 16,
    progress: bool = True,
) -> DirectionSelection:
    """Score candidates on validation prompts and select the refusal direction.

    Args:
        bridge: The model.
        candidates: From :func:`candidate_directions`.
        harmful_val: Harmful validation prompts (bypass).
        harmless_val: Harmless validation prompts (induce and KL).
        refusal_ids: Token ids that begin a refusal.
        offsets: Positions to consider (from the end); all candidate positions by default.
        max_layer_fraction: Candidates at or beyond this fraction of the layers are skipped.
        kl_threshold: Maximum KL under ablation on harmless prompts.
        induce_threshold: Minimum refusal score on harmless prompts under addition.
        evaluate_all: Compute induce and KL for every candidate instead of stopping at the
            first that passes.
        max_filtered: Evaluate the filters for at most this many candidates, in bypass order
            (None: no limit). When none of them passes, the fallback below applies.
        layer_step: Score every ``layer_step``-th layer only (1 scores all of them).
        batch_size: Prompts per forward pass.
        progress: Show a progress bar over candidates.
    """
    chosen_offsets = list(offsets) if offsets is not None else candidates.offsets
    unknown = set(chosen_offsets) - set(candidates.offsets)
    if unknown:
        raise ValueError(
            f"offsets {sorted(unknown)} are not candidate positions {candidates.offsets}"
        )
    last_layer = math.floor(bridge.cfg.n_layers * max_layer_fraction)
    # A candidate is exactly zero where both means see the same token with no context yet (the
    # template tokens at layer 0); such candidates have no direction and are left out.
    cells = [
        (layer, offset)
        for layer in range(last_layer)
        for offset in chosen_offsets
        if candidates.get(layer, offset).norm() > 1e-6
    ]
    if not cells:
        raise ValueError("every candidate direction is zero")
    baseline_harmful, _ = mean_refusal(bridge, harmful_val, refusal_ids, batch_size=batch_size)
    baseline_harmless, harmless_logits = mean_refusal(
        bridge, harmless_val, refusal_ids, batch_size=batch_size
    )
    bypass = {}
    for layer, offset in tqdm(cells, desc="bypass scores", disable=not progress):
        hooks = ablation_hooks(bridge, candidates.get(layer, offset))
        bypass[(layer, offset)], _ = mean_refusal(
            bridge, harmful_val, refusal_ids, hooks, batch_size
        )
    ranked = sorted(cells, key=lambda cell: bypass[cell])
    scores: dict[tuple[int, int], CandidateScore] = {
        cell: CandidateScore(cell[0], cell[1], bypass[cell]) for cell in cells
    }
    selected = None
    for rank, cell in enumerate(ranked):
        if selected is not None and not evaluate_all:
            break
        if not evaluate_all and max_filtered is not None and rank >= max_filtered:
            break
        direction = candidates.get(*cell)
        induce, _ = mean_refusal(
            bridge, harmless_val, refusal_ids, addition_hooks(direction, cell[0]), batch_size
        )
        _, ablated = mean_refusal(
            bridge, harmless_val, refusal_ids, ablation_hooks(bridge, direction), batch_size
        )
        kl = float(kl_divergence(harmless_logits, ablated).mean())
        passed = induce > induce_threshold and kl < kl_threshold
        scores[cell] = CandidateScore(cell[0], cell[1], bypass[cell], induce, kl, passed)
        if passed and selected is None:
            selected = cell
    passed_filters = selected is not None
    if selected is None:
        evaluated = [s for s in scores.values() if s.kl is not None]
        selected_score = min(evaluated, key=lambda s: (s.kl >= kl_threshold, s.bypass))
        selected = (selected_score.layer, selected_score.offset)
        logger.warning(
            "no candidate passed the induce and KL filters; using layer %d position "
            "%d, the lowest bypass among the evaluated ones",
            *selected,
        )
    table = [scores[cell] for cell in ranked]
    return DirectionSelection(
        selected[0],
        selected[1],
        candidates.get(*selected).float(),
        table,
        baseline_harmful,
        baseline_harmless,
        passed_filters,
    )


def direction_cosines(
    first: DirectionCandidates, second: DirectionCandidates, offset: int = -1
) -> Float[Tensor, " layer"]:
    """Return the cosine similarity, per layer, of two models' candidates at one position."""
    a = first.directions[:, first.offsets.index(offset)]
    b = second.directions[:, second.offsets.index(offset)]
    return torch.nn.functional.cosine_similarity(a, b, dim=-1).float()


@torch.no_grad()
def projections(
    bridge: TransformerBridge,
    prompts: Sequence[ChatPrompt],
    direction: Float[Tensor, " d_model"],
    *,
    batch_size: int = 16,
) -> Float[Tensor, "batch layer"]:
    """Return the last token's residual stream per layer, projected on ``direction``."""
    r = unit(direction.float())
    names = _resid_pre_names(bridge)
    rows = []
    for _, chunk in batches(prompts, batch_size):
        read, _ = read_activations(
            bridge,
            *batch_tokens(bridge, chunk),
            names,
            lambda activation: activation[:, -1].float().cpu() @ r,
        )
        rows.append(torch.stack([read[name] for name in names], dim=1))
    return torch.cat(rows)


@dataclass(frozen=True)
class DirectionEffects:
    """Behaviour under the selected direction's interventions.

    Attributes:
        harmful_refusal: Refusal rate on harmful test prompts without intervention.
        harmful_refusal_ablated: The same under directional ablation.
        harmless_refusal: Refusal rate on harmless test prompts without intervention.
        harmless_refusal_added: The same with the direction added at its layer.
        kl_benign: Mean per-token KL(original || ablated) along benign replies.
        cross_entropy_benign: Mean per-token cross-entropy of those replies, original model.
        cross_entropy_benign_ablated: The same under ablation.
    """

    harmful_refusal: Estimate
    harmful_refusal_ablated: Estimate
    harmless_refusal: Estimate
    harmless_refusal_added: Estimate
    kl_benign: float
    cross_entropy_benign: float
    cross_entropy_benign_ablated: float

    def as_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {
            key: value.as_dict() if isinstance(value, Estimate) else value
            for key, value in self.__dict__.items()
        }


def intervention_effects(
    bridge: TransformerBridge,
    selection: DirectionSelection,
    harmful: Sequence[PromptItem],
    harmless: Sequence[PromptItem],
    judge: RefusalJudge,
    *,
    generation: GenerationConfig = GenerationConfig(32),
    assistant_prefix: str = "",
    batch_size: int = 16,
) -> DirectionEffects:
    """Measure refusal under ablation and addition, and the ablation's cost on benign text.

    The benign text is the model's own greedy replies to the harmless prompts; the cost is the
    per-token KL and cross-entropy on those replies with and without ablation.
    """
    ablate = ablation_hooks(bridge, selection.direction)
    add = addition_hooks(selection.direction, selection.layer)

    def refusal_rate(items, hooks) -> tuple[Estimate, list]:
        prompts = [
            format_chat(bridge.tokenizer, i.text, assistant_prefix=assistant_prefix) for i in items
        ]
        with bridge.hooks(fwd_hooks=list(hooks)):
            replies = generate(bridge, prompts, generation, progress=False)
        flags = [
            judge.judge(i.text, assistant_prefix + r.text).refused
            for i, r in zip(items, replies, strict=True)
        ]
        return wilson_interval(sum(flags), len(flags)), replies

    harmful_base, _ = refusal_rate(harmful, [])
    harmful_ablated, _ = refusal_rate(harmful, ablate)
    harmless_base, replies = refusal_rate(harmless, [])
    harmless_added, _ = refusal_rate(harmless, add)
    kl, ce, ce_ablated = _benign_cost(
        bridge, harmless, replies, ablate, assistant_prefix, batch_size
    )
    return DirectionEffects(
        harmful_base, harmful_ablated, harmless_base, harmless_added, kl, ce, ce_ablated
    )


@torch.no_grad()
def _benign_cost(bridge, items, replies, hooks, assistant_prefix, batch_size):
    sequences, spans = [], []
    for item, reply in zip(items, replies, strict=True):
        prompt = format_chat(bridge.tokenizer, item.text, assistant_prefix=assistant_prefix)
        if reply.token_ids:
            sequences.append(list(prompt.input_ids) + list(reply.token_ids))
            spans.append(len(reply.token_ids))
    if not sequences:
        raise ValueError("every benign reply is empty; cannot measure the ablation cost")
    kls, ces, ablated_ces = [], [], []
    for start in range(0, len(sequences), batch_size):
        ids, mask = left_pad(sequences[start : start + batch_size], bridge.tokenizer.pad_token_id)
        device = model_device(bridge)
        ids, mask = ids.to(device), mask.to(device)
        plain = bridge(ids, attention_mask=mask).float()
        with bridge.hooks(fwd_hooks=list(hooks)):
            ablated = bridge(ids, attention_mask=mask).float()
        for row, length in enumerate(spans[start : start + batch_size]):
            columns = torch.arange(ids.shape[1] - length - 1, ids.shape[1] - 1, device=device)
            targets = ids[row, columns + 1]
            for store, logits in ((ces, plain), (ablated_ces, ablated)):
                log_probs = torch.log_softmax(logits[row, columns], dim=-1)
                store.append(-log_probs.gather(-1, targets[:, None]).mean().item())
            kls.append(kl_divergence(plain[row, columns], ablated[row, columns]).mean().item())
    return float(np.mean(kls)), float(np.mean(ces)), float(np.mean(ablated_ces))
