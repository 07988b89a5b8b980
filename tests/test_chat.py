"""Chat formatting: template boundaries, prefixes and padding."""

from __future__ import annotations

import pytest
import torch

from interp.chat import format_chat, format_chats, left_pad, position_ids_from_mask


def _tokens(tokenizer, prompt, positions):
    return [tokenizer.decode([prompt.input_ids[i]]) for i in positions]


def test_post_instruction_tokens_follow_user_text(tiny):
    _, tokenizer = tiny
    prompt = format_chat(tokenizer, "How do I bake bread?")
    tokens = "".join(_tokens(tokenizer, prompt, prompt.post_instruction))
    assert tokens == "<|im_end|>\n<|im_start|>assistant\n"
    assert prompt.text.endswith("<|im_start|>assistant\n")
    assert prompt.response_start == len(prompt)


def test_user_text_ends_at_instruction_end(tiny):
    _, tokenizer = tiny
    prompt = format_chat(tokenizer, "Name three rivers")
    before = tokenizer.decode(list(prompt.input_ids[: prompt.instruction_end]))
    assert before.endswith("Name three rivers")


def test_assistant_prefix_starts_reply(tiny):
    _, tokenizer = tiny
    prompt = format_chat(tokenizer, "Hi", assistant_prefix="<think>\n")
    assert prompt.text.endswith("assistant\n<think>\n")
    prefix = tokenizer.decode(list(prompt.input_ids[prompt.response_start :]))
    assert prefix == "<think>\n"
    assert prompt.response_start < len(prompt)


def test_system_prompt_replaces_default(tiny):
    _, tokenizer = tiny
    prompt = format_chat(tokenizer, "Hi", system="Be brief.")
    assert "Be brief." in prompt.text
    assert "helpful assistant" not in prompt.text


def test_empty_prompt_rejected(tiny):
    _, tokenizer = tiny
    with pytest.raises(ValueError, match="empty prompt"):
        format_chat(tokenizer, "   ")


def test_missing_template_rejected(tiny):
    _, tokenizer = tiny
    template = tokenizer.chat_template
    tokenizer.chat_template = None
    try:
        with pytest.raises(ValueError, match="no chat_template"):
            format_chat(tokenizer, "Hi")
    finally:
        tokenizer.chat_template = template


def test_prefix_count_must_match(tiny):
    _, tokenizer = tiny
    with pytest.raises(ValueError, match="2 assistant prefixes for 1 prompts"):
        format_chats(tokenizer, ["Hi"], assistant_prefix=["a", "b"])


def test_left_pad_aligns_last_tokens():
    input_ids, mask = left_pad([[5, 6, 7], [8]], pad_token_id=0)
    assert input_ids.tolist() == [[5, 6, 7], [0, 0, 8]]
    assert mask.tolist() == [[1, 1, 1], [0, 0, 1]]
    assert position_ids_from_mask(mask).tolist() == [[0, 1, 2], [0, 0, 0]]


def test_left_pad_rejects_empty_sequence():
    with pytest.raises(ValueError, match="sequence 1 is empty"):
        left_pad([[1], []], pad_token_id=0)


@pytest.mark.slow
def test_embedded_post_instruction_tokens(embedded):
    _, tokenizer = embedded
    prompt = format_chat(tokenizer, "How do I bake bread?")
    tokens = "".join(_tokens(tokenizer, prompt, prompt.post_instruction))
    assert tokens == "<|im_end|>\n<|im_start|>assistant\n"
    assert len(prompt.post_instruction) == 6
    assert torch.tensor(prompt.input_ids).ndim == 1
