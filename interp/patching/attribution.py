"""Attribution patching: a first-order estimate of every patch at once.

For an activation ``a`` and metric ``m``, denoising estimates the effect of patching the clean
activation into the corrupted run as

    m(patched) - m(corrupted) ~ (a_clean - a_corrupted) . dm/da, evaluated on the corrupted run

(Nanda 2023, "Attribution Patching"; Syed et al. 2023, "Attribution Patching Outperforms
Automated Circuit Discovery"). One clean forward pass, one corrupted forward pass and one
backward pass give the estimate for every layer, position and head of every requested
component. Noising swaps the roles of the two runs.

With ``steps > 1`` the gradient is instead averaged over ``steps`` runs whose input embeddings
interpolate between the two prompts (integrated gradients along the input, as in EAP-IG,
Hanna et al. 2024, "Have Faith in Faithfulness"). That costs ``steps`` forward and backward
passes and follows the nonlinearity better.

Limitations: the estimate is linear, so it fails where attention saturates or a nonlinearity
bends sharply (on SmolLM2 the refusal score along the straight path from a harmless to a
harmful last-layer residual first rises, then falls, so the one-step estimate can have the
wrong sign). Confirm the top components with :func:`interp.patching.exact_patching`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor
from transformer_lens.model_bridge import TransformerBridge

from interp.patching.components import get_component
from interp.patching.exact import Direction, Grid, PatchingResult, _cache
from interp.patching.inputs import AlignedPairs, PatchMetric, checked


def attribution_patching(
    bridge: TransformerBridge,
    pairs: AlignedPairs,
    metric: PatchMetric,
    grids: Sequence[tuple[str, Grid]] = (("resid_pre", "position"),),
    *,
    direction: Direction = "denoising",
    steps: int = 1,
) -> dict[str, PatchingResult]:
    """Estimate patching effects for several component grids from one backward pass.

    Args:
        bridge: The model.
        pairs: Aligned clean and corrupted prompts.
        metric: Maps last-position logits and pair indices to one value per row.
        grids: ``(component, grid)`` pairs, as for :func:`exact_patching`.
        direction: ``"denoising"`` (linearise at the corrupted run) or ``"noising"``.
        steps: 1 for plain attribution patching; more to average the gradient over
            interpolated input embeddings (integrated gradients).

    Returns:
        One :class:`PatchingResult` per grid, keyed ``"<component>/<grid>"``; ``values`` hold
        the estimated metric after patching (the receiving run's metric plus the estimate).
    """
    specs = [(get_component(name), grid) for name, grid in grids]
    names = sorted(
        {spec.hook_name(layer) for spec, _ in specs for layer in range(bridge.cfg.n_layers)}
    )
    receiver, source = (
        ("corrupted", "clean") if direction == "denoising" else ("clean", "corrupted")
    )
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    with torch.no_grad():
        donor = _cache(bridge, *pairs.side(source), names + [EMBEDDING])
    activations, receiver_logits = _cache_with_gradients(
        bridge, *pairs.side(receiver), names, metric
    )
    if steps > 1:
        gradients = _integrated_gradients(
            bridge, pairs.side(receiver), names, metric, activations, donor[EMBEDDING], steps
        )
        activations = {n: (activations[n][0], gradients[n]) for n in names}
    pair_index = torch.arange(pairs.n_pairs, device=receiver_logits.device)
    receiver_metric = checked(metric(receiver_logits, pair_index), "receiving run")
    donor_metric = checked(metric(donor.logits, pair_index), "donor run")
    clean, corrupted = (
        (donor_metric, receiver_metric)
        if direction == "denoising"
        else (receiver_metric, donor_metric)
    )
    results = {}
    for spec, grid in specs:
        per_layer = []
        for layer in range(bridge.cfg.n_layers):
            name = spec.hook_name(layer)
            activation, gradient = activations[name]
            estimate = ((donor[name] - activation) * gradient).float()
            per_layer.append(_reduce(estimate, spec.per_head, grid, pairs.positions))
        stacked = torch.stack(per_layer, dim=1)
        baseline = receiver_metric.detach().float().cpu().view(-1, *[1] * (stacked.dim() - 1))
        per_pair = stacked + baseline
        results[f"{spec.name}/{grid}"] = PatchingResult(
            spec.name,
            grid,
            direction,
            per_pair.mean(dim=0),
            per_pair,
            clean.mean().item(),
            corrupted.mean().item(),
            pairs.labels,
        )
    return results


EMBEDDING = "blocks.0.hook_resid_pre"


def _integrated_gradients(bridge, side, names, metric, receiver, donor_embedding, steps):
    """Average the metric's gradients over runs with interpolated input embeddings."""
    start = receiver.get(EMBEDDING, (None,))[0]
    if start is None:
        with torch.no_grad():
            start = _cache(bridge, *side, [EMBEDDING])[EMBEDDING]
    total = {name: torch.zeros_like(receiver[name][1]) for name in names}
    for step in range(steps):
        alpha = (step + 0.5) / steps
        blend = start + alpha * (donor_embedding - start)
        interpolate = (
            EMBEDDING,
            lambda activation, hook, blend=blend: blend.clone().requires_grad_(True),
        )
        gradients, _ = _cache_with_gradients(bridge, *side, names, metric, hooks=[interpolate])
        for name in names:
            total[name] += gradients[name][1] / steps
    return total


def _cache_with_gradients(
    bridge: TransformerBridge,
    ids: Tensor,
    mask: Tensor,
    names: list[str],
    metric: PatchMetric,
    hooks: Sequence = (),
) -> tuple[dict[str, tuple[Tensor, Tensor]], Tensor]:
    """Run forward with the hooked activations kept, then backward from the summed metric."""
    kept: dict[str, Tensor] = {}

    def keeper(name: str) -> Callable[..., Tensor]:
        def keep(activation: Tensor, hook) -> Tensor:
            activation.retain_grad()
            kept[name] = activation
            return activation

        return keep

    bridge.zero_grad(set_to_none=True)
    readers = [(n, keeper(n)) for n in names]
    with torch.enable_grad(), bridge.hooks(fwd_hooks=list(hooks) + readers):
        logits = bridge(ids, attention_mask=mask)[:, -1]
        values = metric(logits.float(), torch.arange(ids.shape[0], device=ids.device))
        checked(values.detach(), "receiving run")
        values.sum().backward()
    result = {}
    for name, activation in kept.items():
        if activation.grad is None:
            raise RuntimeError(f"no gradient reached {name}; is it upstream of the logits?")
        result[name] = (activation.detach(), activation.grad.detach())
    bridge.zero_grad(set_to_none=True)
    return result, logits.detach().float()


def _reduce(estimate: Tensor, per_head: bool, grid: Grid, positions: list[int]) -> Tensor:
    """Sum the estimate over feature axes, keeping pair, then position and/or head axes."""
    if not per_head:
        return estimate[:, positions].sum(dim=-1).cpu()
    by_position = estimate.sum(dim=-1)  # [pair, pos, head]
    if grid == "head":
        return by_position.sum(dim=1).cpu()
    return by_position[:, positions].transpose(1, 2).cpu()
