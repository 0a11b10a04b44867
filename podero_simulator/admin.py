"""``/_sim`` admin API: inspect and steer the simulator (no auth, never logged)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from aiohttp import web

from .api import ApiError, json_response, read_object, simulator
from .faults import FaultSettings
from .simulator import Simulator
from .timeutil import iso, parse_datetime

ADMIN = "/_sim"


def _bad(message: str) -> ApiError:
    return ApiError(400, {"error": message})


def _flag(request: web.Request, name: str) -> bool:
    return request.query.get(name, "").lower() in ("1", "true", "yes")


def _device_id(request: web.Request, sim: Simulator) -> str:
    device_id = request.match_info["device_id"]
    if device_id not in sim.world.devices:
        raise ApiError(404, {"error": f"no device {device_id}"})
    return device_id


async def get_state(request: web.Request) -> web.Response:
    """Full dump."""
    return json_response(simulator(request).state())


async def post_reset(request: web.Request) -> web.Response:
    """Back to the scenario's initial state."""
    sim = simulator(request)
    sim.reset()
    return json_response({"now": iso(sim.now())})


async def get_faults(request: web.Request) -> web.Response:
    """Fault settings and active scripts."""
    return json_response(simulator(request).faults.dump())


_SETTING_TYPES = {field.name: field.type for field in fields(FaultSettings)}


async def put_faults(request: web.Request) -> web.Response:
    """Change some fault settings (partial)."""
    sim = simulator(request)
    body = await read_object(request)
    for name, value in body.items():
        if name not in _SETTING_TYPES:
            raise _bad(f"unknown fault setting {name!r}")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _bad(f"{name} must be a number")
        if name.startswith("p_") and not 0 <= value <= 1:
            raise _bad(f"{name} must be between 0 and 1")
    sim.faults.configure(
        **{
            k: int(v) if k in ("seed", "retry_after") else float(v)
            for k, v in body.items()
        }
    )
    return json_response(sim.faults.dump())


async def post_script(request: web.Request) -> web.Response:
    """Add a scripted fault: ``{kind, count?, match?, status?, retry_after?, latency_ms?}``."""
    sim = simulator(request)
    body = await read_object(request)
    try:
        scripted = sim.faults.script(
            str(body.get("kind")),
            body.get("count", 1),
            body.get("match"),
            status=body.get("status"),
            retry_after=body.get("retry_after"),
            latency_ms=body.get("latency_ms"),
        )
    except (ValueError, TypeError) as error:
        raise _bad(str(error)) from None
    return json_response(scripted.as_dict(), 201)


async def delete_script(request: web.Request) -> web.Response:
    """Remove one scripted fault (``?id=``) or all."""
    raw = request.query.get("id")
    simulator(request).faults.clear_scripts(int(raw) if raw and raw.isdigit() else None)
    return web.Response(status=204)


async def get_requests(request: web.Request) -> web.Response:
    """Request log (``?clear=1`` empties it after reading)."""
    sim = simulator(request)
    entries = sim.requests()
    if _flag(request, "clear"):
        sim.log.clear()
    return json_response(entries)


async def delete_requests(request: web.Request) -> web.Response:
    """Empty the request log and counters."""
    simulator(request).log.clear()
    return web.Response(status=204)


async def get_counters(request: web.Request) -> web.Response:
    """Return counts per ``"METHOD route"`` (``?clear=1`` resets log and counters)."""
    sim = simulator(request)
    counters = sim.counters()
    if _flag(request, "clear"):
        sim.log.clear()
    return json_response(counters)


async def post_revoke(request: web.Request) -> web.Response:
    """Revoke ``{"token": ...}`` or, without a body, every token."""
    sim = simulator(request)
    body = await read_object(request) if request.can_read_body else {}
    token = body.get("token")
    return json_response(
        {"revoked": sim.revoke_tokens(token if isinstance(token, str) else None)}
    )


async def post_expire(request: web.Request) -> web.Response:
    """Expire every issued access token now."""
    return json_response({"expired": simulator(request).expire_tokens()})


def _clock(sim: Simulator) -> dict[str, Any]:
    return {
        "now": iso(sim.now()),
        "speed": sim.clock.speed,
        "advanced_s": sim.clock.advanced_s,
    }


async def get_clock(request: web.Request) -> web.Response:
    """Return simulated now and speed."""
    return json_response(_clock(simulator(request)))


