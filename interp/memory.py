"""Choose batch sizes from a memory bound instead of by hand.

The estimate counts the activations one sequence keeps alive in a forward pass without
gradients: the residual-stream caches the analyses hold (three per layer at most), the
transient MLP and attention tensors of one block, and one row of logits. It is deliberately
conservative; weights are not included, so subtract them from the device's memory first.
"""

from __future__ import annotations

import re

from transformer_lens.model_bridge import TransformerBridge

_UNITS = {
    "": 1,
    "B": 1,
    "KB": 10**3,
    "MB": 10**6,
    "GB": 10**9,
    "TB": 10**12,
    "KIB": 2**10,
    "MIB": 2**20,
    "GIB": 2**30,
    "TIB": 2**40,
    "K": 2**10,
    "M": 2**20,
    "G": 2**30,
    "T": 2**40,
}


def parse_memory(text: str | int) -> int:
    """Parse ``"8GiB"``, ``"512MB"``, ``"2G"`` or a plain byte count into bytes.

    Raises:
        ValueError: the text is not a positive size with a known unit.
    """
    if isinstance(text, int):
        if text <= 0:
            raise ValueError(f"memory bound must be positive, got {text}")
        return text
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([A-Za-z]*)\s*", text)
    if not match or match.group(2).upper() not in _UNITS:
        raise ValueError(f"invalid memory size {text!r}; use a number with B, MB, GB, MiB or GiB")
    value = float(match.group(1)) * _UNITS[match.group(2).upper()]
    if value <= 0:
        raise ValueError(f"memory bound must be positive, got {text!r}")
    return int(value)


def bytes_per_sequence(bridge: TransformerBridge, tokens: int, bytes_per_value: int = 4) -> int:
    """Estimate the activation bytes one sequence of ``tokens`` tokens needs."""
    cfg = bridge.cfg
    d_mlp = cfg.d_mlp or 4 * cfg.d_model
    cached = 3 * cfg.n_layers * tokens * cfg.d_model
    block = tokens * (8 * cfg.d_model + 3 * d_mlp) + 2 * cfg.n_heads * tokens * tokens
    logits = cfg.d_vocab
    return (cached + block + logits) * bytes_per_value


def batch_size_for(
    bridge: TransformerBridge,
    max_memory: str | int,
    *,
    tokens: int = 256,
    bytes_per_value: int = 4,
    limit: int = 256,
) -> int:
    """Return the largest batch (at least 1, at most ``limit``) that fits ``max_memory``."""
    per_sequence = bytes_per_sequence(bridge, tokens, bytes_per_value)
    return max(1, min(limit, parse_memory(max_memory) // per_sequence))
