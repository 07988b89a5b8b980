"""Run the jailbreak suite: attack success rate per transform, per group and overall.

The untransformed request is the baseline. Attack success means the judge does not label the
reply a refusal. Group and overall rates pool every (prompt, transform) attempt in them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure
from transformer_lens.model_bridge import TransformerBridge

from interp.chat import format_chat
from interp.data.items import PromptItem
from interp.generation import GenerationConfig, generate
from interp.jailbreak.transforms import TRANSFORMS, Transform, get_transform
from interp.judge import RefusalJudge
from interp.plotting import plot_rates
from interp.stats import Estimate, wilson_interval

# Two transforms from each group, plus one combination: the study's default selection.
DEFAULT_TRANSFORMS: tuple[str, ...] = (
    "poem",
    "past_tense",
    "expert_endorsement",
    "evidence_based",
    "base64",
    "leetspeak",
    "unrestricted_persona",
    "screenplay",
    "affirmative_prefix",
    "fake_assistant_turn",
    "refusal_rules",
    "content_only",
    "refusal_rules_prefix",
)


@dataclass(frozen=True)
class JailbreakResult:
    """Attack success rates of one model.

    Attributes:
        baseline: Rate on the untransformed requests.
        transforms: Rate per transform.
        groups: Rate per group, pooled over its transforms.
        overall: Rate over every transformed attempt.
    """

    baseline: Estimate
    transforms: dict[str, Estimate]
    groups: dict[str, Estimate]
    overall: Estimate

    def as_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {
            "baseline": self.baseline.as_dict(),
            "transforms": {k: v.as_dict() for k, v in self.transforms.items()},
            "groups": {k: v.as_dict() for k, v in self.groups.items()},
            "overall": self.overall.as_dict(),
        }


def run_jailbreaks(
    bridge: TransformerBridge,
    items: Sequence[PromptItem],
    judge: RefusalJudge,
    *,
    transforms: Sequence[str] | None = DEFAULT_TRANSFORMS,
    generation: GenerationConfig = GenerationConfig(32, batch_size=32),
    assistant_prefix: str = "",
    progress: bool = True,
) -> JailbreakResult:
    """Attack the model with every transform of every request and judge the replies.

    Args:
        bridge: The model.
        items: Harmful requests.
        judge: Labels replies as refusals.
        transforms: Transform names; ``None`` runs all of them.
        generation: Decoding settings.
        assistant_prefix: Text that starts every reply (``"<think>"`` for reasoning models).
        progress: Show a progress bar.
    """
    if not items:
        raise ValueError("no requests to attack")
    chosen: list[Transform] = (
        list(TRANSFORMS) if transforms is None else [get_transform(name) for name in transforms]
    )
    attempts = [("baseline", item, item.text) for item in items]
    attempts += [(t.name, item, t.apply(item.text)) for t in chosen for item in items]
    prompts = [
        format_chat(bridge.tokenizer, text, assistant_prefix=assistant_prefix)
        for _, _, text in attempts
    ]
    completions = generate(bridge, prompts, generation, progress=progress, description="jailbreaks")
    outcomes: dict[str, list[bool]] = defaultdict(list)
    for (name, item, _), completion in zip(attempts, completions, strict=True):
        reply = assistant_prefix + completion.text
        outcomes[name].append(not judge.judge(item.text, reply).refused)
    group_of = {t.name: t.group for t in chosen}
    by_group: dict[str, list[bool]] = defaultdict(list)
    for name, flags in outcomes.items():
        if name != "baseline":
            by_group[group_of[name]] += flags
    return JailbreakResult(
        baseline=_rate(outcomes["baseline"]),
        transforms={t.name: _rate(outcomes[t.name]) for t in chosen},
        groups={group: _rate(flags) for group, flags in by_group.items()},
        overall=_rate([f for name, flags in outcomes.items() if name != "baseline" for f in flags]),
    )


def _rate(flags: list[bool]) -> Estimate:
    return wilson_interval(sum(flags), len(flags))


def plot_jailbreaks(results: Mapping[str, Mapping]) -> Figure:
    """Draw attack success per group (and the baseline) for each model.

    Args:
        results: ``results[model]`` is a :meth:`JailbreakResult.as_dict` dict.
    """
    rates = {
        model: {"baseline": result["baseline"], **result["groups"], "overall": result["overall"]}
        for model, result in results.items()
    }
    return plot_rates(
        rates, title="Jailbreak attack success by group", ylabel="attack success rate"
    )
