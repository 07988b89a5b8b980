"""The study orchestrator: numbered steps, each a cached stage.

1. Data: real prompt sets, split with the seed.
2. The base model, saved once in Hugging Face format so later stages load it quickly.
3. Shallow DPO on bare refusals (recipe a).
4. CoT-SFT, CoT safety pairs, then Alignment-Weighted DPO (recipe b).
5. Only when ``dpo_cot`` is requested (the full preset): plain DPO on the same pairs (recipe c).
6. The battery on every model.
7. The report: ``metrics.json``, figures, ``report.md`` and ``report.html``.

Outputs land in ``<runs_dir>/<name>/``; see :func:`run_study`.
"""

from __future__ import annotations

import json
import logging
import platform
import shutil
import subprocess
import time
from collections.abc import Collection, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from interp.configuration import to_dict
from interp.models import load_hf_model, write_model_files
from interp.study.battery import COT_REFUSAL_TOKENS, ModelSpec, make_judge, run_behaviour
from interp.study.config import StudyConfig
from interp.study.data import StudyData, load_data, prepare_data, save_data
from interp.study.locate import run_direction, run_patching
from interp.study.report import build_report
from interp.study.shallowness import (
    compliant_replies,
    run_depth,
    run_head_ablation,
    run_jailbreak,
    run_probes,
)
from interp.study.stages import StageRunner, write_json_atomic
from interp.training.recipes import (
    COT_PREFIX,
    base_replies,
    build_cot_pairs,
    train_cot_sft,
    train_on_cot_pairs,
    train_shallow,
)

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
    stages = StageRunner(root, force=force, total=count_stages(config))

    # 1. Data and splits.
    stages.run("data", [config.seed, config.data], lambda out: _data_stage(config, out))
    data = load_data(stages.stage_dir("data") / "splits.json")

    # 2. The base model in Hugging Face format.
    stages.run(
        "model_base",
        [config.model, config.dtype],
        lambda out: _save_base(config, out),
        output_dir=model_dir(root, "base"),
    )
    specs = [ModelSpec("base", str(model_dir(root, "base")))]
    training = {}

    # 3-5. The aligned models.
    if len(config.models) > 1:
        training = train_models(stages, config, data, root)
        specs += [spec_for(name, root) for name in config.models if name != "base"]

    # 6. The battery on every model.
    if "depth" in config.analyses:
        stages.run(
            "compliant_base",
            [config.battery.depth, config.dtype],
            lambda out: compliant_replies(str(model_dir(root, "base")), config, data, out),
            after=["data", "model_base"],
        )
    base = str(model_dir(root, "base"))
    batteries = {spec.name: run_battery(stages, spec, config, data, base) for spec in specs}

    # 7. Metrics and report.
    write_report(metrics_of(config, data, batteries, training, stages), root)
    logger.info("study finished in %.1f s; outputs in %s", time.perf_counter() - started, root)
    return root


def analyze_models(
    config: StudyConfig,
    models: Mapping[str, str],
    *,
    reasoning: Collection[str] = (),
    force: bool | Collection[str] = False,
) -> Path:
    """Run the battery on existing models, without training, and write the report.

    Args:
        config: Study config (its ``analyses`` and ``battery`` settings apply; ``models`` and
            ``recipes`` are ignored).
        models: Model name to anything :func:`interp.models.load_model` accepts. The depth
            analysis compares every model with the one named ``base``.
        reasoning: Names of models that reason in ``<think>`` before answering.
        force: ``True`` reruns every stage; a collection of stage names reruns those.
    """
    if "depth" in config.analyses and "base" not in models:
        raise ValueError("the depth analysis needs a model named 'base' as its reference")
    unknown = set(reasoning) - set(models)
    if unknown:
        raise ValueError(f"reasoning names models that are not given: {sorted(unknown)}")
    root = Path(config.runs_dir) / config.name
    root.mkdir(parents=True, exist_ok=True)
    write_json_atomic(root / "config.json", {**run_record(config), "models": dict(models)})
    total = 1 + len(models) * (1 + len(config.analyses)) + ("depth" in config.analyses)
    stages = StageRunner(root, force=force, total=total)
    stages.run("data", [config.seed, config.data], lambda out: _data_stage(config, out))
    data = load_data(stages.stage_dir("data") / "splits.json")
    specs = []
    for name, path in models.items():
        stages.run(f"model_{name}", [path, fingerprint(path)], lambda out, p=path: {"path": p})
        specs.append(_spec(name, path, name in reasoning))
    if "depth" in config.analyses:
        stages.run(
            "compliant_base",
            [config.battery.depth, config.dtype],
            lambda out: compliant_replies(models["base"], config, data, out),
            after=["data", "model_base"],
        )
    batteries = {
        spec.name: run_battery(stages, spec, config, data, models.get("base", "")) for spec in specs
    }
    write_report(metrics_of(config, data, batteries, {}, stages), root)
    return root