async def post_clock(request: web.Request) -> web.Response:
    """``{"advance_s": N}`` and/or ``{"speed": F}``."""
    sim = simulator(request)
    body = await read_object(request)
    advance = body.get("advance_s", 0)
    speed = body.get("speed")
    if isinstance(advance, bool) or not isinstance(advance, int | float) or advance < 0:
        raise _bad("advance_s must be a non-negative number")
    if speed is not None and (
        isinstance(speed, bool) or not isinstance(speed, int | float) or speed <= 0
    ):
        raise _bad("speed must be a positive number")
    if speed is not None:
        sim.set_speed(float(speed))
    sim.advance(float(advance))
    return json_response(_clock(sim))


async def post_device(request: web.Request) -> web.Response:
    """Add ``{"type": kind, "user_id"?, "fields"?, "new_site"?}``."""
    sim = simulator(request)
    body = await read_object(request)
    user_id = body.get("user_id")
    if user_id is not None and user_id not in sim.world.users:
        raise _bad(f"unknown user {user_id}")
    extra = body.get("fields") or {}
    if not isinstance(extra, dict):
        raise _bad("fields must be an object")
    try:
        device = sim.add_device(
            str(body.get("type")),
            user_id,
            fields=extra,
            new_site=body.get("new_site") is True,
        )
    except ValueError as error:
        raise _bad(str(error)) from None
    return json_response(sim.device_payload(device.id), 201)


async def delete_device(request: web.Request) -> web.Response:
    """Remove a device (``?soft=1``: set ``deleted_at`` instead)."""
    sim = simulator(request)
    sim.remove_device(_device_id(request, sim), soft=_flag(request, "soft"))
    return web.Response(status=204)


async def patch_device(request: web.Request) -> web.Response:
    """Overwrite raw fields of a device."""
    sim = simulator(request)
    device_id = _device_id(request, sim)
    return json_response(sim.patch_device(device_id, await read_object(request)))


async def post_plug(request: web.Request) -> web.Response:
    """``{"plugged_in": bool}`` for an EV or wallbox."""
    sim = simulator(request)
    device_id = _device_id(request, sim)
    plugged = (await read_object(request)).get("plugged_in")
    if not isinstance(plugged, bool):
        raise _bad("plugged_in must be a boolean")
    try:
        return json_response(sim.set_plugged_in(device_id, plugged))
    except TypeError as error:
        raise _bad(str(error)) from None


async def get_energy(request: web.Request) -> web.Response:
    """Return the true energy of a series: ``?series=&from=&to=`` (ISO datetimes)."""
    sim = simulator(request)
    device_id = _device_id(request, sim)
    try:
        start = parse_datetime(request.query["from"])
        end = parse_datetime(request.query.get("to") or iso(sim.now()) or "")
        value = sim.energy_wh(device_id, request.query["series"], start, end)
    except (KeyError, ValueError) as error:
        raise _bad(f"need series, from and to: {error}") from None
    return json_response({"wh": value, "from": iso(start), "to": iso(end)})


def add_routes(router: web.UrlDispatcher) -> None:
    """Register the admin API."""
    router.add_get(ADMIN + "/state", get_state)
    router.add_post(ADMIN + "/reset", post_reset)
    router.add_get(ADMIN + "/faults", get_faults)
    router.add_put(ADMIN + "/faults", put_faults)
    router.add_post(ADMIN + "/faults/script", post_script)
    router.add_delete(ADMIN + "/faults/script", delete_script)
    router.add_get(ADMIN + "/requests", get_requests)
    router.add_delete(ADMIN + "/requests", delete_requests)
    router.add_get(ADMIN + "/counters", get_counters)
    router.add_post(ADMIN + "/tokens/revoke", post_revoke)
    router.add_post(ADMIN + "/tokens/expire", post_expire)
    router.add_get(ADMIN + "/clock", get_clock)
    router.add_post(ADMIN + "/clock", post_clock)
    router.add_post(ADMIN + "/devices", post_device)
    router.add_delete(ADMIN + "/devices/{device_id}", delete_device)
    router.add_patch(ADMIN + "/devices/{device_id}", patch_device)
    router.add_post(ADMIN + "/devices/{device_id}/plug", post_plug)
    router.add_get(ADMIN + "/devices/{device_id}/energy", get_energy)
