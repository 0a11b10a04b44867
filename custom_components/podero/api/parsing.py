"""Declarative, tolerant parsing of JSON payloads into frozen dataclasses.

Any field may be missing, null or of another type, and enums grow (README, "API assumptions").
A model declares each field once - its type, and `wire()` where it lives - and `Model.parse`
reads it with the reader its type calls for; what cannot be read is None, noted once per client.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, time
from enum import StrEnum
import logging
import math
from types import NoneType, UnionType
from typing import Any, Self, get_args, get_origin, get_type_hints

_LOGGER = logging.getLogger(__package__)

type Json = Mapping[str, Any]
type Reader = Callable[[object, Notes | None], Any]

# Per client, at most this many distinct oddities are remembered (and logged once each).
MAX_NOTES = 512
WHOLE = "."


def as_mapping(value: object) -> Json:
    """Return value when it is a JSON object, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def as_str(value: object) -> str | None:
    """Return a string, or None."""
    return value if isinstance(value, str) else None


def as_float(value: object) -> float | None:
    """Return a finite number as float, or None; booleans are not numbers here."""
    return _number(value)


def as_int(value: object) -> int | None:
    """Return a whole number, or None; floats with a fraction are rounded."""
    return None if (number := _number(value)) is None else round(number)


def _number(value: object) -> float | None:
    """Return a finite float; NaN, infinities and too-large integers are no numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None  # 0/1 are no booleans here


def _datetime(value: object) -> datetime | None:
    """Read ISO 8601; naive values are UTC; an instant UTC cannot hold (year 0/10000) is None."""
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        if parsed is not None:
            parsed = parsed.replace(tzinfo=parsed.tzinfo or UTC)
            parsed.astimezone(UTC)  # raises for instants outside datetime's range
    except ValueError, OverflowError:
        return None
    return parsed


def _time_of_day(value: object) -> time | None:
    """Read "HH:MM[:SS]"; a full timestamp yields its UTC time of day."""
    try:
        return time.fromisoformat(value).replace(microsecond=0)  # type: ignore[arg-type]
    except TypeError, ValueError, OverflowError:
        stamp = _datetime(value)
        return stamp.astimezone(UTC).time().replace(microsecond=0) if stamp else None


def _enum(enum: type[StrEnum]) -> Callable[[object], StrEnum | None]:
    def read(value: object) -> StrEnum | None:
        try:
            return enum(value) if isinstance(value, str) else None
        except ValueError:  # a value this version does not know yet
            return None

    return read


def _str_tuple(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list) else ()
    return tuple(item for item in items if isinstance(item, str))


class Notes:
    """What one client has logged about payloads it could not fully read (bounded)."""

    def __init__(self) -> None:
        """Start with nothing noted."""
        self._seen: set[tuple[str, str]] = set()

    def once(self, key: tuple[str, str], message: str, *args: object) -> None:
        """Log `message` at debug level the first time `key` is met."""
        if key not in self._seen and len(self._seen) < MAX_NOTES:
            self._seen.add(key)
            _LOGGER.debug(message, *args)


def wire(
    path: str | None = None,
    *,
    read: Callable[[object], Any] | None = None,
    required: bool = False,
) -> Any:
    """Declare where a field lives (dotted path) and, optionally, how to read it.

    Without `read`, the field's type picks the reader. A `required` field that cannot be read
    makes the whole object unreadable (`Model.parse` returns None).
    """
    return field(metadata={"path": path, "read": read, "required": required})


def raw_field() -> Any:
    """Declare the field holding the payload itself (not compared, not in repr)."""
    metadata = {"path": WHOLE, "read": lambda value: value}
    return field(compare=False, repr=False, metadata=metadata)


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    path: tuple[str, ...]
    read: Reader
    required: bool


class Model:
    """Base of the API's models: frozen dataclasses parsed from their field declarations."""

    __slots__ = ()

    @classmethod
    def parse(cls, data: object, notes: Notes | None = None) -> Self | None:
        """Read an object of this model; None if it is no object or lacks a required field."""
        if not isinstance(data, Mapping):
            return None
        fields_, known = _plan(cls)
        values: dict[str, Any] = {}
        for spec in fields_:
            if len(spec.path) == 1:  # most fields: no nested lookup
                raw: object = data.get(spec.path[0])
            else:
                raw = data
                for key in spec.path:
                    raw = (
                        raw.get(key)
                        if isinstance(raw, dict)
                        else as_mapping(raw).get(key)
                    )
            value = values[spec.name] = spec.read(raw, notes)
            if value is None and spec.required:
                return None
            if value is None and raw is not None and notes is not None:
                notes.once(
                    (cls.__name__, spec.name),
                    "Value %.60r for %s.%s is not understood; treating it as unknown",
                    raw,
                    cls.__name__,
                    spec.name,
                )
        if notes is not None:
            for key in sorted(data.keys() - known):
                notes.once(
                    (cls.__name__, f"key:{key}"),
                    "Field %.60r of %s is not interpreted; kept as is",
                    key,
                    cls.__name__,
                )
        return cls(**values)


def _plain(read: Callable[[object], Any]) -> Reader:
    return lambda value, _notes: read(value)


def _reader(hint: Any) -> Reader:
    """Return the reader a field's type calls for."""
    optional = isinstance(hint, UnionType)
    if optional:
        (hint,) = (arg for arg in get_args(hint) if arg is not NoneType)
    if get_origin(hint) is tuple:
        item = get_args(hint)[0]
        if item is str:
            return _plain(_str_tuple)
        return lambda value, notes: tuple(
            parsed
            for entry in (value if isinstance(value, list) else ())
            if (parsed := item.parse(entry, notes)) is not None
        )
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        return _plain(_enum(hint))
    if isinstance(hint, type) and issubclass(hint, Model):
        model: type[Model] = hint
        # A nested object the model cannot do without is read as empty when it is missing.
        return model.parse if optional else lambda v, n: model.parse(as_mapping(v), n)
    # By subclass, not identity: freezegun swaps datetime for a subclass in tests; and bool
    # before int, since a bool is an int to Python but never to this API.
    for base, read in _SIMPLE:
        if isinstance(hint, type) and issubclass(hint, base):
            return _plain(read)
    raise TypeError(f"No reader for {hint!r}")  # a model declared a type we cannot read


_SIMPLE: tuple[tuple[type, Callable[[object], Any]], ...] = (
    (bool, _bool),
    (int, as_int),
    (float, as_float),
    (str, as_str),
    (datetime, _datetime),
    (time, _time_of_day),
)
# How each model class is read, worked out once per class (static, like its annotations).
_PLANS: dict[type[Model], tuple[tuple[_Field, ...], frozenset[str]]] = {}


def _plan(model: type[Model]) -> tuple[tuple[_Field, ...], frozenset[str]]:
    """Return the model's fields, and the top-level payload keys they read."""
    if (plan := _PLANS.get(model)) is None:
        hints = get_type_hints(model)
        specs = []
        for item in fields(model):  # type: ignore[arg-type]
            path, read = (
                item.metadata.get("path") or item.name,
                item.metadata.get("read"),
            )
            specs.append(
                _Field(
                    name=item.name,
                    path=() if path == WHOLE else tuple(path.split(".")),
                    read=_plain(read) if read else _reader(hints[item.name]),
                    required=bool(item.metadata.get("required")),
                )
            )
        known = frozenset(spec.path[0] for spec in specs if spec.path)
        plan = _PLANS[model] = (tuple(specs), known)
    return plan
