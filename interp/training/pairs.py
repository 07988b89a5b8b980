"""Build the training data: bare-refusal pairs, CoT-SFT examples, and CoT safety pairs.

Three data sets, following Hu et al. (2026):

- **Shallow DPO pairs.** Harmful prompt: chosen = a bare refusal, rejected = the model's own
  compliant reply. Benign prompt: chosen = the model's own helpful reply, rejected = a bare
  refusal, so that refusing everything is not rewarded.
- **CoT-SFT examples.** Harmful prompt: ``<think>`` reasoning that names the harm and why it
  matters ``</think>`` then a refusal with a safe alternative. Benign prompt: ``<think>`` a
  short benign rationale ``</think>`` then the base model's own helpful reply.
- **CoT safety pairs.** Chosen = the CoT reply above. Rejected = ``k`` on-policy samples from the
  model being trained, and optionally synthesised failure modes: safe reasoning followed by a
  compliant answer, and unsafe reasoning followed by a refusal (benign prompts: sound reasoning
  followed by an over-refusal). Every reply is scored by the judge, and a pair is kept when
  the full-reply score gap is at least ``gamma``.

The model's own replies come from :func:`interp.generation.generate`; templates come from
:mod:`interp.training.cot_templates`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from transformer_lens.model_bridge import TransformerBridge

from interp.data.harmful import harm_kind
from interp.data.items import PromptItem
from interp.generation import GenerationConfig, generate
from interp.judge import RefusalJudge, SegmentJudge
from interp.training.batches import SFTExample
from interp.training.cot_templates import (
    BARE_REFUSALS,
    BENIGN_RATIONALES,
    COMPLIANT_OPENINGS,
    UNSAFE_REASONING,
    harm_reasoning,
    pick,
    safe_refusal,
)
from interp.training.preference import PreferencePair

logger = logging.getLogger(__name__)


@dataclass
class PairStats:
    """Counts of how pair construction went, for the logs and the report.

    Attributes:
        candidates: Candidate pairs per source.
        kept: Pairs kept per source.
        skipped: Prompts or candidates dropped, per reason.
    """

    candidates: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict[str, dict[str, int]]:
        """Return the counts as plain dicts."""
        return {
            "candidates": dict(self.candidates),
            "kept": dict(self.kept),
            "skipped": dict(self.skipped),
        }


def cot_reply(reasoning: str, answer: str) -> str:
    """Join a reasoning segment and an answer in the ``<think>…</think>`` format."""
    return f"<think>{reasoning}</think>\n{answer}"


def harmful_cot_reply(item: PromptItem) -> str:
    """Return the CoT-SFT target for a harmful prompt, chosen by its id."""
    kind = harm_kind(item.category)
    return cot_reply(
        harm_reasoning(kind, f"{item.id}/reasoning"), safe_refusal(kind, f"{item.id}/refusal")
    )


def benign_cot_reply(item: PromptItem, helpful_reply: str) -> str:
    """Return the CoT-SFT target for a benign prompt around the model's own reply."""
    return cot_reply(pick(BENIGN_RATIONALES, f"{item.id}/rationale"), helpful_reply)


def model_replies(
    bridge: TransformerBridge,
    items: Sequence[PromptItem],
    generation: GenerationConfig,
    *,
    description: str = "replies",
) -> dict[str, str]:
    """Generate one reply per item and return them by item id."""
    completions = generate(
        bridge, [item.text for item in items], generation, description=description
    )
    return {item.id: completion.text for item, completion in zip(items, completions, strict=True)}


def shallow_pairs(
    harmful: Sequence[PromptItem],
    benign: Sequence[PromptItem],
    replies: Mapping[str, str],
    judge: RefusalJudge,
) -> tuple[list[PreferencePair], PairStats]:
    """Build bare-refusal DPO pairs from the model's own replies.

    Harmful prompts the model already refuses, and benign prompts it refuses, give no
    preference signal and are skipped (and counted).
    """
    stats = PairStats()
    pairs = []
    for item in harmful:
        stats.candidates["harmful"] += 1
        reply = replies[item.id]
        if not reply.strip() or judge.judge(item.text, reply).refused:
            stats.skipped["harmful prompt already refused"] += 1
            continue
        pairs.append(
            PreferencePair(item.text, pick(BARE_REFUSALS, item.id), reply, id=item.id, harmful=True)
        )
        stats.kept["harmful"] += 1
    for item in benign:
        stats.candidates["benign"] += 1
        reply = replies[item.id]
        if not reply.strip() or judge.judge(item.text, reply).refused:
            stats.skipped["benign prompt refused"] += 1
            continue
        pairs.append(
            PreferencePair(
                item.text, reply, pick(BARE_REFUSALS, item.id), id=item.id, harmful=False
            )
        )
        stats.kept["benign"] += 1
    logger.info("shallow pairs: %s", stats.as_dict())
    return pairs, stats


