"""Confidence intervals for rates and means."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np


@dataclass(frozen=True)
class Estimate:
    """A point estimate with a confidence interval.

    Attributes:
        value: The estimate.
        low: Lower end of the interval.
        high: Upper end of the interval.
        n: Number of observations behind it.
    """

    value: float
    low: float
    high: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        """Return the fields as a JSON-ready dict."""
        return {"value": self.value, "low": self.low, "high": self.high, "n": self.n}

    def __str__(self) -> str:
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}]"


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Estimate:
    """Return a proportion with its Wilson score interval.

    Raises:
        ValueError: ``n`` is 0 or ``successes`` is outside ``[0, n]``.
    """
    if n <= 0:
        raise ValueError("a rate needs at least one observation")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be in [0, {n}], got {successes}")
    z = _normal_quantile(0.5 + confidence / 2)
    rate = successes / n
    denominator = 1 + z**2 / n
    centre = (rate + z**2 / (2 * n)) / denominator
    half = z * math.sqrt(rate * (1 - rate) / n + z**2 / (4 * n**2)) / denominator
    # At 0 or n successes the exact bound is 0 or 1; the formula leaves rounding residue.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Estimate(rate, low, high, n)


def bootstrap_mean(
    values: Sequence[float] | np.ndarray,
    *,
    confidence: float = 0.95,
    n_resamples: int = 2000,
    seed: int = 0,
) -> Estimate:
    """Return the mean with a percentile bootstrap interval.

    Raises:
        ValueError: ``values`` is empty or contains a non-finite number.
    """
    data = np.asarray(values, dtype=np.float64)
    if data.size == 0:
        raise ValueError("cannot bootstrap an empty sample")
    if not np.all(np.isfinite(data)):
        raise ValueError("values contain NaN or infinity")
    rng = np.random.default_rng(seed)
    resampled = rng.choice(data, size=(n_resamples, data.size), replace=True).mean(axis=1)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(resampled, [tail, 100 - tail])
    return Estimate(float(data.mean()), float(low), float(high), int(data.size))


def bootstrap_difference(
    treated: Sequence[float] | np.ndarray,
    control: Sequence[float] | np.ndarray,
    *,
    confidence: float = 0.95,
    n_resamples: int = 2000,
    seed: int = 0,
) -> Estimate:
    """Return mean(treated) - mean(control) for paired samples, with a bootstrap interval."""
    first = np.asarray(treated, dtype=np.float64)
    second = np.asarray(control, dtype=np.float64)
    if first.shape != second.shape:
        raise ValueError(f"paired samples differ in shape: {first.shape} vs {second.shape}")
    return bootstrap_mean(first - second, confidence=confidence, n_resamples=n_resamples, seed=seed)


def _normal_quantile(probability: float) -> float:
    """Return the standard normal quantile."""
    if not 0 < probability < 1:
        raise ValueError("probability must be in (0, 1)")
    return NormalDist().inv_cdf(probability)
