"""EV weekly charge policy and charging sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from . import query
from .api import (
    device_routes,
    json_response,
    owned_device,
    read_object,
    validation_error,
)
from .devices.electric_vehicle import WEEKDAYS, ElectricVehicle
from .timeutil import to_ts
from .validation import (
    FieldError,
    error_item,
    hhmm,
    integer,
    timezone_name,
    validate_fields,
)

KIND = ElectricVehicle.kind
_DAY_SPEC = {"charge_percentage": integer(0, 100), "charge_deadline": hhmm}


def _ev(request: web.Request) -> tuple[float, ElectricVehicle]:
    who, device = owned_device(request, KIND)
    assert isinstance(device, ElectricVehicle)
    return who.sim.now_ts(), device


def _envelope(device: ElectricVehicle) -> dict[str, Any]:
    data = {day: dict(device.policy[day]) for day in WEEKDAYS}
    data["timezone"] = device.policy["timezone"]
    return {
        "metadata": {
            "electric_vehicle_id": device.id,
            "user_id": device.owner.id,
            "error": None,
        },
        "data": data,
    }


async def get_policy(request: web.Request) -> web.Response:
    """``GET .../charge-policy``."""
    return json_response(_envelope(_ev(request)[1]))


def _validate_policy(body: dict[str, Any]) -> dict[str, Any]:
    errors: list[dict[str, Any]] = []
    clean: dict[str, Any] = {}
    for key, value in body.items():
        if key == "timezone":
            try:
                clean[key] = timezone_name(value)
            except FieldError as error:
                errors.append(error_item(("body", key), error, value))
        elif key in WEEKDAYS:
            if not isinstance(value, dict):
                problem = FieldError(
                    "model_type",
                    "Input should be a valid dictionary or instance of DaySchema",
                )
                errors.append(error_item(("body", key), problem, value))
                continue
            day, day_errors, _ignored = validate_fields(value, _DAY_SPEC, ("body", key))
            errors.extend(day_errors)
            clean[key] = day
        else:
            errors.append(
                error_item(
                    ("body", key),
                    FieldError("extra_forbidden", "Extra inputs are not permitted"),
                    value,
                )
            )
    if errors:
        raise validation_error(errors)
    return clean


async def put_policy(request: web.Request) -> web.Response:
    """``PUT .../charge-policy``: the ``data`` object; omitted days keep their values."""
    who, device = owned_device(request, KIND)
    assert isinstance(device, ElectricVehicle)
    clean = _validate_policy(await read_object(request))
    with who.sim.changing(device) as now:
        for key, value in clean.items():
            if key == "timezone":
                device.policy[key] = value
            else:
                device.policy[key] = {**device.policy[key], **value}
        device.touch_policy(now)
    return json_response(_envelope(device))


async def list_sessions(request: web.Request) -> web.Response:
    """``GET .../sessions?from=&to=&limit=&offset=``: completed sessions, newest first."""
    device = _ev(request)[1]
    first = query.day(request, "from")
    last = query.day(request, "to")
    limit = query.integer(request, "limit", 50, 1, 200)
    offset = query.integer(request, "offset", 0, 0)
    start = to_ts(datetime(first.year, first.month, first.day, tzinfo=UTC))
    end = to_ts(
        datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)
    )
    sessions = [s for s in device.all_sessions() if start <= s.plug_ts < end]
    sessions.sort(key=lambda s: s.plug_ts, reverse=True)
    page = sessions[offset : offset + limit]
    return json_response({"total": len(sessions), "items": [s.payload() for s in page]})


async def current_session(request: web.Request) -> web.Response:
    """``GET .../sessions/current``: ``{"session": null}`` while unplugged."""
    device = _ev(request)[1]
    session = device.session
    return json_response(
        {"session": None if session is None else session.payload(device.level)}
    )


def add_routes(router: web.UrlDispatcher) -> None:
    """Register the EV extra endpoints."""
    router.add_get(device_routes(KIND, "/charge-policy"), get_policy)
    router.add_put(device_routes(KIND, "/charge-policy"), put_policy)
    router.add_get(device_routes(KIND, "/sessions"), list_sessions)
    router.add_get(device_routes(KIND, "/sessions/current"), current_session)
