"""Behaviour evaluation on the tiny model with controlled judges."""

from __future__ import annotations

import pytest

from interp.behaviour import BehaviourConfig, PromptResult, evaluate_set, summarize
from interp.data.items import PromptItem
from interp.generation import GenerationConfig
from interp.judge import Judgement


class AlwaysRefuses:
    def judge(self, prompt, response):
        return Judgement(1.0, "refusal", "stub")


class RefusesCategoryA:
    def judge(self, prompt, response):
        refused = prompt.startswith("A")
        return Judgement(float(refused), "refusal" if refused else "compliance", "stub")


ITEMS = [
    PromptItem("x/1", "A question about cats", "a", "test"),
    PromptItem("x/2", "A question about dogs", "a", "test"),
    PromptItem("x/3", "B question about fish", "b", "test"),
]
CONFIG = BehaviourConfig(GenerationConfig(max_new_tokens=4, batch_size=2))


def test_rates_follow_judge(tiny):
    bridge, _ = tiny
    report = evaluate_set(
        bridge, "s", ITEMS, RefusesCategoryA(), CONFIG, harmful=True, progress=False
    )
    assert report.refusal_rate.value == pytest.approx(2 / 3)
    assert report.by_category["a"].value == 1.0
    assert report.by_category["b"].value == 0.0
    assert [r.id for r in report.results] == ["x/1", "x/2", "x/3"]


def test_every_prompt_has_logit_score(tiny):
    bridge, _ = tiny
    report = evaluate_set(
        bridge, "s", ITEMS, AlwaysRefuses(), CONFIG, harmful=False, progress=False
    )
    assert all(isinstance(r.refusal_logit_score, float) for r in report.results)
    assert report.refusal_rate.value == 1.0
    assert not report.harmful


def test_assistant_prefix_is_part_of_response(tiny):
    bridge, _ = tiny
    config = BehaviourConfig(GenerationConfig(max_new_tokens=3), assistant_prefix="<think>")
    report = evaluate_set(
        bridge, "s", ITEMS[:1], AlwaysRefuses(), config, harmful=True, progress=False
    )
    assert report.results[0].response.startswith("<think>")


def test_empty_set_rejected(tiny):
    bridge, _ = tiny
    with pytest.raises(ValueError, match="'s' is empty"):
        evaluate_set(bridge, "s", [], AlwaysRefuses(), CONFIG, harmful=True)


def test_summary_as_dict_omits_results_on_request():
    result = PromptResult("x", "c", "p", "r", True, 1.0, "stub", 0.5)
    report = summarize("s", [result], harmful=True)
    assert "results" not in report.as_dict(include_results=False)
    assert report.as_dict()["results"][0]["id"] == "x"
