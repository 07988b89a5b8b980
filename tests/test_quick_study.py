"""The quick preset end to end on the embedded model (slow tier: about five minutes)."""

from __future__ import annotations

import json
import time

import pytest

from interp.configuration import apply_overrides
from interp.study.config import preset_config
from interp.study.pipeline import run_study

BATTERY_KEYS = {
    "behaviour",
    "jailbreak",
    "direction",
    "patching",
    "probes",
    "head_ablation",
    "kl_depth",
    "prefill",
}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    runs = tmp_path_factory.mktemp("runs")
    config = apply_overrides(preset_config("quick"), {"runs_dir": str(runs)})
    started = time.perf_counter()
    root = run_study(config)
    return config, root, time.perf_counter() - started


@pytest.mark.slow
def test_quick_preset_writes_every_section(quick_run):
    _, root, _ = quick_run
    metrics = json.loads((root / "metrics.json").read_text())
    assert set(metrics["models"]) == {"base", "dpo_shallow", "aw_dpo"}
    for name, battery in metrics["models"].items():
        assert set(battery) >= BATTERY_KEYS, name
    assert metrics["models"]["base"]["kl_depth"] is None
    assert metrics["models"]["aw_dpo"]["kl_depth"]["count"][0] > 0
    report = (root / "report.md").read_text()
    for heading in (
        "## Findings",
        "## Refusal direction",
        "## Activation patching",
        "## Reasoning-head ablation with controls",
        "## Alignment depth",
    ):
        assert heading in report
    for model in ("dpo_shallow", "aw_dpo"):
        assert (root / "models" / model / "model.safetensors").is_file()


@pytest.mark.slow
def test_quick_preset_rerun_is_cached(quick_run):
    config, root, _ = quick_run
    started = time.perf_counter()
    run_study(config)
    assert time.perf_counter() - started < 60
    metrics = json.loads((root / "metrics.json").read_text())
    assert all(timing["cached"] for timing in metrics["timings"].values())
