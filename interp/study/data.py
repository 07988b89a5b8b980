"""Step 1 of the study: real prompt sets, split once and saved with the run.

Harmful prompts for training and direction finding come from StrongREJECT and HarmBench's val
split. Held-out evaluation uses HarmBench's test split, which no stage trains on. Benign
instructions are split three ways. Benign-looking prompts and the held-out sets are only ever
evaluated.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from interp.data.benign import load_benign_instructions
from interp.data.benign_looking import load_benign_looking
from interp.data.files import load_prompt_file
from interp.data.harmful import load_harmbench, load_strongreject
from interp.data.items import PromptItem, ReasoningItem
from interp.data.reasoning import load_reasoning_items
from interp.data.splits import sample_items, split_items
from interp.study.config import DataConfig, StudyConfig


@dataclass(frozen=True)
class StudyData:
    """Every prompt split the study uses.

    Attributes:
        harmful_train: StrongREJECT and HarmBench val prompts for training and direction means.
        harmful_val: Held-out part of that pool, for direction selection.
        harmful_test: HarmBench test behaviours (standard), for every evaluation.
        benign_train: Benign instructions for training and direction means.
        benign_val: Benign instructions for direction selection.
        benign_test: Benign instructions for the over-refusal rate.
        benign_looking: Benign prompts with alarming words, for the over-refusal rate.
        custom_harmful: The user's own harmful prompts (empty unless a file was given).
        custom_benign: The user's own benign prompts (empty unless a file was given).
        reasoning_train: Reasoning items for fitting probes and selecting heads.
        reasoning_test: Reasoning items for held-out measurements.
    """

    harmful_train: list[PromptItem]
    harmful_val: list[PromptItem]
    harmful_test: list[PromptItem]
    benign_train: list[PromptItem]
    benign_val: list[PromptItem]
    benign_test: list[PromptItem]
    benign_looking: list[PromptItem]
    custom_harmful: list[PromptItem]
    custom_benign: list[PromptItem]
    reasoning_train: list[ReasoningItem]
    reasoning_test: list[ReasoningItem]

    def sizes(self) -> dict[str, int]:
        """Return the number of items per split."""
        return {split.name: len(getattr(self, split.name)) for split in fields(self)}


def prepare_data(config: StudyConfig) -> StudyData:
    """Load the real prompt sets and split them with the study's seed."""
    seed, data = config.seed, config.data
    harmful_pool = load_strongreject() + load_harmbench("val")
    harmful = split_items(
        harmful_pool,
        {"train": 1 - data.harmful_val_fraction, "val": data.harmful_val_fraction},
        seed=seed,
    )
    benign_train_fraction = 1 - data.benign_val_fraction - data.benign_test_fraction
    benign = split_items(
        load_benign_instructions(),
        {
            "train": benign_train_fraction,
            "val": data.benign_val_fraction,
            "test": data.benign_test_fraction,
        },
        seed=seed,
    )
    reasoning_items = [
        item for item in load_reasoning_items() if item.category in data.reasoning_categories
    ]
    if not reasoning_items:
        raise ValueError(
            f"no reasoning items in categories {data.reasoning_categories}; choose from "
            "arithmetic, comparison, commonsense and sequence"
        )
    reasoning = split_items(
        reasoning_items,
        {"train": 1 - data.reasoning_test_fraction, "test": data.reasoning_test_fraction},
        seed=seed,
    )
    return StudyData(
        harmful_train=harmful["train"],
        harmful_val=harmful["val"],
        harmful_test=sample_items(load_harmbench("test"), data.n_harmful_test, seed=seed),
        benign_train=benign["train"],
        benign_val=benign["val"],
        benign_test=sample_items(benign["test"], data.n_benign_test, seed=seed),
        benign_looking=sample_items(load_benign_looking(), data.n_benign_looking, seed=seed),
        custom_harmful=_user_prompts(data.harmful_file, data),
        custom_benign=_user_prompts(data.benign_file, data),
        reasoning_train=reasoning["train"],
        reasoning_test=reasoning["test"],
    )


def _user_prompts(path: str | None, data: DataConfig) -> list[PromptItem]:
    if path is None:
        return []
    return load_prompt_file(
        path, text_field=data.file_text_field, category_field=data.file_category_field
    )


def save_data(data: StudyData, path: Path) -> None:
    """Write every split, with full items, to a JSON file."""
    payload = {
        split.name: [asdict(item) for item in getattr(data, split.name)] for split in fields(data)
    }
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


def load_data(path: Path) -> StudyData:
    """Read the splits written by :func:`save_data`."""
    payload = json.loads(path.read_text(encoding="utf-8"))
    splits = {}
    for split in fields(StudyData):
        record = ReasoningItem if split.name.startswith("reasoning") else PromptItem
        splits[split.name] = [record(**item) for item in payload[split.name]]
    return StudyData(**splits)
