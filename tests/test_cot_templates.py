"""Tests for the chain-of-thought response templates in interp.training.cot_templates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from interp.training import cot_templates
from interp.training.cot_templates import (
    BARE_REFUSALS,
    BENIGN_RATIONALES,
    COMPLIANT_OPENINGS,
    HARM_KINDS,
    HARM_REASONING,
    SAFE_REFUSALS,
    UNSAFE_REASONING,
    harm_reasoning,
    pick,
    safe_refusal,
)

EXPECTED_HARM_KINDS = (
    "chemical_biological",
    "cybercrime",
    "violence",
    "illegal_activity",
    "illegal_goods",
    "misinformation",
    "harassment_hate",
    "sexual_content",
    "general_harm",
)

# Constant name -> (minimum count, minimum words, maximum words). For the per-kind dicts the minimum
# count applies to each kind. Bare refusals and compliant openings are meant to be short.
REQUIREMENTS: dict[str, tuple[int, int, int]] = {
    "HARM_REASONING": (6, 25, 60),
    "SAFE_REFUSALS": (4, 15, 45),
    "BENIGN_RATIONALES": (12, 12, 35),
    "UNSAFE_REASONING": (8, 12, 35),
    "BARE_REFUSALS": (8, 2, 12),
    "COMPLIANT_OPENINGS": (8, 2, 12),
}


def texts_of(name: str) -> list[str]:
    """Return every text in the constant ``name``, flattening the per-kind dicts."""
    value = getattr(cot_templates, name)
    if isinstance(value, dict):
        return [text for kind in value for text in value[kind]]
    return list(value)


def all_texts() -> list[tuple[str, str]]:
    """Return (constant name, text) for every text in every constant."""
    return [(name, text) for name in REQUIREMENTS for text in texts_of(name)]


def normalize(text: str) -> str:
    """Lower-case ``text`` and collapse whitespace so near-identical copies compare equal."""
    return " ".join(text.lower().split())


def test_harm_kinds_exact_names() -> None:
    assert HARM_KINDS == EXPECTED_HARM_KINDS


@pytest.mark.parametrize("name", ["HARM_REASONING", "SAFE_REFUSALS"])
def test_per_kind_dict_covers_kinds(name: str) -> None:
    table = getattr(cot_templates, name)
    minimum = REQUIREMENTS[name][0]

    assert set(table) == set(HARM_KINDS), f"{name} keys differ from HARM_KINDS"
    for kind in HARM_KINDS:
        assert kind in table, f"{name} is missing {kind!r}"
        assert isinstance(table[kind], tuple), f"{name}[{kind!r}] is not a tuple"
        assert len(table[kind]) >= minimum, f"{name}[{kind!r}] has {len(table[kind])} texts"


@pytest.mark.parametrize(
    "name", ["BENIGN_RATIONALES", "UNSAFE_REASONING", "BARE_REFUSALS", "COMPLIANT_OPENINGS"]
)
def test_flat_constant_minimum_count(name: str) -> None:
    value = getattr(cot_templates, name)
    minimum = REQUIREMENTS[name][0]

    assert isinstance(value, tuple), f"{name} is not a tuple"
    assert len(value) >= minimum, f"{name} has {len(value)} texts, expected >= {minimum}"


def test_harm_reasoning_opens_this_request() -> None:
    for kind, texts in HARM_REASONING.items():
        for text in texts:
            assert text.startswith("This request "), f"{kind}: {text!r}"


def test_benign_rationales_open_the_user() -> None:
    for text in BENIGN_RATIONALES:
        assert text.startswith("The user"), text


def test_unsafe_reasoning_opens_the_user() -> None:
    for text in UNSAFE_REASONING:
        assert text.startswith("The user"), text


def test_non_harm_reasoning_avoids_this() -> None:
    # The first reasoning token "This" is the harm-recognition signal, so no other reasoning may
    # start with it.
    for text in BENIGN_RATIONALES + UNSAFE_REASONING:
        assert text.split()[0] != "This", text


def test_safe_refusals_open_with_i() -> None:
    for kind, texts in SAFE_REFUSALS.items():
        for text in texts:
            assert text.startswith(("I ", "I'")), f"{kind}: {text!r}"


def test_bare_refusals_open_with_i() -> None:
    for text in BARE_REFUSALS:
        assert text.startswith(("I ", "I'")), text


def test_compliant_openings_open_sure_here() -> None:
    for text in COMPLIANT_OPENINGS:
        assert text.startswith(("Sure", "Here")), text


@pytest.mark.parametrize("name", list(REQUIREMENTS))
def test_word_counts_within_range(name: str) -> None:
    _, low, high = REQUIREMENTS[name]
    for text in texts_of(name):
        count = len(text.split())
        assert count >= low, f"{name}: {count} words < {low}: {text!r}"
        assert count <= high, f"{name}: {count} words > {high}: {text!r}"


@pytest.mark.parametrize("name", list(REQUIREMENTS))
def test_no_duplicates_within_constant(name: str) -> None:
    counts = Counter(normalize(text) for text in texts_of(name))
    repeated = [text for text, count in counts.items() if count > 1]
    assert repeated == [], f"{name} repeats: {repeated}"


def test_no_duplicates_across_constants() -> None:
    owners: dict[str, set[str]] = {}
    for name, text in all_texts():
        owners.setdefault(normalize(text), set()).add(name)
    shared = {text: names for text, names in owners.items() if len(names) > 1}
    assert shared == {}, f"texts shared between constants: {shared}"


def test_texts_contain_no_think_tags() -> None:
    for name, text in all_texts():
        assert "<think>" not in text, f"{name}: {text!r}"
        assert "</think>" not in text, f"{name}: {text!r}"


def test_texts_have_clean_whitespace() -> None:
    # A leading space would change the first token the toolkit scores.
    for name, text in all_texts():
        assert text == text.strip(), f"{name}: surrounding whitespace in {text!r}"
        assert "  " not in text, f"{name}: double space in {text!r}"
        assert "\n" not in text, f"{name}: newline in {text!r}"


def test_texts_are_plain_ascii() -> None:
    for name, text in all_texts():
        assert text.isascii(), f"{name}: non-ASCII character in {text!r}"


def test_texts_end_with_punctuation() -> None:
    for name, text in all_texts():
        assert text[-1] in ".!:", f"{name}: no closing punctuation in {text!r}"


def test_pick_same_key_same_option() -> None:
    options = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta")
    first = pick(options, "harmbench/example")
    second = pick(options, "harmbench/example")
    assert first == second


def test_pick_known_key_value() -> None:
    # SHA-256 of "harmbench/example": the first 8 bytes as a big-endian integer are 6 mod 7.
    options = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta")
    assert pick(options, "harmbench/example") == "eta"


def test_pick_accepts_list_input() -> None:
    options = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"]
    assert pick(options, "harmbench/example") == "eta"


def test_pick_spreads_over_options() -> None:
    options = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta")
    chosen = {pick(options, f"item-{index}") for index in range(200)}
    assert len(chosen) > 1
    assert chosen == set(options)


def test_pick_single_option() -> None:
    assert pick(("only",), "any key") == "only"


def test_pick_empty_raises_value_error() -> None:
    with pytest.raises(ValueError, match="empty"):
        pick((), "item-0")


def test_pick_string_raises_type_error() -> None:
    with pytest.raises(TypeError, match="sequence of strings"):
        pick("abc", "item-0")


@pytest.mark.parametrize("kind", HARM_KINDS)
def test_harm_reasoning_picks_from_kind(kind: str) -> None:
    text = harm_reasoning(kind, "item-0")
    assert text in HARM_REASONING[kind]
    assert text == harm_reasoning(kind, "item-0")


@pytest.mark.parametrize("kind", HARM_KINDS)
def test_safe_refusal_picks_from_kind(kind: str) -> None:
    text = safe_refusal(kind, "item-0")
    assert text in SAFE_REFUSALS[kind]
    assert text == safe_refusal(kind, "item-0")


@pytest.mark.parametrize("chooser", [harm_reasoning, safe_refusal])
def test_unknown_kind_raises_value_error(chooser: Callable[[str, str], str]) -> None:
    with pytest.raises(ValueError) as error:
        chooser("not_a_kind", "item-0")

    message = str(error.value)
    assert "'not_a_kind'" in message
    for kind in HARM_KINDS:
        assert kind in message
