"""Tokenise prompt + reply sequences and mark each reply token's segment.

A reply ``<think>reasoning</think>answer`` splits at the end of ``</think>``. Segments are
assigned on token ids through the tokenizer's character offsets, not by tokenising the two
parts separately, so they stay right when BPE merges characters across the boundary: a token
that starts before the end of ``</think>`` belongs to the reasoning, every later token to the
answer. The end-of-turn token that closes the reply belongs to the answer.

Truncation policy: a sequence longer than ``max_length`` keeps its whole prompt and loses the
end of its reply (the end-of-turn token first). A prompt that leaves no room for at least one
reply token is an error. Truncation can empty a segment; the weight rule gives an empty
segment weight 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from transformers import PreTrainedTokenizerBase

from interp.chat import format_chat
from interp.judge import THINK_CLOSE, THINK_OPEN
from interp.training.preference import PreferenceDataError

PROMPT = 0
REASONING = 1
ANSWER = 2
SEGMENT_NAMES = ("reasoning", "answer")


@dataclass(frozen=True)
class TokenizedReply:
    """A prompt + reply token sequence with per-token segment labels.

    Attributes:
        input_ids: Prompt ids followed by reply ids and the end-of-turn id.
        segments: One label per position: 0 for prompt tokens, 1 for reasoning, 2 for answer.
        prompt_length: Number of prompt tokens.
        truncated: Whether the reply was cut to fit ``max_length``.
    """

    input_ids: tuple[int, ...]
    segments: tuple[int, ...]
    prompt_length: int
    truncated: bool

    def segment_length(self, segment: int) -> int:
        """Return the number of tokens labelled ``segment``."""
        return sum(1 for label in self.segments if label == segment)


def tokenize_reply(
    tokenizer: PreTrainedTokenizerBase,
    prompt: str,
    reply: str,
    *,
    system: str | None = None,
    max_length: int | None = None,
    where: str = "pair",
) -> TokenizedReply:
    """Tokenise ``prompt`` (through the chat template) followed by ``reply`` and end of turn.

    Raises:
        PreferenceDataError: the tokenised prompt is not a prefix of the tokenised
            prompt + reply, or the prompt alone fills ``max_length``.
    """
    rendered = format_chat(tokenizer, prompt, system=system)
    end_of_turn = tokenizer.eos_token or ""
    text = rendered.text + reply + end_of_turn
    encoding = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids = list(encoding["input_ids"])
    prompt_ids = list(rendered.input_ids)
    if ids[: len(prompt_ids)] != prompt_ids:
        merged = tokenizer.decode(ids[len(prompt_ids) - 1 :])[:40]
        raise PreferenceDataError(
            f"{where}: the tokenised prompt is not a prefix of the tokenised prompt + reply "
            f"(a token merges across the boundary: {merged!r}); "
            "start the reply with a character that cannot merge with the template's end"
        )
    boundary = _reasoning_end(reply)
    reply_start = len(rendered.text)
    segments = [PROMPT] * len(prompt_ids)
    for start, _ in encoding["offset_mapping"][len(prompt_ids) :]:
        inside = boundary is not None and start - reply_start < boundary
        segments.append(REASONING if inside else ANSWER)
    truncated = False
    if max_length is not None and len(ids) > max_length:
        if len(prompt_ids) >= max_length:
            raise PreferenceDataError(
                f"{where}: the prompt alone has {len(prompt_ids)} tokens, which fills "
                f"max_length={max_length}; raise max_length or shorten the prompt"
            )
        ids, segments, truncated = ids[:max_length], segments[:max_length], True
    return TokenizedReply(tuple(ids), tuple(segments), len(prompt_ids), truncated)


def _reasoning_end(reply: str) -> int | None:
    """Return the character index just past ``</think>``, or None when there is no reasoning.

    A reply that opens ``<think>`` without closing it is all reasoning.
    """
    close = reply.find(THINK_CLOSE)
    if close >= 0:
        return close + len(THINK_CLOSE)
    if reply.lstrip().startswith(THINK_OPEN):
        return len(reply) + 1
    return None
