"""Tolerant readers for JSON payloads.

The Podero docs are incomplete (see README, "API assumptions"): any field may be missing, null or of
an unexpected type, and enums may grow. Readers therefore never raise; they return None for what
they cannot interpret, and an unknown enum value or field is logged once at debug level.
"""

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, time
from enum import StrEnum
import logging
from typing import Any

_LOGGER = logging.getLogger(__package__)
_reported_unknown: set[tuple[str, str]] = set()
# Payload shapes (model, top-level keys) already checked for fields no parser reads.
_checked_shapes: set[tuple[str, frozenset[str]]] = set()

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


class _KeyRecorder(dict[str, Any]):
    """A copy of a payload that notes which top-level keys a parser asked for."""

    def __init__(self, data: Json) -> None:
        super().__init__(data)
        self.asked: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        self.asked.add(key)
        return super().__getitem__(key)


def parse_noting_unknown[T](parse: Callable[[Json], T], name: str, data: Json) -> T:
    """Parse a payload and log once (debug) each top-level field the parser never read.

    Unknown fields stay in the model's `raw`. Each distinct key set is checked once, so a
    list of a thousand alike devices costs one recorded parse, not a thousand.
    """
    shape = (name, frozenset(data))
    if shape in _checked_shapes:
        return parse(data)
    _checked_shapes.add(shape)
    recorder = _KeyRecorder(data)
    parsed = parse(recorder)
    for key in sorted(data.keys() - recorder.asked):
        if (name, key) not in _reported_unknown:
            _reported_unknown.add((name, key))
            _LOGGER.debug("Field %r of %s is not interpreted; kept as is", key, name)
    return parsed
