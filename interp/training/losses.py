"""Training losses as pure functions of per-sequence log-probabilities.

Notation: ``pi`` is the policy's summed log-probability of a reply (or of one segment of it),
``ref`` the reference model's, and ``beta`` the DPO temperature. The implicit reward of a reply
is ``r = beta * (pi - ref)``.

- DPO (Rafailov et al. 2023, "Direct Preference Optimization", eq. 7):
  ``L = -log sigmoid(r_chosen - r_rejected)``, averaged over pairs.
- Alignment-Weighted DPO (Hu et al. 2026): one DPO term per segment,
  ``L_seg = -log sigmoid(r_seg(chosen) - r_seg(rejected))``, mixed per pair as
  ``L = w_reasoning * L_reasoning + w_answer * L_answer`` (weights from
  :mod:`interp.training.weights`), averaged over pairs.
- SFT: the negative log-likelihood of the chosen reply, averaged over its tokens.

Each function returns a dict of named tensors: ``"loss"`` is what to differentiate, the rest
are detached metrics.
"""

from __future__ import annotations

import torch.nn.functional as F
from jaxtyping import Float
from torch import Tensor


def dpo_loss(
    policy_chosen: Float[Tensor, " pair"],
    policy_rejected: Float[Tensor, " pair"],
    reference_chosen: Float[Tensor, " pair"],
    reference_rejected: Float[Tensor, " pair"],
    beta: float,
) -> dict[str, Tensor]:
    """Return the sigmoid DPO loss and its reward metrics."""
    chosen_rewards = beta * (policy_chosen - reference_chosen)
    rejected_rewards = beta * (policy_rejected - reference_rejected)
    margins = chosen_rewards - rejected_rewards
    losses = -F.logsigmoid(margins)
    return {
        "loss": losses.mean(),
        "chosen_reward": chosen_rewards.detach().mean(),
        "rejected_reward": rejected_rewards.detach().mean(),
        "margin": margins.detach().mean(),
        "reward_accuracy": (margins.detach() > 0).float().mean(),
    }


def aw_dpo_loss(
    policy_chosen: Float[Tensor, "pair segment"],
    policy_rejected: Float[Tensor, "pair segment"],
    reference_chosen: Float[Tensor, "pair segment"],
    reference_rejected: Float[Tensor, "pair segment"],
    weights: Float[Tensor, "pair segment"],
    beta: float,
) -> dict[str, Tensor]:
    """Return the Alignment-Weighted DPO loss and per-segment metrics.

    Segments are ordered (reasoning, answer). The reward accuracy and margin of the whole
    reply are reported next to the per-segment margins.
    """
    chosen_rewards = beta * (policy_chosen - reference_chosen)
    rejected_rewards = beta * (policy_rejected - reference_rejected)
    segment_margins = chosen_rewards - rejected_rewards
    segment_losses = -F.logsigmoid(segment_margins)
    losses = (weights * segment_losses).sum(dim=-1)
    margins = segment_margins.detach().sum(dim=-1)
    return {
        "loss": losses.mean(),
        "chosen_reward": chosen_rewards.detach().sum(dim=-1).mean(),
        "rejected_reward": rejected_rewards.detach().sum(dim=-1).mean(),
        "margin": margins.mean(),
        "reward_accuracy": (margins > 0).float().mean(),
        "margin_reasoning": segment_margins.detach()[:, 0].mean(),
        "margin_answer": segment_margins.detach()[:, 1].mean(),
        "loss_reasoning": segment_losses.detach()[:, 0].mean(),
        "loss_answer": segment_losses.detach()[:, 1].mean(),
    }


def sft_loss(
    logps: Float[Tensor, " sequence"], token_counts: Float[Tensor, " sequence"]
) -> dict[str, Tensor]:
    """Return the mean negative log-likelihood per reply token.

    Args:
        logps: Summed log-probability of each reply.
        token_counts: Number of reply tokens in each.
    """
    total = token_counts.sum().clamp(min=1.0)
    loss = -logps.sum() / total
    return {"loss": loss, "token_nll": loss.detach(), "tokens": total.detach()}
