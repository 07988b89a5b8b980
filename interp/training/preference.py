"""Preference pairs and their JSONL format.

The format is TRL's preference format with optional extras. Each line is one JSON object:

- ``prompt``: the user's text, or chat messages (``[{"role": "user", "content": ...}]``, with
  an optional leading system message);
- ``chosen`` and ``rejected``: the replies, as text or as one assistant message
  (``[{"role": "assistant", "content": ...}]``);
- optional ``id``, ``harmful`` (bool) and ``scores``: the judge's per-segment scores,
  ``{"chosen": {"reasoning": r, "answer": a, "full": f}, "rejected": {...}}`` with values in
  [0, 1] (``reasoning`` may be null when a reply has no ``<think>`` segment).

Replies of Alignment-Weighted DPO pairs have the form ``<think>reasoning</think>answer``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interp.judge import THINK_CLOSE, SegmentScores


class PreferenceDataError(ValueError):
    """Raised for a malformed preference pair; the message names the file line or pair id."""


@dataclass(frozen=True)
class PreferencePair:
    """One prompt with a preferred and a dispreferred reply.

    Attributes:
        prompt: The user's message.
        chosen: The preferred reply.
        rejected: The dispreferred reply.
        id: Identifier, used in error messages and logs.
        system: Optional system prompt.
        harmful: Whether the prompt is harmful, when known.
        chosen_scores: The judge's segment scores of ``chosen``, when known.
        rejected_scores: The judge's segment scores of ``rejected``, when known.
    """

    prompt: str
    chosen: str
    rejected: str
    id: str = ""
    system: str | None = None
    harmful: bool | None = None
    chosen_scores: SegmentScores | None = None
    rejected_scores: SegmentScores | None = None


def validate_pair(pair: PreferencePair, *, where: str, require_reasoning: bool = False) -> None:
    """Check one pair and raise :class:`PreferenceDataError` naming ``where`` if it is bad.

    Args:
        pair: The pair.
        where: Location for the message, such as ``"pairs.jsonl:12"``.
        require_reasoning: Whether the chosen reply must close a ``<think>`` segment, as
            Alignment-Weighted DPO needs.
    """
    if not pair.prompt.strip():
        raise PreferenceDataError(f"{where}: the prompt is empty")
    if not pair.chosen.strip() or not pair.rejected.strip():
        raise PreferenceDataError(f"{where}: the chosen or rejected reply is empty")
    if pair.chosen.strip() == pair.rejected.strip():
        raise PreferenceDataError(f"{where}: chosen and rejected replies are identical")
    if require_reasoning and THINK_CLOSE not in pair.chosen:
        raise PreferenceDataError(
            f"{where}: the chosen reply has no {THINK_CLOSE}; Alignment-Weighted DPO needs "
            f"replies of the form <think>reasoning</think>answer"
        )
    for label, scores in (("chosen", pair.chosen_scores), ("rejected", pair.rejected_scores)):
        if scores is None:
            continue
        for segment in ("reasoning", "answer", "full"):
            value = getattr(scores, segment)
            if value is None and segment == "reasoning":
                continue
            if value is None or not math.isfinite(value):
                raise PreferenceDataError(
                    f"{where}: {label} {segment} score is {value!r}; scores must be finite"
                )
            if not 0.0 <= value <= 1.0:
                raise PreferenceDataError(
                    f"{where}: {label} {segment} score {value} is outside [0, 1]"
                )


def read_preferences(path: str | Path, *, require_reasoning: bool = False) -> list[PreferencePair]:
    """Read and validate a preference JSONL file.

    Raises:
        PreferenceDataError: the file is missing, empty or not UTF-8, or a line is malformed;
            the message names the line.
    """
    file = Path(path)
    if not file.is_file():
        raise PreferenceDataError(f"preference file not found: {file}")
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise PreferenceDataError(f"{file} is not valid UTF-8 (byte {error.start})") from error
    pairs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{file}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise PreferenceDataError(f"{where}: invalid JSON ({error.msg})") from error
        pair = pair_from_record(record, where=where)
        validate_pair(pair, where=where, require_reasoning=require_reasoning)
        pairs.append(pair)
    if not pairs:
        raise PreferenceDataError(f"{file} contains no preference pairs")
    return pairs


def write_preferences(pairs: Iterable[PreferencePair], path: str | Path) -> None:
    """Write pairs as JSONL, prompts and replies as plain text."""
    with Path(path).open("w", encoding="utf-8") as handle:
        for pair in pairs:
            handle.write(json.dumps(pair_to_record(pair), ensure_ascii=False) + "\n")


def pair_to_record(pair: PreferencePair) -> dict[str, Any]:
    """Convert a pair to its JSON object."""
    record: dict[str, Any] = {
        "id": pair.id,
        "prompt": pair.prompt,
        "chosen": pair.chosen,
        "rejected": pair.rejected,
    }
    if pair.system is not None:
        record["system"] = pair.system
    if pair.harmful is not None:
        record["harmful"] = pair.harmful
    if pair.chosen_scores is not None and pair.rejected_scores is not None:
        record["scores"] = {
            "chosen": pair.chosen_scores.__dict__,
            "rejected": pair.rejected_scores.__dict__,
        }
    return record


def pair_from_record(record: Any, *, where: str) -> PreferencePair:
    """Convert a JSON object (text or chat-message form) to a pair."""
    if not isinstance(record, dict):
        raise PreferenceDataError(f"{where}: expected a JSON object")
    for key in ("prompt", "chosen", "rejected"):
        if key not in record:
            raise PreferenceDataError(f"{where}: missing field {key!r}")
    prompt, system = _prompt_text(record["prompt"], where)
    scores = record.get("scores")
    chosen_scores = rejected_scores = None
    if scores is not None:
        chosen_scores = _scores(scores, "chosen", where)
        rejected_scores = _scores(scores, "rejected", where)
    return PreferencePair(
        prompt=prompt,
        chosen=_reply_text(record["chosen"], "chosen", where),
        rejected=_reply_text(record["rejected"], "rejected", where),
        id=str(record.get("id", where)),
        system=record.get("system", system),
        harmful=record.get("harmful"),
        chosen_scores=chosen_scores,
        rejected_scores=rejected_scores,
    )


def _prompt_text(value: Any, where: str) -> tuple[str, str | None]:
    if isinstance(value, str):
        return value, None
    if isinstance(value, list) and value and all(isinstance(m, dict) for m in value):
        system = None
        messages: Sequence[dict] = value
        if messages[0].get("role") == "system":
            system = str(messages[0].get("content", ""))
            messages = messages[1:]
        if len(messages) == 1 and messages[0].get("role") == "user":
            return str(messages[0].get("content", "")), system
    raise PreferenceDataError(
        f"{where}: 'prompt' must be a string or [optional system message, one user message]"
    )


def _reply_text(value: Any, key: str, where: str) -> str:
    if isinstance(value, str):
        return value
    if (
        isinstance(value, list)
        and len(value) == 1
        and isinstance(value[0], dict)
        and value[0].get("role") == "assistant"
    ):
        return str(value[0].get("content", ""))
    raise PreferenceDataError(f"{where}: {key!r} must be a string or one assistant message")


def _scores(scores: Any, key: str, where: str) -> SegmentScores:
    if not isinstance(scores, dict) or not isinstance(scores.get(key), dict):
        raise PreferenceDataError(f"{where}: 'scores' needs a {key!r} object")
    values = scores[key]
    try:
        reasoning = values.get("reasoning")
        return SegmentScores(
            reasoning=None if reasoning is None else float(reasoning),
            answer=float(values["answer"]),
            full=float(values["full"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise PreferenceDataError(f"{where}: invalid {key} scores {values!r} ({error})") from error
