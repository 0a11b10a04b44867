"""Per-bucket storage of simulated series and the arithmetic over it.

Every series is stored as a time integral (value × seconds) per 15-minute bucket plus
the seconds covered, so energies are exact sums of what the physics produced and
averages (W, °C, %) are integral / covered time.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Protocol

from .timeutil import BUCKET_S, bucket_of


class SeriesStore:
    """Growable per-bucket integrals of a fixed set of series."""

    def __init__(self, names: Sequence[str], first_bucket: int) -> None:
        """Start recording at ``first_bucket``."""
        self.names = tuple(names)
        self.base = first_bucket
        self.covered = array("d")
        self.data = [array("d") for _ in self.names]

    def add(self, bucket: int, dt: float, values: Sequence[float]) -> None:
        """Record ``values`` held constant for ``dt`` seconds inside ``bucket``."""
        index = bucket - self.base
        if index < 0:
            return
        missing = index + 1 - len(self.covered)
        if missing > 0:
            zeros = array("d", bytes(8 * missing))
            self.covered.extend(zeros)
            for column in self.data:
                column.extend(zeros)
        self.covered[index] += dt
        for column, value in zip(self.data, values, strict=True):
            column[index] += value * dt

    def get(self, bucket: int) -> tuple[float, list[float]] | None:
        """Covered seconds and integrals of ``bucket``; None when nothing was recorded."""
        index = bucket - self.base
        if index < 0 or index >= len(self.covered) or self.covered[index] <= 0.0:
            return None
        return self.covered[index], [column[index] for column in self.data]


class BucketSource(Protocol):
    """Anything that can answer per-bucket integrals (a device: generator + store)."""

    @property
    def series(self) -> tuple[str, ...]:
        """Names of the recorded series."""
        ...  # pragma: no cover

    def bucket(self, index: int) -> tuple[float, Sequence[float]] | None:
        """Covered seconds and integrals (value × s) per series, or None."""
        ...  # pragma: no cover


def integral(
    source: BucketSource, series: str, start_ts: float, end_ts: float
) -> float:
    """Time integral (value × s) of one series over [start, end).

    Exact on bucket boundaries; a partially requested bucket counts pro rata.
    """
    column = source.series.index(series)
    total = 0.0
    if end_ts <= start_ts:
        return total
    for index in range(bucket_of(start_ts), bucket_of(end_ts - 1e-9) + 1):
        found = source.bucket(index)
        if found is None:
            continue
        begin = index * BUCKET_S
        overlap = min(end_ts, begin + BUCKET_S) - max(start_ts, begin)
        if overlap <= 0:
            continue
        total += found[1][column] * min(1.0, overlap / BUCKET_S)
    return total
