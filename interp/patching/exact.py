"""Exact activation patching, batched so that no unchanged work is recomputed.

A patch at layer ``l`` and column ``p`` cannot change anything in layers below ``l`` or in
columns before ``p`` (the attention mask is causal). So a patched run starts from the receiving
run's cached residual stream entering layer ``l``, computes columns ``p`` onwards only, and
takes the keys and values of columns before ``p`` from the receiving run's cache. Only the last
column's logits are needed.

Patches that share a start column run together: the batch grows layer by layer as patches
that start at each layer join it, so one pass over the blocks serves every layer's patches,
for every prompt pair at once.

Denoising runs the corrupted prompt and patches in clean activations; noising runs the clean
prompt and patches in corrupted ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import torch
from jaxtyping import Float, Int
from torch import Tensor
from transformer_lens.model_bridge import TransformerBridge

from interp._compat import install_cache_shim
from interp.forward import read_activations
from interp.patching.components import Component, get_component, n_heads
from interp.patching.inputs import AlignedPairs, PatchMetric, checked, positions_of

Direction = Literal["denoising", "noising"]
Grid = Literal["position", "head", "head_position"]


@dataclass(frozen=True)
class PatchingResult:
    """Patching effects on a grid of layers, and positions or heads.

    Attributes:
        component: The patched component.
        grid: ``"position"`` (axes layer, position), ``"head"`` (layer, head; every position
            patched at once) or ``"head_position"`` (layer, head, position).
        direction: ``"denoising"`` (clean into corrupted) or ``"noising"``.
        values: Metric after patching, averaged over pairs.
        per_pair: The same before averaging, with a leading pair axis.
        clean: Mean metric of the unpatched clean run.
        corrupted: Mean metric of the unpatched corrupted run.
        labels: Label of each patched position.
    """

    component: str
    grid: Grid
    direction: Direction
    values: Float[Tensor, "..."]
    per_pair: Float[Tensor, "pair ..."]
    clean: float
    corrupted: float
    labels: list[str] = field(default_factory=list)

    @property
    def normalized(self) -> Float[Tensor, "..."]:
        """Effects rescaled so that the corrupted run is 0 and the clean run is 1."""
        span = self.clean - self.corrupted
        if abs(span) < 1e-12:
            raise ValueError("clean and corrupted metrics are equal; the effect is undefined")
        return (self.values - self.corrupted) / span

    def to_dict(self) -> dict:
        """Return a JSON-ready dict (values as nested lists)."""
        return {
            "component": self.component,
            "grid": self.grid,
            "direction": self.direction,
            "values": self.values.tolist(),
            "normalized": self.normalized.tolist(),
            "clean": self.clean,
            "corrupted": self.corrupted,
            "labels": self.labels,
        }


@dataclass(frozen=True)
class _Element:
    pair: int
    layer: int
    head: int | None
    column: int | None  # None: every column from the start column onwards


class _PrefixCache:
    """Keys and values of the columns before the start column, for one layer.

    Implements the ``update`` call that attention makes on a KV cache: it returns the cached
    prefix followed by the new columns' keys and values.
    """

    def __init__(self, keys: Tensor, values: Tensor, layer: int) -> None:
        self.keys, self.values, self.layer = keys, values, layer

    def update(self, keys: Tensor, values: Tensor, layer_idx: int, *args, **kwargs):
        if layer_idx != self.layer:
            raise RuntimeError(f"prefix cache for layer {self.layer} used at layer {layer_idx}")
        return torch.cat([self.keys, keys], dim=-2), torch.cat([self.values, values], dim=-2)

    def get_seq_length(self, layer_idx: int = 0) -> int:
        return self.keys.shape[-2]


def exact_patching(
    bridge: TransformerBridge,
    pairs: AlignedPairs,
    component: str,
    metric: PatchMetric,
    *,
    grid: Grid = "position",
    direction: Direction = "denoising",
    layers: Sequence[int] | None = None,
    max_batch: int = 512,
) -> PatchingResult:
    """Patch ``component`` at every cell of the grid and return the metric per cell.

    Args:
        bridge: The model.
        pairs: Aligned clean and corrupted prompts (see :func:`align_pairs`).
        component: A name from :data:`interp.patching.components.COMPONENTS`.
        metric: Maps last-position logits and pair indices to one value per row.
        grid: ``"position"`` for residual-layout components; ``"head"`` or ``"head_position"``
            for per-head components (``z``, ``q``; ``k`` and ``v`` by key/value head).
        direction: ``"denoising"`` or ``"noising"``.
        layers: Layers to patch; all by default.
        max_batch: Maximum sequences in one batched pass.

    Raises:
        ValueError: an unknown component, a grid that does not fit its layout, or a metric
            that returns NaN.
    """
    spec = get_component(component)
    _check_grid(spec, grid)
    install_cache_shim(bridge)
    layer_list = list(range(bridge.cfg.n_layers)) if layers is None else sorted(layers)
    receiver, source = (
        ("corrupted", "clean") if direction == "denoising" else ("clean", "corrupted")
    )
    with torch.no_grad():
        base = _ReceiverCache(bridge, *pairs.side(receiver))
        patches = _cache(
            bridge, *pairs.side(source), [spec.hook_name(layer) for layer in layer_list]
        )
        clean_logits, corrupted_logits = (
            (patches.logits, base.logits)
            if receiver == "corrupted"
            else (base.logits, patches.logits)
        )
        pair_index = torch.arange(pairs.n_pairs, device=clean_logits.device)
        clean = checked(metric(clean_logits, pair_index), "clean run").mean().item()
        corrupted = checked(metric(corrupted_logits, pair_index), "corrupted run").mean().item()

        elements = _elements(bridge, spec, grid, pairs, layer_list)
        values = torch.empty(len(elements), dtype=torch.float32)
        by_start: dict[int, list[int]] = defaultdict(list)
        for index, element in enumerate(elements):
            start = element.column if element.column is not None else 0
            by_start[start].append(index)
        for start, indices in by_start.items():
            indices.sort(key=lambda i: elements[i].layer)
            for chunk_start in range(0, len(indices), max_batch):
                chunk = indices[chunk_start : chunk_start + max_batch]
                chosen = [elements[i] for i in chunk]
                logits = _run_from(bridge, spec, chosen, start, base, patches)
                rows = torch.tensor([e.pair for e in chosen], device=logits.device)
                values[chunk] = checked(metric(logits, rows), f"{component} patch").float().cpu()

    per_pair = _to_grid(values, elements, pairs, grid, layer_list, n_heads(bridge, spec))
    return PatchingResult(
        component, grid, direction, per_pair.mean(dim=0), per_pair, clean, corrupted, pairs.labels
    )


def _check_grid(spec: Component, grid: Grid) -> None:
    if spec.per_head and grid == "position":
        raise ValueError(f"component {spec.name!r} has heads; use grid 'head' or 'head_position'")
    if not spec.per_head and grid != "position":
        raise ValueError(f"component {spec.name!r} has no head axis; use grid 'position'")


def _elements(bridge, spec, grid, pairs, layers) -> list[_Element]:
    heads = range(n_heads(bridge, spec)) if spec.per_head else [None]
    columns = [None] if grid == "head" else pairs.positions
    return [
        _Element(pair, layer, head, column)
        for pair in range(pairs.n_pairs)
        for layer in layers
        for head in heads
        for column in columns
    ]


def _to_grid(values, elements, pairs, grid, layers, heads) -> Tensor:
    layer_index = {layer: i for i, layer in enumerate(layers)}
    column_index = {column: i for i, column in enumerate(pairs.positions)}
    if grid == "position":
        shape = (pairs.n_pairs, len(layers), len(pairs.positions))
    elif grid == "head":
        shape = (pairs.n_pairs, len(layers), heads)
    else:
        shape = (pairs.n_pairs, len(layers), heads, len(pairs.positions))
    out = torch.empty(shape, dtype=torch.float32)
    for value, element in zip(values, elements, strict=True):
        key = [element.pair, layer_index[element.layer]]
        if element.head is not None:
            key.append(element.head)
        if element.column is not None:
            key.append(column_index[element.column])
        out[tuple(key)] = value
    return out


class _Cache:
    """Activations of one run at chosen hooks, and its last-position logits."""

    def __init__(self, activations: dict[str, Tensor], logits: Tensor) -> None:
        self.activations = activations
        self.logits = logits

    def __getitem__(self, name: str) -> Tensor:
        return self.activations[name]


def _cache(bridge: TransformerBridge, ids: Tensor, mask: Tensor, names: list[str]) -> _Cache:
    activations, logits = read_activations(bridge, ids, mask, names)
    return _Cache(activations, logits)


class _ReceiverCache(_Cache):
    """The run that receives patches: residual stream, keys and values at every layer."""

    def __init__(self, bridge: TransformerBridge, ids: Tensor, mask: Tensor) -> None:
        layers = range(bridge.cfg.n_layers)
        names = [f"blocks.{layer}.hook_resid_pre" for layer in layers]
        names += [f"blocks.{layer}.attn.hook_rot_k" for layer in layers]
        names += [f"blocks.{layer}.attn.hook_v" for layer in layers]
        cached = _cache(bridge, ids, mask, names)
        super().__init__(cached.activations, cached.logits)
        self.mask = mask
        self.positions = positions_of(mask)


def _run_from(
    bridge: TransformerBridge,
    spec: Component,
    elements: list[_Element],
    start: int,
    base: _ReceiverCache,
    patches: _Cache,
) -> Float[Tensor, "element d_vocab"]:
    """Run the patched elements from their layers on, columns ``start`` onwards."""
    width = base.mask.shape[1]
    device = base.mask.device
    residual: Tensor | None = None
    pairs: list[int] = []
    for layer in range(bridge.cfg.n_layers):
        joining = [e for e in elements if e.layer == layer]
        if joining:
            rows = slice(len(pairs), len(pairs) + len(joining))
            pairs += [e.pair for e in joining]
            entering = base[f"blocks.{layer}.hook_resid_pre"][[e.pair for e in joining], start:]
            if spec.name == "resid_pre":
                entering = _patched(entering, joining, start, patches[spec.hook_name(layer)], spec)
            residual = entering if residual is None else torch.cat([residual, entering])
        if residual is None:
            continue
        index = torch.tensor(pairs, device=device)
        hooks = []
        if joining and spec.name != "resid_pre":
            hooks.append(
                (
                    spec.hook_name(layer),
                    _patch_hook(rows, joining, start, patches[spec.hook_name(layer)], spec),
                )
            )
        residual = _block(bridge, layer, residual, index, start, width, base, hooks)
    final = bridge.ln_final(residual[:, -1:])
    return bridge.unembed(final)[:, -1].float()


def _block(bridge, layer, residual, index, start, width, base, hooks) -> Tensor:
    positions = base.positions[index, start:]
    cos, sin = bridge.rotary_emb(residual, positions)
    mask = _attention_mask(base.mask[index], start, width, residual.dtype)
    cache = None
    if start > 0:
        keys = base[f"blocks.{layer}.attn.hook_rot_k"][index, :start].transpose(1, 2)
        values = base[f"blocks.{layer}.attn.hook_v"][index, :start].transpose(1, 2)
        cache = _PrefixCache(keys, values, layer)
    with bridge.hooks(fwd_hooks=hooks):
        output = bridge.blocks[layer](
            residual,
            attention_mask=mask,
            position_embeddings=(cos, sin),
            position_ids=positions,
            cache=cache,
        )
    return output[0] if isinstance(output, tuple) else output


def _attention_mask(
    key_mask: Int[Tensor, "batch pos"], start: int, width: int, dtype: torch.dtype
) -> Float[Tensor, "batch 1 query key"]:
    """Additive mask: query column ``start + i`` attends to real keys up to its own column."""
    queries = torch.arange(start, width, device=key_mask.device)
    keys = torch.arange(width, device=key_mask.device)
    allowed = (keys[None, :] <= queries[:, None])[None] & key_mask.bool()[:, None, :]
    blocked = torch.zeros(allowed.shape, dtype=dtype, device=key_mask.device)
    blocked.masked_fill_(~allowed, torch.finfo(dtype).min)
    return blocked[:, None]


def _patched(
    activation: Tensor, elements: list[_Element], start: int, source: Tensor, spec: Component
) -> Tensor:
    """Return ``activation`` (rows = ``elements``) with each element's cell replaced."""
    patched = activation.clone()
    rows = torch.arange(len(elements), device=activation.device)
    pairs = torch.tensor([e.pair for e in elements], device=activation.device)
    if elements[0].column is None:
        window = torch.arange(start, start + activation.shape[1], device=activation.device)
        heads = torch.tensor([e.head for e in elements], device=activation.device)
        patched[rows[:, None], (window - start)[None, :], heads[:, None]] = source[
            pairs[:, None], window[None, :], heads[:, None]
        ]
        return patched
    columns = torch.tensor([e.column for e in elements], device=activation.device)
    if spec.per_head:
        heads = torch.tensor([e.head for e in elements], device=activation.device)
        patched[rows, columns - start, heads] = source[pairs, columns, heads]
    else:
        patched[rows, columns - start] = source[pairs, columns]
    return patched


def _patch_hook(
    rows: slice, elements: list[_Element], start: int, source: Tensor, spec: Component
) -> Callable[..., Tensor]:
    def hook(activation: Tensor, hook) -> Tensor:
        patched = activation.clone()
        patched[rows] = _patched(activation[rows], elements, start, source, spec)
        return patched

    return hook


def run_unpatched(
    bridge: TransformerBridge, ids: Int[Tensor, "batch pos"], mask: Int[Tensor, "batch pos"]
) -> Float[Tensor, "batch d_vocab"]:
    """Return last-position logits of a plain run (a reference for tests and metrics)."""
    with torch.no_grad():
        return bridge(ids, attention_mask=mask)[:, -1].float()
