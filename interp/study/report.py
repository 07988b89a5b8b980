"""The study report, written by code from ``metrics.json`` and never by hand.

Each section reads measured numbers and states them with their confidence intervals. The
findings at the top test the hypotheses of the study with explicit criteria (non-overlapping
95% intervals) and say plainly when a hypothesis is not supported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from interp.jailbreak.suite import plot_jailbreaks
from interp.plotting import plot_categories, plot_rates
from interp.report import Report
from interp.study import figures

SET_LABELS = {
    "harmbench_test": "HarmBench test (harmful)",
    "benign_test": "benign instructions",
    "benign_looking": "benign-looking prompts",
    "custom_harmful": "your harmful prompts",
    "custom_benign": "your benign prompts",
}


def fmt(estimate: dict[str, float] | None, percent: bool = True) -> str:
    """Format ``{"value", "low", "high"}`` as ``12.5% [8.1%, 18.0%]`` or as plain numbers."""
    if estimate is None:
        return "n/a"
    if percent:
        return (
            f"{100 * estimate['value']:.1f}% "
            f"[{100 * estimate['low']:.1f}%, {100 * estimate['high']:.1f}%]"
        )
    return f"{estimate['value']:.3f} [{estimate['low']:.3f}, {estimate['high']:.3f}]"


def separated(a: dict[str, float], b: dict[str, float]) -> int:
    """Return 1 if ``a``'s interval lies above ``b``'s, -1 if below, 0 if they overlap."""
    if a["low"] > b["high"]:
        return 1
    if a["high"] < b["low"]:
        return -1
    return 0


def save_figure(figure, root: Path, name: str) -> str:
    """Save a figure under ``root/figures`` and return its path relative to ``root``."""
    folder = root / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    figure.savefig(folder / f"{name}.png", dpi=110, bbox_inches="tight")
    return f"figures/{name}.png"


def findings(metrics: dict[str, Any]) -> list[str]:
    """State each hypothesis with its numbers and whether the data support it."""
    models = metrics["models"]
    lines = []
    for name, battery in models.items():
        sets = battery.get("behaviour", {}).get("sets")
        if sets:
            lines.append(
                f"{name} refuses {fmt(sets['harmbench_test']['refusal_rate'])} of held-out "
                f"HarmBench behaviours and {fmt(sets['benign_looking']['refusal_rate'])} of "
                "benign-looking prompts."
            )
    lines += _head_dependence(models)
    lines += _comparison(
        models,
        "jailbreak",
        lambda b: b["jailbreak"]["overall"],
        "is more robust to jailbreaks (lower overall attack success)",
        lower=True,
    )
    lines += _comparison(
        models,
        "prefill",
        lambda b: b["prefill"]["attack_success"].get("10"),
        "is more robust to a 10-token prefilling attack",
        lower=True,
    )
    # The prefilling attack above leaves AW-DPO its own reasoning. Forcing an empty
    # <think></think> skips it and shows whether the refusal survives without the reasoning.
    for name, battery in models.items():
        empty = battery.get("prefill", {}).get("empty_think_attack_success")
        if empty is not None:
            lines.append(
                f"{name} with its reasoning skipped (empty <think> prefill): attack success "
                f"{fmt(empty)}."
            )
    return lines


def _comparison(models, key, extract, claim, *, lower: bool) -> list[str]:
    if not {"aw_dpo", "dpo_shallow"} <= set(models):
        return []
    if key not in models["aw_dpo"] or key not in models["dpo_shallow"]:
        return []
    aw, shallow = extract(models["aw_dpo"]), extract(models["dpo_shallow"])
    if aw is None or shallow is None:
        return []
    order = separated(aw, shallow)
    supported = order == (-1 if lower else 1)
    verdict = (
        "Supported"
        if supported
        else "Not supported: the intervals overlap"
        if order == 0
        else "Not supported: the difference goes the other way"
    )
    return [
        f"Hypothesis: AW-DPO {claim} than shallow DPO. {verdict} (aw_dpo {fmt(aw)}, "
        f"dpo_shallow {fmt(shallow)})."
    ]


def _head_dependence(models) -> list[str]:
    lines = []
    excess = {}
    dependent = {}
    for name, battery in models.items():
        ablation = battery.get("head_ablation")
        if not ablation or "zero" not in ablation["random_summary"]:
            continue
        outcomes = {o["name"]: o for o in ablation["outcomes"]}
        if "reasoning/zero" not in outcomes:
            continue
        base = outcomes["baseline"]["refusal_rate"]
        reasoning = outcomes["reasoning/zero"]["refusal_rate"]
        random = ablation["random_summary"]["zero"]["refusal_rate"]
        accuracy = (
            outcomes["baseline"]["reasoning_accuracy"],
            outcomes["reasoning/zero"]["reasoning_accuracy"],
            ablation["random_summary"]["zero"]["reasoning_accuracy"],
        )
        excess[name] = random["value"] - reasoning["value"]
        depends = separated(reasoning, random) == -1
        dependent[name] = depends
        lines.append(
            f"{name}: ablating the {ablation['n_heads_ablated']} top reasoning heads moves refusal "
            f"from {fmt(base)} to {fmt(reasoning)}; random heads give {fmt(random)} (mean over "
            f"seeds). Reasoning accuracy: {fmt(accuracy[0])} -> {fmt(accuracy[1])} (random "
            f"{fmt(accuracy[2])}). Refusal "
            + (
                "depends on the reasoning heads beyond the random control."
                if depends
                else "does not depend on the reasoning heads beyond the random "
                "control (intervals overlap or refusal rises)."
            )
        )
    if {"aw_dpo", "dpo_shallow"} <= set(excess):
        more = excess["aw_dpo"] > excess["dpo_shallow"]
        if more and dependent["aw_dpo"]:
            verdict = "Supported"
        elif more:
            verdict = (
                "Not established: the point estimates lean that way, but aw_dpo's reasoning-head "
                "and random-head intervals overlap"
            )
        else:
            verdict = "Not supported"
        lines.append(
            "Hypothesis: after AW-DPO, refusal depends more on reasoning heads than after "
            f"shallow DPO. {verdict}. Refusal drop beyond the random control: "
            f"{excess['aw_dpo']:+.3f} for aw_dpo and {excess['dpo_shallow']:+.3f} for "
            "dpo_shallow (rate differences; see the head-ablation table for intervals)."
        )
    return lines


def behaviour_section(report: Report, metrics: dict[str, Any], root: Path) -> None:
    """Add refusal and over-refusal rates per model, with a figure and a category table."""
    models = {n: b for n, b in metrics["models"].items() if "behaviour" in b}
    if not models:
        return
    first = next(iter(models.values()))["behaviour"]["sets"]
    labels = {name: SET_LABELS.get(name, name) for name in first}
    report.heading("Behaviour: refusal and over-refusal")
    report.paragraph(
        "Replies are generated greedily and labelled by the judge. The refusal rate on harmful "
        "prompts is the safety rate; on benign prompts it is the over-refusal rate. Brackets "
        "give 95% Wilson intervals."
    )
    report.table(
        ["model"] + list(labels.values()),
        [
            [model] + [fmt(b["behaviour"]["sets"][n]["refusal_rate"]) for n in labels]
            for model, b in models.items()
        ],
    )
    rates = {
        model: {labels[n]: b["behaviour"]["sets"][n]["refusal_rate"] for n in labels}
        for model, b in models.items()
    }
    report.figure(
        save_figure(plot_rates(rates, title="Refusal rate by prompt set"), root, "refusal_rates"),
        "Refusal rate per prompt set and model, with 95% Wilson intervals.",
    )
    for model, battery in models.items():
        sets = battery["behaviour"]["sets"]
        unfinished = sum(s.get("n_unfinished_reasoning", 0) for s in sets.values())
        harmful_score = sets["harmbench_test"]["mean_refusal_logit_score"]
        report.paragraph(
            f"{model}: mean refusal logit score {harmful_score:.2f}"
            f" on HarmBench and {sets['benign_test']['mean_refusal_logit_score']:.2f} on benign "
            f"instructions. Replies cut off inside their reasoning: {unfinished}."
        )
    by_category = {
        m: b["behaviour"]["sets"]["harmbench_test"]["by_category"] for m, b in models.items()
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
        [[c] + [fmt(by_category[m].get(c)) for m in models] for c in categories],
    )


def jailbreak_section(report: Report, models: dict, root: Path) -> None:
    """Add attack success per group and model."""
    models = {n: b for n, b in models.items() if "jailbreak" in b}
    if not models:
        return
    report.heading("Jailbreak suite")
    groups = list(next(iter(models.values()))["jailbreak"]["groups"])
    report.table(
        ["model", "baseline", "overall"] + groups,
        [
            [n, fmt(b["jailbreak"]["baseline"]), fmt(b["jailbreak"]["overall"])]
            + [fmt(b["jailbreak"]["groups"][g]) for g in groups]
            for n, b in models.items()
        ],
    )
    report.figure(
        save_figure(
            plot_jailbreaks({n: b["jailbreak"] for n, b in models.items()}), root, "jailbreak"
        ),
        "Attack success rate (judge: not a refusal) per transform group.",
    )


def direction_section(report: Report, models: dict, root: Path) -> None:
    """Add the selected directions, their intervention effects and the cross-model cosines."""
    models = {n: b for n, b in models.items() if "direction" in b}
    if not models:
        return
    report.heading("Refusal direction")
    rows = []
    for name, battery in models.items():
        d = battery["direction"]
        e = d["effects"]
        rows.append(
            [
                name,
                f"{d['layer']} / {d['offset']}",
                "yes" if d["passed_filters"] else "no",
                f"{fmt(e['harmful_refusal'])} -> {fmt(e['harmful_refusal_ablated'])}",
                f"{fmt(e['harmless_refusal'])} -> {fmt(e['harmless_refusal_added'])}",
                f"{e['kl_benign']:.3f}",
                f"{e['cross_entropy_benign']:.3f} -> {e['cross_entropy_benign_ablated']:.3f}",
            ]
        )
    report.table(
        [
            "model",
            "layer / position",
            "passed filters",
            "harmful refusal: ablated",
            "harmless refusal: added",
            "KL on benign text",
            "CE on benign text",
        ],
        rows,
    )
    report.paragraph(
        "A direction that 'passed filters' induces refusal on harmless prompts when added "
        "(positive refusal score) and changes harmless next-token distributions little when "
        "ablated (KL below the threshold). Where no candidate passed, the best remaining one "
        "is reported and the effects should be read with that in mind."
    )
    report.figure(
        save_figure(figures.plot_projections(models), root, "direction_projections"),
        "Projection of held-out harmful and harmless prompts on each model's "
        "direction, per layer (mean and one standard deviation).",
    )
    cosines = figures.direction_cosines(root, list(models))
    if cosines:
        report.figure(
            save_figure(figures.plot_direction_cosines(cosines), root, "direction_cosines"),
            "Cosine similarity of each aligned model's difference-in-means "
            "candidate with the base model's, per layer (last template token).",
        )
        report.bullets(
            [
                f"{name}: mean cosine {np.mean(values):.3f}, minimum "
                f"{np.min(values):.3f} (layer {int(np.argmin(values))})"
                for name, values in cosines.items()
            ]
        )


def patching_section(report: Report, models: dict, root: Path) -> None:
    """Add exact patching heatmaps per model and their differences, and attribution agreement."""
    models = {n: b for n, b in models.items() if "patching" in b}
    if not models:
        return
    report.heading("Activation patching")
    report.paragraph(
        "Harmful prompts are clean, harmless prompts corrupted, aligned on the chat-template "
        "tokens after the user's text; the metric is the refusal score at the last position. "
        "Effects are normalised so that 0 is the harmless run and 1 the harmful run."
    )
    for key in next(iter(models.values()))["patching"]["exact"]:
        if key.endswith("/position"):
            report.figure(
                save_figure(
                    figures.plot_patching_panels(models, key), root, f"patching_{key.split('/')[0]}"
                ),
                f"Exact patching of {key.split('/')[0]} per model and the difference "
                "from the base model.",
            )
    for source in ("exact", "attribution"):
        if all("z/head" in b["patching"][source] for b in models.values()):
            report.figure(
                save_figure(
                    figures.plot_head_panels(
                        models,
                        f"{source.capitalize()} patching of head outputs (all positions)",
                        lambda b, source=source: figures._grid(b["patching"][source]["z/head"]),
                    ),
                    root,
                    f"patching_heads_{source}",
                ),
                f"Effect of patching each head's output at every position, per model ({source}).",
            )
    report.table(
        ["model", "clean refusal score", "corrupted refusal score"]
        + [
            f"attribution r ({k})"
            for k in next(iter(models.values()))["patching"]["attribution_vs_exact_pearson"]
        ],
        [
            [
                n,
                f"{b['patching']['exact']['resid_pre/position']['clean']:.2f}"
                if "resid_pre/position" in b["patching"]["exact"]
                else "n/a",
                f"{b['patching']['exact']['resid_pre/position']['corrupted']:.2f}"
                if "resid_pre/position" in b["patching"]["exact"]
                else "n/a",
            ]
            + [f"{r:.3f}" for r in b["patching"]["attribution_vs_exact_pearson"].values()]
            for n, b in models.items()
        ],
    )


def probes_section(report: Report, models: dict, root: Path) -> None:
    """Add held-out probe accuracy heatmaps for both tasks."""
    models = {n: b for n, b in models.items() if "probes" in b}
    if not models:
        return
    report.heading("Probes")
    for task in ("alignment", "reasoning"):
        report.figure(
            save_figure(
                figures.plot_head_panels(
                    models,
                    f"{task} probe accuracy per head (held out)",
                    lambda b, t=task: b["probes"][t]["head_test_accuracy"],
                ),
                root,
                f"probes_{task}",
            ),
            f"Held-out accuracy of the {task} probe on each head's output at the last prompt "
            "token.",
        )
    report.table(
        [
            "model",
            "alignment: best head",
            "alignment: mean head",
            "reasoning: best head",
            "reasoning: mean head",
            "reasoning: best layer",
        ],
        [
            [n]
            + [
                f"{stat(np.asarray(b['probes'][t]['head_test_accuracy'])):.3f}"
                for t in ("alignment", "reasoning")
                for stat in (np.max, np.mean)
            ]
            + [f"{np.max(b['probes']['reasoning']['layer_test_accuracy']):.3f}"]
            for n, b in models.items()
        ],
    )


def head_ablation_section(report: Report, models: dict, root: Path) -> None:
    """Add the intervention table with controls and the ablation figures."""
    models = {n: b for n, b in models.items() if "head_ablation" in b}
    if not models:
        return
    report.heading("Reasoning-head ablation with controls")
    first = next(iter(models.values()))["head_ablation"]
    report.paragraph(
        f"The top {first['n_heads_ablated']} heads by reasoning-probe accuracy (ranked on a "
        f"split disjoint from every measurement) among the first {first['max_layer']} layers "
        "are ablated; controls are random heads from the same layers and the top "
        "alignment-probe heads. 'zero' equals zeroing the heads' Q/K/V weights; 'mean' replaces "
        "their outputs by the mean output."
    )
    rows = []
    for name, battery in models.items():
        ablation = battery["head_ablation"]
        for outcome in ablation["outcomes"]:
            if outcome["name"].startswith("random/"):
                continue
            rows.append(_ablation_row(name, outcome["name"], outcome))
        for kind, summary in ablation["random_summary"].items():
            rows.append(_ablation_row(name, f"random/{kind} (seed mean)", summary))
    report.table(
        [
            "model",
            "intervention",
            "reasoning accuracy",
            "refusal rate",
            "refusal score",
            "over-refusal",
            "alignment probe",
            "reasoning probe",
        ],
        rows,
    )
    for metric in ("refusal_rate", "reasoning_accuracy"):
        report.figure(
            save_figure(
                figures.plot_head_ablation(models, metric), root, f"head_ablation_{metric}"
            ),
            f"{metric.replace('_', ' ').capitalize()} under each intervention with "
            "95% intervals (random: bootstrap over seeds).",
        )


def _ablation_row(model: str, name: str, outcome: dict) -> list[str]:
    def probe(value):
        return f"{value['value']:.3f}" if isinstance(value, dict) else f"{value:.3f}"

    return [
        model,
        name,
        fmt(outcome["reasoning_accuracy"]),
        fmt(outcome["refusal_rate"]),
        fmt(outcome["refusal_score"], percent=False),
        fmt(outcome["over_refusal"]),
        probe(outcome["alignment_probe_accuracy"]),
        probe(outcome["reasoning_probe_accuracy"]),
    ]


def depth_section(report: Report, models: dict, root: Path) -> None:
    """Add KL profiles, prefilling curves, first-token refusal and the empty-think attack."""
    models = {n: b for n, b in models.items() if "prefill" in b}
    if not models:
        return
    report.heading("Alignment depth")
    kl = figures.plot_kl_profiles(models)
    if kl is not None:
        report.figure(
            save_figure(kl, root, "kl_depth"),
            "Per-token KL(aligned || base) along the aligned model's own replies to "
            "held-out harmful prompts, with 95% bootstrap intervals.",
        )
        for name, battery in models.items():
            profile = battery.get("kl_depth")
            if profile:
                mean = np.nan_to_num(np.asarray(profile["mean"], dtype=float))
                share = mean[:5].sum() / mean.sum() if mean.sum() > 0 else float("nan")
                report.paragraph(
                    f"{name}: {100 * share:.0f}% of the summed KL over the first "
                    f"{len(mean)} reply tokens lies in the first 5."
                )
    report.figure(
        save_figure(figures.plot_prefill(models), root, "prefill"),
        "Attack success when the first k tokens of the base model's compliant reply are forced.",
    )
    rows = []
    for name, battery in models.items():
        prefill = battery["prefill"]
        rows.append(
            [
                name,
                fmt(prefill["first_token_refusal_probability"], percent=False),
                fmt(prefill.get("with_reasoning_attack_success")),
                fmt(prefill.get("empty_think_attack_success")),
            ]
        )
    report.table(
        [
            "model",
            "P(first token opens a refusal)",
            "attack success (own reasoning)",
            "attack success (empty <think>)",
        ],
        rows,
    )


def training_section(report: Report, metrics: dict[str, Any], root: Path) -> None:
    """Add training data counts and curves."""
    training = metrics.get("training") or {}
    if not training:
        return
    report.heading("Training")
    items = []
    for name, summary in training.items():
        if "pairs" in summary:
            items.append(f"{name}: pairs {summary['pairs'].get('kept', summary['pairs'])}")
        if "training" in summary:
            last = summary["training"]["last"]
            items.append(
                f"{name}: {summary['training']['steps']} steps, final loss "
                f"{last.get('loss', float('nan')):.3f}, reward accuracy "
                f"{last.get('reward_accuracy', float('nan')):.2f}"
            )
    report.bullets(items)
    curves = figures.plot_training(root, [n for n in training if n != "cot_pairs"])
    if curves is not None:
        report.figure(save_figure(curves, root, "training"), "Training loss and reward accuracy.")


def build_report(metrics: dict[str, Any], root: Path) -> Report:
    """Compose the whole report from the metrics of a run."""
    run = metrics["run"]
    models = metrics["models"]
    report = Report(f"interp study: {run['name']}")
    report.heading("Setup")
    report.bullets(
        [
            f"base model: {run['model']}; models compared: {', '.join(models)}",
            f"preset: {run['preset']}, seed {run['seed']}",
            "prompt sets: " + ", ".join(f"{n} {s}" for n, s in run["data_sizes"].items() if s),
            f"judge: {run['judge']}",
        ]
    )
    report.heading("Findings")
    report.bullets(findings(metrics))
    training_section(report, metrics, root)
    behaviour_section(report, metrics, root)
    jailbreak_section(report, models, root)
    direction_section(report, models, root)
    patching_section(report, models, root)
    probes_section(report, models, root)
    head_ablation_section(report, models, root)
    depth_section(report, models, root)
    report.heading("Stage timings")
    report.table(
        ["stage", "seconds", "cached"],
        [
            [name, f"{t['seconds']:.1f}", "yes" if t["cached"] else "no"]
            for name, t in metrics["timings"].items()
        ],
    )
    return report
