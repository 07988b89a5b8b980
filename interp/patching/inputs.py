"""Align clean and corrupted prompts for patching, and the metrics patching reads.

Harmful (clean) and harmless (corrupted) prompts differ in length, but their chat-template
tokens after the user's text are the same. Every prompt is left-padded to one width, so those
post-instruction tokens occupy the same final columns everywhere: position ``-1`` is the last
token, ``-2`` the one before, and so on. Patching a position means patching that column.

A patching metric maps next-token logits at the last position to one number per row. It also
receives each row's pair index, so that a metric such as the KL to the clean run can compare
each row with its own pair.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import torch
from jaxtyping import Float, Int
from torch import Tensor
from transformer_lens.model_bridge import TransformerBridge

from interp.chat import ChatPrompt, left_pad, position_ids_from_mask
from interp.forward import model_device
from interp.metrics import kl_divergence, logit_difference, refusal_score

PatchMetric = Callable[
    [Float[Tensor, "batch d_vocab"], Int[Tensor, " batch"]], Float[Tensor, " batch"]
]
PositionSpec = Literal["post_instruction", "all"] | int


@dataclass(frozen=True)
class AlignedPairs:
    """Clean and corrupted prompts padded to one width, with the positions to patch.

    Attributes:
        clean_ids: Left-padded clean token ids.
        clean_mask: Attention mask of the clean prompts.
        corrupted_ids: Left-padded corrupted token ids.
        corrupted_mask: Attention mask of the corrupted prompts.
        positions: Column indices to patch, in increasing order.
        labels: One label per patched column: its offset from the end and its token, such as
            ``"-1 '\\n'"``, with ``clean/corrupted`` tokens where they differ.
    """

    clean_ids: Int[Tensor, "pair pos"]
    clean_mask: Int[Tensor, "pair pos"]
    corrupted_ids: Int[Tensor, "pair pos"]
    corrupted_mask: Int[Tensor, "pair pos"]
    positions: list[int]
    labels: list[str]

    @property
    def n_pairs(self) -> int:
        """Number of prompt pairs."""
        return self.clean_ids.shape[0]

    @property
    def width(self) -> int:
        """Padded sequence length."""
        return self.clean_ids.shape[1]

    def side(self, which: Literal["clean", "corrupted"]) -> tuple[Tensor, Tensor]:
        """Return ``(ids, mask)`` of one side."""
        if which == "clean":
            return self.clean_ids, self.clean_mask
        return self.corrupted_ids, self.corrupted_mask

    def subset(self, rows: slice) -> AlignedPairs:
        """Return a batch of the pairs, keeping the same width and positions."""
        return AlignedPairs(
            self.clean_ids[rows],
            self.clean_mask[rows],
            self.corrupted_ids[rows],
            self.corrupted_mask[rows],
            self.positions,
            self.labels,
        )


def align_pairs(
    bridge: TransformerBridge,
    clean: Sequence[ChatPrompt],
    corrupted: Sequence[ChatPrompt],
    positions: PositionSpec = "post_instruction",
) -> AlignedPairs:
    """Pad clean and corrupted prompts to one width and choose the columns to patch.

    Args:
        bridge: The model (for its tokenizer and device).
        clean: Prompts whose activations are patched in (for denoising).
        corrupted: Prompts of the run that receives the patch.
        positions: ``"post_instruction"`` patches every token after the user's text (the
            template tokens and any assistant prefix); ``"all"`` patches every column that is a
            real token in every prompt; an integer ``n`` patches the last ``n`` columns.

    Raises:
        ValueError: the lists differ in length or are empty, a prompt has no post-instruction
            tokens, or the prompts disagree on how many there are.
    """
    if len(clean) != len(corrupted) or not clean:
        raise ValueError(
            f"need equally many clean and corrupted prompts, got {len(clean)} and {len(corrupted)}"
        )
    prompts = list(clean) + list(corrupted)
    pad = bridge.tokenizer.pad_token_id
    ids, mask = left_pad([prompt.input_ids for prompt in prompts], pad)
    width = ids.shape[1]
    count = _count_positions(prompts, positions)
    columns = list(range(width - count, width))
    device = model_device(bridge)
    n = len(clean)
    labels = [_label(bridge, ids[:n], ids[n:], column, width) for column in columns]
    return AlignedPairs(
        ids[:n].to(device),
        mask[:n].to(device),
        ids[n:].to(device),
        mask[n:].to(device),
        columns,
        labels,
    )


def _count_positions(prompts: Sequence[ChatPrompt], positions: PositionSpec) -> int:
    if positions == "post_instruction":
        tails = {len(prompt) - prompt.instruction_end for prompt in prompts}
        if min(tails) < 1:
            raise ValueError("a prompt has no post-instruction tokens")
        if len(tails) != 1:
            raise ValueError(
                f"prompts disagree on the number of post-instruction tokens ({sorted(tails)}); "
                "use the same chat template and assistant prefix for every prompt"
            )
        return tails.pop()
    if positions == "all":
        return min(len(prompt) for prompt in prompts)
    if isinstance(positions, int) and 0 < positions <= min(len(p) for p in prompts):
        return positions
    raise ValueError(
        f"invalid positions {positions!r}: use 'post_instruction', 'all' or a "
        "positive count no longer than the shortest prompt"
    )


def _label(
    bridge: TransformerBridge, clean: Tensor, corrupted: Tensor, column: int, width: int
) -> str:
    decode = bridge.tokenizer.decode
    clean_token = decode([int(clean[0, column])])
    corrupted_token = decode([int(corrupted[0, column])])
    token = clean_token if clean_token == corrupted_token else f"{clean_token}/{corrupted_token}"
    return f"{column - width} {token!r}"


def positions_of(mask: Int[Tensor, "batch pos"]) -> Int[Tensor, "batch pos"]:
    """Return rotary position ids for left-padded rows (real tokens count from 0)."""
    return position_ids_from_mask(mask)


def refusal_metric(refusal_ids: Sequence[int]) -> PatchMetric:
    """Return a metric that reads the refusal score (log-odds of the refusal tokens)."""
    ids = list(refusal_ids)
    return lambda logits, pairs: refusal_score(logits, ids)


def logit_difference_metric(
    positive_ids: Sequence[int], negative_ids: Sequence[int]
) -> PatchMetric:
    """Return a metric that reads the mean logit of one token set minus another's."""
    return lambda logits, pairs: logit_difference(logits, positive_ids, negative_ids)


def kl_to_clean_metric(clean_logits: Float[Tensor, "pair d_vocab"]) -> PatchMetric:
    """Return a metric that reads KL(clean run || patched run) for each row's own pair."""
    reference = clean_logits.detach()
    return lambda logits, pairs: kl_divergence(reference.to(logits.device)[pairs], logits)


def checked(values: Tensor, what: str) -> Tensor:
    """Raise a clear error when a metric produced NaN or infinite values."""
    if not torch.isfinite(values).all():
        raise ValueError(
            f"the patching metric returned NaN or infinity ({what}); "
            "check that it is defined for every row"
        )
    return values
