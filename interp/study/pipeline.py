"""The study orchestrator: numbered steps, each a cached stage.

1. Data: real prompt sets, split with the seed.
2. The base model, saved once in Hugging Face format so later stages load it quickly.
3. The battery on every model: behaviour.
4. The report: ``metrics.json``, figures, ``report.md`` and ``report.html``.

Outputs land in ``<runs_dir>/<name>/``; see :func:`run_study`.
"""

from __future__ import annotations

import json
import logging
import platform
import subprocess
import time
from collections.abc import Collection
from importlib import metadata
from pathlib import Path
from typing import Any

from interp.configuration import to_dict
from interp.models import load_hf_model, write_model_files
from interp.study.battery import ModelSpec, run_behaviour
from interp.study.config import StudyConfig
from interp.study.data import StudyData, load_data, prepare_data, save_data
from interp.study.report import build_report
from interp.study.stages import StageRunner, write_json_atomic

logger = logging.getLogger(__name__)

PACKAGES = ("interp", "torch", "transformers", "transformer-lens", "numpy", "einops", "accelerate")


def run_study(config: StudyConfig, *, force: bool | Collection[str] = False) -> Path:
    """Run (or resume) the study and return its run folder.

    Args:
        config: The study config.
        force: ``True`` reruns every stage; a collection of stage names reruns those.
    """
    root = Path(config.runs_dir) / config.name
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    write_json_atomic(root / "config.json", run_record(config))
    stages = StageRunner(root, force=force, total=4)

    # 1. Data and splits.
    stages.run("data", [config.seed, config.data], lambda out: _data_stage(config, out))
    data = load_data(stages.stage_dir("data") / "splits.json")

    # 2. The base model in Hugging Face format.
    base_dir = root / "models" / "base"
    stages.run(
        "model_base",
        [config.model, config.dtype],
        lambda out: _save_base(config, out),
        output_dir=base_dir,
    )
    models = [ModelSpec("base", str(base_dir))]

    # 3. The battery on every model.
    batteries = {spec.name: run_battery(stages, spec, config, data) for spec in models}

    # 4. Metrics and report.
    metrics = {
        "run": {
            "name": config.name,
            "preset": config.preset,
            "model": config.model,
            "seed": config.seed,
            "judge": "lexical",
            "data_sizes": data.sizes(),
        },
        "models": batteries,
        "timings": stages.timings,
    }
    write_report(metrics, root)
    logger.info("study finished in %.1f s; outputs in %s", time.perf_counter() - started, root)
    return root


def run_battery(
    stages: StageRunner, spec: ModelSpec, config: StudyConfig, data: StudyData
) -> dict[str, Any]:
    """Run every analysis on one model, each as its own cached stage."""
    model_stage = f"model_{spec.name}"
    behaviour = stages.run(
        f"behaviour_{spec.name}",
        [spec, config.behaviour, config.device, config.dtype],
        lambda out: run_behaviour(spec, config, data, out),
        after=["data", model_stage],
    )
    return {"behaviour": behaviour}


def write_report(metrics: dict[str, Any], root: Path) -> None:
    """Write ``metrics.json``, the figures, ``report.md`` and ``report.html``."""
    report = build_report(metrics, root)
    write_json_atomic(root / "metrics.json", metrics)
    _write_text_atomic(root / "report.md", report.to_markdown())
    _write_text_atomic(root / "report.html", report.to_html(root))


def run_record(config: StudyConfig) -> dict[str, Any]:
    """Return the config with seed, package versions, platform and git commit."""
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "config": to_dict(config),
        "seed": config.seed,
        "versions": versions,
        "python": platform.python_version(),
        "git_commit": _git_commit(),
    }


def _data_stage(config: StudyConfig, out: Path) -> dict[str, Any]:
    data = prepare_data(config)
    save_data(data, out / "splits.json")
    return {"sizes": data.sizes()}


def _save_base(config: StudyConfig, out: Path) -> dict[str, Any]:
    model, tokenizer = load_hf_model(config.model, dtype=config.dtype)
    write_model_files(model, tokenizer, out)
    return {"source": config.model, "parameters": sum(p.numel() for p in model.parameters())}


def _write_text_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _git_commit() -> str | None:
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return completed.stdout.strip() or None


def load_metrics(root: Path) -> dict[str, Any]:
    """Read the ``metrics.json`` of a finished run."""
    path = Path(root) / "metrics.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found; run the study first")
    return json.loads(path.read_text())
