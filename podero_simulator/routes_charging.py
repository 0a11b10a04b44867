"""Owner-level charging configuration endpoints."""

from __future__ import annotations

from aiohttp import web

from . import charging_config
from .api import USER_PATH, caller, json_response, read_object, validation_error
from .keys import LOG_ENTRY
from .validation import ValidationFailed


async def get_config(request: web.Request) -> web.Response:
    """``GET .../charging-config``."""
    who = caller(request)
    return json_response(
        charging_config.payload(who.sim.world, who.user, who.sim.now_ts())
    )


async def put_config(request: web.Request) -> web.Response:
    """``PUT .../charging-config``: mode and/or thresholds for all charging devices."""
    who = caller(request)
    body = await read_object(request)
    world = who.sim.world
    now = who.sim.now_ts()
    owned = [device for device in world.devices.values() if device.owner is who.user]
    # The past must be integrated under the old mode before it changes.
    world.sync(owned, now, exact=True)
    try:
        ignored = charging_config.update(world, who.user, body)
    except ValidationFailed as failed:
        raise validation_error(failed.errors) from None
    world.refresh(owned)
    if ignored and LOG_ENTRY in request:
        request[LOG_ENTRY]["ignored_fields"] = ignored
    return json_response(charging_config.payload(world, who.user, now))


def add_routes(router: web.UrlDispatcher) -> None:
    """Register the charging-config endpoints."""
    router.add_get(USER_PATH + "/charging-config", get_config)
    router.add_put(USER_PATH + "/charging-config", put_config)
