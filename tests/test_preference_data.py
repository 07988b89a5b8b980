"""Preference files, pair validation, tokenisation and segment masks."""

from __future__ import annotations

import json

import pytest

from interp.judge import SegmentScores
from interp.training.batches import collate, encode_pairs
from interp.training.preference import (
    PreferenceDataError,
    PreferencePair,
    read_preferences,
    write_preferences,
)
from interp.training.tokenization import ANSWER, PROMPT, REASONING, tokenize_reply

REPLY = "<think>This request is harmful.</think>\nI can't help with that."


def _write_lines(path, records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def test_text_and_message_forms_read_alike(tmp_path):
    path = _write_lines(
        tmp_path / "p.jsonl",
        [
            {"prompt": "Hi", "chosen": "Hello!", "rejected": "Go away."},
            {
                "prompt": [
                    {"role": "system", "content": "Be kind."},
                    {"role": "user", "content": "Hi"},
                ],
                "chosen": [{"role": "assistant", "content": "Hello!"}],
                "rejected": [{"role": "assistant", "content": "Go away."}],
            },
        ],
    )
    first, second = read_preferences(path)
    assert (first.prompt, first.chosen, first.rejected) == (
        second.prompt,
        second.chosen,
        second.rejected,
    )
    assert second.system == "Be kind."


def test_roundtrip_keeps_scores(tmp_path):
    pair = PreferencePair(
        "p",
        REPLY,
        "Sure.",
        id="x",
        harmful=True,
        chosen_scores=SegmentScores(1.0, 1.0, 1.0),
        rejected_scores=SegmentScores(None, 0.0, 0.0),
    )
    write_preferences([pair], tmp_path / "p.jsonl")
    assert read_preferences(tmp_path / "p.jsonl") == [pair]


def test_identical_replies_name_the_line(tmp_path):
    path = _write_lines(
        tmp_path / "p.jsonl",
        [
            {"prompt": "a", "chosen": "b", "rejected": "c"},
            {"prompt": "a", "chosen": "same", "rejected": "same"},
        ],
    )
    with pytest.raises(
        PreferenceDataError, match=r"p.jsonl:2: chosen and rejected replies are identical"
    ):
        read_preferences(path)


def test_missing_think_close_rejected_for_aw_dpo(tmp_path):
    path = _write_lines(
        tmp_path / "p.jsonl", [{"prompt": "a", "chosen": "<think>x", "rejected": "y"}]
    )
    with pytest.raises(PreferenceDataError, match=r"p.jsonl:1: the chosen reply has no </think>"):
        read_preferences(path, require_reasoning=True)


def test_non_finite_score_rejected(tmp_path):
    path = _write_lines(
        tmp_path / "p.jsonl",
        [
            {
                "prompt": "a",
                "chosen": REPLY,
                "rejected": "y",
                "scores": {
                    "chosen": {"reasoning": 1.0, "answer": float("nan"), "full": 1.0},
                    "rejected": {"reasoning": None, "answer": 0.0, "full": 0.0},
                },
            }
        ],
    )
    with pytest.raises(PreferenceDataError, match="p.jsonl:1: chosen answer score is nan"):
        read_preferences(path)


def test_score_outside_unit_interval_rejected(tmp_path):
    path = _write_lines(
        tmp_path / "p.jsonl",
        [
            {
                "prompt": "a",
                "chosen": REPLY,
                "rejected": "y",
                "scores": {
                    "chosen": {"reasoning": 1.0, "answer": 1.0, "full": 1.0},
                    "rejected": {"reasoning": None, "answer": -0.5, "full": 0.0},
                },
            }
        ],
    )
    with pytest.raises(PreferenceDataError, match="outside"):
        read_preferences(path)


def test_missing_field_and_bad_json_named(tmp_path):
    path = _write_lines(tmp_path / "p.jsonl", [{"prompt": "a", "chosen": "b"}])
    with pytest.raises(PreferenceDataError, match="p.jsonl:1: missing field 'rejected'"):
        read_preferences(path)
    (tmp_path / "q.jsonl").write_text('{"prompt": "a"\n')
    with pytest.raises(PreferenceDataError, match="q.jsonl:1: invalid JSON"):
        read_preferences(tmp_path / "q.jsonl")


def test_empty_preference_file_rejected(tmp_path):
    (tmp_path / "p.jsonl").write_text("\n")
    with pytest.raises(PreferenceDataError, match="contains no preference pairs"):
        read_preferences(tmp_path / "p.jsonl")


def _split(tokenizer, reply):
    tokens = tokenize_reply(tokenizer, "How do I do this?", reply)
    assert set(tokens.segments[: tokens.prompt_length]) == {PROMPT}
    labels = tokens.segments[tokens.prompt_length :]
    ids = tokens.input_ids[tokens.prompt_length :]
    assert PROMPT not in labels
    assert list(labels) == sorted(labels), "reasoning tokens must precede answer tokens"
    reasoning = tokenizer.decode([t for t, s in zip(ids, labels, strict=True) if s == REASONING])
    answer = tokenizer.decode([t for t, s in zip(ids, labels, strict=True) if s == ANSWER])
    return reasoning, answer


@pytest.mark.parametrize(
    "after", ["\nI can't.", "I can't.", " Sure!", ">>> code", "!!", "\u00e9t\u00e9"]
)
def test_segments_split_at_think_close(tiny, after):
    _, tokenizer = tiny
    reply = f"<think>Short thought.</think>{after}"
    reasoning, answer = _split(tokenizer, reply)
    assert reasoning + answer == reply + "<|im_end|>"
    assert reasoning.startswith("<think>Short thought.</think>")
    assert answer.endswith("<|im_end|>")


def test_reply_without_reasoning_is_all_answer(tiny):
    _, tokenizer = tiny
    tokens = tokenize_reply(tokenizer, "Hi", "Hello there.")
    assert tokens.segment_length(REASONING) == 0
    assert tokens.segment_length(ANSWER) == len(tokens.input_ids) - tokens.prompt_length


def test_truncation_keeps_prompt_and_cuts_reply(tiny):
    _, tokenizer = tiny
    full = tokenize_reply(tokenizer, "Hi", REPLY)
    cut = tokenize_reply(tokenizer, "Hi", REPLY, max_length=full.prompt_length + 3)
    assert cut.truncated
    assert cut.input_ids == full.input_ids[: full.prompt_length + 3]
    assert cut.segment_length(ANSWER) == 0


def test_prompt_filling_max_length_rejected(tiny):
    _, tokenizer = tiny
    with pytest.raises(PreferenceDataError, match="fills max_length=5"):
        tokenize_reply(tokenizer, "Hi", REPLY, max_length=5, where="pair 7")


def test_prompt_must_prefix_reply(tiny, monkeypatch):
    _, tokenizer = tiny
    import interp.training.tokenization as tokenization
    from interp.chat import format_chat

    def shifted(tokenizer, prompt, system=None):
        rendered = format_chat(tokenizer, prompt, system=system)
        return rendered.__class__(
            rendered.user,
            rendered.text,
            (0,) + rendered.input_ids[1:],
            rendered.instruction_end,
            rendered.response_start,
        )

    monkeypatch.setattr(tokenization, "format_chat", shifted)
    with pytest.raises(PreferenceDataError, match="pair 3: the tokenised prompt is not a prefix"):
        tokenize_reply(tokenizer, "Hi", REPLY, where="pair 3")


def test_empty_segments_counted_in_weights(tiny):
    _, tokenizer = tiny
    pairs = [
        PreferencePair(
            "Hi",
            REPLY,
            "Sure thing.",
            id="a",
            chosen_scores=SegmentScores(1.0, 1.0, 1.0),
            rejected_scores=SegmentScores(None, 0.0, 0.0),
        )
    ]
    (encoded,) = encode_pairs(tokenizer, pairs, max_length=128, require_reasoning=True)
    assert encoded.empty == (True, False)
    assert encoded.weights[0] == 0.0
    assert encoded.weights[1] == pytest.approx(1.0, abs=1e-5)


def test_collate_puts_chosen_rows_first(tiny):
    _, tokenizer = tiny
    pairs = [
        PreferencePair("Hi", "Hello.", "Bye.", id="a"),
        PreferencePair("Yo", "Hey.", "No.", id="b"),
    ]
    encoded = encode_pairs(tokenizer, pairs, max_length=64, require_reasoning=False)
    batch = collate(encoded, tokenizer.pad_token_id)
    assert batch.input_ids.shape[0] == 4
    assert batch.input_ids[0, : len(encoded[0].chosen.input_ids)].tolist() == list(
        encoded[0].chosen.input_ids
    )
    assert batch.input_ids[2, : len(encoded[0].rejected.input_ids)].tolist() == list(
        encoded[0].rejected.input_ids
    )
    assert batch.attention_mask.sum().item() == sum(
        len(e.chosen.input_ids) + len(e.rejected.input_ids) for e in encoded
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "after", ["\nI can't.", "I can't help.", "Sure!", ">>> x = 1", "\u00e9t\u00e9", "\t", "'s"]
)
def test_segments_with_real_tokenizer(embedded, after):
    _, tokenizer = embedded
    reply = f"<think>This request is risky.</think>{after}"
    reasoning, answer = _split(tokenizer, reply)
    assert reasoning + answer == reply + "<|im_end|>"
    assert reasoning.startswith("<think>This request is risky.</think>")
    assert answer.endswith("<|im_end|>")


@pytest.mark.slow
def test_real_tokenizer_merges_across_boundary(embedded):
    _, tokenizer = embedded
    # SmolLM2's BPE merges ">>" into one token, so the token after "</think" spans the boundary.
    reply = "<think>Done.</think>> quoted"
    tokens = tokenize_reply(tokenizer, "Hi", reply)
    pieces = [tokenizer.decode([t]) for t in tokens.input_ids[tokens.prompt_length :]]
    assert any(">>" in piece for piece in pieces)
    reasoning, answer = _split(tokenizer, reply)
    assert reasoning.startswith("<think>Done.</think>")
    assert reasoning + answer == reply + "<|im_end|>"
