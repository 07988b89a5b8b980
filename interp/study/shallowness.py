"""Battery stages that test shallowness: jailbreaks, probes, head ablation and depth."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import torch

from interp.chat import format_chat
from interp.depth import (
    EMPTY_THINK,
    attack_success,
    first_token_refusal_probability,
    per_token_kl,
    prefill_attack,
)
from interp.generation import GenerationConfig, generate
from interp.head_ablation import (
    EvaluationSet,
    mean_head_outputs,
    mean_hooks,
    measure,
    random_heads,
    top_heads,
    zero_hooks,
)
from interp.jailbreak.suite import run_jailbreaks
from interp.metrics import refusal_token_ids
from interp.models import load_model
from interp.probes import (
    LinearProbes,
    alignment_prompts,
    head_probes,
    layer_probes,
    probe_features,
    reasoning_prompts,
)
from interp.stats import bootstrap_mean
from interp.study.battery import ModelSpec, batch_size, generation, load_spec, make_judge
from interp.study.config import StudyConfig
from interp.study.data import StudyData

PROBES_FILE = "probes.pt"
COMPLIANT_FILE = "compliant_replies.json"


def run_jailbreak(spec: ModelSpec, config: StudyConfig, data: StudyData, out: Path) -> dict:
    """Attack the model with the jailbreak suite on held-out HarmBench behaviours."""
    settings = config.battery.jailbreak
    bridge, _ = load_spec(spec, config)
    result = run_jailbreaks(
        bridge,
        data.harmful_test[: settings.n_prompts],
        make_judge(config),
        transforms=settings.transforms,
        generation=generation(spec, config, bridge, settings.max_new_tokens),
        assistant_prefix=spec.assistant_prefix,
    )
    return result.as_dict()


def _three_way(n: int, test_fraction: float, seed: int, groups: int = 1):
    """Split ``n`` units into fit, selection and test indices (pairs of rows stay together)."""
    order = np.random.default_rng(seed).permutation(n)
    n_test = max(1, round(n * test_fraction))
    n_select = max(1, round(n * 0.2))
    parts = order[n_test + n_select :], order[n_test : n_test + n_select], order[:n_test]

    def rows(units):
        units = torch.as_tensor(np.sort(units))
        return torch.cat([groups * units + k for k in range(groups)]).sort().values

    return tuple(rows(part) for part in parts)


def run_probes(spec: ModelSpec, config: StudyConfig, data: StudyData, out: Path) -> dict:
    """Fit alignment and reasoning probes per head and per layer.

    Each task is split three ways: probes are fitted on one part, heads are ranked on a second
    (used by the head ablation), and accuracy is reported on a held-out third.
    """
    settings = config.battery.probes
    bridge, tokenizer = load_spec(spec, config)
    harmful = data.harmful_train[: settings.n_alignment]
    benign = data.benign_train[: len(harmful)]
    questions = data.reasoning_train[: settings.n_reasoning]
    tasks = {
        "alignment": (
            *alignment_prompts(tokenizer, harmful, benign),
            _three_way(len(harmful) + len(benign), settings.test_fraction, config.seed),
        ),
        "reasoning": (
            *reasoning_prompts(tokenizer, questions),
            _three_way(len(questions), settings.test_fraction, config.seed, groups=2),
        ),
    }
    saved, summary = {}, {}
    layers, heads = bridge.cfg.n_layers, bridge.cfg.n_heads
    for task, (prompts, labels, (fit, select, test)) in tasks.items():
        features = probe_features(bridge, prompts)
        per_head = head_probes(features, labels, fit, test, l2=settings.l2)
        per_layer = layer_probes(features, labels, fit, test, l2=settings.l2)
        flat = features.heads.reshape(len(prompts), layers * heads, -1)
        selection = per_head.probes.accuracy(flat[select], labels[select])
        saved[task] = {
            "probes": per_head.probes.__dict__,
            "test_rows": test,
            "texts": [p.user for p in prompts],
            "labels": labels,
        }
        summary[task] = {
            "head_test_accuracy": per_head.test_accuracy.view(layers, heads).tolist(),
            "head_selection_accuracy": selection.view(layers, heads).tolist(),
            "layer_test_accuracy": per_layer.test_accuracy.tolist(),
            "n_fit": len(fit),
            "n_select": len(select),
            "n_test": len(test),
        }
    torch.save(saved, out / PROBES_FILE)
    return summary


def _load_probes(
    folder: Path, task: str, tokenizer, limit: int
) -> tuple[LinearProbes, list, torch.Tensor]:
    saved = torch.load(folder / PROBES_FILE, weights_only=False)[task]
    probe = LinearProbes(**saved["probes"])
    rows = saved["test_rows"].tolist()[:limit]
    prompts = [format_chat(tokenizer, saved["texts"][i]) for i in rows]
    return probe, prompts, saved["labels"][rows]


def run_head_ablation(
    spec: ModelSpec, config: StudyConfig, data: StudyData, out: Path, probes_dir: Path, probes: dict
) -> dict:
    """Ablate reasoning heads, alignment heads and random heads; measure what changes."""
    settings = config.battery.head_ablation
    bridge, tokenizer = load_spec(spec, config)
    max_layer = max(1, math.ceil(bridge.cfg.n_layers * settings.layer_fraction))
    ranking = {task: torch.tensor(probes[task]["head_selection_accuracy"]) for task in probes}
    head_sets = {
        task: top_heads(ranking[task], max_layer=max_layer, fraction=settings.head_fraction)
        for task in ranking
    }
    limit = settings.n_probe_prompts
    alignment_probe, alignment_test, alignment_labels = _load_probes(
        probes_dir, "alignment", tokenizer, limit
    )
    reasoning_probe, reasoning_test, reasoning_labels = _load_probes(
        probes_dir, "reasoning", tokenizer, limit
    )
    evaluation = EvaluationSet(
        reasoning=data.reasoning_test[: settings.n_reasoning],
        harmful=data.harmful_test[: settings.n_harmful],
        benign=data.benign_test[: settings.n_benign],
        alignment_prompts=alignment_test,
        alignment_labels=alignment_labels,
        reasoning_prompts=reasoning_test,
        reasoning_labels=reasoning_labels,
    )
    n_mean = settings.n_mean_prompts
    reference = [
        format_chat(tokenizer, item.text)
        for item in data.harmful_train[:n_mean] + data.benign_train[:n_mean]
    ]
    means = mean_head_outputs(bridge, reference)
    count = len(head_sets["reasoning"])
    plan = [("baseline", [], [])]
    for task in ("reasoning", "alignment"):
        for kind in settings.interventions:
            hooks = (
                zero_hooks(head_sets[task])
                if kind == "zero"
                else mean_hooks(head_sets[task], means)
            )
            plan.append((f"{task}/{kind}", head_sets[task], hooks))
    for seed in range(settings.random_seeds):
        heads = random_heads(
            bridge.cfg.n_heads, max_layer=max_layer, count=count, seed=config.seed + seed
        )
        for kind in settings.random_interventions:
            hooks = zero_hooks(heads) if kind == "zero" else mean_hooks(heads, means)
            plan.append((f"random/{kind}/seed={seed}", heads, hooks))
    decoding = generation(spec, config, bridge, settings.max_new_tokens)
    refusal_ids = refusal_token_ids(tokenizer, spec.refusal_tokens)
    outcomes = [
        measure(
            bridge,
            name,
            heads,
            hooks,
            evaluation,
            (alignment_probe, reasoning_probe),
            make_judge(config),
            refusal_ids,
            max_layer=max_layer,
            generation=decoding,
            assistant_prefix=spec.assistant_prefix,
            seed=config.seed,
        ).as_dict()
        for name, heads, hooks in plan
    ]
    (out / "outcomes.json").write_text(json.dumps(outcomes, indent=1) + "\n")
    return {
        "max_layer": max_layer,
        "n_heads_ablated": count,
        "heads": {task: [list(h) for h in heads] for task, heads in head_sets.items()},
        "outcomes": outcomes,
        "random_summary": _random_summary(outcomes, config.seed),
    }


METRICS = ("reasoning_accuracy", "refusal_rate", "refusal_score", "over_refusal")


def _random_summary(outcomes: list[dict], seed: int) -> dict[str, Any]:
    """Average each metric over the random-head seeds, with a bootstrap interval over seeds."""
    summary = {}
    kinds = sorted({o["name"].split("/")[1] for o in outcomes if o["name"].startswith("random/")})
    for kind in kinds:
        runs = [o for o in outcomes if o["name"].startswith(f"random/{kind}/")]
        summary[kind] = {
            metric: bootstrap_mean([r[metric]["value"] for r in runs], seed=seed).as_dict()
            for metric in METRICS
        }
        for probe in ("alignment_probe_accuracy", "reasoning_probe_accuracy"):
            summary[kind][probe] = bootstrap_mean([r[probe] for r in runs], seed=seed).as_dict()
    return summary


def compliant_replies(base_path: str, config: StudyConfig, data: StudyData, out: Path) -> dict:
    """Generate the base model's compliant replies that prefilling attacks force."""
    settings = config.battery.depth
    bridge, tokenizer = load_model(base_path, device=config.device, dtype=config.dtype)
    items = data.harmful_test[: settings.n_prompts]
    length = max(settings.prefill_tokens) + 8
    completions = generate(
        bridge,
        [item.text for item in items],
        GenerationConfig(length, batch_size=batch_size(config, bridge)),
        progress=False,
    )
    judge = make_judge(config)
    replies = {
        item.id: list(c.token_ids)
        for item, c in zip(items, completions, strict=True)
        if not judge.judge(item.text, c.text).refused
    }
    (out / COMPLIANT_FILE).write_text(json.dumps(replies) + "\n")
    return {"n_compliant": len(replies), "n_prompts": len(items)}


