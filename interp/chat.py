"""Render chat prompts once, for every module, and record where their parts start.

Refusal directions and activation patching index the *post-instruction* tokens: the chat
template tokens that follow the user's text and precede the assistant's reply (for ChatML,
``<|im_end|>``, ``\\n``, ``<|im_start|>``, ``assistant``, ``\\n``). :class:`ChatPrompt` stores
the token ids with those boundaries, so no module has to rediscover them.

An optional assistant prefix is appended after the template. It forces the start of the reply,
which is how prefilling attacks and ``<think>`` prompts are built.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from jaxtyping import Int
from torch import Tensor
from transformers import PreTrainedTokenizerBase


@dataclass(frozen=True)
class ChatPrompt:
    """A rendered chat prompt with its token boundaries.

    Attributes:
        user: The user's text as given.
        text: The full rendered string, template and assistant prefix included.
        input_ids: Token ids of ``text``, with no extra BOS.
        instruction_end: Index of the first post-instruction token.
        response_start: Index of the first assistant-prefix token, or ``len(input_ids)`` when
            there is no prefix.
    """

    user: str
    text: str
    input_ids: tuple[int, ...]
    instruction_end: int
    response_start: int

    @property
    def post_instruction(self) -> range:
        """Positions of the template tokens between the user's text and the reply."""
        return range(self.instruction_end, self.response_start)

    def __len__(self) -> int:
        return len(self.input_ids)


def format_chat(
    tokenizer: PreTrainedTokenizerBase,
    prompt: str,
    *,
    system: str | None = None,
    assistant_prefix: str = "",
) -> ChatPrompt:
    """Render one user prompt with the tokenizer's chat template.

    Args:
        tokenizer: A fast tokenizer with a ``chat_template``.
        prompt: The user's message.
        system: Optional system prompt; ``None`` keeps the template's default.
        assistant_prefix: Text that starts the assistant's reply, such as ``"<think>\\n"``.

    Raises:
        ValueError: the prompt is empty, the tokenizer has no chat template, or the template
            leaves no post-instruction tokens.
    """
    if not prompt.strip():
        raise ValueError("cannot format an empty prompt")
    if not getattr(tokenizer, "chat_template", None):
        raise ValueError(
            "the tokenizer has no chat_template; set tokenizer.chat_template first "
            "(interp.models.CHATML_TEMPLATE is a ChatML template)"
        )
    messages = [{"role": "user", "content": prompt}]
    if system is not None:
        messages.insert(0, {"role": "system", "content": system})
    rendered = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    user_end = rendered.rfind(prompt) + len(prompt)
    text = rendered + assistant_prefix
    encoding = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids = tuple(encoding["input_ids"])
    starts = [start for start, _ in encoding["offset_mapping"]]
    instruction_end = _first_token_at(starts, user_end)
    response_start = _first_token_at(starts, len(rendered)) if assistant_prefix else len(ids)
    if response_start <= instruction_end:
        raise ValueError(
            f"the chat template leaves no post-instruction tokens after the user's text "
            f"(rendered: {rendered!r})"
        )
    return ChatPrompt(prompt, text, ids, instruction_end, response_start)


def format_chats(
    tokenizer: PreTrainedTokenizerBase,
    prompts: Sequence[str],
    *,
    system: str | None = None,
    assistant_prefix: str | Sequence[str] = "",
) -> list[ChatPrompt]:
    """Render many prompts; ``assistant_prefix`` may be one string or one per prompt."""
    if isinstance(assistant_prefix, str):
        prefixes: Sequence[str] = [assistant_prefix] * len(prompts)
    else:
        prefixes = assistant_prefix
        if len(prefixes) != len(prompts):
            raise ValueError(f"got {len(prefixes)} assistant prefixes for {len(prompts)} prompts")
    return [
        format_chat(tokenizer, prompt, system=system, assistant_prefix=prefix)
        for prompt, prefix in zip(prompts, prefixes, strict=True)
    ]


def _first_token_at(starts: list[int], char_index: int) -> int:
    """Return the index of the first token that starts at or after ``char_index``."""
    for index, start in enumerate(starts):
        if start >= char_index:
            return index
    return len(starts)


def left_pad(
    sequences: Sequence[Sequence[int]], pad_token_id: int
) -> tuple[Int[Tensor, "batch pos"], Int[Tensor, "batch pos"]]:
    """Stack token sequences, left-padded, with their attention mask.

    Left padding puts every prompt's last token in the final column, so positions counted from
    the end (the post-instruction tokens, the next-token logits) line up across the batch.
    """
    if not sequences:
        raise ValueError("cannot pad an empty batch")
    width = max(len(sequence) for sequence in sequences)
    input_ids = torch.full((len(sequences), width), pad_token_id, dtype=torch.long)
    attention_mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for row, sequence in enumerate(sequences):
        if len(sequence) == 0:
            raise ValueError(f"sequence {row} is empty")
        input_ids[row, width - len(sequence) :] = torch.tensor(sequence, dtype=torch.long)
        attention_mask[row, width - len(sequence) :] = 1
    return input_ids, attention_mask


def position_ids_from_mask(attention_mask: Int[Tensor, "batch pos"]) -> Int[Tensor, "batch pos"]:
    """Return positions that count only real tokens, as generation does for left padding."""
    positions = attention_mask.long().cumsum(-1) - 1
    return positions.clamp(min=0)
