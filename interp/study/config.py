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
        reasoning_categories: Families of reasoning items used. Commonsense only by default:
            SmolLM2-135M-Instruct prefers the correct answer on 68% of those but is at chance
            on the arithmetic, comparison and sequence families, where a reasoning probe and
            a reasoning-accuracy metric would have nothing to measure.
    """

    harmful_val_fraction: float = 0.2
    benign_val_fraction: float = 0.2
    benign_test_fraction: float = 0.3
    n_harmful_test: int | None = 48
    n_benign_test: int | None = 32
    n_benign_looking: int | None = 32
    harmful_file: str | None = None
    benign_file: str | None = None
    file_text_field: str = "prompt"
    file_category_field: str | None = None
    reasoning_test_fraction: float = 0.4
    reasoning_categories: tuple[str, ...] = ("commonsense",)


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
        judge: ``lexical`` (offline phrase matching) or ``chat`` (an LLM behind an
            OpenAI-compatible endpoint, see ``judge_url``).
        judge_url: Base URL of the chat-completions endpoint, such as
            ``http://127.0.0.1:8000/v1``.
        judge_model: Model name sent to that endpoint.
        judge_api_key_env: Environment variable holding the endpoint's API key, if any.
        batch_size: Prompts per generation batch and per forward pass in the analyses.
        max_memory: Optional bound on activation memory, such as ``8GiB``; batches shrink
            below ``batch_size`` to fit it (see ``interp.memory``).
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
        default_factory=lambda: BehaviourConfig(GenerationConfig(max_new_tokens=32, batch_size=32))
    )
    models: tuple[ModelName, ...] = ("base", "dpo_shallow", "aw_dpo")
    analyses: tuple[Analysis, ...] = ANALYSES
    cot_reasoning_tokens: int = 64
    recipes: RecipeConfig = field(default_factory=RecipeConfig)
    battery: BatteryConfig = field(default_factory=BatteryConfig)
    judge: Literal["lexical", "chat"] = "lexical"
    judge_url: str | None = None
    judge_model: str | None = None
    judge_api_key_env: str = "INTERP_JUDGE_API_KEY"
    batch_size: int = 32
    max_memory: str | None = None

    def __post_init__(self) -> None:
        if "base" not in self.models:
            raise ValueError("models must include 'base'")
        unknown = set(self.models) - set(get_args(ModelName))
        if unknown:
            raise ValueError(f"unknown models {sorted(unknown)}; choose from {get_args(ModelName)}")
        unknown = set(self.analyses) - set(ANALYSES)
        if unknown:
            raise ValueError(f"unknown analyses {sorted(unknown)}; choose from {ANALYSES}")
        if self.judge == "chat" and (self.judge_url is None or self.judge_model is None):
            raise ValueError(
                "judge='chat' requires judge_url and judge_model (--judge_url, --judge_model)"
            )
        if "head_ablation" in self.analyses and "probes" not in self.analyses:
            raise ValueError("head_ablation selects heads with the probes; add 'probes'")


PRESET_OVERRIDES: dict[str, dict[str, Any]] = {
    # A smoke test of every stage on the embedded model: a few steps and prompts each.
    "quick": {
        "data.n_harmful_test": 6,
        "data.n_benign_test": 4,
        "data.n_benign_looking": 4,
        "behaviour.generation.max_new_tokens": 24,
        "cot_reasoning_tokens": 24,
        "recipes.n_harmful": 8,
        "recipes.n_benign": 4,
        "recipes.replies.max_new_tokens": 24,
        "recipes.samples.max_new_tokens": 32,
        "recipes.shallow.max_steps": 2,
        "recipes.shallow.batch_size": 4,
        "recipes.sft.max_steps": 2,
        "recipes.sft.batch_size": 4,
        "recipes.aw_dpo.max_steps": 2,
        "recipes.aw_dpo.batch_size": 4,
        "recipes.dpo_cot.max_steps": 2,
        "recipes.dpo_cot.batch_size": 4,
        "battery.jailbreak.n_prompts": 4,
        "battery.jailbreak.max_new_tokens": 16,
        "battery.direction.n_train": 8,
        "battery.direction.n_val": 4,
        "battery.direction.n_test": 4,
        "battery.direction.offsets": (-1,),
        "battery.direction.max_new_tokens": 8,
        "battery.jailbreak.transforms": (
            "poem",
            "expert_endorsement",
            "base64",
            "unrestricted_persona",
            "affirmative_prefix",
            "refusal_rules",
            "refusal_rules_prefix",
        ),
        "battery.direction.max_filtered": 2,
        "battery.direction.layer_step": 3,
        "battery.patching.n_pairs": 2,
        "battery.patching.exact": ("resid_pre",),
        "battery.patching.exact_heads": (),
        "battery.patching.attribution": ("resid_pre", "z"),
        "battery.patching.attribution_steps": 1,
        "battery.probes.n_alignment": 12,
        "battery.probes.n_reasoning": 16,
        "battery.head_ablation.n_reasoning": 8,
        "battery.head_ablation.n_harmful": 4,
        "battery.head_ablation.n_benign": 4,
        "battery.head_ablation.n_probe_prompts": 8,
        "battery.head_ablation.n_mean_prompts": 8,
        "battery.head_ablation.random_seeds": 2,
        "battery.head_ablation.max_new_tokens": 8,
        "battery.head_ablation.interventions": ("zero",),
        "battery.depth.n_prompts": 4,
        "battery.depth.kl_positions": 8,
        "battery.depth.prefill_tokens": (0, 5),
        "battery.depth.max_new_tokens": 12,
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
        "recipes.shallow.max_steps": 48,
        "recipes.sft.max_steps": 32,
        "recipes.aw_dpo.max_steps": 48,
        "recipes.dpo_cot.max_steps": 48,
        "battery.jailbreak.n_prompts": 48,
        "battery.jailbreak.transforms": None,
        "battery.direction.n_train": 128,
        "battery.direction.n_val": 32,
        "battery.direction.n_test": 64,
        "battery.direction.offsets": (),
        "battery.patching.n_pairs": 32,
        "battery.patching.exact": ("resid_pre", "resid_mid", "attn_out", "mlp_out"),
        "battery.patching.exact_heads": ("z", "q", "k", "v"),
        "battery.probes.n_alignment": 128,
        "battery.probes.n_reasoning": 256,
        "battery.head_ablation.random_seeds": 10,
        "battery.head_ablation.interventions": ("zero", "mean"),
        "battery.direction.layer_step": 1,
        "battery.head_ablation.random_interventions": ("zero", "mean"),
        "battery.head_ablation.n_reasoning": 128,
        "battery.head_ablation.n_harmful": 64,
        "battery.head_ablation.n_benign": 48,
        "battery.depth.n_prompts": 64,
        "battery.depth.prefill_tokens": (0, 5, 10, 20, 40),
    },
}


def preset_config(preset: Preset) -> StudyConfig:
    """Return the config of a preset, named after it."""
    if preset not in PRESET_OVERRIDES:
        raise ValueError(f"unknown preset {preset!r}; choose from {sorted(PRESET_OVERRIDES)}")
    base = StudyConfig(name=preset, preset=preset)
    return apply_overrides(base, PRESET_OVERRIDES[preset])
