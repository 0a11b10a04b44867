"""Device list/detail/update for all four types, and the boost endpoints."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from .api import (
    USER_PATH,
    ApiError,
    bool_param,
    caller,
    device_routes,
    json_response,
    owned_device,
    read_object,
    validation_error,
)
from .device_updates import validate_update
from .devices.electric_vehicle import ElectricVehicle
from .devices.wallbox import Wallbox
from .keys import LOG_ENTRY
from .scenarios import KINDS
from .validation import ValidationFailed

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _list(kind: str) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        who = caller(request)
        include = bool_param(request, "include_deleted")
        devices = who.sim.world.owned(who.user.id, kind, include_deleted=include)
        now = who.sim.now_ts()
        who.sim.world.sync(devices, now)
        return json_response([device.payload(now) for device in devices])

    handler.__doc__ = (
        f"``GET .../{kind}``: plain array, soft-deleted excluded by default."
    )
    return handler


def _detail(kind: str) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        include = bool_param(request, "include_deleted")
        who, device = owned_device(request, kind, include_deleted=include)
        return json_response(device.payload(who.sim.now_ts(), detail=True))

    handler.__doc__ = f"``GET .../{kind}/{{id}}``: the object plus ``actions``."
    return handler


def _update(kind: str) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        who, device = owned_device(request, kind)
        body = await read_object(request)
        try:
            clean, ignored = validate_update(device, body)
        except ValidationFailed as failed:
            raise validation_error(failed.errors) from None
        who.sim.update_device(device.id, clean)
        if ignored and LOG_ENTRY in request:
            request[LOG_ENTRY]["ignored_fields"] = ignored
        return json_response(device.payload(who.sim.now_ts(), detail=True))

    handler.__doc__ = (
        f"``PUT .../{kind}/{{id}}``: partial update; unknown/read-only keys ignored."
    )
    return handler


def _boost(kind: str) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        who, device = owned_device(request, kind)
        status, body = who.sim.boost(device.id)
        if status == 409:
            raise ApiError(409, body)
        return web.Response(status=204)

    handler.__doc__ = "``POST .../boost``: 204, or 409 ``{state, reason}``."
    return handler


def _unboost(kind: str) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        who, device = owned_device(request, kind)
        who.sim.cancel_boost(device.id)
        return web.Response(status=204)

    handler.__doc__ = "``DELETE .../boost``: always 204."
    return handler


def add_routes(router: web.UrlDispatcher) -> None:
    """Register device routes for every type."""
    for kind in KINDS:
        router.add_get(f"{USER_PATH}/{kind}", _list(kind))
        router.add_get(device_routes(kind), _detail(kind))
        router.add_put(device_routes(kind), _update(kind))
    for kind in (ElectricVehicle.kind, Wallbox.kind):
        router.add_post(device_routes(kind, "/boost"), _boost(kind))
        router.add_delete(device_routes(kind, "/boost"), _unboost(kind))
