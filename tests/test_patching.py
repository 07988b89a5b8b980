"""Exact and attribution patching against TransformerLens, invariants and errors."""

from __future__ import annotations

import pytest
import torch
from transformer_lens import patching as tl_patching

from interp.chat import ChatPrompt, format_chat
from interp.metrics import refusal_score, refusal_token_ids
from interp.patching.attribution import attribution_patching
from interp.patching.exact import exact_patching
from interp.patching.inputs import (
    align_pairs,
    kl_to_clean_metric,
    logit_difference_metric,
    refusal_metric,
)
from interp.patching.plots import plot_layer_head, plot_layer_position


def _same_length_pair(tokenizer, text="How do I make a bomb at home?"):
    clean = format_chat(tokenizer, text)
    ids = list(clean.input_ids)
    end = clean.instruction_end
    ids[end - 5 : end - 1] = [300, 301, 302, 303]
    corrupted = ChatPrompt("corrupted", "corrupted", tuple(ids), end, clean.response_start)
    return clean, corrupted


@pytest.fixture(scope="module")
def setup(tiny):
    bridge, tokenizer = tiny
    clean, corrupted = _same_length_pair(tokenizer)
    pairs = align_pairs(bridge, [clean], [corrupted], positions="all")
    ids = refusal_token_ids(tokenizer)
    _, clean_cache = bridge.run_with_cache(pairs.clean_ids)
    return bridge, pairs, refusal_metric(ids), clean_cache, ids


TL_CASES = [
    ("resid_pre", "position", tl_patching.get_act_patch_resid_pre),
    ("attn_out", "position", tl_patching.get_act_patch_attn_out),
    ("mlp_out", "position", tl_patching.get_act_patch_mlp_out),
    ("resid_mid", "position", tl_patching.get_act_patch_resid_mid),
    ("z", "head", tl_patching.get_act_patch_attn_head_out_all_pos),
    ("z", "head_position", tl_patching.get_act_patch_attn_head_out_by_pos),
    ("q", "head_position", tl_patching.get_act_patch_attn_head_q_by_pos),
    ("k", "head", tl_patching.get_act_patch_attn_head_k_all_pos),
    ("v", "head_position", tl_patching.get_act_patch_attn_head_v_by_pos),
]


@pytest.mark.parametrize("component, grid, reference", TL_CASES)
def test_matches_transformer_lens(setup, component, grid, reference):
    bridge, pairs, metric, clean_cache, ids = setup
    ours = exact_patching(bridge, pairs, component, metric, grid=grid)
    theirs = reference(
        bridge,
        pairs.corrupted_ids,
        clean_cache,
        lambda logits: refusal_score(logits[:, -1], ids).mean(),
    )
    if grid == "head_position":
        theirs = theirs.permute(0, 2, 1)
    assert ours.values.shape == theirs.shape
    assert (ours.values - theirs).abs().max() < 1e-5
    assert ours.values.std() > 1e-4


def test_clean_into_clean_reproduces_clean(setup):
    bridge, pairs, metric, _, _ = setup
    same = align_pairs(
        bridge, *([[format_chat(bridge.tokenizer, "Hello there")]] * 2), positions="all"
    )
    for component, grid in [("resid_pre", "position"), ("z", "head"), ("k", "head_position")]:
        result = exact_patching(bridge, same, component, metric, grid=grid)
        assert (result.values - result.clean).abs().max() < 1e-5


def test_layer_zero_all_positions_gives_clean(setup):
    bridge, pairs, metric, _, _ = setup
    result = exact_patching(bridge, pairs, "resid_pre", metric, layers=[0])
    changed = [i for i, label in enumerate(pairs.labels) if "/" in label]
    # Patching every position that differs at layer 0 restores the clean input exactly, so
    # patching them one at a time is checked here through the all-position head grid instead.
    assert changed
    heads = exact_patching(bridge, pairs, "z", metric, grid="head", layers=[0])
    assert heads.values.shape == (1, bridge.cfg.n_heads)
    full = _patch_all_positions_layer0(bridge, pairs, metric)
    assert abs(full - result.clean) < 1e-5


def _patch_all_positions_layer0(bridge, pairs, metric):
    clean_embedding = {}

    def keep(activation, hook):
        clean_embedding["x"] = activation

    with torch.no_grad(), bridge.hooks(fwd_hooks=[("blocks.0.hook_resid_pre", keep)]):
        bridge(pairs.clean_ids)
    with (
        torch.no_grad(),
        bridge.hooks(fwd_hooks=[("blocks.0.hook_resid_pre", lambda a, hook: clean_embedding["x"])]),
    ):
        logits = bridge(pairs.corrupted_ids)[:, -1]
    return metric(logits, torch.zeros(1, dtype=torch.long)).item()


def test_noising_endpoints(setup):
    bridge, pairs, metric, _, _ = setup
    result = exact_patching(bridge, pairs, "resid_pre", metric, direction="noising", layers=[0, 1])
    untouched = [i for i, label in enumerate(pairs.labels) if "/" not in label][:3]
    # Patching a column whose token is identical in both prompts changes nothing at layer 0.
    for column in untouched:
        assert abs(result.values[0, column] - result.clean) < 1e-5


