"""Cross-model figures of the study, drawn from ``metrics.json`` and the stage folders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
from matplotlib.figure import Figure

from interp.plotting import plot_curves, plot_rates


def _grid(result: dict[str, Any]) -> np.ndarray:
    values = result["normalized"] if result.get("normalized") is not None else result["values"]
    return np.asarray(values, dtype=float)


def template_columns(patching: dict[str, Any], key: str = "resid_pre/position") -> np.ndarray:
    """Return a position grid restricted to the chat-template columns (no assistant prefix)."""
    grid = _grid(patching["exact"][key])
    prefix = patching.get("prefix_tokens", 0)
    return grid[:, : grid.shape[1] - prefix] if prefix else grid


def plot_patching_panels(models: dict[str, dict], key: str = "resid_pre/position") -> Figure:
    """Draw one layer x position heatmap per model, plus each aligned model minus the base."""
    names = [name for name, battery in models.items() if "patching" in battery]
    grids = {name: template_columns(models[name]["patching"], key) for name in names}
    labels = models[names[0]]["patching"]["exact"][key]["labels"][: grids[names[0]].shape[1]]
    panels = [(name, grids[name]) for name in names]
    if "base" in grids:
        panels += [
            (f"{name} - base", grids[name] - grids["base"])
            for name in names
            if name != "base" and grids[name].shape == grids["base"].shape
        ]
    figure = Figure(figsize=(3.2 * len(panels) + 1, 4.2))
    limit = max(float(np.nanmax(np.abs(grid))) for _, grid in panels) or 1.0
    for index, (title, grid) in enumerate(panels):
        axes = figure.add_subplot(1, len(panels), index + 1)
        image = axes.imshow(
            grid, aspect="auto", origin="lower", cmap="RdBu_r", vmin=-limit, vmax=limit
        )
        axes.set_title(title, fontsize="small")
        axes.set_xticks(
            range(len(labels)),
            [label.split(" ", 1)[-1] for label in labels],
            rotation=70,
            fontsize="x-small",
        )
        if index == 0:
            axes.set_ylabel("layer")
    figure.colorbar(image, ax=figure.axes, shrink=0.8, label="normalized patching effect")
    figure.suptitle(f"Exact patching of {key.split('/')[0]} (harmful into harmless)")
    return figure


def plot_head_panels(models: dict[str, dict], title: str, extract) -> Figure:
    """Draw one layer x head heatmap per model from ``extract(battery) -> 2-D array``."""
    names = list(models)
    figure = Figure(figsize=(3.0 * len(names) + 1, 4.0))
    grids = [np.asarray(extract(models[name]), dtype=float) for name in names]
    low = min(float(np.nanmin(g)) for g in grids)
    high = max(float(np.nanmax(g)) for g in grids)
    for index, (name, grid) in enumerate(zip(names, grids, strict=True)):
        axes = figure.add_subplot(1, len(names), index + 1)
        image = axes.imshow(grid, aspect="auto", origin="lower", vmin=low, vmax=high)
        axes.set_title(name, fontsize="small")
        axes.set_xlabel("head")
        if index == 0:
            axes.set_ylabel("layer")
    figure.colorbar(image, ax=figure.axes, shrink=0.8)
    figure.suptitle(title)
    return figure


def direction_cosines(root: Path, names: list[str]) -> dict[str, list[float]]:
    """Return, per aligned model, the per-layer cosine between its candidates and the base's.

    Candidates at the last template position are compared (position -1 of the template).
    """

    def load(name: str) -> torch.Tensor:
        saved = torch.load(root / "stages" / f"direction_{name}" / "candidates.pt")
        return saved["directions"][:, saved["offsets"].index(-1)]

    if "base" not in names:
        return {}
    base = load("base")
    return {
        name: torch.nn.functional.cosine_similarity(load(name), base, dim=-1).nan_to_num().tolist()
        for name in names
        if name != "base"
    }


def plot_direction_cosines(cosines: dict[str, list[float]]) -> Figure:
    """Draw per-layer cosine similarity of each aligned model's direction with the base's."""
    curves = {name: (list(range(len(values))), values) for name, values in cosines.items()}
    return plot_curves(
        curves,
        title="Refusal-direction candidates: cosine with the base model",
        xlabel="layer",
        ylabel="cosine similarity",
    )


def plot_projections(models: dict[str, dict]) -> Figure:
    """Draw per-layer projections of harmful and harmless prompts on each model's direction."""
    curves, bands = {}, {}
    for name, battery in models.items():
        if "direction" not in battery:
            continue
        projection = battery["direction"]["projections"]
        for kind in ("harmful", "harmless"):
            mean = np.asarray(projection[f"{kind}_mean"])
            std = np.asarray(projection[f"{kind}_std"])
            label = f"{name}: {kind}"
            curves[label] = (list(range(len(mean))), mean.tolist())
            bands[label] = ((mean - std).tolist(), (mean + std).tolist())
    return plot_curves(
        curves,
        bands=bands,
        title="Projection on each model's refusal direction",
        xlabel="layer",
        ylabel="projection (mean +- std)",
    )


