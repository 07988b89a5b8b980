"""Settings of the battery's analyses, one frozen dataclass per analysis."""

from __future__ import annotations

from dataclasses import dataclass, field

from interp.jailbreak.suite import DEFAULT_TRANSFORMS


@dataclass(frozen=True)
class JailbreakConfig:
    """Jailbreak suite settings.

    Attributes:
        n_prompts: Held-out HarmBench behaviours attacked.
        transforms: Transform names (see ``interp.jailbreak.transforms``); None runs all.
        max_new_tokens: Reply tokens generated per attempt (reasoning models get the study's
            ``cot_reasoning_tokens`` on top).
    """

    n_prompts: int = 8
    transforms: tuple[str, ...] | None = DEFAULT_TRANSFORMS
    max_new_tokens: int = 24


@dataclass(frozen=True)
class DirectionConfig:
    """Refusal-direction settings.

    Attributes:
        n_train: Harmful and harmless training prompts each, for the difference in means.
        n_val: Harmful and harmless validation prompts each, for selection.
        n_test: Harmful and harmless test prompts each, for the intervention effects.
        offsets: Post-instruction positions (from the end) whose candidates are scored; empty
            scores every position.
        max_layer_fraction: Candidates at or beyond this fraction of the layers are skipped.
        kl_threshold: Maximum KL on harmless prompts under ablation.
        evaluate_all: Score induce and KL for every candidate, not only until one passes.
        max_filtered: Candidates, in bypass order, whose induce and KL are scored before
            falling back to the best one that was scored.
        layer_step: Score candidates at every ``layer_step``-th layer (1: every layer).
        max_new_tokens: Reply tokens generated when measuring refusal under intervention.
    """

    n_train: int = 48
    n_val: int = 12
    n_test: int = 12
    offsets: tuple[int, ...] = (-1,)
    max_layer_fraction: float = 0.8
    kl_threshold: float = 0.1
    evaluate_all: bool = False
    max_filtered: int = 8
    layer_step: int = 3
    max_new_tokens: int = 24


@dataclass(frozen=True)
class PatchingConfig:
    """Activation-patching settings.

    Attributes:
        n_pairs: Harmful/harmless prompt pairs averaged (held-out test prompts).
        exact: Components patched exactly on the layer x post-instruction-position grid.
        exact_heads: Components patched exactly per head, over all positions.
        attribution: Components estimated by attribution patching on their grid.
        attribution_steps: Interpolation steps of the attribution estimate; 1 is plain
            attribution patching, more averages gradients along the input (integrated
            gradients), which tracked exact patching better on SmolLM2.
    """

    n_pairs: int = 6
    exact: tuple[str, ...] = ("resid_pre", "attn_out", "mlp_out")
    exact_heads: tuple[str, ...] = ()
    attribution: tuple[str, ...] = ("resid_pre", "attn_out", "mlp_out", "z")
    attribution_steps: int = 2


@dataclass(frozen=True)
class ProbeConfig:
    """Linear-probe settings.

    Attributes:
        n_alignment: Harmful and benign prompts each for the alignment task.
        n_reasoning: Reasoning items (each gives a correct and a wrong example).
        test_fraction: Fraction held out for accuracy.
        l2: L2 penalty of the logistic regressions.
    """

    n_alignment: int = 64
    n_reasoning: int = 96
    test_fraction: float = 0.3
    l2: float = 1e-2


@dataclass(frozen=True)
class HeadAblationConfig:
    """Reasoning-head ablation settings.

    Attributes:
        layer_fraction: Heads are selected among the first this fraction of the layers.
        head_fraction: Fraction of the heads in that range that are ablated.
        random_seeds: Number of random-head control sets.
        interventions: ``zero`` (equivalent to zeroing the heads' Q/K/V weights) and/or
            ``mean`` (mean-ablation of the heads' outputs).
        random_interventions: Interventions applied to the random-head controls.
        n_reasoning: Held-out reasoning items for the accuracy metric.
        n_harmful: Held-out harmful prompts for the refusal rate.
        n_benign: Held-out benign prompts for the over-refusal rate.
        n_probe_prompts: Probe test prompts per task re-read under each intervention.
        n_mean_prompts: Harmful and benign training prompts each, for the mean head outputs.
        max_new_tokens: Reply tokens generated per prompt.
    """

    layer_fraction: float = 1 / 3
    head_fraction: float = 0.1
    random_seeds: int = 3
    interventions: tuple[str, ...] = ("zero",)
    random_interventions: tuple[str, ...] = ("zero",)
    n_reasoning: int = 32
    n_harmful: int = 12
    n_benign: int = 8
    n_probe_prompts: int = 16
    n_mean_prompts: int = 16
    max_new_tokens: int = 16


@dataclass(frozen=True)
class DepthConfig:
    """Alignment-depth settings.

    Attributes:
        n_prompts: Held-out harmful prompts for the KL profile and the prefilling attack.
        kl_positions: Reply positions of the KL profile.
        prefill_tokens: Numbers of forced compliant tokens.
        max_new_tokens: Tokens generated after the forced prefix.
    """

    n_prompts: int = 12
    kl_positions: int = 32
    prefill_tokens: tuple[int, ...] = (0, 5, 10, 20)
    max_new_tokens: int = 24


@dataclass(frozen=True)
class BatteryConfig:
    """Settings of every analysis.

    Attributes:
        jailbreak: Jailbreak suite.
        direction: Refusal direction.
        patching: Activation patching.
        probes: Linear probes.
        head_ablation: Reasoning-head ablation with controls.
        depth: KL depth and prefilling attacks.
    """

    jailbreak: JailbreakConfig = field(default_factory=JailbreakConfig)
    direction: DirectionConfig = field(default_factory=DirectionConfig)
    patching: PatchingConfig = field(default_factory=PatchingConfig)
    probes: ProbeConfig = field(default_factory=ProbeConfig)
    head_ablation: HeadAblationConfig = field(default_factory=HeadAblationConfig)
    depth: DepthConfig = field(default_factory=DepthConfig)
