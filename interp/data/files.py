"""Read a user's own prompt files (CSV or JSONL) into :class:`PromptItem` records."""

from __future__ import annotations

import csv
import json
import logging
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from interp.data.items import PromptItem

logger = logging.getLogger(__name__)

DuplicatePolicy = Literal["keep", "drop", "error"]


class PromptFileError(ValueError):
    """Raised when a prompt file cannot be read into prompts; the message names the fix."""


def load_prompt_file(
    path: str | Path,
    *,
    text_field: str = "prompt",
    category_field: str | None = None,
    id_field: str | None = None,
    source: str | None = None,
    default_category: str = "unlabelled",
    duplicates: DuplicatePolicy = "keep",
) -> list[PromptItem]:
    """Load prompts from a ``.csv`` file (header row) or a ``.jsonl`` file (one object a line).

    Args:
        path: The file.
        text_field: Column or key holding the prompt text.
        category_field: Optional column or key holding a category label.
        id_field: Optional column or key holding an id; otherwise ids are ``<stem>/<row>``.
        source: Source label; defaults to the file name.
        default_category: Category used when ``category_field`` is not given.
        duplicates: What to do with repeated prompt texts: ``"keep"`` them (and log a warning),
            ``"drop"`` the later copies (and log how many), or raise (``"error"``).

    Raises:
        PromptFileError: the file is missing, empty, not UTF-8, malformed, lacks a column, has a
            row with empty text, or repeats an id or (with ``duplicates="error"``) a text.
    """
    file = Path(path)
    if not file.is_file():
        raise PromptFileError(f"prompt file not found: {file}")
    rows = list(_read_rows(file))
    if not rows:
        raise PromptFileError(f"{file} contains no prompts")
    for field in (text_field, category_field, id_field):
        if field is not None and field not in rows[0][1]:
            raise PromptFileError(
                f"{file}: field {field!r} not found; available fields: {sorted(rows[0][1])}"
            )
    items = [
        _row_to_item(
            file, line, row, text_field, category_field, id_field, source, default_category
        )
        for line, row in rows
    ]
    _check_unique_ids(file, items)
    return _handle_duplicates(file, items, duplicates)


def _read_rows(file: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        content = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PromptFileError(
            f"{file} is not valid UTF-8 (byte {error.start}); re-save it with UTF-8 encoding"
        ) from error
    suffix = file.suffix.lower()
    if suffix == ".csv":
        reader = csv.DictReader(content.splitlines())
        if reader.fieldnames is None:
            return
        for line, row in enumerate(reader, start=2):
            yield line, row
    elif suffix in (".jsonl", ".ndjson"):
        for line, text in enumerate(content.splitlines(), start=1):
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as error:
                raise PromptFileError(f"{file}:{line}: invalid JSON ({error.msg})") from error
            if not isinstance(record, dict):
                raise PromptFileError(f"{file}:{line}: expected a JSON object per line")
            yield line, record
    else:
        raise PromptFileError(f"{file}: unsupported extension {suffix!r}; use .csv or .jsonl")


def _row_to_item(
    file: Path,
    line: int,
    row: dict[str, Any],
    text_field: str,
    category_field: str | None,
    id_field: str | None,
    source: str | None,
    default_category: str,
) -> PromptItem:
    if text_field not in row:
        raise PromptFileError(f"{file}:{line}: field {text_field!r} is missing")
    text = row[text_field]
    if not isinstance(text, str) or not text.strip():
        raise PromptFileError(f"{file}:{line}: field {text_field!r} is empty")
    category = str(row[category_field]) if category_field else default_category
    item_id = str(row[id_field]) if id_field else f"{file.stem}/{line}"
    return PromptItem(item_id, text.strip(), category, source or file.name)


def _check_unique_ids(file: Path, items: list[PromptItem]) -> None:
    repeated = [item_id for item_id, count in Counter(i.id for i in items).items() if count > 1]
    if repeated:
        raise PromptFileError(f"{file}: ids must be unique; repeated ids: {repeated[:5]}")


def _handle_duplicates(
    file: Path, items: list[PromptItem], policy: DuplicatePolicy
) -> list[PromptItem]:
    seen: dict[str, str] = {}
    kept: list[PromptItem] = []
    duplicates: list[tuple[str, str]] = []
    for item in items:
        key = " ".join(item.text.lower().split())
        if key in seen:
            duplicates.append((item.id, seen[key]))
            if policy == "drop":
                continue
        else:
            seen[key] = item.id
        kept.append(item)
    if not duplicates:
        return kept
    examples = ", ".join(f"{later} repeats {first}" for later, first in duplicates[:3])
    if policy == "error":
        raise PromptFileError(f"{file}: {len(duplicates)} duplicate prompts ({examples})")
    action = "dropped" if policy == "drop" else "kept"
    logger.warning("%s: %d duplicate prompts %s (%s)", file, len(duplicates), action, examples)
    return kept