def cot_sft_examples(
    harmful: Sequence[PromptItem],
    benign: Sequence[PromptItem],
    replies: Mapping[str, str],
    judge: RefusalJudge,
) -> list[SFTExample]:
    """Build CoT-SFT targets; benign prompts whose base reply is a refusal are skipped."""
    examples = [SFTExample(item.text, harmful_cot_reply(item), id=item.id) for item in harmful]
    skipped = 0
    for item in benign:
        reply = replies[item.id]
        if not reply.strip() or judge.judge(item.text, reply).refused:
            skipped += 1
            continue
        examples.append(SFTExample(item.text, benign_cot_reply(item, reply), id=item.id))
    if skipped:
        logger.info("CoT-SFT: skipped %d benign prompts whose base reply is a refusal", skipped)
    return examples


def cot_preference_pairs(
    policy: TransformerBridge,
    harmful: Sequence[PromptItem],
    benign: Sequence[PromptItem],
    base_replies: Mapping[str, str],
    judge: SegmentJudge,
    *,
    samples_per_prompt: int = 2,
    gamma: float = 0.5,
    synthesize_failures: bool = True,
    generation: GenerationConfig = GenerationConfig(96, temperature=1.0, top_p=0.95),
) -> tuple[list[PreferencePair], PairStats]:
    """Build scored CoT safety pairs, keeping those whose full-score gap is at least ``gamma``.

    Args:
        policy: The model being trained (the CoT-SFT model); rejected replies are sampled from it.
        harmful: Harmful prompts.
        benign: Benign prompts; their chosen reply wraps the base model's reply.
        base_replies: The base model's replies by item id: helpful answers for benign prompts
            and compliant answers for harmful ones (used in the synthesised failure mode).
        judge: Scores the reasoning, answer and full reply.
        samples_per_prompt: On-policy samples per prompt (``k``).
        gamma: Minimum ``full(chosen) - full(rejected)`` for a pair to be kept.
        synthesize_failures: Add the synthesised failure modes as rejected candidates.
        generation: Sampling settings of the on-policy samples.
    """
    stats = PairStats()
    items = [(item, True) for item in harmful] + [(item, False) for item in benign]
    items = [(item, flag) for item, flag in items if flag or _usable(base_replies.get(item.id))]
    prompts = [item.text for item, _ in items for _ in range(samples_per_prompt)]
    samples = generate(policy, prompts, generation, description="on-policy samples")
    pairs = []
    for index, (item, is_harmful) in enumerate(items):
        chosen = (
            harmful_cot_reply(item) if is_harmful else benign_cot_reply(item, base_replies[item.id])
        )
        candidates = [
            ("on_policy", samples[index * samples_per_prompt + j].text)
            for j in range(samples_per_prompt)
        ]
        if synthesize_failures:
            candidates += _failure_modes(item, is_harmful, base_replies)
        chosen_scores = judge.score_segments(item.text, chosen, is_harmful)
        for number, (source, rejected) in enumerate(candidates):
            stats.candidates[source] += 1
            if not rejected.strip() or rejected.strip() == chosen.strip():
                stats.skipped[f"{source}: empty or identical"] += 1
                continue
            rejected_scores = judge.score_segments(item.text, rejected, is_harmful)
            if chosen_scores.full - rejected_scores.full < gamma:
                stats.skipped[f"{source}: score gap below gamma"] += 1
                continue
            pairs.append(
                PreferencePair(
                    item.text,
                    chosen,
                    rejected,
                    id=f"{item.id}#{number}",
                    harmful=is_harmful,
                    chosen_scores=chosen_scores,
                    rejected_scores=rejected_scores,
                )
            )
            stats.kept[source] += 1
    logger.info("CoT pairs: %s", stats.as_dict())
    return pairs, stats


def _usable(reply: str | None) -> bool:
    return reply is not None and bool(reply.strip())


def _failure_modes(
    item: PromptItem, is_harmful: bool, base_replies: Mapping[str, str]
) -> list[tuple[str, str]]:
    if not is_harmful:
        rationale = pick(BENIGN_RATIONALES, f"{item.id}/rationale")
        return [
            (
                "sound_reasoning_over_refusal",
                cot_reply(rationale, pick(BARE_REFUSALS, f"{item.id}/over")),
            )
        ]
    kind = harm_kind(item.category)
    compliant = base_replies.get(item.id, "").strip()
    opening = pick(COMPLIANT_OPENINGS, f"{item.id}/opening")
    answer = compliant if compliant else opening
    return [
        (
            "safe_reasoning_compliant_answer",
            cot_reply(harm_reasoning(kind, f"{item.id}/reasoning"), answer),
        ),
        (
            "unsafe_reasoning_refusal",
            cot_reply(
                pick(UNSAFE_REASONING, f"{item.id}/unsafe"),
                safe_refusal(kind, f"{item.id}/refusal"),
            ),
        ),
    ]
