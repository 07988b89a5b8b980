"""The study's configuration: one frozen dataclass per stage, and three presets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from interp.behaviour import BehaviourConfig
from interp.configuration import apply_overrides
from interp.generation import GenerationConfig
from interp.study.analysis_config import BatteryConfig
from interp.training.recipes import RecipeConfig

Preset = Literal["quick", "default", "full"]
ModelName = Literal["base", "dpo_shallow", "aw_dpo", "dpo_cot"]
Analysis = Literal[
    "behaviour", "jailbreak", "direction", "patching", "probes", "head_ablation", "depth"
]
ANALYSES: tuple[str, ...] = get_args(Analysis)


@dataclass(frozen=True)
class DataConfig:
    """Prompt sets and their splits.

    Attributes:
        harmful_val_fraction: Fraction of the harmful training pool (StrongREJECT plus HarmBench
            val) held out as a validation split.
        benign_val_fraction: Fraction of the benign instructions held out for validation.
        benign_test_fraction: Fraction of the benign instructions held out for testing.
        n_harmful_test: HarmBench test behaviours evaluated per model; None uses all 159.
        n_benign_test: Held-out benign instructions evaluated for over-refusal; None uses all.
        n_benign_looking: Benign-looking prompts evaluated for over-refusal; None uses all.
        harmful_file: Optional CSV or JSONL file of your own harmful prompts, evaluated as the
            extra set ``custom_harmful``.
        benign_file: Optional CSV or JSONL file of your own benign prompts, evaluated as the
            extra set ``custom_benign``.
        file_text_field: Column (CSV) or key (JSONL) holding the prompt text in those files.
        file_category_field: Optional column or key holding a category in those files.
        reasoning_test_fraction: Fraction of the reasoning items held out for testing.
    """

    harmful_val_fraction: float = 0.2
    benign_val_fraction: float = 0.2
    benign_test_fraction: float = 0.3
    n_harmful_test: int | None = 64
    n_benign_test: int | None = 48
    n_benign_looking: int | None = 48
    harmful_file: str | None = None
    benign_file: str | None = None
    file_text_field: str = "prompt"
    file_category_field: str | None = None
    reasoning_test_fraction: float = 0.4


@dataclass(frozen=True)
class StudyConfig:
    """Everything a study run depends on.

    Attributes:
        name: Run name; outputs go to ``<runs_dir>/<name>``.
        preset: Preset the run started from.
        model: Base model: ``embedded``, ``tiny``, a Hugging Face id or a local directory.
        device: Device such as ``cuda`` or ``cpu``; None keeps the CPU.
        dtype: Parameter dtype of every model.
        seed: Seed for splits, sampling and training.
        runs_dir: Folder that holds run folders.
        data: Prompt sets and splits.
        behaviour: Generation and scoring settings of the behaviour evaluation.
        models: Models to build and analyse, from ``base``, ``dpo_shallow``, ``aw_dpo`` and
            ``dpo_cot`` (CoT-SFT followed by plain DPO on the AW-DPO pairs).
        analyses: Analyses of the battery run on every model.
        cot_reasoning_tokens: Extra new tokens granted to models that reason in ``<think>``
            before answering.
        recipes: Training data and trainer settings.
        battery: Settings of each analysis.
    """

    name: str = "default"
    preset: Preset = "default"
    model: str = "embedded"
    device: str | None = None
    dtype: Literal["float32", "bfloat16", "float16"] = "float32"
    seed: int = 0
    runs_dir: str = "runs"
    data: DataConfig = field(default_factory=DataConfig)
    behaviour: BehaviourConfig = field(
        default_factory=lambda: BehaviourConfig(GenerationConfig(max_new_tokens=40, batch_size=32))
    )
    models: tuple[ModelName, ...] = ("base", "dpo_shallow", "aw_dpo")
    analyses: tuple[Analysis, ...] = ANALYSES
    cot_reasoning_tokens: int = 72
    recipes: RecipeConfig = field(default_factory=RecipeConfig)
    battery: BatteryConfig = field(default_factory=BatteryConfig)

    def __post_init__(self) -> None:
        if "base" not in self.models:
            raise ValueError("models must include 'base'")
        unknown = set(self.models) - set(get_args(ModelName))
        if unknown:
            raise ValueError(f"unknown models {sorted(unknown)}; choose from {get_args(ModelName)}")
        unknown = set(self.analyses) - set(ANALYSES)
        if unknown:
            raise ValueError(f"unknown analyses {sorted(unknown)}; choose from {ANALYSES}")
        if "head_ablation" in self.analyses and "probes" not in self.analyses:
            raise ValueError("head_ablation selects heads with the probes; add 'probes'")


PRESET_OVERRIDES: dict[str, dict[str, Any]] = {
    "quick": {
        "data.n_harmful_test": 16,
        "data.n_benign_test": 12,
        "data.n_benign_looking": 12,
        "behaviour.generation.max_new_tokens": 32,
        "recipes.n_harmful": 16,
        "recipes.n_benign": 8,
        "recipes.shallow.max_steps": 3,
        "recipes.sft.max_steps": 3,
        "recipes.aw_dpo.max_steps": 3,
        "recipes.dpo_cot.max_steps": 3,
    },
    "default": {},
    "full": {
        "data.n_harmful_test": None,
        "data.n_benign_test": None,
        "data.n_benign_looking": None,
        "behaviour.generation.max_new_tokens": 64,
        "models": ("base", "dpo_shallow", "aw_dpo", "dpo_cot"),
        "recipes.n_harmful": 128,
        "recipes.n_benign": 64,
        "recipes.samples_per_prompt": 2,
        "recipes.shallow.max_steps": 40,
        "recipes.sft.max_steps": 24,
        "recipes.aw_dpo.max_steps": 40,
        "recipes.dpo_cot.max_steps": 40,
    },
}


def preset_config(preset: Preset) -> StudyConfig:
    """Return the config of a preset, named after it."""
    if preset not in PRESET_OVERRIDES:
        raise ValueError(f"unknown preset {preset!r}; choose from {sorted(PRESET_OVERRIDES)}")
    base = StudyConfig(name=preset, preset=preset)
    return apply_overrides(base, PRESET_OVERRIDES[preset])
