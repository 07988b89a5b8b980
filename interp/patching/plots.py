"""Heatmaps of patching results. Each function returns a ``matplotlib.figure.Figure``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from interp.patching.exact import PatchingResult


def _values(result: PatchingResult, normalized: bool) -> np.ndarray:
    return (result.normalized if normalized else result.values).detach().cpu().numpy()


def _heatmap(
    data: np.ndarray,
    *,
    title: str,
    xlabel: str,
    xticks: Sequence[str],
    ylabel: str = "layer",
    symmetric: bool = True,
    colorbar: str = "",
) -> Figure:
    figure = Figure(
        figsize=(max(4.5, 0.55 * len(xticks) + 2.5), max(3.0, 0.16 * data.shape[0] + 1.4))
    )
    axes = figure.add_subplot()
    limit = float(np.nanmax(np.abs(data))) if symmetric and np.isfinite(data).any() else None
    image = axes.imshow(
        data,
        aspect="auto",
        origin="lower",
        cmap="RdBu_r" if symmetric else "viridis",
        vmin=-limit if limit else None,
        vmax=limit,
    )
    axes.set_xticks(range(len(xticks)), xticks, rotation=60, ha="right", fontsize="small")
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    figure.colorbar(image, ax=axes, label=colorbar)
    figure.tight_layout()
    return figure


def plot_layer_position(
    result: PatchingResult, *, normalized: bool = True, title: str | None = None
) -> Figure:
    """Draw a layer x position heatmap labelled with each position's token."""
    if result.grid != "position":
        raise ValueError(f"expected a position grid, got {result.grid!r}")
    label = "normalized effect" if normalized else "metric"
    return _heatmap(
        _values(result, normalized),
        title=title or f"{result.component} patching ({result.direction})",
        xlabel="position (from the end) and token",
        xticks=result.labels,
        colorbar=label,
    )


def plot_layer_head(
    result: PatchingResult, *, normalized: bool = True, title: str | None = None
) -> Figure:
    """Draw a layer x head heatmap (a head grid, or a head-position grid summed over positions)."""
    data = _values(result, normalized)
    if result.grid == "head_position":
        data = data.sum(axis=-1)
    elif result.grid != "head":
        raise ValueError(f"expected a head grid, got {result.grid!r}")
    return _heatmap(
        data,
        title=title or f"{result.component} patching by head ({result.direction})",
        xlabel="head",
        xticks=[str(h) for h in range(data.shape[1])],
        colorbar="normalized effect" if normalized else "metric",
    )


def plot_difference(
    after: PatchingResult, before: PatchingResult, *, title: str, normalized: bool = True
) -> Figure:
    """Draw the cell-wise difference ``after - before`` of two results on the same grid."""
    if after.values.shape != before.values.shape or after.grid != before.grid:
        raise ValueError("results must share component grid and shape")
    data = _values(after, normalized) - _values(before, normalized)
    if after.grid == "head_position":
        data = data.sum(axis=-1)
    xticks = after.labels if after.grid == "position" else [str(h) for h in range(data.shape[1])]
    return _heatmap(
        data,
        title=title,
        xlabel="position" if after.grid == "position" else "head",
        xticks=xticks,
        colorbar="difference",
    )


def plot_attribution_vs_exact(exact: PatchingResult, attribution: PatchingResult) -> Figure:
    """Scatter attribution estimates against exact patching values, cell by cell."""
    x = exact.values.flatten().numpy()
    y = attribution.values.flatten().numpy()
    figure = Figure(figsize=(4.2, 4.0))
    axes = figure.add_subplot()
    axes.scatter(x, y, s=8, alpha=0.6)
    low, high = float(min(x.min(), y.min())), float(max(x.max(), y.max()))
    axes.plot([low, high], [low, high], color="grey", linewidth=0.8)
    r = np.corrcoef(x, y)[0, 1] if x.std() > 0 and y.std() > 0 else float("nan")
    axes.set_title(f"{exact.component}: attribution vs exact (r = {r:.2f})")
    axes.set_xlabel("exact patching")
    axes.set_ylabel("attribution estimate")
    figure.tight_layout()
    return figure
