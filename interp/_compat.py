"""Compatibility shims between TransformerLens's TransformerBridge and transformers.

transformers 5.25 renamed the decoder layers' ``past_key_values`` keyword to ``cache``, but
TransformerLens 4.3's reconstructed attention (``PositionEmbeddingsAttentionBridge``) still reads
``past_key_values``. Without a shim the KV cache is silently dropped: cached generation through
the bridge attends to the newest token only and produces garbage. The pre-hook below renames the
keyword back, so cached generation and prefix reuse work and every TransformerLens hook still
fires.
"""

from __future__ import annotations

from typing import Any

from torch import nn
from transformer_lens.model_bridge import TransformerBridge

_SHIM_ATTRIBUTE = "_interp_cache_shim"


def _rename_cache_keyword(
    module: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    if "cache" in kwargs and kwargs.get("past_key_values") is None:
        kwargs["past_key_values"] = kwargs.pop("cache")
    return args, kwargs


def install_cache_shim(bridge: TransformerBridge) -> None:
    """Make every attention bridge accept the KV cache under the ``cache`` keyword.

    Idempotent: a bridge that already has the shim is left unchanged.
    """
    for block in bridge.blocks:
        attention = block.attn
        if getattr(attention, _SHIM_ATTRIBUTE, False):
            continue
        attention.register_forward_pre_hook(_rename_cache_keyword, with_kwargs=True)
        setattr(attention, _SHIM_ATTRIBUTE, True)
