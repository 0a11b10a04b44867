"""Query-string parameters parsed the way pydantic would (422 items on failure)."""

from __future__ import annotations

from datetime import date

from aiohttp import web

from .api import ApiError, validation_error
from .timeutil import parse_datetime, to_ts
from .validation import FieldError, error_item


def _fail(name: str, problem: FieldError, value: object) -> ApiError:
    return validation_error([error_item(("query", name), problem, value)])


def required(request: web.Request, name: str) -> str:
    """Read a mandatory query parameter."""
    value = request.query.get(name)
    if value is None:
        raise _fail(name, FieldError("missing", "Field required"), None)
    return value


def integer(
    request: web.Request,
    name: str,
    default: int,
    ge: int | None = None,
    le: int | None = None,
) -> int:
    """Parse an integer query parameter with bounds."""
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _fail(
            name,
            FieldError(
                "int_parsing",
                "Input should be a valid integer, unable to parse string as an integer",
            ),
            raw,
        ) from None
    if ge is not None and value < ge:
        raise _fail(
            name,
            FieldError(
                "greater_than_equal",
                f"Input should be greater than or equal to {ge}",
                {"ge": ge},
            ),
            raw,
        )
    if le is not None and value > le:
        raise _fail(
            name,
            FieldError(
                "less_than_equal",
                f"Input should be less than or equal to {le}",
                {"le": le},
            ),
            raw,
        )
    return value


def day(request: web.Request, name: str) -> date:
    """Parse a mandatory ``YYYY-MM-DD`` query parameter."""
    raw = required(request, name)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise _fail(
            name,
            FieldError(
                "date_from_datetime_parsing",
                "Input should be a valid date or datetime, invalid character in year",
            ),
            raw,
        ) from None


def timestamp(
    request: web.Request,
    name: str,
    *,
    default: float | None = None,
    allow_date: bool = False,
) -> float | None:
    """Parse a datetime query parameter to epoch seconds (a bare date if ``allow_date``)."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        if allow_date and len(raw) == 10:
            return to_ts(parse_datetime(raw + "T00:00:00"))
        return to_ts(parse_datetime(raw))
    except ValueError:
        raise _fail(
            name,
            FieldError(
                "datetime_from_date_parsing",
                "Input should be a valid datetime or date, invalid format",
            ),
            raw,
        ) from None


def choice(
    request: web.Request, name: str, options: tuple[str, ...], default: str
) -> str:
    """Parse an enum query parameter."""
    raw = request.query.get(name, default)
    if raw not in options:
        expected = ", ".join(f"'{option}'" for option in options)
        raise _fail(
            name,
            FieldError("enum", f"Input should be {expected}", {"expected": expected}),
            raw,
        )
    return raw


def csv(request: web.Request, name: str, options: tuple[str, ...]) -> list[str] | None:
    """Comma-separated enum values (no spaces), None if absent."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    values = raw.split(",")
    bad = [value for value in values if value not in options]
    if bad:
        expected = ", ".join(f"'{option}'" for option in options)
        raise _fail(
            name,
            FieldError("enum", f"Input should be {expected}", {"expected": expected}),
            raw,
        )
    return values
