"""Time helpers: epoch seconds internally, ISO-8601 ``Z`` strings on the wire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

BUCKET_S = 900
"""Width of one history bucket (the API's 15MIN resolution) in seconds."""

DAY_S = 86400


def iso(value: datetime | None) -> str | None:
    """Format an aware datetime as the API does: UTC, second precision, ``Z``."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ts(ts: float | None) -> str | None:
    """Format epoch seconds as an API timestamp."""
    if ts is None:
        return None
    return _iso_seconds(int(ts // 1))


@lru_cache(maxsize=8192)
def _iso_seconds(seconds: int) -> str:
    # Payloads of a whole fleet share the same few timestamps.
    return from_ts(seconds).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_ts(ts: float) -> datetime:
    """Convert epoch seconds to an aware UTC datetime."""
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=ts)


def to_ts(value: datetime) -> float:
    """Convert a datetime to epoch seconds; naive values are taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()


def parse_datetime(text: str) -> datetime:
    """Parse an ISO-8601 datetime (``Z`` or offset; naive means UTC).

    A bare date or a time-only string is rejected, as pydantic's datetime type does.
    """
    if "T" not in text and " " not in text:
        raise ValueError(text)
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def bucket_of(ts: float) -> int:
    """Index of the 15-minute bucket containing ``ts``."""
    return int(ts // BUCKET_S)


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """Return a cached ZoneInfo."""
    return ZoneInfo(name)


class LocalTime:
    """Fast UTC→local conversion for one time zone.

    Physics asks for the local hour on every step; the UTC offset only changes at
    DST transitions, so it is cached per UTC hour instead of calling zoneinfo each time.
    """

    def __init__(self, tz_name: str) -> None:
        """Create a converter for ``tz_name``."""
        self.tz = zone(tz_name)
        self._offsets: dict[int, float] = {}

    def offset(self, ts: float) -> float:
        """UTC offset in seconds at ``ts``."""
        hour = int(ts // 3600)
        cached = self._offsets.get(hour)
        if cached is None:
            delta = from_ts(hour * 3600.0).astimezone(self.tz).utcoffset()
            cached = delta.total_seconds() if delta is not None else 0.0
            if len(self._offsets) > 100_000:
                self._offsets.clear()
            self._offsets[hour] = cached
        return cached

    def local_seconds(self, ts: float) -> float:
        """Seconds since 1970-01-01 local wall time (for day/hour arithmetic)."""
        return ts + self.offset(ts)

    def hour(self, ts: float) -> float:
        """Local wall-clock hour of day as a float in [0, 24)."""
        return (self.local_seconds(ts) % DAY_S) / 3600.0

    def day(self, ts: float) -> int:
        """Local calendar day number (days since 1970-01-01 local)."""
        return int(self.local_seconds(ts) // DAY_S)

    def midnight(self, ts: float) -> float:
        """Epoch seconds of the local midnight that starts the day containing ``ts``."""
        local = self.local_seconds(ts)
        start_local = local - local % DAY_S
        return start_local - self.offset(ts - local % DAY_S)

    def weekday(self, ts: float) -> int:
        """Local weekday, Monday = 0."""
        return (self.day(ts) + 3) % 7

    def at_hhmm_after(self, ts: float, hhmm: str) -> float:
        """Next epoch second strictly after ``ts`` whose local time is ``hhmm``."""
        hours, minutes = (int(part) for part in hhmm.split(":"))
        target = self.midnight(ts) + hours * 3600 + minutes * 60
        while target <= ts:
            target = (
                self.midnight(self.midnight(target) + DAY_S + 7200)
                + hours * 3600
                + minutes * 60
            )
        return target
