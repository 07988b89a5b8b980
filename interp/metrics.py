"""Pure metric functions on next-token logits.

The refusal score follows Arditi et al. (2024), "Refusal in Language Models Is Mediated by a
Single Direction": with ``R`` the set of tokens that typically begin a refusal (such as ``"I"``
or ``"As"``) and ``p = sum_{t in R} softmax(logits)_t``, the score is the log-odds

    refusal_score = log p - log(1 - p).

Positive values mean the model is more likely than not to start a refusal.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from jaxtyping import Float
from torch import Tensor
from transformers import PreTrainedTokenizerBase

DEFAULT_REFUSAL_TOKENS: tuple[str, ...] = ("I", "As", "Sorry")


def refusal_token_ids(
    tokenizer: PreTrainedTokenizerBase, tokens: Sequence[str] = DEFAULT_REFUSAL_TOKENS
) -> list[int]:
    """Return the ids of the first token of each refusal opening, without duplicates.

    Each string is encoded as the start of a reply (no leading space), and its first token is
    kept, so multi-token openings such as ``"Sorry"`` still count.
    """
    ids: list[int] = []
    for token in tokens:
        encoded = tokenizer.encode(token, add_special_tokens=False)
        if not encoded:
            raise ValueError(f"refusal token {token!r} encodes to nothing")
        if encoded[0] not in ids:
            ids.append(encoded[0])
    if not ids:
        raise ValueError("at least one refusal token is needed")
    return ids


def refusal_score(
    logits: Float[Tensor, "batch d_vocab"], refusal_ids: Sequence[int]
) -> Float[Tensor, " batch"]:
    """Return the log-odds that the next token begins a refusal (see the module docstring)."""
    log_probs = torch.log_softmax(logits.float(), dim=-1)
    log_p = torch.logsumexp(log_probs[:, list(refusal_ids)], dim=-1)
    # log(1 - p) computed from log p; the clamp keeps p = 1 finite.
    log_not_p = torch.log(-torch.expm1(log_p.clamp(max=-1e-7)))
    return log_p - log_not_p


def logit_difference(
    logits: Float[Tensor, "batch d_vocab"],
    positive_ids: Sequence[int],
    negative_ids: Sequence[int],
) -> Float[Tensor, " batch"]:
    """Return the mean logit of ``positive_ids`` minus the mean logit of ``negative_ids``."""
    if not positive_ids or not negative_ids:
        raise ValueError("both token sets must be non-empty")
    positive = logits[:, list(positive_ids)].float().mean(dim=-1)
    negative = logits[:, list(negative_ids)].float().mean(dim=-1)
    return positive - negative


def kl_divergence(
    reference_logits: Float[Tensor, "*batch d_vocab"], logits: Float[Tensor, "*batch d_vocab"]
) -> Float[Tensor, "*batch"]:
    """Return KL(reference || other) between the next-token distributions, in nats."""
    reference = torch.log_softmax(reference_logits.float(), dim=-1)
    other = torch.log_softmax(logits.float(), dim=-1)
    return (reference.exp() * (reference - other)).sum(dim=-1)


def normalized_effect(
    value: Float[Tensor, "*shape"], corrupted: float | Tensor, clean: float | Tensor
) -> Float[Tensor, "*shape"]:
    """Rescale a metric so that the corrupted run scores 0 and the clean run scores 1.

    Raises:
        ValueError: the clean and corrupted values coincide, so the scale is undefined.
    """
    span = torch.as_tensor(clean, dtype=torch.float64) - torch.as_tensor(
        corrupted, dtype=torch.float64
    )
    if torch.any(span.abs() < 1e-12):
        raise ValueError("clean and corrupted metric values are equal; the effect is undefined")
    return ((value.double() - corrupted) / span).to(value.dtype)
