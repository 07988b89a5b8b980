"""Real prompt sources, user prompt files, and splits."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from interp.data.files import PromptFileError, load_prompt_file
from interp.data.harmful import (
    HARM_KIND_BY_CATEGORY,
    harm_kind,
    load_harmbench,
    load_strongreject,
)
from interp.data.items import PromptItem
from interp.data.splits import sample_items, split_items
from interp.training.cot_templates import HARM_KINDS


def test_harmbench_standard_counts():
    assert len(load_harmbench("val")) == 41
    assert len(load_harmbench("test")) == 159


def test_harmbench_items_carry_provenance():
    item = load_harmbench("test")[0]
    assert item.id.startswith("harmbench/")
    assert item.source == "harmbench-test"
    assert item.category in HARM_KIND_BY_CATEGORY


def test_harmbench_contextual_prepends_context():
    contextual = load_harmbench("val", "contextual")
    assert len(contextual) == 19
    assert all("\n\n" in item.text for item in contextual)


def test_harmbench_unknown_split_rejected():
    with pytest.raises((ValueError, TypeError), match="train"):
        load_harmbench("train")


def test_strongreject_has_313_prompts_in_six_categories():
    items = load_strongreject()
    assert len(items) == 313
    assert len({item.category for item in items}) == 6
    assert len({item.id for item in items}) == 313


def test_every_source_category_maps_to_a_harm_kind():
    categories = {item.category for item in load_strongreject() + load_harmbench("test")}
    assert categories <= set(HARM_KIND_BY_CATEGORY)
    assert {harm_kind(category) for category in categories} <= set(HARM_KINDS)


def test_unknown_category_maps_to_general_harm():
    assert harm_kind("something else") == "general_harm"


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_file_loads_chosen_columns(tmp_path):
    path = _write(
        tmp_path / "p.csv", "question,topic\nHow do I boil rice?,food\nWhy is sky blue,sci\n"
    )
    items = load_prompt_file(path, text_field="question", category_field="topic")
    assert [item.text for item in items] == ["How do I boil rice?", "Why is sky blue"]
    assert [item.category for item in items] == ["food", "sci"]
    assert items[0].id == "p/2"
    assert items[0].source == "p.csv"


def test_jsonl_file_loads_ids(tmp_path):
    lines = [json.dumps({"id": "a", "text": "one"}), "", json.dumps({"id": "b", "text": "two"})]
    path = _write(tmp_path / "p.jsonl", "\n".join(lines))
    items = load_prompt_file(path, text_field="text", id_field="id")
    assert [item.id for item in items] == ["a", "b"]


def test_missing_column_lists_available_fields(tmp_path):
    path = _write(tmp_path / "p.csv", "question\nHi\n")
    with pytest.raises(
        PromptFileError, match=r"'prompt' not found; available fields: \['question'\]"
    ):
        load_prompt_file(path)


def test_empty_text_names_the_line(tmp_path):
    path = _write(tmp_path / "p.csv", "prompt\nfine\n  \n")
    with pytest.raises(PromptFileError, match=r"p.csv:3: field 'prompt' is empty"):
        load_prompt_file(path)


def test_non_utf8_file_rejected(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes("prompt\ncaf\u00e9\n".encode("latin-1"))
    with pytest.raises(PromptFileError, match="not valid UTF-8"):
        load_prompt_file(path)


def test_empty_file_rejected(tmp_path):
    path = _write(tmp_path / "p.csv", "")
    with pytest.raises(PromptFileError, match="contains no prompts"):
        load_prompt_file(path)


def test_header_only_file_rejected(tmp_path):
    path = _write(tmp_path / "p.jsonl", "\n\n")
    with pytest.raises(PromptFileError, match="contains no prompts"):
        load_prompt_file(path)


def test_missing_file_rejected(tmp_path):
    with pytest.raises(PromptFileError, match="not found"):
        load_prompt_file(tmp_path / "absent.csv")


def test_bad_json_line_named(tmp_path):
    path = _write(tmp_path / "p.jsonl", '{"prompt": "a"}\n{oops\n')
    with pytest.raises(PromptFileError, match="p.jsonl:2: invalid JSON"):
        load_prompt_file(path)


def test_unsupported_extension_rejected(tmp_path):
    path = _write(tmp_path / "p.txt", "hello")
    with pytest.raises(PromptFileError, match="unsupported extension"):
        load_prompt_file(path)


def test_duplicates_kept_and_reported(tmp_path, caplog):
    path = _write(tmp_path / "p.csv", "prompt\nSame text\nsame  TEXT\nother\n")
    items = load_prompt_file(path)
    assert len(items) == 3
    assert "1 duplicate prompts kept" in caplog.text


def test_duplicates_dropped_on_request(tmp_path):
    path = _write(tmp_path / "p.csv", "prompt\nSame text\nsame  TEXT\nother\n")
    assert [i.text for i in load_prompt_file(path, duplicates="drop")] == ["Same text", "other"]


def test_duplicates_error_on_request(tmp_path):
    path = _write(tmp_path / "p.csv", "prompt\nSame text\nsame text\n")
    with pytest.raises(PromptFileError, match="p/3 repeats p/2"):
        load_prompt_file(path, duplicates="error")


def test_repeated_ids_rejected(tmp_path):
    path = _write(tmp_path / "p.csv", "id,prompt\nx,one\nx,two\n")
    with pytest.raises(PromptFileError, match="repeated ids"):
        load_prompt_file(path, id_field="id")


def _items(n):
    return [PromptItem(f"item/{i:03d}", f"text {i}", "c", "test") for i in range(n)]


def test_splits_are_deterministic():
    first = split_items(_items(50), {"train": 0.6, "val": 0.2, "test": 0.2}, seed=3)
    second = split_items(_items(50), {"train": 0.6, "val": 0.2, "test": 0.2}, seed=3)
    assert first == second


def test_splits_ignore_input_order():
    items = _items(50)
    forward = split_items(items, {"a": 0.5, "b": 0.5}, seed=1)
    backward = split_items(items[::-1], {"a": 0.5, "b": 0.5}, seed=1)
    assert forward == backward


def test_splits_partition_items():
    parts = split_items(_items(53), {"train": 0.6, "val": 0.2, "test": 0.2}, seed=0)
    ids = [item.id for part in parts.values() for item in part]
    assert len(ids) == 53
    assert len(set(ids)) == 53
    assert {name: len(part) for name, part in parts.items()} == {"train": 31, "val": 10, "test": 12}


def test_splits_depend_on_seed():
    first = split_items(_items(50), {"a": 0.5, "b": 0.5}, seed=0)
    second = split_items(_items(50), {"a": 0.5, "b": 0.5}, seed=1)
    assert first["a"] != second["a"]


def test_split_fractions_must_sum_to_one():
    with pytest.raises(ValueError, match="sum to 1"):
        split_items(_items(5), {"a": 0.5, "b": 0.4}, seed=0)


def test_split_rejects_repeated_ids():
    items = _items(3) + _items(1)
    with pytest.raises(ValueError, match="repeated"):
        split_items(items, {"a": 1.0}, seed=0)


def test_sample_is_seeded_subset():
    items = _items(20)
    sample = sample_items(items, 5, seed=2)
    assert sample == sample_items(items, 5, seed=2)
    assert len({item.id for item in sample}) == 5
    assert Counter(item.id in {i.id for i in items} for item in sample)[True] == 5


def test_sample_too_large_rejected():
    with pytest.raises(ValueError, match="cannot sample 30 items from 20"):
        sample_items(_items(20), 30, seed=0)
