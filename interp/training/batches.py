"""Encoded training examples, their batches, and the reference log-probabilities.

Pairs are tokenised once. The reference model's log-probabilities are then computed once per
reply and per segment, before training starts, and stored with the pair, so no second copy of
the model sits in memory during training.

A batch of ``B`` pairs is one right-padded tensor of ``2B`` rows: the chosen replies first, then
the rejected ones, so one forward pass scores both.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import torch
from jaxtyping import Float, Int
from torch import Tensor
from transformers import PreTrainedTokenizerBase

from interp.training.logprobs import SegmentLogProbs
from interp.training.preference import PreferencePair, validate_pair
from interp.training.tokenization import ANSWER, REASONING, TokenizedReply, tokenize_reply
from interp.training.weights import segment_weights

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SFTExample:
    """A prompt with the reply to imitate.

    Attributes:
        prompt: The user's message.
        reply: The target reply.
        id: Identifier for logs and errors.
        system: Optional system prompt.
    """

    prompt: str
    reply: str
    id: str = ""
    system: str | None = None


@dataclass(frozen=True)
class EncodedExample:
    """A tokenised pair (or SFT example, with ``rejected`` unset) ready for batching.

    Attributes:
        id: The source's id.
        chosen: The chosen (or SFT target) sequence.
        rejected: The rejected sequence; None for SFT.
        weights: Alignment-Weighted DPO segment weights (reasoning, answer).
        empty: Whether each segment is empty in either reply.
        fallback: Whether the weights came from the even-split fallback.
        reference: Reference log-probabilities per segment, ``((chosen r, chosen a),
            (rejected r, rejected a))``; None until computed.
    """

    id: str
    chosen: TokenizedReply
    rejected: TokenizedReply | None = None
    weights: tuple[float, float] = (0.5, 0.5)
    empty: tuple[bool, bool] = (False, False)
    fallback: bool = False
    reference: tuple[tuple[float, float], tuple[float, float]] | None = field(default=None)


def encode_pairs(
    tokenizer: PreTrainedTokenizerBase,
    pairs: Sequence[PreferencePair],
    *,
    max_length: int,
    require_reasoning: bool,
    alpha: float = 1.0,
    epsilon: float = 1e-6,
) -> list[EncodedExample]:
    """Validate, tokenise and weight preference pairs.

    Pairs without judge scores get the even-split fallback weights.

    Raises:
        PreferenceDataError: a pair is invalid or cannot be tokenised; the message names it.
    """
    encoded = []
    for index, pair in enumerate(pairs):
        where = f"pair {pair.id or index}"
        validate_pair(pair, where=where, require_reasoning=require_reasoning)
        chosen, rejected = (
            tokenize_reply(
                tokenizer,
                pair.prompt,
                reply,
                system=pair.system,
                max_length=max_length,
                where=where,
            )
            for reply in (pair.chosen, pair.rejected)
        )
        encoded.append(EncodedExample(pair.id or str(index), chosen, rejected))
    gaps = torch.tensor([_gaps(pair) for pair in pairs], dtype=torch.float64).reshape(-1, 2)
    empty = torch.tensor(
        [[_is_empty(e, REASONING), _is_empty(e, ANSWER)] for e in encoded], dtype=torch.bool
    ).reshape(-1, 2)
    weights, fallback = segment_weights(gaps, empty, alpha=alpha, epsilon=epsilon)
    return [
        replace(
            example,
            weights=(float(w[0]), float(w[1])),
            empty=(bool(e[0]), bool(e[1])),
            fallback=bool(f),
        )
        for example, w, e, f in zip(encoded, weights, empty, fallback, strict=True)
    ]


def encode_sft(
    tokenizer: PreTrainedTokenizerBase, examples: Sequence[SFTExample], *, max_length: int
) -> list[EncodedExample]:
    """Tokenise SFT examples."""
    return [
        EncodedExample(
            example.id or str(index),
            tokenize_reply(
                tokenizer,
                example.prompt,
                example.reply,
                system=example.system,
                max_length=max_length,
                where=f"example {example.id or index}",
            ),
        )
        for index, example in enumerate(examples)
    ]


def _gaps(pair: PreferencePair) -> tuple[float, float]:
    chosen, rejected = pair.chosen_scores, pair.rejected_scores
    if chosen is None or rejected is None:
        return (0.0, 0.0)
    reasoning = 0.0
    if chosen.reasoning is not None and rejected.reasoning is not None:
        reasoning = chosen.reasoning - rejected.reasoning
    return (reasoning, chosen.answer - rejected.answer)


def _is_empty(example: EncodedExample, segment: int) -> bool:
    replies = [example.chosen] + ([example.rejected] if example.rejected is not None else [])
    return any(reply.segment_length(segment) == 0 for reply in replies)


@dataclass(frozen=True)
class Batch:
    """Tensors of one micro-batch.

    Attributes:
        input_ids: ``[2B, pos]`` for pairs (chosen rows, then rejected rows), ``[B, pos]`` for SFT.
        attention_mask: 1 for real tokens, 0 for right padding.
        segments: Segment label of each token (0 for prompt and padding).
        weights: ``[B, 2]`` segment weights (pairs only).
        reference: ``[2B, 2]`` reference segment log-probabilities (pairs only).
    """

    input_ids: Int[Tensor, "sequence pos"]
    attention_mask: Int[Tensor, "sequence pos"]
    segments: Int[Tensor, "sequence pos"]
    weights: Float[Tensor, "pair segment"] | None
    reference: Float[Tensor, "sequence segment"] | None

    def to(self, device: torch.device) -> Batch:
        """Return the batch on ``device``."""
        move = {k: (v.to(device) if v is not None else None) for k, v in self.__dict__.items()}
        return Batch(**move)


def collate(examples: Sequence[EncodedExample], pad_token_id: int) -> Batch:
    """Right-pad examples into one :class:`Batch`."""
    is_pair = examples[0].rejected is not None
    replies = [e.chosen for e in examples]
    if is_pair:
        replies += [e.rejected for e in examples]
    width = max(len(reply.input_ids) for reply in replies)
    input_ids = torch.full((len(replies), width), pad_token_id, dtype=torch.long)
    attention_mask = torch.zeros((len(replies), width), dtype=torch.long)
    segments = torch.zeros((len(replies), width), dtype=torch.long)
    for row, reply in enumerate(replies):
        length = len(reply.input_ids)
        input_ids[row, :length] = torch.tensor(reply.input_ids)
        attention_mask[row, :length] = 1
        segments[row, :length] = torch.tensor(reply.segments)
    weights = reference = None
    if is_pair:
        weights = torch.tensor([e.weights for e in examples], dtype=torch.float32)
        if all(e.reference is not None for e in examples):
            chosen = [e.reference[0] for e in examples]
            rejected = [e.reference[1] for e in examples]
            reference = torch.tensor(chosen + rejected, dtype=torch.float32)
    return Batch(input_ids, attention_mask, segments, weights, reference)


@torch.no_grad()
def add_reference_logps(
    scorer: SegmentLogProbs,
    examples: Sequence[EncodedExample],
    pad_token_id: int,
    *,
    batch_size: int = 8,
) -> list[EncodedExample]:
    """Score every pair once with the (frozen, current) model and store the result."""
    was_training = scorer.training
    scorer.eval()
    device = next(scorer.parameters()).device
    scored = []
    for start in range(0, len(examples), batch_size):
        chunk = examples[start : start + batch_size]
        batch = collate(chunk, pad_token_id).to(device)
        logps = scorer(batch.input_ids, batch.attention_mask, batch.segments).float().cpu()
        half = len(chunk)
        for index, example in enumerate(chunk):
            chosen = (float(logps[index, 0]), float(logps[index, 1]))
            rejected = (float(logps[half + index, 0]), float(logps[half + index, 1]))
            scored.append(replace(example, reference=(chosen, rejected)))
    scorer.train(was_training)
    return scored
