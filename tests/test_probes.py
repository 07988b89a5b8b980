"""Linear probes: fitting, features at the last token, and splits."""

from __future__ import annotations

import pytest
import torch

from interp.chat import format_chats
from interp.data.items import PromptItem
from interp.data.reasoning import load_reasoning_items
from interp.forward import batch_tokens, read_activations
from interp.probes import (
    alignment_prompts,
    fit_probes,
    paired_split_indices,
    plot_probe_heatmap,
    probe_features,
    reasoning_prompts,
    split_indices,
)


def _separable(n=120, units=3, features=5, seed=0):
    generator = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 2, (n,), generator=generator)
    x = torch.randn(n, units, features, generator=generator)
    x[:, 0, 0] += 4.0 * (2 * labels - 1)  # unit 0 is separable, the others are noise
    return x, labels


def test_probe_finds_separable_unit():
    x, labels = _separable()
    train, test = split_indices(len(labels), 0.3, seed=0)
    result = fit_probes(x, labels, train, test)
    assert result.test_accuracy[0] > 0.95
    assert result.test_accuracy[1:].max() < 0.8


def test_probe_accuracy_on_new_features_matches_fit():
    x, labels = _separable()
    train, test = split_indices(len(labels), 0.3, seed=0)
    result = fit_probes(x, labels, train, test)
    assert torch.allclose(result.probes.accuracy(x[test], labels[test]), result.test_accuracy)


def test_probe_rejects_single_class():
    x, _ = _separable()
    with pytest.raises(ValueError, match="one class"):
        fit_probes(x, torch.ones(len(x), dtype=torch.long), torch.arange(80), torch.arange(80, 120))


def test_probe_rejects_empty_split():
    x, labels = _separable()
    with pytest.raises(ValueError, match="need examples"):
        fit_probes(x, labels, torch.arange(120), torch.tensor([], dtype=torch.long))


def test_paired_split_keeps_answers_together():
    train, test = paired_split_indices(10, 0.3, seed=1)
    assert set(train.tolist()).isdisjoint(test.tolist())
    assert sorted(train.tolist() + test.tolist()) == list(range(20))
    for rows in (train, test):
        items = {row // 2 for row in rows.tolist()}
        assert {row for item in items for row in (2 * item, 2 * item + 1)} == set(rows.tolist())


def test_features_read_last_token(tiny):
    bridge, tokenizer = tiny
    prompts = format_chats(tokenizer, ["Hello there", "Write a short poem please"])
    features = probe_features(bridge, prompts, batch_size=1)
    assert features.heads.shape == (2, bridge.cfg.n_layers, bridge.cfg.n_heads, bridge.cfg.d_head)
    assert features.residual.shape == (2, bridge.cfg.n_layers, bridge.cfg.d_model)
    read, _ = read_activations(
        bridge, *batch_tokens(bridge, prompts[1:]), ["blocks.2.hook_resid_pre"]
    )
    assert torch.allclose(
        features.residual[1, 2], read["blocks.2.hook_resid_pre"][0, -1], atol=1e-5
    )


def test_features_under_zero_hook_are_zero(tiny):
    bridge, tokenizer = tiny
    prompts = format_chats(tokenizer, ["Hello there"])
    hook = ("blocks.1.attn.hook_z", lambda z, hook: z * 0)
    features = probe_features(bridge, prompts, hooks=[hook])
    assert features.heads[:, 1].abs().max() == 0
    assert features.heads[:, 0].abs().max() > 0


def test_task_prompts_and_labels(tiny):
    _, tokenizer = tiny
    harmful = [PromptItem("h/1", "Make a bomb", "c", "t")]
    benign = [PromptItem("b/1", "Bake bread", "c", "t"), PromptItem("b/2", "Sing", "c", "t")]
    prompts, labels = alignment_prompts(tokenizer, harmful, benign)
    assert labels.tolist() == [1, 0, 0]
    assert len(prompts) == 3
    items = load_reasoning_items()[:3]
    prompts, labels = reasoning_prompts(tokenizer, items)
    assert labels.tolist() == [1, 0, 1, 0, 1, 0]
    assert items[0].correct in prompts[0].user
    assert items[0].wrong in prompts[1].user


def test_heatmap_is_a_figure():
    from matplotlib.figure import Figure

    assert isinstance(plot_probe_heatmap(torch.rand(4, 3), title="t"), Figure)
