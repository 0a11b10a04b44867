"""Simulated time: wall clock (or an injected clock) × speed + manual advances."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from .timeutil import to_ts


def utc_now() -> datetime:
    """Read the wall clock; looked up at call time so freezegun can steer it."""
    return datetime.now(UTC)


class SimClock:
    """Maps a base clock onto simulated time.

    ``now = anchor + (base() - base_at_anchor) * speed + advanced``. Simulated time never
    runs backwards, even when a frozen test clock is moved back, because the physics
    cannot un-integrate.
    """

    def __init__(
        self, base: Callable[[], datetime] | None = None, speed: float = 1.0
    ) -> None:
        """Anchor simulated time to the base clock's current reading."""
        self._base = base or utc_now
        self._speed = speed
        self._anchor_base = self._base()
        self._anchor_sim = self._anchor_base
        self._advanced = 0.0
        self._last = to_ts(self._anchor_sim)

    @property
    def speed(self) -> float:
        """Simulated seconds per base-clock second."""
        return self._speed

    @property
    def advanced_s(self) -> float:
        """Total manual advances in seconds."""
        return self._advanced

    def set_speed(self, speed: float) -> None:
        """Change the speed without a jump in simulated time."""
        current = self.now()
        self._anchor_base = self._base()
        self._anchor_sim = current - timedelta(seconds=self._advanced)
        self._speed = speed

    def advance(self, seconds: float) -> None:
        """Jump simulated time forward."""
        if seconds < 0:
            raise ValueError("the simulated clock cannot go backwards")
        self._advanced += seconds

    def ts(self) -> float:
        """Return simulated now as epoch seconds."""
        elapsed = to_ts(self._base()) - to_ts(self._anchor_base)
        value = to_ts(self._anchor_sim) + elapsed * self._speed + self._advanced
        self._last = max(self._last, value)
        return self._last

    def now(self) -> datetime:
        """Return simulated now as an aware UTC datetime."""
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=self.ts())