def fingerprint(path: str) -> list:
    """Return what identifies a model's weights: sizes and times of a directory's files."""
    folder = Path(path)
    if not folder.is_dir():
        return [path]
    return sorted(
        (f.name, f.stat().st_size, int(f.stat().st_mtime)) for f in folder.iterdir() if f.is_file()
    )


def metrics_of(config, data, batteries, training, stages) -> dict[str, Any]:
    """Assemble ``metrics.json``."""
    judge = (
        config.judge
        if config.judge == "lexical"
        else f"{config.judge}: {config.judge_model} at {config.judge_url}"
    )
    return {
        "run": {
            "name": config.name,
            "preset": config.preset,
            "model": config.model,
            "seed": config.seed,
            "judge": judge,
            "data_sizes": data.sizes(),
        },
        "models": batteries,
        "training": training,
        "timings": stages.timings,
    }


def judge_key(config: StudyConfig) -> list[str | None]:
    """Return the judge settings that stage keys depend on (not the API key)."""
    return [config.judge, config.judge_url, config.judge_model]


def model_dir(root: Path, name: str) -> Path:
    """Return the folder of a study model."""
    return root / "models" / name


COT_MODELS = ("aw_dpo", "dpo_cot")


def spec_for(name: str, root: Path) -> ModelSpec:
    """Return how the battery treats a trained model (CoT models reason before answering)."""
    return _spec(name, str(model_dir(root, name)), name in COT_MODELS)


def _spec(name: str, path: str, reasons: bool) -> ModelSpec:
    if reasons:
        return ModelSpec(
            name, path, assistant_prefix=COT_PREFIX, refusal_tokens=COT_REFUSAL_TOKENS, reasons=True
        )
    return ModelSpec(name, path)


def count_stages(config: StudyConfig) -> int:
    """Return the number of stages a run of ``config`` goes through."""
    models = set(config.models)
    training = []
    if len(models) > 1:
        training.append("replies_base")
        training += [
            f"model_{name}" for name in ("dpo_shallow", "aw_dpo", "dpo_cot") if name in models
        ]
        if models & set(COT_MODELS):
            training += ["model_cot_sft", "pairs_cot"]
    return (
        2 + len(training) + ("depth" in config.analyses) + len(config.models) * len(config.analyses)
    )


