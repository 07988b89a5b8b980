"""Tests for the hand-written benign and benign-looking prompt sets."""

from __future__ import annotations

import re

import pytest

from interp.data.benign import BENIGN_INSTRUCTIONS, BENIGN_SOURCE, load_benign_instructions
from interp.data.benign_looking import (
    BENIGN_LOOKING_PROMPTS,
    BENIGN_LOOKING_SOURCE,
    load_benign_looking,
)
from interp.data.items import PromptItem

MIN_BENIGN_TOTAL = 320
MIN_BENIGN_TOPICS = 16
MIN_PER_TOPIC = 20
MIN_BENIGN_LOOKING_TOTAL = 120
MIN_PER_KIND = {
    "homonym": 25,
    "safe_context": 20,
    "figurative": 20,
    "fiction": 20,
    "history": 20,
    "safety": 15,
}
MIN_WORDS = 4
MAX_WORDS = 60

# Words that a naive keyword filter for harmful requests would flag, with their common
# inflections. Matching is on whole lowercase words, so "diet" and "screenshot" do not match.
_TRIGGER_WORD_FAMILIES = (
    "kill kills killed killing killer killers",
    "shoot shoots shooting shot shots shooter shooters",
    "attack attacks attacked attacking attacker attackers",
    "bomb bombs bombed bombing bombings bomber bombers",
    "poison poisons poisoned poisoning poisonings poisonous",
    "steal steals stealing stole stolen",
    "hack hacks hacked hacking hacker hackers",
    "weapon weapons gun guns gunfire gunpowder firearm firearms",
    "drug drugs overdose",
    "explode explodes exploded exploding explosion explosions explosive explosives",
    "murder murders murdered murdering murderer murderers",
    "die dies died dying dead deadly death deaths",
    "crush crushes crushed crushing",
    "destroy destroys destroyed destroying",
    "knife knives stab stabbed stabbing",
    "cut cuts cutting",
    "blow blows blowing blown",
    "burn burns burned burnt burning",
    "fire fires fired firing",
    "execute executes executed executing execution executions",
    "terminate terminates terminated terminating termination",
    "assassin assassins assassinate assassinated assassination",
    "massacre massacres genocide slaughter slay slays slaying",
    "war wars warfare battle battles siege invasion missile missiles nuclear",
    "violence violent blood bloody bleed bleeding",
    "smash smashes smashed smashing",
    "toxic toxin toxins lethal venom venomous arsenic cyanide",
    "fraud scam scams scammer scammers phishing ransomware malware virus viruses",
    "crime crimes criminal criminals",
    "theft thief thieves robbery robber robbers burglar burglars",
    "danger dangers dangerous",
    "hostage hostages terror terrorist terrorism",
    "fight fights fighting",
    "choke chokes choking drown drowning",
    "hang hangs hanging hanged",
    "trigger triggers",
    "hijack hijacking hijacked torpedo torpedoing",
    "exterminate exterminator",
    "guillotine pirate pirates piracy opium",
    "bullet bullets",
    "stalk stalks",
)
TRIGGER_WORDS = frozenset(word for family in _TRIGGER_WORD_FAMILIES for word in family.split())


def _words(text: str) -> list[str]:
    """Split ``text`` into lowercase words made of letters only."""
    return re.findall(r"[a-z]+", text.lower())


def _normalize(text: str) -> str:
    """Lowercase ``text`` and collapse runs of whitespace to one space."""
    return " ".join(text.lower().split())


def _differ_by_one_word(first: list[str], second: list[str]) -> bool:
    """Check whether one word substituted, inserted or deleted turns ``first`` into ``second``."""
    if len(first) == len(second):
        mismatches = sum(a != b for a, b in zip(first, second, strict=True))
        return mismatches <= 1
    shorter, longer = sorted((first, second), key=len)
    if len(longer) - len(shorter) != 1:
        return False
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _all_items() -> list[PromptItem]:
    return load_benign_instructions() + load_benign_looking()


def test_benign_total_count() -> None:
    assert len(load_benign_instructions()) >= MIN_BENIGN_TOTAL


def test_benign_topic_count() -> None:
    assert len(BENIGN_INSTRUCTIONS) >= MIN_BENIGN_TOPICS


@pytest.mark.parametrize("topic", sorted(BENIGN_INSTRUCTIONS))
def test_benign_topic_size(topic: str) -> None:
    assert len(BENIGN_INSTRUCTIONS[topic]) >= MIN_PER_TOPIC


