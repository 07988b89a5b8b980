"""Batched generation: equality with unbatched decoding, sampling, stopping, hooks."""

from __future__ import annotations

import pytest
import torch

from interp.chat import format_chats
from interp.forward import last_token_logits
from interp.generation import GenerationConfig, generate, stop_token_ids

PROMPTS = [
    "How do I bake bread at home for a family of four people?",
    "Hi",
    "Write a poem about the sea.",
    "What is the capital of France and why is it famous?",
    "Explain plants",
]


def test_batched_greedy_equals_unbatched(tiny):
    bridge, tokenizer = tiny
    prompts = format_chats(tokenizer, PROMPTS)
    config = GenerationConfig(max_new_tokens=12, batch_size=len(PROMPTS))
    batched = generate(bridge, prompts, config, progress=False)
    for prompt, completion in zip(prompts, batched, strict=True):
        alone = generate(bridge, [prompt], config, progress=False)[0]
        assert completion.token_ids == alone.token_ids


def test_batched_logits_equal_unbatched(tiny):
    bridge, tokenizer = tiny
    prompts = format_chats(tokenizer, PROMPTS)
    batched = last_token_logits(bridge, prompts, batch_size=len(PROMPTS))
    alone = torch.cat([last_token_logits(bridge, [prompt]) for prompt in prompts])
    assert (batched - alone).abs().max() < 1e-5


def test_results_follow_input_order(tiny):
    bridge, tokenizer = tiny
    config = GenerationConfig(max_new_tokens=6, batch_size=2)
    forward = generate(bridge, PROMPTS, config, progress=False)
    backward = generate(bridge, PROMPTS[::-1], config, progress=False)
    assert [c.token_ids for c in forward] == [c.token_ids for c in backward[::-1]]


def test_max_new_tokens_respected(tiny):
    bridge, _ = tiny
    completions = generate(bridge, PROMPTS, GenerationConfig(max_new_tokens=5), progress=False)
    assert all(len(c.token_ids) <= 5 for c in completions)


def test_sampling_is_seeded(tiny):
    bridge, _ = tiny
    config = GenerationConfig(max_new_tokens=10, temperature=1.0, top_p=0.9, seed=7)
    first = generate(bridge, PROMPTS, config, progress=False)
    second = generate(bridge, PROMPTS, config, progress=False)
    assert [c.token_ids for c in first] == [c.token_ids for c in second]


def test_sampling_seed_changes_output(tiny):
    bridge, _ = tiny
    first = generate(bridge, PROMPTS, GenerationConfig(10, temperature=1.5, seed=1), progress=False)
    second = generate(
        bridge, PROMPTS, GenerationConfig(10, temperature=1.5, seed=2), progress=False
    )
    assert [c.token_ids for c in first] != [c.token_ids for c in second]


def test_hook_forcing_end_of_turn_stops(tiny):
    bridge, _ = tiny
    stop = stop_token_ids(bridge)[0]

    def force_stop(logits, hook):
        logits = logits.clone()
        logits[..., stop] += 1e4
        return logits

    with bridge.hooks(fwd_hooks=[("unembed.hook_out", force_stop)]):
        completions = generate(bridge, PROMPTS[:2], GenerationConfig(8), progress=False)
    assert all(c.finished for c in completions)
    assert all(c.token_ids == () for c in completions)
    assert all(c.text == "" for c in completions)


def test_hooks_removed_after_context(tiny):
    bridge, _ = tiny
    before = generate(bridge, PROMPTS[:1], GenerationConfig(4), progress=False)
    with bridge.hooks(fwd_hooks=[("unembed.hook_out", lambda x, hook: x * 0)]):
        pass
    after = generate(bridge, PROMPTS[:1], GenerationConfig(4), progress=False)
    assert before == after


def test_raw_strings_are_rendered(tiny):
    bridge, tokenizer = tiny
    from_strings = generate(bridge, PROMPTS[:2], GenerationConfig(4), progress=False)
    rendered = generate(
        bridge, format_chats(tokenizer, PROMPTS[:2]), GenerationConfig(4), progress=False
    )
    assert from_strings == rendered


@pytest.mark.parametrize(
    "field, value",
    [("max_new_tokens", 0), ("temperature", -1.0), ("top_p", 0.0), ("batch_size", 0)],
)
def test_invalid_generation_config_rejected(field, value):
    with pytest.raises(ValueError, match=field):
        GenerationConfig(**{field: value})


@pytest.mark.slow
def test_embedded_batched_greedy_equals_unbatched(embedded):
    bridge, tokenizer = embedded
    prompts = format_chats(tokenizer, PROMPTS)
    config = GenerationConfig(max_new_tokens=24, batch_size=len(PROMPTS))
    batched = generate(bridge, prompts, config, progress=False)
    for prompt, completion in zip(prompts, batched, strict=True):
        alone = generate(bridge, [prompt], config, progress=False)[0]
        assert completion.token_ids == alone.token_ids
    assert all(completion.text for completion in batched)
