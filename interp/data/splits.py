"""Deterministic, non-overlapping splits and subsamples of item lists."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Protocol, TypeVar, runtime_checkable

import numpy as np


@runtime_checkable
class HasId(Protocol):
    """Anything with a string ``id``; runtime-checkable so type checkers can test it."""

    @property
    def id(self) -> str: ...


Item = TypeVar("Item", bound=HasId)


def split_items(
    items: Sequence[Item], fractions: Mapping[str, float], *, seed: int
) -> dict[str, list[Item]]:
    """Split items into named parts by the given fractions.

    The result depends only on the set of ids and the seed, not on the input order: items are
    sorted by id, then shuffled with ``numpy.random.default_rng(seed)``. Part sizes are rounded
    down and the remainder goes to the last part, so every item lands in exactly one part.

    Raises:
        ValueError: ids repeat, a fraction is negative, or the fractions do not sum to 1.
    """
    _require_unique_ids(items)
    if not fractions:
        raise ValueError("fractions must name at least one split")
    if any(value < 0 for value in fractions.values()):
        raise ValueError(f"fractions must be non-negative, got {dict(fractions)}")
    if abs(sum(fractions.values()) - 1.0) > 1e-9:
        raise ValueError(f"fractions must sum to 1, got {sum(fractions.values())}")
    ordered = _shuffled(items, seed)
    names = list(fractions)
    parts: dict[str, list[Item]] = {}
    start = 0
    for name in names[:-1]:
        size = int(len(ordered) * fractions[name])
        parts[name] = ordered[start : start + size]
        start += size
    parts[names[-1]] = ordered[start:]
    return parts


def sample_items(items: Sequence[Item], n: int | None, *, seed: int) -> list[Item]:
    """Return ``n`` items chosen by a seeded shuffle, or all of them when ``n`` is ``None``.

    Raises:
        ValueError: ``n`` exceeds the number of items or is negative.
    """
    if n is None:
        return list(items)
    if n < 0 or n > len(items):
        raise ValueError(f"cannot sample {n} items from {len(items)}")
    _require_unique_ids(items)
    return _shuffled(items, seed)[:n]


def _shuffled(items: Sequence[Item], seed: int) -> list[Item]:
    ordered = sorted(items, key=lambda item: item.id)
    permutation = np.random.default_rng(seed).permutation(len(ordered))
    return [ordered[index] for index in permutation]


def _require_unique_ids(items: Sequence[HasId]) -> None:
    counts = Counter(item.id for item in items)
    repeated = [item_id for item_id, count in counts.items() if count > 1]
    if repeated:
        raise ValueError(f"item ids must be unique; repeated: {repeated[:5]}")
