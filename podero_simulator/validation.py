"""Request validation with pydantic-v2-style (Django Ninja) 422 error items."""

from __future__ import annotations

from collections.abc import Callable, Sequence
import math
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .ids import canonical_uuid, is_uuid
from .timeutil import iso, parse_datetime

HHMM_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
_HHMM = re.compile(HHMM_PATTERN)

Validator = Callable[[Any], Any]


class FieldError(Exception):
    """One invalid value: pydantic error ``type``, message and context."""

    def __init__(self, kind: str, msg: str, ctx: dict[str, Any] | None = None) -> None:
        """Describe the problem."""
        super().__init__(msg)
        self.kind = kind
        self.msg = msg
        self.ctx = ctx


class ValidationFailed(Exception):
    """A request failed validation; ``errors`` is the 422 ``detail`` list."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        """Carry the error items."""
        super().__init__(f"{len(errors)} validation error(s)")
        self.errors = errors


def error_item(
    loc: Sequence[str | int], error: FieldError, value: Any
) -> dict[str, Any]:
    """One ``detail`` entry."""
    item: dict[str, Any] = {
        "type": error.kind,
        "loc": list(loc),
        "msg": error.msg,
        "input": value,
    }
    if error.ctx:
        item["ctx"] = error.ctx
    return item


def boolean(value: Any) -> bool:
    """Strict JSON boolean."""
    if not isinstance(value, bool):
        raise FieldError("bool_type", "Input should be a valid boolean")
    return value


def _bounded(value: float, ge: float | None, le: float | None) -> None:
    if ge is not None and value < ge:
        raise FieldError(
            "greater_than_equal",
            f"Input should be greater than or equal to {ge}",
            {"ge": ge},
        )
    if le is not None and value > le:
        raise FieldError(
            "less_than_equal", f"Input should be less than or equal to {le}", {"le": le}
        )


def integer(ge: int | None = None, le: int | None = None) -> Validator:
    """JSON integer (an integral float is accepted), optionally bounded."""

    def check(value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError("int_type", "Input should be a valid integer")
        _bounded(value, ge, le)
        return value

    return check


def number(ge: float | None = None, le: float | None = None) -> Validator:
    """JSON number, optionally bounded; integers stay integers."""

    def check(value: Any) -> float | int:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise FieldError("float_type", "Input should be a valid number")
        _bounded(value, ge, le)
        return value

    return check


def string(max_length: int | None = None) -> Validator:
    """JSON string, optionally length-limited."""

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise FieldError("string_type", "Input should be a valid string")
        if max_length is not None and len(value) > max_length:
            raise FieldError(
                "string_too_long",
                f"String should have at most {max_length} characters",
                {"max_length": max_length},
            )
        return value

    return check


def enum(values: Sequence[str]) -> Validator:
    """One of ``values`` (exact, case-sensitive)."""
    quoted = [f"'{value}'" for value in values]
    expected = (
        quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    )

    def check(value: Any) -> str:
        if value not in values or not isinstance(value, str):
            raise FieldError(
                "enum", f"Input should be {expected}", {"expected": expected}
            )
        return value

    return check


def datetime_text(value: Any) -> str:
    """ISO-8601 datetime string, normalised to the API's UTC ``Z`` form."""
    if not isinstance(value, str):
        raise FieldError("datetime_type", "Input should be a valid datetime")
    try:
        parsed = parse_datetime(value)
    except ValueError:
        raise FieldError(
            "datetime_from_date_parsing",
            "Input should be a valid datetime or date, invalid format",
        ) from None
    text = iso(parsed)
    assert text is not None
    return text


def hhmm(value: Any) -> str:
    """24-hour ``HH:MM`` time."""
    if not isinstance(value, str):
        raise FieldError("string_type", "Input should be a valid string")
    if not _HHMM.match(value):
        raise FieldError(
            "string_pattern_mismatch",
            f"String should match pattern '{HHMM_PATTERN}'",
            {"pattern": HHMM_PATTERN},
        )
    return value


def uuid_text(value: Any) -> str:
    """UUID string, canonical form."""
    if not isinstance(value, str) or not is_uuid(value):
        raise FieldError("uuid_parsing", "Input should be a valid UUID")
    return canonical_uuid(value)


def timezone_name(value: Any) -> str:
    """IANA time zone name."""
    if not isinstance(value, str):
        raise FieldError("string_type", "Input should be a valid string")
    try:
        ZoneInfo(value)
    except ZoneInfoNotFoundError, ValueError:
        raise FieldError(
            "value_error", f"Value error, Unknown time zone: {value}"
        ) from None
    return value


def nullable(inner: Validator) -> Validator:
    """Allow JSON null in addition to ``inner``."""

    def check(value: Any) -> Any:
        return None if value is None else inner(value)

    return check


def validate_fields(
    body: dict[str, Any], spec: dict[str, Validator], loc: Sequence[str] = ("body",)
) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """Validate the known keys of ``body``: (clean values, errors, ignored keys)."""
    clean: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    ignored: list[str] = []
    for key, value in body.items():
        check = spec.get(key)
        if check is None:
            ignored.append(key)
            continue
        try:
            clean[key] = check(value)
        except FieldError as problem:
            errors.append(error_item((*loc, key), problem, value))
    return clean, errors, ignored


def order_error(
    loc: Sequence[str], low_name: str, high_name: str, value: Any
) -> dict[str, Any]:
    """Cross-field error: ``low_name`` must not exceed ``high_name``."""
    return error_item(
        loc,
        FieldError(
            "value_error",
            f"Value error, {low_name} must not be greater than {high_name}",
        ),
        value,
    )