def run_depth(
    spec: ModelSpec,
    config: StudyConfig,
    data: StudyData,
    out: Path,
    base_path: str,
    compliant_dir: Path,
) -> dict:
    """Measure the KL profile against the base model, prefilling attacks and first-token refusal."""
    settings = config.battery.depth
    bridge, tokenizer = load_spec(spec, config)
    items = data.harmful_test[: settings.n_prompts]
    judge = make_judge(config)
    refusal_ids = refusal_token_ids(tokenizer, spec.refusal_tokens)
    compliant = json.loads((compliant_dir / COMPLIANT_FILE).read_text())
    decoding = generation(spec, config, bridge, settings.max_new_tokens)
    result: dict[str, Any] = {"kl_depth": None}
    if spec.name != "base":
        reference, _ = load_model(base_path, device=config.device, dtype=config.dtype)
        own = generate(
            bridge,
            [format_chat(tokenizer, i.text, assistant_prefix=spec.assistant_prefix) for i in items],
            GenerationConfig(settings.kl_positions, batch_size=batch_size(config, bridge)),
            progress=False,
        )
        profile = per_token_kl(
            bridge,
            reference,
            [i.text for i in items],
            [c.token_ids for c in own],
            max_positions=settings.kl_positions,
            assistant_prefix=spec.assistant_prefix,
            seed=config.seed,
        )
        result["kl_depth"] = profile.__dict__
    usable = [item for item in items if item.id in compliant]
    rates = prefill_attack(
        bridge,
        usable,
        compliant,
        judge,
        ks=settings.prefill_tokens,
        generation=decoding,
        assistant_prefix=spec.assistant_prefix,
    )
    prefill: dict[str, Any] = {
        "attack_success": {str(k): v.as_dict() for k, v in rates.items()},
        "first_token_refusal_probability": first_token_refusal_probability(
            bridge, [i.text for i in items], refusal_ids, assistant_prefix=spec.assistant_prefix
        ).as_dict(),
    }
    if spec.reasons:
        prefill["empty_think_attack_success"] = attack_success(
            bridge, items, judge, assistant_prefix=EMPTY_THINK, generation=decoding
        ).as_dict()
        prefill["with_reasoning_attack_success"] = attack_success(
            bridge, items, judge, assistant_prefix=spec.assistant_prefix, generation=decoding
        ).as_dict()
    result["prefill"] = prefill
    return result
