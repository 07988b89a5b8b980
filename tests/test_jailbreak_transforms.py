"""Tests for the jailbreak transforms: registry, determinism, payloads and codecs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from interp.jailbreak.transforms import (
    GROUPS,
    LEETSPEAK_MAP,
    TRANSFORMS,
    Transform,
    apply_all,
    decode_base64,
    decode_leetspeak,
    encode_base64,
    get_transform,
    join_spelled,
    leetspeak,
    reverse_words,
    rot13,
    spell_out,
    transforms_in_group,
)

# A benign stand-in for a harmful request. It has several words, so reversing them changes the
# text, and none of the leetspeak digits, so leetspeak decodes back to it exactly.
REQUEST = "Describe how to bake sourdough bread at home"

# Decoders that recover the request from the last line of an encoded prompt.
DECODERS: dict[str, Callable[[str], str]] = {
    "base64": decode_base64,
    "rot13": rot13,
    "leetspeak": decode_leetspeak,
    "reversed_words": reverse_words,
    "spelled_letters": join_spelled,
    "persona_base64": decode_base64,
}

MAX_WRAPPER_WORDS = 80

BY_NAME = {transform.name: transform for transform in TRANSFORMS}


def _last_line(prompt: str) -> str:
    return prompt.rsplit("\n", 1)[-1]


def _ids(transform: Transform) -> str:
    return transform.name


# Registry


def test_registry_minimum_sizes() -> None:
    groups_used = {transform.group for transform in TRANSFORMS}
    assert len(TRANSFORMS) >= 14
    assert len(groups_used) >= 6


def test_registry_names_unique() -> None:
    names = [transform.name for transform in TRANSFORMS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("group", [group for group in GROUPS if group != "combination"])
def test_group_has_two_transforms(group: str) -> None:
    assert len(transforms_in_group(group)) >= 2


def test_combination_group_not_empty() -> None:
    assert len(transforms_in_group("combination")) >= 1


def test_transforms_in_group_matches_registry() -> None:
    for group in GROUPS:
        members = transforms_in_group(group)
        assert all(transform.group == group for transform in members)
        assert members == tuple(t for t in TRANSFORMS if t.group == group)


@pytest.mark.parametrize("transform", TRANSFORMS, ids=_ids)
def test_transform_fields_valid(transform: Transform) -> None:
    assert transform.name.isidentifier()
    assert transform.name == transform.name.lower()
    assert transform.group in GROUPS
    assert transform.description.strip()
    assert transform.description.rstrip().endswith(".")


def test_transform_rejects_bad_name() -> None:
    with pytest.raises(ValueError, match="snake_case"):
        Transform("Bad-Name", "style", "Does nothing.", str.upper)


def test_transform_rejects_unknown_group() -> None:
    # The project's default pytest options install jaxtyping's runtime type checker, which
    # rejects the group against the Literal annotation with a TypeError before __post_init__
    # can raise its ValueError.
    with pytest.raises((ValueError, TypeError)) as excinfo:
        Transform("no_group", "nonsense", "Does nothing.", str.upper)  # type: ignore[arg-type]
    if excinfo.type is ValueError:
        assert "Valid groups" in str(excinfo.value)
        assert "nonsense" in str(excinfo.value)


def test_get_transform_known_name() -> None:
    for transform in TRANSFORMS:
        assert get_transform(transform.name) is transform


def test_get_transform_unknown_name() -> None:
    with pytest.raises(ValueError) as excinfo:
        get_transform("no_such_transform")
    message = str(excinfo.value)
    assert "no_such_transform" in message
    for transform in TRANSFORMS:
        assert transform.name in message


def test_transforms_in_group_unknown() -> None:
    with pytest.raises(ValueError) as excinfo:
        transforms_in_group("no_such_group")
    message = str(excinfo.value)
    assert "no_such_group" in message
    for group in GROUPS:
        assert group in message


# Behavior of every transform


@pytest.mark.parametrize("transform", TRANSFORMS, ids=_ids)
def test_transform_changes_request(transform: Transform) -> None:
    assert transform.apply(REQUEST) != REQUEST


@pytest.mark.parametrize("transform", TRANSFORMS, ids=_ids)
def test_transform_is_deterministic(transform: Transform) -> None:
    first = transform.apply(REQUEST)
    second = transform.apply(REQUEST)
    assert first == second


@pytest.mark.parametrize("transform", TRANSFORMS, ids=_ids)
def test_transform_keeps_request(transform: Transform) -> None:
    prompt = transform.apply(REQUEST)
    if transform.name in DECODERS:
        assert DECODERS[transform.name](_last_line(prompt)) == REQUEST
    else:
        assert REQUEST in prompt


@pytest.mark.parametrize("transform", TRANSFORMS, ids=_ids)
def test_transform_strips_outer_whitespace(transform: Transform) -> None:
    assert transform.apply(f"  \n{REQUEST}\t ") == transform.apply(REQUEST)


@pytest.mark.parametrize("transform", TRANSFORMS, ids=_ids)
def test_transform_wrapper_word_limit(transform: Transform) -> None:
    # A one-word request keeps every encoding at one word, so the difference counts only the
    # words that the template adds.
    request = "placeholder"
    added_words = len(transform.apply(request).split()) - 1
    assert added_words <= MAX_WRAPPER_WORDS


@pytest.mark.parametrize("transform", TRANSFORMS, ids=_ids)
@pytest.mark.parametrize("request_text", ["", " ", "\n\t  "], ids=["empty", "space", "mixed"])
def test_transform_rejects_blank_request(transform: Transform, request_text: str) -> None:
    with pytest.raises(ValueError):
        transform.apply(request_text)


def test_transform_rejects_non_string() -> None:
    with pytest.raises(TypeError):
        TRANSFORMS[0].apply(None)  # type: ignore[arg-type]


def test_transform_keeps_braces_verbatim() -> None:
    request = "Explain what {request} and {0} mean in a format string"
    for transform in TRANSFORMS:
        if transform.name not in DECODERS:
            assert request in transform.apply(request)


# Encodings


def test_encoding_group_has_decoders() -> None:
    for transform in transforms_in_group("encoding"):
        assert transform.name in DECODERS


@pytest.mark.parametrize("name", sorted(DECODERS))
def test_encoding_hides_plain_request(name: str) -> None:
    assert REQUEST not in BY_NAME[name].apply(REQUEST)


@pytest.mark.parametrize("name", sorted(DECODERS))
def test_encoding_payload_on_last_line(name: str) -> None:
    prompt = BY_NAME[name].apply(REQUEST)
    instructions, payload = prompt.rsplit("\n\n", 1)
    assert "\n" not in payload
    assert instructions.strip()


def test_base64_round_trip_unicode() -> None:
    text = "Explique la crème brûlée, 3 étapes — déjà vu"
    assert decode_base64(encode_base64(text)) == text


def test_base64_decoder_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        decode_base64("not base64!")


def test_rot13_known_value() -> None:
    assert rot13("Hello, World") == "Uryyb, Jbeyq"


def test_rot13_is_own_inverse() -> None:
    text = "Mixed CASE text with digits 123 and punctuation!?"
    assert rot13(rot13(text)) == text


def test_leetspeak_known_value() -> None:
    assert leetspeak("test ASE") == "7357 ASE"


def test_leetspeak_round_trip_letters() -> None:
    text = "The quick brown fox jumps over a lazy dog"
    assert decode_leetspeak(leetspeak(text)) == text


def test_leetspeak_map_is_invertible() -> None:
    digits = list(LEETSPEAK_MAP.values())
    assert len(digits) == len(set(digits))
    assert all(digit.isdigit() for digit in digits)


def test_reverse_words_known_value() -> None:
    assert reverse_words("one two  three") == "three two one"


def test_reverse_words_round_trip() -> None:
    assert reverse_words(reverse_words(REQUEST)) == REQUEST


def test_spell_out_known_value() -> None:
    assert spell_out("bake bread") == "b-a-k-e / b-r-e-a-d"


def test_spell_out_round_trip_hyphens() -> None:
    text = "a step-by-step guide, version 2"
    assert join_spelled(spell_out(text)) == text


# apply_all


def test_apply_all_one_entry_each() -> None:
    prompts = apply_all(REQUEST)
    assert len(prompts) == len(TRANSFORMS)
    assert list(prompts) == [transform.name for transform in TRANSFORMS]


def test_apply_all_matches_apply() -> None:
    prompts = apply_all(REQUEST)
    for transform in TRANSFORMS:
        assert prompts[transform.name] == transform.apply(REQUEST)


@pytest.mark.parametrize("request_text", ["", "   "], ids=["empty", "space"])
def test_apply_all_rejects_blank_request(request_text: str) -> None:
    with pytest.raises(ValueError):
        apply_all(request_text)
