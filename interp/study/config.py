"""The study's configuration: one frozen dataclass per stage, and three presets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from interp.behaviour import BehaviourConfig
from interp.configuration import apply_overrides
from interp.generation import GenerationConfig

Preset = Literal["quick", "default", "full"]


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
        default_factory=lambda: BehaviourConfig(GenerationConfig(max_new_tokens=48, batch_size=16))
    )


PRESET_OVERRIDES: dict[str, dict[str, Any]] = {
    "quick": {
        "data.n_harmful_test": 16,
        "data.n_benign_test": 12,
        "data.n_benign_looking": 12,
        "behaviour.generation.max_new_tokens": 32,
    },
    "default": {},
    "full": {
        "data.n_harmful_test": None,
        "data.n_benign_test": None,
        "data.n_benign_looking": None,
        "behaviour.generation.max_new_tokens": 64,
    },
}


def preset_config(preset: Preset) -> StudyConfig:
    """Return the config of a preset, named after it."""
    if preset not in PRESET_OVERRIDES:
        raise ValueError(f"unknown preset {preset!r}; choose from {sorted(PRESET_OVERRIDES)}")
    base = StudyConfig(name=preset, preset=preset)
    return apply_overrides(base, PRESET_OVERRIDES[preset])
