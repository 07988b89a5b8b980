"""The study report, written by code from ``metrics.json`` and never by hand.

Each section reads measured numbers and states them with their confidence intervals. Where a
comparison does not support the hypothesis it was meant to test, the text says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from interp.plotting import plot_categories, plot_rates
from interp.report import Report

SET_LABELS = {
    "harmbench_test": "HarmBench test (harmful)",
    "benign_test": "benign instructions",
    "benign_looking": "benign-looking prompts",
    "custom_harmful": "your harmful prompts",
    "custom_benign": "your benign prompts",
}


def fmt(estimate: dict[str, float], percent: bool = True) -> str:
    """Format ``{"value", "low", "high"}`` as ``12.5% [8.1%, 18.0%]`` or as plain numbers."""
    if percent:
        return (
            f"{100 * estimate['value']:.1f}% "
            f"[{100 * estimate['low']:.1f}%, {100 * estimate['high']:.1f}%]"
        )
    return f"{estimate['value']:.3f} [{estimate['low']:.3f}, {estimate['high']:.3f}]"


def save_figure(figure, root: Path, name: str) -> str:
    """Save a figure under ``root/figures`` and return its path relative to ``root``."""
    folder = root / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    figure.savefig(folder / f"{name}.png", dpi=110)
    return f"figures/{name}.png"


def behaviour_section(report: Report, metrics: dict[str, Any], root: Path) -> None:
    """Add refusal and over-refusal rates per model, with a figure and a category table."""
    models = metrics["models"]
    first = next(iter(models.values()))["behaviour"]["sets"]
    labels = {name: SET_LABELS.get(name, name) for name in first}
    report.heading("Behaviour: refusal and over-refusal")
    report.paragraph(
        "Replies are generated greedily and labelled by the judge. The refusal rate on harmful "
        "prompts is the safety rate; on benign prompts it is the over-refusal rate. Brackets "
        "give 95% Wilson intervals."
    )
    rows = []
    for model, battery in models.items():
        sets = battery["behaviour"]["sets"]
        rows.append([model] + [fmt(sets[name]["refusal_rate"]) for name in labels])
    report.table(["model"] + list(labels.values()), rows)
    rates = {
        model: {labels[name]: battery["behaviour"]["sets"][name]["refusal_rate"] for name in labels}
        for model, battery in models.items()
    }
    report.figure(
        save_figure(plot_rates(rates, title="Refusal rate by prompt set"), root, "refusal_rates"),
        "Refusal rate per prompt set and model, with 95% Wilson intervals.",
    )
    for model, battery in models.items():
        sets = battery["behaviour"]["sets"]
        harmful = sets["harmbench_test"]["refusal_rate"]
        looking = sets["benign_looking"]["refusal_rate"]
        report.paragraph(
            f"{model}: refuses {fmt(harmful)} of held-out HarmBench behaviours and "
            f"{fmt(looking)} of benign-looking prompts (mean refusal logit score on HarmBench "
            f"{sets['harmbench_test']['mean_refusal_logit_score']:.2f}, on benign "
            f"{sets['benign_test']['mean_refusal_logit_score']:.2f})."
        )
    by_category = {
        model: battery["behaviour"]["sets"]["harmbench_test"]["by_category"]
        for model, battery in models.items()
    }
    report.figure(
        save_figure(
            plot_categories(by_category, title="HarmBench refusal rate by category"),
            root,
            "refusal_by_category",
        ),
        "Refusal rate on HarmBench test behaviours per semantic category.",
    )
    categories = sorted({c for values in by_category.values() for c in values})
    report.table(
        ["category"] + list(models),
        [
            [category]
            + [
                fmt(by_category[model][category]) if category in by_category[model] else "-"
                for model in models
            ]
            for category in categories
        ],
    )


def build_report(metrics: dict[str, Any], root: Path) -> Report:
    """Compose the whole report from the metrics of a run."""
    run = metrics["run"]
    report = Report(f"interp study: {run['name']}")
    report.heading("Setup")
    report.bullets(
        [
            f"base model: {run['model']}",
            f"preset: {run['preset']}, seed {run['seed']}",
            "prompt sets: "
            + ", ".join(f"{name} {size}" for name, size in run["data_sizes"].items()),
            f"judge: {run['judge']}",
        ]
    )
    behaviour_section(report, metrics, root)
    report.heading("Stage timings")
    report.table(
        ["stage", "seconds", "cached"],
        [
            [name, f"{timing['seconds']:.1f}", "yes" if timing["cached"] else "no"]
            for name, timing in metrics["timings"].items()
        ],
    )
    return report
