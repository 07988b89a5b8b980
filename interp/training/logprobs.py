"""Summed log-probabilities of reply segments, without materialising full-vocabulary logits.

The LM head is applied only at positions whose next token belongs to a reply segment, in
chunks, and each chunk is recomputed in the backward pass (activation checkpointing). Peak
memory therefore grows with ``chunk_size x d_vocab`` instead of ``batch x pos x d_vocab``.
"""

from __future__ import annotations

import torch
from jaxtyping import Float, Int
from torch import Tensor, nn
from torch.utils.checkpoint import checkpoint
from transformers import PreTrainedModel


class SegmentLogProbs(nn.Module):
    """Wraps a causal LM so that its forward returns per-segment log-probabilities.

    The wrapper is what the trainer hands to ``accelerate``: distributed data parallel needs
    the whole computation inside one module's forward.

    Args:
        model: A Hugging Face causal LM whose logits are ``lm_head(final hidden state)``.
        n_segments: Number of segment labels after 0 (which marks tokens that are not scored).
        chunk_size: Scored positions per LM-head chunk.

    Raises:
        NotImplementedError: the model scales or soft-caps its logits, which this shortcut
            does not reproduce.
    """

    def __init__(self, model: PreTrainedModel, n_segments: int = 2, chunk_size: int = 1024):
        super().__init__()
        config = model.config.get_text_config()
        for attribute in ("final_logit_softcapping", "logit_scale", "logits_scaling"):
            if getattr(config, attribute, None) not in (None, 1.0):
                raise NotImplementedError(
                    f"{type(model).__name__} sets {attribute}; segment log-probs assume plain "
                    "lm_head logits"
                )
        self.model = model
        self.n_segments = n_segments
        self.chunk_size = chunk_size

    def forward(
        self,
        input_ids: Int[Tensor, "sequence pos"],
        attention_mask: Int[Tensor, "sequence pos"],
        segments: Int[Tensor, "sequence pos"],
    ) -> Float[Tensor, "sequence segment"]:
        """Return, for each sequence, the summed log-probability of its tokens per segment.

        ``segments[s, t]`` labels the token at position ``t``: 0 is not scored, ``k > 0`` adds
        ``log p(token_t | tokens_<t)`` to column ``k - 1``.
        """
        hidden = self.model.base_model(
            input_ids=input_ids, attention_mask=attention_mask, use_cache=False
        ).last_hidden_state
        labels = segments[:, 1:]
        rows, columns = (labels > 0).nonzero(as_tuple=True)
        selected = hidden[:, :-1][rows, columns]
        targets = input_ids[:, 1:][rows, columns]
        head = self.model.get_output_embeddings()
        token_logps = chunked_token_logps(
            selected, head.weight, getattr(head, "bias", None), targets, self.chunk_size
        )
        flat = rows * self.n_segments + (labels[rows, columns] - 1)
        totals = torch.zeros(
            input_ids.shape[0] * self.n_segments, dtype=token_logps.dtype, device=hidden.device
        )
        totals = totals.scatter_add(0, flat, token_logps)
        return totals.view(input_ids.shape[0], self.n_segments)


def chunked_token_logps(
    hidden: Float[Tensor, "token d_model"],
    weight: Float[Tensor, "d_vocab d_model"],
    bias: Float[Tensor, " d_vocab"] | None,
    targets: Int[Tensor, " token"],
    chunk_size: int = 1024,
) -> Float[Tensor, " token"]:
    """Return ``log softmax(hidden @ weight.T + bias)[target]`` per token, chunk by chunk.

    The logits are computed in float32. With gradients enabled, each chunk is checkpointed so
    that only one chunk's logits exist at a time, in the backward pass as well.
    """
    if hidden.shape[0] == 0:
        return hidden.new_zeros(0, dtype=torch.float32)
    parts = []
    for start in range(0, hidden.shape[0], chunk_size):
        stop = start + chunk_size
        if torch.is_grad_enabled():
            part = checkpoint(
                _token_logps,
                hidden[start:stop],
                weight,
                bias,
                targets[start:stop],
                use_reentrant=False,
            )
        else:
            part = _token_logps(hidden[start:stop], weight, bias, targets[start:stop])
        parts.append(part)
    return torch.cat(parts)


def _token_logps(hidden: Tensor, weight: Tensor, bias: Tensor | None, targets: Tensor) -> Tensor:
    logits = torch.nn.functional.linear(hidden, weight, bias).float()
    picked = logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    return picked - torch.logsumexp(logits, dim=-1)
