"""Parse and check the fields of Podero actions before anything is sent.

Action schemas accept any value so that every bad input ends here and is answered with a
translated ServiceValidationError naming the field, instead of a raw schema message. Nothing is
written to Podero unless every field of the call is valid.
"""

from collections.abc import Iterable
from datetime import datetime, time
import re

from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from .api import Weekday
from .const import DOMAIN

# Echoing a huge or hostile value back to the user helps nobody; show its start only.
_MAX_ECHO = 40
_WEEKDAY_ALIASES = {
    **{day.value: day for day in Weekday},
    **{
        name: day
        for day, name in zip(
            Weekday,
            (
                "monday",
                "tuesday",
                "wednesday",
                "thursday",
                "friday",
                "saturday",
                "sunday",
            ),
            strict=True,
        )
    },
}
_TIME = re.compile(
    r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?"
)
_TRUE = {"true", "on", "yes", "1", "enable", "enabled"}
_FALSE = {"false", "off", "no", "0", "disable", "disabled"}


def invalid(key: str, field: str, value: object = None) -> ServiceValidationError:
    """Build the translated validation error about one field."""
    shown = str(value)
    if len(shown) > _MAX_ECHO:
        shown = shown[:_MAX_ECHO] + "…"
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"field": field, "value": shown},
    )


def device_ids(value: object, field: str = "device_id") -> list[str]:
    """Return one or more device ids (strings), without duplicates."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list | tuple) or not values:
        raise invalid("no_devices", field, value)
    if not all(isinstance(item, str) and item for item in values):
        raise invalid("invalid_device", field, value)
    return list(dict.fromkeys(values))


def percentage(value: object, field: str) -> int:
    """Return a whole percentage from 0 to 100."""
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    # The range check comes first: it also refuses NaN and infinity, and works for integers
    # too large to become a float.
    if number is None or not 0 <= number <= 100 or number % 1:
        raise invalid("invalid_percentage", field, value)
    return int(number)


def time_of_day(value: object, field: str) -> time:
    """Return a time of day given as a time or "H:MM" / "HH:MM[:SS]" (seconds are dropped).

    A time with a UTC offset is refused: the policy's time zone says where the time applies.
    """
    if isinstance(value, time):
        if value.tzinfo is None:
            return value.replace(second=0, microsecond=0)
    elif isinstance(value, str) and (match := _TIME.fullmatch(value.strip())):
        hour, minute = int(match["hour"]), int(match["minute"])
        if hour <= 23 and minute <= 59 and int(match["second"] or 0) <= 59:
            return time(hour, minute)
    raise invalid("invalid_time", field, value)


async def timezone(value: object, field: str) -> str:
    """Return an IANA time zone name known to this system."""
    if isinstance(value, str) and len(value) <= 64 and "\x00" not in value:
        try:
            # Async: an uncached zone is read from disk, off the event loop.
            if await dt_util.async_get_time_zone(value) is not None:
                return value
        except ValueError:
            pass
    raise invalid("invalid_timezone", field, value)


def weekdays(value: object, field: str) -> list[Weekday]:
    """Return weekdays given as mon..sun (full English names are accepted too)."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list | tuple) or not values:
        raise invalid("invalid_weekday", field, value)
    days: list[Weekday] = []
    for item in values:
        day = (
            _WEEKDAY_ALIASES.get(item.strip().lower())
            if isinstance(item, str)
            else None
        )
        if day is None:
            raise invalid("invalid_weekday", field, item)
        days.append(day)
    return list(dict.fromkeys(days))


def boolean(value: object, field: str) -> bool:
    """Return true or false (also accepting "on"/"off" and "yes"/"no")."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value.strip().lower() in _TRUE:
            return True
        if value.strip().lower() in _FALSE:
            return False
    raise invalid("invalid_boolean", field, value)


def future_datetime(value: object, field: str) -> datetime:
    """Return a future moment in UTC; one without zone is read in Home Assistant's zone."""
    moment: datetime | None = None
    try:
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, str) and len(value) <= 64:
            # Raises ValueError for impossible dates such as 2026-02-30.
            moment = dt_util.parse_datetime(value.strip())
        if moment is not None:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt_util.get_default_time_zone())
            moment = dt_util.as_utc(moment)
    except ValueError, OverflowError:
        moment = None
    if moment is None:
        raise invalid("invalid_datetime", field, value)
    if moment <= dt_util.utcnow():
        raise invalid("until_in_past", field, value)
    return moment


def only_known_fields(data: Iterable[str], known: set[str]) -> None:
    """Refuse fields the action does not have (a typo would otherwise be ignored)."""
    for name in data:
        if name not in known:
            raise invalid("unknown_field", name)