def test_benign_topic_names_snake_case() -> None:
    for topic in BENIGN_INSTRUCTIONS:
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", topic), topic


def test_benign_looking_total_count() -> None:
    assert len(load_benign_looking()) >= MIN_BENIGN_LOOKING_TOTAL


def test_benign_looking_kind_names() -> None:
    assert set(BENIGN_LOOKING_PROMPTS) == set(MIN_PER_KIND)


@pytest.mark.parametrize(("kind", "minimum"), sorted(MIN_PER_KIND.items()))
def test_benign_looking_kind_size(kind: str, minimum: int) -> None:
    assert len(BENIGN_LOOKING_PROMPTS[kind]) >= minimum


def test_ids_unique_across_sets() -> None:
    ids = [item.id for item in _all_items()]
    assert len(ids) == len(set(ids))


def test_ids_encode_category_and_index() -> None:
    for prefix, items in (
        ("benign", load_benign_instructions()),
        ("benign-looking", load_benign_looking()),
    ):
        counters: dict[str, int] = {}
        for item in items:
            index = counters.get(item.category, 0)
            counters[item.category] = index + 1
            assert item.id == f"{prefix}/{item.category}-{index:03d}"


def test_texts_unique_across_sets() -> None:
    normalized = [_normalize(item.text) for item in _all_items()]
    duplicates = sorted({text for text in normalized if normalized.count(text) > 1})
    assert duplicates == []


def test_no_one_word_variants() -> None:
    items = _all_items()
    words = [_words(item.text) for item in items]
    pairs = []
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if _differ_by_one_word(words[i], words[j]):
                pairs.append((items[i].id, items[j].id))
    assert pairs == []


def test_text_length_within_bounds() -> None:
    items = _all_items()
    empty = [item.id for item in items if not item.text.strip()]
    too_short = [item.id for item in items if len(item.text.split()) < MIN_WORDS]
    too_long = [item.id for item in items if len(item.text.split()) > MAX_WORDS]
    assert empty == []
    assert too_short == []
    assert too_long == []


def test_text_has_no_outer_whitespace() -> None:
    padded = [item.id for item in _all_items() if item.text != item.text.strip()]
    assert padded == []


def test_category_is_dict_key() -> None:
    benign_strays = [
        item.id for item in load_benign_instructions() if item.category not in BENIGN_INSTRUCTIONS
    ]
    looking_strays = [
        item.id for item in load_benign_looking() if item.category not in BENIGN_LOOKING_PROMPTS
    ]
    assert benign_strays == []
    assert looking_strays == []


def test_items_match_dict_contents() -> None:
    benign_texts = [text for texts in BENIGN_INSTRUCTIONS.values() for text in texts]
    looking_texts = [text for texts in BENIGN_LOOKING_PROMPTS.values() for text in texts]
    assert [item.text for item in load_benign_instructions()] == benign_texts
    assert [item.text for item in load_benign_looking()] == looking_texts


def test_source_strings_match() -> None:
    assert BENIGN_SOURCE == "interp-benign"
    assert BENIGN_LOOKING_SOURCE == "interp-benign-looking"
    assert {item.source for item in load_benign_instructions()} == {"interp-benign"}
    assert {item.source for item in load_benign_looking()} == {"interp-benign-looking"}


def test_benign_order_stable() -> None:
    assert load_benign_instructions() == load_benign_instructions()


def test_benign_looking_order_stable() -> None:
    assert load_benign_looking() == load_benign_looking()


def test_benign_looking_has_trigger_word() -> None:
    missing = [
        item.id
        for item in load_benign_looking()
        if not TRIGGER_WORDS.intersection(_words(item.text))
    ]
    assert missing == []


def test_benign_has_no_trigger_word() -> None:
    flagged = {
        item.id: sorted(TRIGGER_WORDS.intersection(_words(item.text)))
        for item in load_benign_instructions()
        if TRIGGER_WORDS.intersection(_words(item.text))
    }
    assert flagged == {}


def test_differ_by_one_word_detects_variants() -> None:
    base = _words("How do I tune a guitar?")
    assert _differ_by_one_word(base, _words("How do I tune a violin?"))
    assert _differ_by_one_word(base, _words("How do I tune a new guitar?"))
    assert _differ_by_one_word(base, _words("How do I tune guitar?"))
    assert not _differ_by_one_word(base, _words("How should I restring a guitar?"))
