"""The three training recipes of the study, each a function from a model folder to a model folder.

- (a) ``shallow``: plain DPO on bare-refusal pairs, from the base model.
- (b) ``aw_dpo``: CoT-SFT, then Alignment-Weighted DPO on CoT safety pairs.
- (c) ``dpo_cot``: the same CoT-SFT model and pairs, trained with plain DPO (the paper's
  baseline).

The study runs each step as a cached stage; the experiment script runs them in a row.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from interp.data.items import PromptItem
from interp.generation import GenerationConfig
from interp.judge import LexicalJudge, RefusalJudge, SegmentJudge
from interp.models import load_hf_model, load_model
from interp.training.config import TrainConfig
from interp.training.pairs import (
    cot_preference_pairs,
    cot_sft_examples,
    model_replies,
    shallow_pairs,
)
from interp.training.preference import read_preferences, write_preferences
from interp.training.trainer import TrainResult, train

logger = logging.getLogger(__name__)

COT_PREFIX = "<think>"


@dataclass(frozen=True)
class RecipeConfig:
    """Data and trainer settings of the recipes.

    Attributes:
        n_harmful: Harmful training prompts used (from the study's harmful train split).
        n_benign: Benign training prompts used for CoT-SFT and CoT pairs.
        shallow_benign: Benign pairs (helpful reply over bare refusal) in shallow DPO. None by
            default. On the embedded model (30 steps, lr 3e-5), 8, 4 or 2 benign pairs per 64
            harmful ones left refusal of held-out HarmBench prompts at 6-50%, varying with the
            pair mix, while harmful pairs alone reached 84-98% with heavy over-refusal. The
            study reports that over-refusal next to every refusal rate.
        replies: Sampling settings of the base model's own replies.
        samples: Sampling settings of the on-policy samples for CoT pairs.
        samples_per_prompt: On-policy samples per prompt (``k``).
        gamma: Minimum full-reply score gap for a CoT pair to be kept.
        synthesize_failures: Add synthesised failure modes as rejected CoT replies.
        shallow: Trainer settings of plain DPO on bare refusals.
        sft: Trainer settings of CoT-SFT.
        aw_dpo: Trainer settings of Alignment-Weighted DPO.
        dpo_cot: Trainer settings of plain DPO on the CoT pairs.
    """

    n_harmful: int = 64
    n_benign: int = 32
    shallow_benign: int = 0
    replies: GenerationConfig = field(
        default_factory=lambda: GenerationConfig(48, temperature=0.7, top_p=0.95, batch_size=32)
    )
    samples: GenerationConfig = field(
        default_factory=lambda: GenerationConfig(64, temperature=0.8, top_p=0.95, batch_size=32)
    )
    samples_per_prompt: int = 1
    gamma: float = 0.5
    synthesize_failures: bool = True
    shallow: TrainConfig = field(
        default_factory=lambda: TrainConfig(
            method="dpo", max_steps=20, learning_rate=3e-5, schedule="constant", save_every=10
        )
    )
    sft: TrainConfig = field(
        default_factory=lambda: TrainConfig(
            method="sft", max_steps=10, learning_rate=5e-5, save_every=5
        )
    )
    aw_dpo: TrainConfig = field(
        default_factory=lambda: TrainConfig(
            method="aw_dpo",
            max_steps=20,
            learning_rate=2e-5,
            schedule="constant",
            max_length=192,
            save_every=8,
        )
    )
    dpo_cot: TrainConfig = field(
        default_factory=lambda: TrainConfig(
            method="dpo",
            max_steps=20,
            learning_rate=2e-5,
            schedule="constant",
            max_length=192,
            save_every=8,
        )
    )


def base_replies(
    model_dir: str,
    harmful: Sequence[PromptItem],
    benign: Sequence[PromptItem],
    config: RecipeConfig,
    output: Path,
) -> dict[str, str]:
    """Sample the base model's own reply to every training prompt and save them."""
    bridge, _ = load_model(model_dir)
    replies = model_replies(
        bridge, list(harmful) + list(benign), config.replies, description="base replies"
    )
    (output / "replies.json").write_text(json.dumps(replies, indent=1) + "\n")
    return replies


def train_shallow(
    model_dir: str,
    harmful: Sequence[PromptItem],
    benign: Sequence[PromptItem],
    replies: dict[str, str],
    config: RecipeConfig,
    output: Path,
    work: Path | None = None,
    judge: RefusalJudge | None = None,
) -> dict[str, Any]:
    """Recipe (a): plain DPO on bare-refusal pairs."""
    pairs, stats = shallow_pairs(
        harmful, benign[: config.shallow_benign], replies, judge or LexicalJudge()
    )
    write_preferences(pairs, output / "pairs.jsonl")
    result = _train(model_dir, pairs, config.shallow, output, work)
    return {"pairs": stats.as_dict(), "training": _summary(result)}


def train_cot_sft(
    model_dir: str,
    harmful: Sequence[PromptItem],
    benign: Sequence[PromptItem],
    replies: dict[str, str],
    config: RecipeConfig,
    output: Path,
    work: Path | None = None,
    judge: RefusalJudge | None = None,
) -> dict[str, Any]:
    """First half of recipes (b) and (c): supervised fine-tuning on CoT safety replies."""
    examples = cot_sft_examples(harmful, benign, replies, judge or LexicalJudge())
    (output / "examples.jsonl").write_text(
        "".join(json.dumps(example.__dict__) + "\n" for example in examples)
    )
    result = _train(model_dir, examples, config.sft, output, work)
    return {"examples": len(examples), "training": _summary(result)}


def build_cot_pairs(
    sft_dir: str,
    harmful: Sequence[PromptItem],
    benign: Sequence[PromptItem],
    replies: dict[str, str],
    config: RecipeConfig,
    output: Path,
    judge: SegmentJudge | None = None,
) -> dict[str, Any]:
    """Sample from the CoT-SFT model and build scored CoT safety pairs."""
    policy, _ = load_model(sft_dir)
    pairs, stats = cot_preference_pairs(
        policy,
        harmful,
        benign,
        replies,
        judge or LexicalJudge(),
        samples_per_prompt=config.samples_per_prompt,
        gamma=config.gamma,
        synthesize_failures=config.synthesize_failures,
        generation=config.samples,
    )
    if not pairs:
        raise RuntimeError(
            "no CoT pair passed the score gap; lower gamma or enable synthesize_failures"
        )
    write_preferences(pairs, output / "pairs.jsonl")
    return {"pairs": stats.as_dict(), "n_pairs": len(pairs)}


def train_on_cot_pairs(
    sft_dir: str, pairs_file: Path, trainer: TrainConfig, output: Path, work: Path | None = None
) -> dict[str, Any]:
    """Second half of recipes (b) and (c): DPO or AW-DPO on the CoT pairs."""
    pairs = read_preferences(pairs_file, require_reasoning=trainer.method == "aw_dpo")
    result = _train(sft_dir, pairs, trainer, output, work)
    return {"n_pairs": len(pairs), "training": _summary(result)}


def _train(
    model_dir: str, examples, trainer: TrainConfig, output: Path, work: Path | None
) -> TrainResult:
    """Train in ``work`` (checkpoints survive an interruption), then copy the results out."""
    model, tokenizer = load_hf_model(model_dir)
    work = work or output / "run"
    trainer = replace(trainer, batch_size=min(trainer.batch_size, len(examples)))
    result = train(model, tokenizer, examples, trainer, work)
    for file in result.model_dir.iterdir():
        shutil.copy2(file, output / file.name)
    for name in ("metrics.jsonl", "weights.json"):
        if (work / name).is_file():
            shutil.copy2(work / name, output / name)
    return result


def _summary(result: TrainResult) -> dict[str, Any]:
    return {"steps": result.steps, "last": result.last}
