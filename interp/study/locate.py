"""Battery stages that locate refusal: the refusal direction and activation patching."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch

from interp.chat import format_chats
from interp.directions import (
    candidate_directions,
    intervention_effects,
    projections,
    select_direction,
)
from interp.metrics import refusal_token_ids
from interp.patching.attribution import attribution_patching
from interp.patching.exact import PatchingResult, exact_patching
from interp.patching.inputs import align_pairs, refusal_metric
from interp.study.battery import ModelSpec, generation, load_spec, make_judge
from interp.study.config import StudyConfig
from interp.study.data import StudyData

CANDIDATES_FILE = "candidates.pt"


def run_direction(spec: ModelSpec, config: StudyConfig, data: StudyData, out: Path) -> dict:
    """Find, select and test the refusal direction of one model."""
    settings = config.battery.direction
    bridge, tokenizer = load_spec(spec, config)
    prefix = spec.assistant_prefix

    def render(items, with_prefix=True):
        return format_chats(
            tokenizer, [item.text for item in items], assistant_prefix=prefix if with_prefix else ""
        )

    # Template positions come before the reply, so their activations do not depend on the
    # assistant prefix: candidates are measured without it and compare across models.
    candidates = candidate_directions(
        bridge,
        render(data.harmful_train[: settings.n_train], False),
        render(data.benign_train[: settings.n_train], False),
    )
    torch.save(
        {"directions": candidates.directions.float(), "offsets": candidates.offsets},
        out / CANDIDATES_FILE,
    )
    refusal_ids = refusal_token_ids(tokenizer, spec.refusal_tokens)
    selection = select_direction(
        bridge,
        candidates,
        render(data.harmful_val[: settings.n_val]),
        render(data.benign_val[: settings.n_val]),
        refusal_ids,
        offsets=settings.offsets or None,
        max_layer_fraction=settings.max_layer_fraction,
        kl_threshold=settings.kl_threshold,
        evaluate_all=settings.evaluate_all,
    )
    (out / "selection.json").write_text(json.dumps(selection.table(), indent=1) + "\n")
    torch.save(selection.direction, out / "direction.pt")
    decoding = generation(spec, config, bridge, settings.max_new_tokens)
    effects = intervention_effects(
        bridge,
        selection,
        data.harmful_test[: settings.n_test],
        data.benign_test[: settings.n_test],
        make_judge(config),
        generation=decoding,
        assistant_prefix=prefix,
    )
    harmful_projection = projections(
        bridge, render(data.harmful_test[: settings.n_test], False), selection.direction
    )
    harmless_projection = projections(
        bridge, render(data.benign_test[: settings.n_test], False), selection.direction
    )
    return {
        "layer": selection.layer,
        "offset": selection.offset,
        "passed_filters": selection.passed_filters,
        "n_candidates_scored": len(selection.scores),
        "baseline_refusal_score_harmful": selection.baseline_harmful,
        "baseline_refusal_score_harmless": selection.baseline_harmless,
        "selected": next(
            s.__dict__
            for s in selection.scores
            if (s.layer, s.offset) == (selection.layer, selection.offset)
        ),
        "effects": effects.as_dict(),
        "projections": {
            "harmful_mean": harmful_projection.mean(0).tolist(),
            "harmful_std": harmful_projection.std(0).tolist(),
            "harmless_mean": harmless_projection.mean(0).tolist(),
            "harmless_std": harmless_projection.std(0).tolist(),
        },
    }


def run_patching(spec: ModelSpec, config: StudyConfig, data: StudyData, out: Path) -> dict:
    """Patch harmful activations into harmless runs, exactly and by attribution."""
    settings = config.battery.patching
    bridge, tokenizer = load_spec(spec, config)
    n = min(settings.n_pairs, len(data.harmful_test), len(data.benign_test))
    harmful = format_chats(
        tokenizer, [i.text for i in data.harmful_test[:n]], assistant_prefix=spec.assistant_prefix
    )
    harmless = format_chats(
        tokenizer, [i.text for i in data.benign_test[:n]], assistant_prefix=spec.assistant_prefix
    )
    pairs = align_pairs(bridge, harmful, harmless)
    metric = refusal_metric(refusal_token_ids(tokenizer, spec.refusal_tokens))
    exact: dict[str, PatchingResult] = {}
    for component in settings.exact:
        exact[f"{component}/position"] = exact_patching(bridge, pairs, component, metric)
    for component in settings.exact_heads:
        exact[f"{component}/head"] = exact_patching(bridge, pairs, component, metric, grid="head")
    grids = [(c, "head" if c in ("z", "q", "k", "v") else "position") for c in settings.attribution]
    with torch.enable_grad():
        attribution = attribution_patching(
            bridge, pairs, metric, grids, steps=settings.attribution_steps
        )
    agreement = {}
    for key, result in attribution.items():
        if key in exact:
            a, b = result.values.flatten(), exact[key].values.flatten()
            agreement[key] = float(torch.corrcoef(torch.stack([a, b]))[0, 1])
    prefix_tokens = len(harmful[0]) - harmful[0].response_start
    return {
        "n_pairs": n,
        "prefix_tokens": prefix_tokens,
        "exact": {key: _result_dict(result) for key, result in exact.items()},
        "attribution": {key: _result_dict(result) for key, result in attribution.items()},
        "attribution_vs_exact_pearson": agreement,
    }


def _result_dict(result: PatchingResult) -> dict[str, Any]:
    data = {
        "component": result.component,
        "grid": result.grid,
        "values": result.values.tolist(),
        "clean": result.clean,
        "corrupted": result.corrupted,
        "labels": result.labels,
    }
    try:
        data["normalized"] = result.normalized.tolist()
    except ValueError:
        data["normalized"] = None
    return data
