"""Per-pair segment weights of Alignment-Weighted DPO.

Hu et al. (2026), "Alignment-Weighted DPO", weight each pair's reasoning and answer losses by
how much the chosen and rejected replies differ in safety on that segment. With a judge's
safety scores ``s`` in [0, 1] (1 = safe):

    d_seg = max(0, s_seg(chosen) - s_seg(rejected))
    w_seg = alpha * d_seg / (d_reasoning + d_answer + epsilon)

The clipping at 0, ``epsilon`` and the fallbacks are this project's choices:

- a segment that is empty in either reply (no ``<think>`` block, or truncated away) gets weight
  0, and its gap counts as 0;
- when every non-empty segment has a zero gap, the weight is split evenly over the non-empty
  segments (0.5/0.5 when both exist).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from jaxtyping import Bool, Float
from torch import Tensor


@dataclass(frozen=True)
class WeightSummary:
    """How the weights of a data set came out, for the training log.

    Attributes:
        n_pairs: Number of pairs.
        n_fallback: Pairs whose gaps were all zero, weighted by the even-split fallback.
        n_empty_reasoning: Pairs with an empty reasoning segment (weight 0).
        n_empty_answer: Pairs with an empty answer segment (weight 0).
        reasoning_mean: Mean reasoning weight.
        answer_mean: Mean answer weight.
        reasoning_quantiles: 0, 25, 50, 75 and 100th percentiles of the reasoning weight.
        answer_quantiles: The same for the answer weight.
    """

    n_pairs: int
    n_fallback: int
    n_empty_reasoning: int
    n_empty_answer: int
    reasoning_mean: float
    answer_mean: float
    reasoning_quantiles: list[float]
    answer_quantiles: list[float]


def segment_weights(
    gaps: Float[Tensor, "pair segment"],
    empty: Bool[Tensor, "pair segment"],
    *,
    alpha: float = 1.0,
    epsilon: float = 1e-6,
) -> tuple[Float[Tensor, "pair segment"], Bool[Tensor, " pair"]]:
    """Return per-pair segment weights and which pairs used the fallback.

    Args:
        gaps: ``s_seg(chosen) - s_seg(rejected)`` per pair, segments ordered (reasoning, answer).
            Non-finite values are rejected.
        empty: Whether the segment is empty in either reply.
        alpha: Global scale of the weights.
        epsilon: Added to the denominator.

    Raises:
        ValueError: a gap is NaN or infinite, or ``alpha``/``epsilon`` is negative.
    """
    if not torch.isfinite(gaps).all():
        raise ValueError("segment score gaps contain NaN or infinity")
    if alpha < 0 or epsilon < 0:
        raise ValueError(f"alpha and epsilon must be non-negative, got {alpha}, {epsilon}")
    clipped = torch.where(empty, torch.zeros_like(gaps), gaps.clamp(min=0.0))
    total = clipped.sum(dim=-1, keepdim=True)
    weights = clipped / (total + epsilon)
    fallback = (total.squeeze(-1) == 0) & (~empty).any(dim=-1)
    present = (~empty).to(gaps.dtype)
    even = present / present.sum(dim=-1, keepdim=True).clamp(min=1.0)
    weights = torch.where(fallback.unsqueeze(-1), even, weights)
    return alpha * weights, fallback


def summarize_weights(
    weights: Float[Tensor, "pair segment"],
    fallback: Bool[Tensor, " pair"],
    empty: Bool[Tensor, "pair segment"],
) -> WeightSummary:
    """Describe the weight distribution for the training log."""
    quantiles = torch.tensor([0.0, 0.25, 0.5, 0.75, 1.0], dtype=weights.dtype)
    return WeightSummary(
        n_pairs=int(weights.shape[0]),
        n_fallback=int(fallback.sum()),
        n_empty_reasoning=int(empty[:, 0].sum()),
        n_empty_answer=int(empty[:, 1].sum()),
        reasoning_mean=float(weights[:, 0].mean()),
        answer_mean=float(weights[:, 1].mean()),
        reasoning_quantiles=[round(float(v), 4) for v in torch.quantile(weights[:, 0], quantiles)],
        answer_quantiles=[round(float(v), 4) for v in torch.quantile(weights[:, 1], quantiles)],
    )
