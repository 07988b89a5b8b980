"""Figures for behaviour results. Every function returns a ``matplotlib.figure.Figure``.

Figures are built without ``pyplot``, so the library never changes the caller's backend and
works headless. Save one with ``figure.savefig(path)``; a notebook displays it as the cell
result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

Interval = Mapping[str, float]


def plot_rates(
    rates: Mapping[str, Mapping[str, Interval]],
    *,
    title: str = "Refusal rate",
    ylabel: str = "refusal rate",
) -> Figure:
    """Draw grouped bars with confidence intervals.

    Args:
        rates: ``rates[group][bar] = {"value", "low", "high"}``, for example
            ``rates[model][prompt set]``. Every group must have the same bars.
        title: Figure title.
        ylabel: Label of the y axis.
    """
    groups = list(rates)
    if not groups:
        raise ValueError("no rates to plot")
    bars = list(rates[groups[0]])
    for group in groups:
        if list(rates[group]) != bars:
            raise ValueError(f"group {group!r} has bars {list(rates[group])}, expected {bars}")
    figure = Figure(figsize=(max(5.0, 1.4 * len(bars) * len(groups) ** 0.5 + 2), 3.6))
    axes = figure.add_subplot()
    width = 0.8 / len(groups)
    x = np.arange(len(bars))
    for index, group in enumerate(groups):
        values = np.array([rates[group][bar]["value"] for bar in bars])
        low = values - np.array([rates[group][bar]["low"] for bar in bars])
        high = np.array([rates[group][bar]["high"] for bar in bars]) - values
        axes.bar(
            x + (index - (len(groups) - 1) / 2) * width,
            values,
            width,
            label=group,
            yerr=[low, high],
            capsize=3,
        )
    axes.set_xticks(x, bars, rotation=20, ha="right")
    axes.set_ylim(0, 1.05)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    if len(groups) > 1:
        axes.legend(fontsize="small")
    figure.tight_layout()
    return figure


def plot_categories(
    by_category: Mapping[str, Mapping[str, Interval]],
    *,
    title: str = "Refusal rate by category",
) -> Figure:
    """Draw horizontal bars per category, one colour per model, with intervals.

    Args:
        by_category: ``by_category[model][category] = {"value", "low", "high"}``. Categories
            missing for a model are drawn as gaps.
        title: Figure title.
    """
    models = list(by_category)
    categories: list[str] = sorted({c for values in by_category.values() for c in values})
    if not categories:
        raise ValueError("no categories to plot")
    figure = Figure(figsize=(6.5, 0.45 * len(categories) * max(1, len(models)) ** 0.6 + 1.2))
    axes = figure.add_subplot()
    height = 0.8 / max(1, len(models))
    y = np.arange(len(categories))
    for index, model in enumerate(models):
        values = _values(by_category[model], categories, "value")
        low = values - _values(by_category[model], categories, "low")
        high = _values(by_category[model], categories, "high") - values
        axes.barh(
            y + (index - (len(models) - 1) / 2) * height,
            values,
            height,
            label=model,
            xerr=[np.nan_to_num(low), np.nan_to_num(high)],
            capsize=2,
        )
    axes.set_yticks(y, categories)
    axes.set_xlim(0, 1.05)
    axes.set_xlabel("refusal rate")
    axes.set_title(title)
    if len(models) > 1:
        axes.legend(fontsize="small")
    figure.tight_layout()
    return figure


def plot_curves(
    curves: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    bands: Mapping[str, tuple[Sequence[float], Sequence[float]]] | None = None,
    log_y: bool = False,
) -> Figure:
    """Overlay line curves, one per label, with optional shaded interval bands.

    Args:
        curves: ``curves[label] = (x values, y values)``.
        title: Figure title.
        xlabel: Label of the x axis.
        ylabel: Label of the y axis.
        bands: ``bands[label] = (lower y values, upper y values)`` drawn around that curve.
        log_y: Use a logarithmic y axis.
    """
    if not curves:
        raise ValueError("no curves to plot")
    figure = Figure(figsize=(6.0, 3.6))
    axes = figure.add_subplot()
    for label, (x, y) in curves.items():
        line = axes.plot(x, y, marker="o", markersize=3, label=label)[0]
        if bands and label in bands:
            low, high = bands[label]
            axes.fill_between(x, low, high, color=line.get_color(), alpha=0.2)
    if log_y:
        axes.set_yscale("log")
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.legend(fontsize="small")
    figure.tight_layout()
    return figure


def _values(values: Mapping[str, Interval], categories: list[str], key: str) -> np.ndarray:
    return np.array([values[c][key] if c in values else np.nan for c in categories], dtype=float)
