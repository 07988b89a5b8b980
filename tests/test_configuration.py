"""Config dataclasses: flags, files, overrides, hashes."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from interp.configuration import (
    add_config_arguments,
    apply_overrides,
    config_hash,
    field_docs,
    iter_fields,
    load_config_file,
    overrides_from_args,
)
from interp.study.config import StudyConfig, preset_config

ROOT = Path(__file__).resolve().parents[1]


def test_every_leaf_field_has_help():
    missing = [name for name, _, help_text in iter_fields(StudyConfig) if not help_text]
    assert missing == []


def test_field_docs_parse_multiline_entries():
    docs = field_docs(StudyConfig)
    assert docs["model"].startswith("Base model")
    assert "None keeps the CPU" in docs["device"]


def test_flags_parse_into_overrides():
    parser = argparse.ArgumentParser()
    add_config_arguments(parser, StudyConfig)
    args = parser.parse_args(["--behaviour.generation.max_new_tokens", "12", "--seed", "3"])
    config = apply_overrides(StudyConfig(), overrides_from_args(args))
    assert config.behaviour.generation.max_new_tokens == 12
    assert config.seed == 3


def test_override_converts_types():
    config = apply_overrides(
        StudyConfig(),
        {
            "data.n_harmful_test": "none",
            "dtype": "bfloat16",
            "behaviour.refusal_tokens": "I,As",
            "behaviour.generation.temperature": "0.7",
        },
    )
    assert config.data.n_harmful_test is None
    assert config.dtype == "bfloat16"
    assert config.behaviour.refusal_tokens == ("I", "As")
    assert config.behaviour.generation.temperature == 0.7


def test_unknown_field_rejected():
    with pytest.raises(ValueError, match="unknown config field 'data.nope'"):
        apply_overrides(StudyConfig(), {"data.nope": 1})


def test_bad_literal_rejected():
    with pytest.raises(ValueError, match="not one of"):
        apply_overrides(StudyConfig(), {"dtype": "float8"})


def test_bad_integer_rejected():
    with pytest.raises(ValueError, match="cannot convert"):
        apply_overrides(StudyConfig(), {"seed": "many"})


def test_toml_file_overrides(tmp_path):
    path = tmp_path / "study.toml"
    path.write_text('model = "tiny"\n[behaviour.generation]\nmax_new_tokens = 9\n')
    config = apply_overrides(StudyConfig(), load_config_file(path))
    assert config.model == "tiny"
    assert config.behaviour.generation.max_new_tokens == 9


def test_json_file_overrides(tmp_path):
    path = tmp_path / "study.json"
    path.write_text(json.dumps({"data": {"n_benign_test": 5}}))
    assert apply_overrides(StudyConfig(), load_config_file(path)).data.n_benign_test == 5


def test_config_file_extension_checked(tmp_path):
    path = tmp_path / "study.yaml"
    path.write_text("a: 1")
    with pytest.raises(ValueError, match=".json or .toml"):
        load_config_file(path)


def test_hash_is_stable_and_sensitive():
    assert config_hash(StudyConfig()) == config_hash(StudyConfig())
    assert config_hash(StudyConfig()) != config_hash(StudyConfig(seed=1))


def test_presets_differ():
    assert preset_config("quick") != preset_config("default")
    assert preset_config("quick").name == "quick"
    with pytest.raises((ValueError, TypeError), match="huge"):
        preset_config("huge")


@pytest.mark.parametrize(
    "script",
    ["run_study.py", "train_recipes.py", "locate_refusal.py", "probes.py", "jailbreaks.py"],
)
def test_script_help_renders(script):
    completed = subprocess.run(
        [sys.executable, str(ROOT / "experiments" / script), "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "--preset" in completed.stdout or "--model" in completed.stdout
