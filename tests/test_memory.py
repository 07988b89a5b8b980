"""Memory-bounded batch sizes."""

from __future__ import annotations

import pytest

from interp.memory import batch_size_for, bytes_per_sequence, parse_memory


@pytest.mark.parametrize(
    "text, expected",
    [("512MB", 512 * 10**6), ("2GiB", 2 * 2**30), ("1.5G", int(1.5 * 2**30)), (1024, 1024)],
)
def test_parse_memory(text, expected):
    assert parse_memory(text) == expected


@pytest.mark.parametrize("text", ["lots", "-1GB", "0", "5 parsecs"])
def test_parse_memory_rejects_nonsense(text):
    with pytest.raises(ValueError):
        parse_memory(text)


def test_batch_grows_with_bound(tiny):
    bridge, _ = tiny
    small = batch_size_for(bridge, "1MiB", tokens=128)
    large = batch_size_for(bridge, "64MiB", tokens=128)
    assert 1 <= small < large <= 256


def test_batch_fits_bound(tiny):
    bridge, _ = tiny
    batch = batch_size_for(bridge, "4MiB", tokens=64, limit=10_000)
    assert batch * bytes_per_sequence(bridge, 64) <= 4 * 2**20


def test_longer_sequences_need_more(tiny):
    bridge, _ = tiny
    assert bytes_per_sequence(bridge, 256) > bytes_per_sequence(bridge, 64)