def train_models(
    stages: StageRunner, config: StudyConfig, data: StudyData, root: Path
) -> dict[str, Any]:
    """Run the training stages of every requested model; return their summaries."""
    recipes = config.recipes
    judge = make_judge(config)
    judged = judge_key(config)
    harmful = data.harmful_train[: recipes.n_harmful]
    benign = data.benign_train[: recipes.n_benign]
    base = str(model_dir(root, "base"))
    stages.run(
        "replies_base",
        [recipes.n_harmful, recipes.n_benign, recipes.replies],
        lambda out: base_replies(base, harmful, benign, recipes, out),
        after=["data", "model_base"],
    )
    replies = json.loads((stages.stage_dir("replies_base") / "replies.json").read_text())
    summaries: dict[str, Any] = {}
    if "dpo_shallow" in config.models:
        summaries["dpo_shallow"] = _train_stage(
            stages,
            "dpo_shallow",
            [recipes.shallow, recipes.shallow_benign, judged],
            root,
            ["replies_base"],
            lambda out, work: train_shallow(
                base, harmful, benign, replies, recipes, out, work, judge
            ),
        )
    if not set(COT_MODELS) & set(config.models):
        return summaries
    summaries["cot_sft"] = _train_stage(
        stages,
        "cot_sft",
        [recipes.sft, judged],
        root,
        ["replies_base"],
        lambda out, work: train_cot_sft(base, harmful, benign, replies, recipes, out, work, judge),
    )
    sft = str(model_dir(root, "cot_sft"))
    pairs_key = [
        recipes.samples,
        recipes.samples_per_prompt,
        recipes.gamma,
        recipes.synthesize_failures,
        judged,
    ]
    summaries["cot_pairs"] = stages.run(
        "pairs_cot",
        pairs_key,
        lambda out: build_cot_pairs(sft, harmful, benign, replies, recipes, out, judge),
        after=["model_cot_sft"],
    )
    pairs = stages.stage_dir("pairs_cot") / "pairs.jsonl"
    for name, trainer in (("aw_dpo", recipes.aw_dpo), ("dpo_cot", recipes.dpo_cot)):
        if name in config.models:
            summaries[name] = _train_stage(
                stages,
                name,
                [trainer],
                root,
                ["pairs_cot"],
                lambda out, work, trainer=trainer: train_on_cot_pairs(
                    sft, pairs, trainer, out, work
                ),
            )
    return summaries


def _train_stage(
    stages: StageRunner, model: str, key: list, root: Path, after: list[str], build
) -> dict[str, Any]:
    """Run one training stage with a persistent work folder, so a killed run resumes."""
    name = f"model_{model}"

    def run(out: Path) -> dict[str, Any]:
        work = stages.work_dir(name)
        result = build(out, work)
        shutil.rmtree(work, ignore_errors=True)
        return result

    return stages.run(name, key, run, after=after, output_dir=model_dir(root, model))


def run_battery(
    stages: StageRunner, spec: ModelSpec, config: StudyConfig, data: StudyData, base: str
) -> dict[str, Any]:
    """Run every analysis on one model, each as its own cached stage."""
    after = ["data", f"model_{spec.name}"]
    common = [spec, config.device, config.dtype, config.cot_reasoning_tokens, judge_key(config)]
    battery = config.battery
    results: dict[str, Any] = {}

    def stage(analysis: str, settings: Any, build, extra_after: tuple[str, ...] = ()):
        return stages.run(
            f"{analysis}_{spec.name}", [*common, settings], build, after=after + list(extra_after)
        )

    # Analyses that need nothing but the model and the data, with the settings they depend on.
    simple = {
        "behaviour": (config.behaviour, run_behaviour),
        "jailbreak": (battery.jailbreak, run_jailbreak),
        "direction": (battery.direction, run_direction),
        "patching": (battery.patching, run_patching),
        "probes": ([battery.probes, config.seed], run_probes),
    }
    for analysis, (settings, function) in simple.items():
        if analysis in config.analyses:
            results[analysis] = stage(
                analysis, settings, lambda out, f=function: f(spec, config, data, out)
            )
    if "head_ablation" in config.analyses:
        probes_dir = stages.stage_dir(f"probes_{spec.name}")
        results["head_ablation"] = stage(
            "head_ablation",
            [battery.head_ablation, config.seed],
            lambda out: run_head_ablation(spec, config, data, out, probes_dir, results["probes"]),
            extra_after=(f"probes_{spec.name}",),
        )
    if "depth" in config.analyses:
        depth = stage(
            "depth",
            [battery.depth, config.seed],
            lambda out: run_depth(
                spec, config, data, out, base, stages.stage_dir("compliant_base")
            ),
            extra_after=("compliant_base", "model_base"),
        )
        results["kl_depth"] = depth["kl_depth"]
        results["prefill"] = depth["prefill"]
    return results


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
