"""Tolerant readers for JSON payloads.

The Podero docs are incomplete (see README, "API assumptions"): any field may be missing, null or of
an unexpected type, and enums may grow. Readers therefore never raise; they return None for what
they cannot interpret, and an unknown enum value is logged once at debug level.
"""

from collections.abc import Mapping
from datetime import UTC, datetime, time
from enum import StrEnum
import logging
from typing import Any

_LOGGER = logging.getLogger(__package__)
_reported_unknown: set[tuple[str, str]] = set()

type Json = Mapping[str, Any]


def as_mapping(value: object) -> Json:
    """Return value when it is a JSON object, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def as_str(value: object) -> str | None:
    """Return a string, or None."""
    return value if isinstance(value, str) else None


def as_bool(value: object) -> bool | None:
    """Return a boolean, or None (0/1 are not booleans on this API)."""
    return value if isinstance(value, bool) else None


def as_float(value: object) -> float | None:
    """Return a number as float, or None; booleans are not numbers here."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def as_int(value: object) -> int | None:
    """Return a whole number, or None; floats with a fraction are rounded."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return round(value)


def as_datetime(value: object) -> datetime | None:
    """Parse an ISO-8601 timestamp; naive values are taken as UTC (the API speaks UTC)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def as_time_of_day(value: object) -> time | None:
    """Parse "HH:MM" (or "HH:MM:SS"); a full timestamp yields its UTC time of day."""
    if not isinstance(value, str):
        return None
    try:
        return time.fromisoformat(value).replace(microsecond=0)
    except ValueError:
        stamp = as_datetime(value)
        return stamp.astimezone(UTC).time().replace(microsecond=0) if stamp else None


def as_enum[E: StrEnum](enum: type[E], value: object, field: str) -> E | None:
    """Map a wire value onto a known enum member, or None for null and unknown values."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            pass
    key = (field, repr(value))
    if key not in _reported_unknown:
        _reported_unknown.add(key)
        _LOGGER.debug("Unknown value %r for %s; treating it as unknown", value, field)
    return None


def as_str_tuple(value: object) -> tuple[str, ...]:
    """Return the strings of a JSON array, ignoring anything else."""
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))
