"""Interventions along a direction in the residual stream.

- Directional ablation removes the component along the unit direction ``r`` from every
  activation that writes to, or enters, the residual stream: ``x <- x - (x . r) r`` at each
  block's input, attention output and MLP output, at every position.
- Activation addition adds ``coefficient * direction`` to one block's input at every position.
- Weight orthogonalisation bakes the ablation into the weights: ``r`` is projected out of the
  token embedding and of every matrix that writes to the residual stream (attention output and
  MLP down projections). The resulting model equals hook ablation and saves as a normal
  Hugging Face model.

Arditi et al. (2024), "Refusal in Language Models Is Mediated by a Single Direction".
"""

from __future__ import annotations

import torch
from jaxtyping import Float
from torch import Tensor, nn
from transformer_lens.model_bridge import TransformerBridge
from transformers import PreTrainedModel

from interp.forward import Hook
from interp.models import plain_copy, unwrap_model


def unit(direction: Float[Tensor, " d_model"]) -> Float[Tensor, " d_model"]:
    """Return the direction scaled to unit norm.

    Raises:
        ValueError: the direction is zero or not finite.
    """
    norm = direction.norm()
    if not torch.isfinite(norm) or norm < 1e-12:
        raise ValueError("the direction is zero or not finite")
    return direction / norm


def ablation_hooks(bridge: TransformerBridge, direction: Float[Tensor, " d_model"]) -> list[Hook]:
    """Return hooks that ablate ``direction`` at every block's input, attention and MLP output."""
    r = unit(direction.detach().float())

    def ablate(activation: Tensor, hook) -> Tensor:
        rr = r.to(device=activation.device, dtype=activation.dtype)
        return activation - (activation @ rr).unsqueeze(-1) * rr

    names = []
    for layer in range(bridge.cfg.n_layers):
        names += [
            f"blocks.{layer}.hook_resid_pre",
            f"blocks.{layer}.hook_attn_out",
            f"blocks.{layer}.hook_mlp_out",
        ]
    return [(name, ablate) for name in names]


def addition_hooks(
    direction: Float[Tensor, " d_model"], layer: int, coefficient: float = 1.0
) -> list[Hook]:
    """Return a hook that adds ``coefficient * direction`` to the input of block ``layer``."""
    shift = (coefficient * direction.detach()).float()

    def add(activation: Tensor, hook) -> Tensor:
        return activation + shift.to(device=activation.device, dtype=activation.dtype)

    return [(f"blocks.{layer}.hook_resid_pre", add)]


def orthogonalized_model(
    model: TransformerBridge | PreTrainedModel, direction: Float[Tensor, " d_model"]
) -> PreTrainedModel:
    """Return a copy of the Hugging Face model with ``direction`` projected out of its writes.

    The copy unties the output embedding from the input embedding first, because the ablation
    changes the input embedding only.

    Limitations: handles Llama-style models, whose residual writers are ``embed_tokens``,
    ``self_attn.o_proj`` and ``mlp.down_proj`` without biases.
    """
    source = unwrap_model(model)
    clean = plain_copy(source)
    r = unit(direction.detach().to(torch.float64))
    with torch.no_grad():
        embedding = clean.get_input_embeddings()
        output = clean.get_output_embeddings()
        if output is not None and output.weight is embedding.weight:
            output.weight = nn.Parameter(embedding.weight.detach().clone())
            clean.config.tie_word_embeddings = False
        embedding.weight.copy_(_project_rows(embedding.weight, r))
        for layer in clean.model.layers:
            for linear in (layer.self_attn.o_proj, layer.mlp.down_proj):
                if linear.bias is not None:
                    linear.bias.copy_(_project_rows(linear.bias[None], r)[0])
                linear.weight.copy_(_project_columns(linear.weight, r))
    return clean


def _project_rows(matrix: Tensor, r: Tensor) -> Tensor:
    """Remove ``r`` from each row: ``M - (M r) r^T`` (rows live in the residual space)."""
    m = matrix.to(torch.float64)
    return (m - (m @ r)[:, None] * r[None, :]).to(matrix.dtype)


def _project_columns(matrix: Tensor, r: Tensor) -> Tensor:
    """Remove ``r`` from the output space of a linear map: ``W - r (r^T W)``."""
    m = matrix.to(torch.float64)
    return (m - r[:, None] * (r @ m)[None, :]).to(matrix.dtype)