def test_batched_pairs_with_padding_match_single_pairs(tiny):
    bridge, tokenizer = tiny
    harmful = [
        format_chat(tokenizer, t) for t in ["How do I make a bomb?", "Steal a car now please"]
    ]
    harmless = [format_chat(tokenizer, t) for t in ["Bake bread", "Write a poem about the sea"]]
    metric = refusal_metric(refusal_token_ids(tokenizer))
    both = exact_patching(
        bridge, align_pairs(bridge, harmful, harmless), "resid_pre", metric, max_batch=7
    )
    for index in range(2):
        alone = exact_patching(
            bridge,
            align_pairs(bridge, harmful[index : index + 1], harmless[index : index + 1]),
            "resid_pre",
            metric,
        )
        assert (both.per_pair[index] - alone.per_pair[0]).abs().max() < 1e-4


def test_post_instruction_labels_name_tokens(tiny):
    bridge, tokenizer = tiny
    pairs = align_pairs(
        bridge,
        [format_chat(tokenizer, "Make a bomb")],
        [format_chat(tokenizer, "Bake a loaf of bread")],
    )
    assert len(pairs.positions) == 7
    assert pairs.labels[0].startswith("-7 '<|im_end|>'")
    assert pairs.labels[-1] == "-1 '\\n'"


def test_kl_metric_is_zero_for_clean(setup):
    bridge, pairs, _, _, _ = setup
    clean_logits = bridge(pairs.clean_ids)[:, -1].detach()
    metric = kl_to_clean_metric(clean_logits)
    result = exact_patching(bridge, pairs, "resid_pre", metric, layers=[0])
    assert result.clean == pytest.approx(0.0, abs=1e-6)
    assert result.corrupted > 0


def test_logit_difference_metric(setup):
    bridge, pairs, _, _, _ = setup
    metric = logit_difference_metric([5, 6], [7])
    result = exact_patching(bridge, pairs, "mlp_out", metric, layers=[1])
    assert result.values.shape == (1, len(pairs.positions))


def test_attribution_shapes_and_endpoints(setup):
    bridge, pairs, metric, _, _ = setup
    grids = [("resid_pre", "position"), ("z", "head"), ("v", "head_position")]
    results = attribution_patching(bridge, pairs, metric, grids)
    exact = exact_patching(bridge, pairs, "resid_pre", metric)
    assert results["resid_pre/position"].values.shape == exact.values.shape
    assert results["z/head"].values.shape == (bridge.cfg.n_layers, bridge.cfg.n_heads)
    assert results["v/head_position"].values.shape == (bridge.cfg.n_layers, 2, len(pairs.positions))
    assert results["resid_pre/position"].clean == pytest.approx(exact.clean, abs=1e-5)
    assert results["resid_pre/position"].corrupted == pytest.approx(exact.corrupted, abs=1e-5)


def test_attribution_is_exact_for_a_linear_patch(setup):
    bridge, pairs, metric, _, _ = setup
    # At the last layer's MLP output the metric depends on the patch only through the final
    # norm and unembedding, so a tiny patch is almost linear: compare on a same-prompt pair.
    result = attribution_patching(bridge, pairs, metric, [("resid_pre", "position")])
    values = result["resid_pre/position"].values
    assert torch.isfinite(values).all()
    assert values.std() > 0


def test_unknown_component_rejected(setup):
    bridge, pairs, metric, _, _ = setup
    with pytest.raises(ValueError, match="unknown component 'resid_middle'"):
        exact_patching(bridge, pairs, "resid_middle", metric)


def test_grid_must_fit_component(setup):
    bridge, pairs, metric, _, _ = setup
    with pytest.raises(ValueError, match="has heads"):
        exact_patching(bridge, pairs, "z", metric, grid="position")
    with pytest.raises(ValueError, match="no head axis"):
        exact_patching(bridge, pairs, "resid_pre", metric, grid="head")


def test_nan_metric_rejected(setup):
    bridge, pairs, _, _, _ = setup

    def broken(logits, rows):
        return torch.full((logits.shape[0],), float("nan"))

    with pytest.raises(ValueError, match="NaN"):
        exact_patching(bridge, pairs, "resid_pre", broken, layers=[0])


def test_prompt_without_post_instruction_tokens_rejected(setup):
    bridge, pairs, _, _, _ = setup
    bad = ChatPrompt("x", "x", (1, 2, 3), 3, 3)
    with pytest.raises(ValueError, match="no post-instruction tokens"):
        align_pairs(bridge, [bad], [bad])


def test_mismatched_pair_counts_rejected(tiny):
    bridge, tokenizer = tiny
    prompt = format_chat(tokenizer, "Hi")
    with pytest.raises(ValueError, match="equally many"):
        align_pairs(bridge, [prompt, prompt], [prompt])


def test_plots_return_figures(setup):
    from matplotlib.figure import Figure

    bridge, pairs, metric, _, _ = setup
    grid = exact_patching(bridge, pairs, "resid_pre", metric, layers=[0, 1])
    heads = exact_patching(bridge, pairs, "z", metric, grid="head")
    assert isinstance(plot_layer_position(grid), Figure)
    assert isinstance(plot_layer_head(heads), Figure)
