"""Step 2 onwards: the analyses run identically on every model of the study.

Each analysis is its own cached stage, so changing one setting reruns only what depends on it.
A model enters the battery as a :class:`ModelSpec`: where its weights are and how its replies
start. Models trained on ``<think>`` replies are analysed with the ``<think>`` opening forced,
and their refusal score reads the first reasoning token (see ``interp.training.cot_templates``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from interp.behaviour import SetReport, evaluate_set
from interp.generation import GenerationConfig
from interp.judge import LexicalJudge, RefusalJudge
from interp.llm_judge import ChatCompletionJudge
from interp.memory import batch_size_for
from interp.metrics import DEFAULT_REFUSAL_TOKENS
from interp.models import load_model
from interp.study.config import StudyConfig
from interp.study.data import StudyData

# CoT models open harm-recognising reasoning with "This request" and benign rationales with
# "The user" (see interp.training.cot_templates), so their refusal decision is the first
# reasoning token after the forced "<think>".
COT_REFUSAL_TOKENS = ("This",)


def make_judge(config: StudyConfig) -> LexicalJudge | ChatCompletionJudge:
    """Return the judge that the study config selects."""
    if config.judge == "lexical":
        return LexicalJudge()
    return ChatCompletionJudge(
        config.judge_url, config.judge_model, api_key=os.environ.get(config.judge_api_key_env)
    )


def reply_tokens(spec: ModelSpec, config: StudyConfig) -> int:
    """Return the extra new tokens a model needs for its reasoning (0 if it does not reason)."""
    return config.cot_reasoning_tokens if spec.reasons else 0


def batch_size(config: StudyConfig, bridge, tokens: int = 256) -> int:
    """Return the study's batch size, shrunk to fit ``max_memory`` when that is set."""
    if config.max_memory is None:
        return config.batch_size
    return min(config.batch_size, batch_size_for(bridge, config.max_memory, tokens=tokens))


def generation(spec: ModelSpec, config: StudyConfig, bridge, max_new_tokens: int):
    """Return greedy decoding settings with room for reasoning and a memory-safe batch."""
    return GenerationConfig(
        max_new_tokens + reply_tokens(spec, config), batch_size=batch_size(config, bridge)
    )


def generation_for(spec: ModelSpec, config: StudyConfig, bridge=None):
    """Return the behaviour generation settings, with room for reasoning when the model reasons."""
    settings = config.behaviour.generation
    batch = (
        settings.batch_size
        if bridge is None
        else min(settings.batch_size, batch_size(config, bridge))
    )
    return replace(
        settings,
        max_new_tokens=settings.max_new_tokens + reply_tokens(spec, config),
        batch_size=batch,
    )


@dataclass(frozen=True)
class ModelSpec:
    """A model as the battery sees it.

    Attributes:
        name: Key in ``metrics.json``, such as ``"base"`` or ``"aw_dpo"``.
        path: Hugging Face directory (or any name ``load_model`` accepts).
        assistant_prefix: Text that starts every reply during analysis.
        refusal_tokens: Strings whose first tokens open a refusal for this model.
        reasons: Whether the model writes a ``<think>`` segment before its answer, so that
            generation needs room for the reasoning.
    """

    name: str
    path: str
    assistant_prefix: str = ""
    refusal_tokens: tuple[str, ...] = DEFAULT_REFUSAL_TOKENS
    reasons: bool = False


def load_spec(spec: ModelSpec, config: StudyConfig):
    """Load a battery model with the study's device and dtype.

    The last model loaded is kept, because a model's analyses run one after another and
    loading the embedded model takes seconds each time. The key includes the weight file's
    modification time, so a model retrained in the same folder is loaded afresh.
    """
    weights = Path(spec.path) / "model.safetensors"
    stamp = weights.stat().st_mtime_ns if weights.is_file() else None
    key = (spec.path, stamp, config.device, config.dtype)
    if _LAST_LOADED.get("key") != key:
        _LAST_LOADED.clear()
        _LAST_LOADED.update(
            key=key, model=load_model(spec.path, device=config.device, dtype=config.dtype)
        )
    return _LAST_LOADED["model"]


_LAST_LOADED: dict[str, Any] = {}


def behaviour_sets(data: StudyData) -> dict[str, tuple[list, bool]]:
    """Return the evaluated prompt sets as ``name -> (items, harmful)``."""
    sets = {
        "harmbench_test": (data.harmful_test, True),
        "benign_test": (data.benign_test, False),
        "benign_looking": (data.benign_looking, False),
    }
    if data.custom_harmful:
        sets["custom_harmful"] = (data.custom_harmful, True)
    if data.custom_benign:
        sets["custom_benign"] = (data.custom_benign, False)
    return sets


def run_behaviour(
    spec: ModelSpec,
    config: StudyConfig,
    data: StudyData,
    output: Path,
    judge: RefusalJudge | None = None,
) -> dict[str, Any]:
    """Evaluate refusal and over-refusal of one model; write every reply to ``output``."""
    bridge, _ = load_spec(spec, config)
    judge = judge or make_judge(config)
    behaviour = config.behaviour.__class__(
        generation=generation_for(spec, config, bridge),
        refusal_tokens=spec.refusal_tokens,
        assistant_prefix=spec.assistant_prefix,
        score_batch_size=config.behaviour.score_batch_size,
    )
    reports: dict[str, SetReport] = {
        name: evaluate_set(bridge, name, items, judge, behaviour, harmful=harmful)
        for name, (items, harmful) in behaviour_sets(data).items()
    }
    with (output / "responses.jsonl").open("w", encoding="utf-8") as handle:
        for name, report in reports.items():
            for result in report.results:
                handle.write(json.dumps({"set": name, **result.__dict__}) + "\n")
    return {
        "sets": {name: report.as_dict(include_results=False) for name, report in reports.items()},
        "prompts": {
            name: [
                {
                    "id": result.id,
                    "refused": result.refused,
                    "judge_score": result.judge_score,
                    "refusal_logit_score": round(result.refusal_logit_score, 4),
                }
                for result in report.results
            ]
            for name, report in reports.items()
        },
    }
