"""Declarative, tolerant parsing of JSON payloads into frozen dataclasses.

The Podero docs are incomplete (see README, "API assumptions"): any field may be missing, null or
of an unexpected type, and enums may grow. A model therefore declares each field once - its type,
and with `wire()` where it lives in the payload when that is not its own name - and `Model.parse`
reads every field with the reader its type calls for. Readers never raise: what they cannot
interpret becomes None, and the client is told (`Notes`) so it can log it once.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import UTC, datetime, time
from enum import StrEnum
from functools import partial
import logging
from types import NoneType, UnionType
from typing import Any, Self, get_args, get_origin, get_type_hints

_LOGGER = logging.getLogger(__package__)

type Json = Mapping[str, Any]
type Reader = Callable[[object, Notes | None], Any]

# Per client, at most this many distinct oddities are remembered (and logged once each).
MAX_NOTES = 512


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


def as_enum[E: StrEnum](enum: type[E], value: object) -> E | None:
    """Map a wire value onto a known enum member, or None for null and unknown values."""
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            pass
    return None


def as_str_tuple(value: object) -> tuple[str, ...]:
    """Return the strings of a JSON array, ignoring anything else."""
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


class Notes:
    """What one client has already logged about payloads it could not fully read.

    Kept per client (not per process) and bounded, so a server sending ever new oddities
    cannot grow it without end.
    """

    def __init__(self) -> None:
        """Start with nothing noted."""
        self._seen: set[tuple[str, str]] = set()

    def once(self, key: tuple[str, str], message: str, *args: object) -> None:
        """Log `message` at debug level the first time `key` is met."""
        if key in self._seen or len(self._seen) >= MAX_NOTES:
            return
        self._seen.add(key)
        _LOGGER.debug(message, *args)


_PATH = "podero_path"
_READ = "podero_read"
_REQUIRED = "podero_required"
WHOLE = "."


def wire(
    path: str | None = None,
    *,
    read: Callable[[object], Any] | None = None,
    required: bool = False,
) -> Any:
    """Declare a field: where it lives (dotted path, `WHOLE` for the object) and how to read it.

    Without `read`, the field's type picks the reader. A `required` field that cannot be read
    makes the whole object unreadable (`Model.parse` returns None).
    """
    return field(metadata={_PATH: path, _READ: read, _REQUIRED: required})


def raw_field() -> Any:
    """Declare the field holding the payload itself (not compared, not in repr)."""
    return field(compare=False, repr=False, metadata={_PATH: WHOLE, _READ: _identity})


def _identity(value: object) -> object:
    return value


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
        """Read an object of this model; None when it is not an object or lacks a required field."""
        if not isinstance(data, Mapping):
            return None
        values: dict[str, Any] = {}
        for spec in _fields(cls):
            raw = _lookup(data, spec.path)
            value = spec.read(raw, notes)
            if value is None:
                if spec.required:
                    return None
                if raw is not None and notes is not None:
                    notes.once(
                        (cls.__name__, spec.name),
                        "Value %.60r for %s.%s is not understood; treating it as unknown",
                        raw,
                        cls.__name__,
                        spec.name,
                    )
            values[spec.name] = value
        if notes is not None:
            for key in sorted(data.keys() - _known_keys(cls)):
                notes.once(
                    (cls.__name__, f"key:{key}"),
                    "Field %.60r of %s is not interpreted; kept as is",
                    key,
                    cls.__name__,
                )
        return cls(**values)


def _lookup(data: Json, path: tuple[str, ...]) -> object:
    value: object = data
    for key in path:
        value = as_mapping(value).get(key)
    return value


def _plain(read: Callable[[object], Any]) -> Reader:
    return lambda value, _notes: read(value)


def _model_reader(model: type[Model], *, optional: bool) -> Reader:
    if optional:
        return model.parse
    # A nested object the model cannot do without is read as empty when it is missing.
    return lambda value, notes: model.parse(as_mapping(value), notes)


def _tuple_reader(model: type[Model]) -> Reader:
    def read(value: object, notes: Notes | None) -> tuple[Any, ...]:
        if not isinstance(value, list):
            return ()
        items = (model.parse(item, notes) for item in value)
        return tuple(item for item in items if item is not None)

    return read


# bool before int: a bool is an int to Python, never to this API.
_SIMPLE: tuple[tuple[type, Callable[[object], Any]], ...] = (
    (bool, as_bool),
    (int, as_int),
    (float, as_float),
    (str, as_str),
    (datetime, as_datetime),
    (time, as_time_of_day),
)


def _reader(hint: Any) -> Reader:
    """Return the reader a field's type calls for."""
    optional = isinstance(hint, UnionType)
    if optional:
        (hint,) = (arg for arg in get_args(hint) if arg is not NoneType)
    if get_origin(hint) is tuple:
        item = get_args(hint)[0]
        return _plain(as_str_tuple) if item is str else _tuple_reader(item)
    if not isinstance(hint, type):
        raise TypeError(f"No reader for {hint!r}")
    if issubclass(hint, StrEnum):
        return _plain(partial(as_enum, hint))
    if issubclass(hint, Model):
        return _model_reader(hint, optional=optional)
    # By subclass, not identity: freezegun swaps datetime for a subclass in tests.
    for base, read in _SIMPLE:
        if issubclass(hint, base):
            return _plain(read)
    raise TypeError(f"No reader for {hint!r}")  # a model declared a type we cannot read


# How each model class is read, worked out once per class (static, like its annotations).
_PLANS: dict[type[Model], tuple[_Field, ...]] = {}
_KNOWN: dict[type[Model], frozenset[str]] = {}


def _fields(model: type[Model]) -> tuple[_Field, ...]:
    if (plan := _PLANS.get(model)) is not None:
        return plan
    hints = get_type_hints(model)
    specs = []
    for item in fields(model):  # type: ignore[arg-type]
        if not item.init or item.default is not MISSING:
            continue
        meta = item.metadata
        path = meta.get(_PATH) or item.name
        read = meta.get(_READ)
        specs.append(
            _Field(
                name=item.name,
                path=() if path == WHOLE else tuple(path.split(".")),
                read=_plain(read) if read is not None else _reader(hints[item.name]),
                required=bool(meta.get(_REQUIRED)),
            )
        )
    plan = _PLANS[model] = tuple(specs)
    return plan


def _known_keys(model: type[Model]) -> frozenset[str]:
    """Top-level payload keys the model reads (a whole-object field reads none itself)."""
    if (known := _KNOWN.get(model)) is None:
        known = _KNOWN[model] = frozenset(
            spec.path[0] for spec in _fields(model) if spec.path
        )
    return known


def wire_names(model: type[Model]) -> frozenset[str]:
    """Every payload key a model (and the models inside it) reads."""
    names: set[str] = set()
    hints = get_type_hints(model)
    for spec in _fields(model):
        names.update(spec.path)
        for inner in _models_in(hints[spec.name]):
            names |= wire_names(inner)
    return frozenset(names)


def _models_in(hint: Any) -> Iterator[type[Model]]:
    if isinstance(hint, type) and issubclass(hint, Model):
        yield hint
    for arg in get_args(hint):
        yield from _models_in(arg)
