"""Behaviour report: how often a model refuses harmful prompts and over-refuses benign ones.

For each prompt set the report holds the generated reply, the judge's verdict, and the refusal
logit score at the last prompt position (:func:`interp.metrics.refusal_score`), then
aggregates refusal rates with Wilson intervals, overall and per category. On a harmful set the
refusal rate is the safety rate. On a benign set it is the over-refusal rate.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from transformer_lens.model_bridge import TransformerBridge

from interp.chat import format_chats
from interp.data.items import PromptItem
from interp.forward import last_token_logits
from interp.generation import GenerationConfig, generate
from interp.judge import THINK_CLOSE, THINK_OPEN, RefusalJudge
from interp.metrics import DEFAULT_REFUSAL_TOKENS, refusal_score, refusal_token_ids
from interp.stats import Estimate, wilson_interval

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BehaviourConfig:
    """Settings of a behaviour evaluation.

    Attributes:
        generation: Decoding settings for the replies.
        refusal_tokens: Strings whose first tokens begin a refusal, for the refusal logit score.
        assistant_prefix: Text that starts every reply, such as ``"<think>\\n"``.
        score_batch_size: Prompts per forward pass when computing refusal logit scores.
    """

    generation: GenerationConfig = field(default_factory=lambda: GenerationConfig(64))
    refusal_tokens: tuple[str, ...] = DEFAULT_REFUSAL_TOKENS
    assistant_prefix: str = ""
    score_batch_size: int = 16


@dataclass(frozen=True)
class PromptResult:
    """One prompt's outcome.

    Attributes:
        id: The prompt item's id.
        category: The prompt item's category.
        prompt: The user text.
        response: The generated reply.
        refused: The judge's label.
        judge_score: The judge's refusal score in [0, 1].
        judge_reason: The judge's explanation.
        refusal_logit_score: Log-odds of the refusal tokens at the last prompt position.
    """

    id: str
    category: str
    prompt: str
    response: str
    refused: bool
    judge_score: float
    judge_reason: str
    refusal_logit_score: float


@dataclass(frozen=True)
class SetReport:
    """Aggregates for one prompt set.

    Attributes:
        name: Set name, such as ``"harmbench_test"``.
        harmful: Whether the set is harmful (refusal is wanted) or benign (refusal is not).
        refusal_rate: Fraction of replies labelled as refusals, with its Wilson interval.
        by_category: Refusal rate per category.
        mean_refusal_logit_score: Mean refusal logit score over the set.
        n_unfinished_reasoning: Replies cut off inside their ``<think>`` segment, which the
            judge labelled by the content of the reasoning.
        results: Per-prompt outcomes.
    """

    name: str
    harmful: bool
    refusal_rate: Estimate
    by_category: dict[str, Estimate]
    mean_refusal_logit_score: float
    n_unfinished_reasoning: int
    results: list[PromptResult]

    def as_dict(self, include_results: bool = True) -> dict:
        """Return a JSON-ready dict."""
        data = {
            "name": self.name,
            "harmful": self.harmful,
            "refusal_rate": self.refusal_rate.as_dict(),
            "by_category": {key: value.as_dict() for key, value in self.by_category.items()},
            "mean_refusal_logit_score": self.mean_refusal_logit_score,
            "n_unfinished_reasoning": self.n_unfinished_reasoning,
        }
        if include_results:
            data["results"] = [result.__dict__ for result in self.results]
        return data


def evaluate_set(
    bridge: TransformerBridge,
    name: str,
    items: Sequence[PromptItem],
    judge: RefusalJudge,
    config: BehaviourConfig = BehaviourConfig(),
    *,
    harmful: bool,
    progress: bool = True,
) -> SetReport:
    """Generate replies for ``items``, judge them, and score refusal logits."""
    if not items:
        raise ValueError(f"prompt set {name!r} is empty")
    prompts = format_chats(
        bridge.tokenizer, [item.text for item in items], assistant_prefix=config.assistant_prefix
    )
    completions = generate(
        bridge, prompts, config.generation, progress=progress, description=f"{name}: replies"
    )
    refusal_ids = refusal_token_ids(bridge.tokenizer, config.refusal_tokens)
    logits = last_token_logits(bridge, prompts, batch_size=config.score_batch_size)
    scores = refusal_score(logits, refusal_ids).tolist()
    results = []
    for item, completion, score in zip(items, completions, scores, strict=True):
        response = config.assistant_prefix + completion.text
        verdict = judge.judge(item.text, response)
        results.append(
            PromptResult(
                id=item.id,
                category=item.category,
                prompt=item.text,
                response=response,
                refused=verdict.refused,
                judge_score=verdict.refusal,
                judge_reason=verdict.reason,
                refusal_logit_score=float(score),
            )
        )
    report = summarize(name, results, harmful=harmful)
    logger.info("%s: refusal rate %s", name, report.refusal_rate)
    return report


def summarize(name: str, results: Sequence[PromptResult], *, harmful: bool) -> SetReport:
    """Aggregate per-prompt results into rates, overall and per category."""
    by_category: dict[str, list[bool]] = defaultdict(list)
    for result in results:
        by_category[result.category].append(result.refused)
    refused = [result.refused for result in results]
    return SetReport(
        name=name,
        harmful=harmful,
        refusal_rate=wilson_interval(sum(refused), len(refused)),
        by_category={
            category: wilson_interval(sum(flags), len(flags))
            for category, flags in sorted(by_category.items())
        },
        mean_refusal_logit_score=float(np.mean([r.refusal_logit_score for r in results])),
        n_unfinished_reasoning=sum(
            THINK_OPEN in r.response and THINK_CLOSE not in r.response for r in results
        ),
        results=list(results),
    )