def plot_head_ablation(models: dict[str, dict], metric: str) -> Figure:
    """Draw ``metric`` under each intervention, per model, with intervals."""
    rates = {}
    for name, battery in models.items():
        if "head_ablation" not in battery:
            continue
        ablation = battery["head_ablation"]
        entry = {
            o["name"]: o[metric]
            for o in ablation["outcomes"]
            if not o["name"].startswith("random/")
        }
        for kind, summary in ablation["random_summary"].items():
            entry[f"random/{kind} (mean of seeds)"] = summary[metric]
        rates[name] = entry
    first = next(iter(rates.values()))
    rates = {
        name: {key: values[key] for key in first if key in values} for name, values in rates.items()
    }
    figure = plot_rates(
        rates, title=f"Head ablation: {metric.replace('_', ' ')}", ylabel=metric.replace("_", " ")
    )
    if metric == "refusal_score":
        figure.axes[0].set_ylim(auto=True)
        figure.axes[0].relim()
        figure.axes[0].autoscale()
    return figure


def plot_kl_profiles(models: dict[str, dict]) -> Figure | None:
    """Overlay the per-token KL profiles of the aligned models."""
    curves, bands = {}, {}
    for name, battery in models.items():
        profile = battery.get("kl_depth")
        if not profile:
            continue
        positions = list(range(1, len(profile["mean"]) + 1))
        curves[name] = (positions, profile["mean"])
        bands[name] = (profile["low"], profile["high"])
    if not curves:
        return None
    return plot_curves(
        curves,
        bands=bands,
        title="Per-token KL to the base model on harmful prompts",
        xlabel="reply token position",
        ylabel="KL (nats)",
    )


def plot_prefill(models: dict[str, dict]) -> Figure:
    """Overlay attack success against the number of forced compliant tokens."""
    curves, bands = {}, {}
    for name, battery in models.items():
        rates = battery["prefill"]["attack_success"]
        ks = sorted(rates, key=int)
        curves[name] = ([int(k) for k in ks], [rates[k]["value"] for k in ks])
        bands[name] = ([rates[k]["low"] for k in ks], [rates[k]["high"] for k in ks])
    figure = plot_curves(
        curves,
        bands=bands,
        title="Prefilling attack",
        xlabel="forced compliant tokens",
        ylabel="attack success rate",
    )
    figure.axes[0].set_ylim(-0.02, 1.02)
    return figure


def plot_training(root: Path, names: list[str]) -> Figure | None:
    """Draw the loss and reward accuracy of every trained model against the step."""
    histories = {}
    for name in names:
        path = root / "models" / name / "metrics.jsonl"
        if path.is_file():
            histories[name] = [json.loads(line) for line in path.read_text().splitlines() if line]
    if not histories:
        return None
    figure = Figure(figsize=(9.5, 3.4))
    for index, key in enumerate(("loss", "reward_accuracy")):
        axes = figure.add_subplot(1, 2, index + 1)
        for name, records in histories.items():
            points = [(r["step"], r[key]) for r in records if key in r]
            if points:
                axes.plot(*zip(*points, strict=True), label=name, marker=".")
        axes.set_xlabel("step")
        axes.set_title(key.replace("_", " "))
    figure.axes[0].legend(fontsize="small")
    figure.tight_layout()
    return figure
