"""Shared fixtures: the tiny random model for the fast tier, the embedded model for the slow tier.

The Hugging Face Hub is switched off for the whole session, so a test that names an unknown
model fails at once instead of waiting for network timeouts.
"""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))


@pytest.fixture(scope="session")
def tiny():
    """Return ``(bridge, tokenizer)`` of the seeded random test model."""
    from interp.models import load_model

    return load_model("tiny")


@pytest.fixture(scope="session")
def embedded():
    """Return ``(bridge, tokenizer)`` of SmolLM2-135M-Instruct from the embedded GGUF file."""
    from interp.models import load_model

    return load_model("embedded")
