"""Day-ahead spot price curve in EUR/MWh, constant per 15-minute bucket."""

from __future__ import annotations

from bisect import bisect_left
import math

from . import noise
from .timeutil import BUCKET_S, DAY_S, LocalTime

# Price zones move the level a little so that multi-zone fleets are distinguishable.
_ZONE_OFFSET: dict[str, float] = {
    "AT": 0.0,
    "AT_HOURLY": 0.0,
    "DE_LU": -3.0,
    "CH": 6.0,
    "BE": 2.0,
    "HU": 9.0,
    "RO": 11.0,
    "EE": -8.0,
    "PT": -12.0,
    "UK": 14.0,
}
_DAYS_PER_YEAR = 365.2422


def _bump(hour: float, centre: float, width: float) -> float:
    # Circular distance so the night trough wraps around midnight.
    distance = min(abs(hour - centre), 24.0 - abs(hour - centre))
    return math.exp(-((distance / width) ** 2))


class PriceModel:
    """Deterministic synthetic spot market.

    Shape: morning and evening peaks, a midday solar dip (deep in summer, can go
    negative) and a night trough; level higher in winter; day-to-day drift and
    per-bucket jitter from seeded noise. Market time is CET/CEST for every zone.
    """

    def __init__(self, seed: int) -> None:
        """Create a price model; equal seeds give equal prices."""
        self.seed = seed
        self.local = LocalTime("Europe/Vienna")
        self._cache: dict[tuple[str, int], float] = {}
        self._day_sorted: dict[tuple[str, int], list[float]] = {}

    def price(self, zone: str, bucket: int) -> float:
        """Spot price of ``bucket`` in EUR/MWh."""
        key = (zone, bucket)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        ts = bucket * BUCKET_S + BUCKET_S / 2
        hour = self.local.hour(ts)
        day = ts / DAY_S
        doy = day % _DAYS_PER_YEAR  # 1970-01-01 is day-of-year 0
        winter = 0.5 + 0.5 * math.cos(2 * math.pi * (doy - 15) / _DAYS_PER_YEAR)
        level = 82.0 + 28.0 * winter + 18.0 * noise.smooth(self.seed + 11, day / 2.5)
        value = (
            level
            + 30.0 * _bump(hour, 8.0, 1.6)
            + 48.0 * _bump(hour, 19.0, 2.0)
            - (18.0 + 70.0 * (1.0 - winter)) * _bump(hour, 13.5, 2.4)
            - 26.0 * _bump(hour, 3.5, 2.2)
            + 4.0 * noise.signed(self.seed, noise.text_key(zone), bucket)
            + _ZONE_OFFSET.get(zone, 4.0)
        )
        value = round(value, 2)
        if len(self._cache) > 500_000:
            self._cache.clear()
        self._cache[key] = value
        return value

    def day_quantile(self, zone: str, bucket: int) -> float:
        """Rank of the bucket's price within its market day, 0 = cheapest, <1."""
        start = self.local.midnight(bucket * BUCKET_S + 1)
        first = int(start // BUCKET_S)
        key = (zone, first)
        ranked = self._day_sorted.get(key)
        if ranked is None:
            ranked = sorted(self.price(zone, b) for b in range(first, first + 96))
            if len(self._day_sorted) > 20_000:
                self._day_sorted.clear()
            self._day_sorted[key] = ranked
        return bisect_left(ranked, self.price(zone, bucket)) / len(ranked)
