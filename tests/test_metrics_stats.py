"""Metric functions and confidence intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from interp.metrics import (
    kl_divergence,
    logit_difference,
    normalized_effect,
    refusal_score,
    refusal_token_ids,
)
from interp.stats import bootstrap_difference, bootstrap_mean, wilson_interval


def test_refusal_score_is_log_odds():
    logits = torch.tensor([[2.0, 0.5, -1.0, 0.0]])
    probabilities = torch.softmax(logits, dim=-1)[0]
    p = float(probabilities[0] + probabilities[2])
    expected = math.log(p) - math.log(1 - p)
    assert refusal_score(logits, [0, 2]).item() == pytest.approx(expected, abs=1e-5)


def test_refusal_score_sign_follows_probability():
    logits = torch.tensor([[10.0, 0.0, 0.0], [-10.0, 0.0, 0.0]])
    scores = refusal_score(logits, [0])
    assert scores[0] > 0
    assert scores[1] < 0


def test_refusal_score_finite_when_certain():
    logits = torch.tensor([[100.0, -100.0]])
    assert torch.isfinite(refusal_score(logits, [0])).all()


def test_refusal_token_ids_dedupe(tiny):
    _, tokenizer = tiny
    ids = refusal_token_ids(tokenizer, ("I", "I", "As"))
    assert len(ids) == len(set(ids))
    assert tokenizer.decode([ids[0]]) == "I"


def test_logit_difference_of_sets():
    logits = torch.tensor([[1.0, 3.0, 5.0, 7.0]])
    assert logit_difference(logits, [2, 3], [0]).item() == pytest.approx(5.0)


def test_logit_difference_needs_tokens():
    with pytest.raises(ValueError, match="non-empty"):
        logit_difference(torch.zeros(1, 3), [], [1])


def test_kl_zero_for_identical_and_positive_otherwise():
    logits = torch.randn(3, 10)
    assert kl_divergence(logits, logits).abs().max() < 1e-6
    assert (kl_divergence(logits, torch.randn(3, 10)) > 0).all()


def test_normalized_effect_endpoints():
    values = torch.tensor([1.0, 3.0, 2.0])
    assert normalized_effect(values, 1.0, 3.0).tolist() == [0.0, 1.0, 0.5]


def test_normalized_effect_undefined_span():
    with pytest.raises(ValueError, match="equal"):
        normalized_effect(torch.tensor([1.0]), 2.0, 2.0)


def test_wilson_interval_known_value():
    estimate = wilson_interval(5, 10)
    assert estimate.value == 0.5
    assert estimate.low == pytest.approx(0.2366, abs=1e-3)
    assert estimate.high == pytest.approx(0.7634, abs=1e-3)


def test_wilson_interval_at_zero_is_not_degenerate():
    estimate = wilson_interval(0, 20)
    assert estimate.low == 0.0
    assert estimate.high > 0.1


def test_wilson_rejects_bad_counts():
    with pytest.raises(ValueError):
        wilson_interval(3, 0)
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


def test_bootstrap_mean_covers_mean():
    values = np.random.default_rng(0).normal(2.0, 1.0, size=200)
    estimate = bootstrap_mean(values, seed=1)
    assert estimate.low < values.mean() < estimate.high
    assert estimate.high - estimate.low < 0.5


def test_bootstrap_is_seeded():
    values = [0.0, 1.0, 1.0, 0.0, 1.0]
    assert bootstrap_mean(values, seed=3) == bootstrap_mean(values, seed=3)


def test_bootstrap_rejects_nan():
    with pytest.raises(ValueError, match="NaN"):
        bootstrap_mean([1.0, float("nan")])


def test_bootstrap_difference_paired():
    estimate = bootstrap_difference([1.0, 2.0, 3.0], [0.0, 1.0, 2.0])
    assert estimate.value == pytest.approx(1.0)
    assert estimate.low == pytest.approx(1.0)
    assert estimate.high == pytest.approx(1.0)
