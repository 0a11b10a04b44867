"""Calendar periods (UTC) for the time-series, savings and statistics resolutions."""

from __future__ import annotations

from datetime import UTC, datetime

from .timeutil import from_ts, to_ts

FIXED_S = {"15MIN": 900, "1HOUR": 3600, "1DAY": 86400, "1WEEK": 7 * 86400}
_MONTHS = {"1MONTH": 1, "1QUARTER": 3, "1YEAR": 12}
_MONDAY_OFFSET_S = 4 * 86400  # 1970-01-01 was a Thursday


def period_start(ts: float, resolution: str) -> float:
    """Start of the period of ``resolution`` containing ``ts`` (weeks start on Monday)."""
    if resolution == "1WEEK":
        week = FIXED_S["1WEEK"]
        return (ts - _MONDAY_OFFSET_S) // week * week + _MONDAY_OFFSET_S
    if resolution in FIXED_S:
        size = FIXED_S[resolution]
        return ts // size * size
    months = _MONTHS[resolution]
    moment = from_ts(ts)
    month = (moment.month - 1) // months * months + 1
    return to_ts(datetime(moment.year, month, 1, tzinfo=UTC))


def period_end(start: float, resolution: str) -> float:
    """End (exclusive) of the period starting at ``start``."""
    if resolution in FIXED_S:
        return start + FIXED_S[resolution]
    moment = from_ts(start)
    index = moment.year * 12 + moment.month - 1 + _MONTHS[resolution]
    return to_ts(datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC))


def periods(
    start: float, end: float, resolution: str, limit: int
) -> list[tuple[float, float]]:
    """Consecutive periods covering [start, end); raises ValueError beyond ``limit``."""
    out: list[tuple[float, float]] = []
    cursor = period_start(start, resolution)
    while cursor < end:
        following = period_end(cursor, resolution)
        out.append((cursor, following))
        if len(out) > limit:
            raise ValueError(f"more than {limit} periods requested")
        cursor = following
    return out
