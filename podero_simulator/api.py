"""Shared HTTP plumbing of the API routes: errors, JSON, auth and path checks."""

from __future__ import annotations

from dataclasses import dataclass
import json
from typing import Any

from aiohttp import web

from .auth import Token
from .devices.base import Device
from .ids import canonical_uuid, is_uuid
from .keys import SIMULATOR
from .people import User
from .simulator import Simulator
from .validation import FieldError, error_item

PREFIX = "/api/partners/v2.0"
USER_PATH = PREFIX + "/org/{org_id}/users/{user_id}"
DEVICE_PARAMS = {
    "heat-pumps": "heat_pump_id",
    "electric-vehicles": "electric_vehicle_id",
    "inverters": "inverter_id",
    "wallboxes": "wallbox_id",
}
FORBIDDEN = "You do not have permission to perform this action."


class ApiError(Exception):
    """An error response with a JSON body."""

    def __init__(
        self, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> None:
        """Describe the response."""
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def dumps(data: Any) -> str:
    """Compact JSON."""
    return json.dumps(data, separators=(",", ":"))


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """Build a JSON response."""
    return web.Response(
        text=dumps(data),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def not_found() -> ApiError:
    """Django Ninja's 404."""
    return ApiError(404, {"detail": "Not Found"})


def validation_error(errors: list[dict[str, Any]]) -> ApiError:
    """422 with pydantic-style items."""
    return ApiError(422, {"detail": errors})


async def read_object(request: web.Request) -> dict[str, Any]:
    """Read the JSON object body: 400 if it is not JSON, 422 if not an object."""
    raw = await request.read()
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        raise ApiError(400, {"detail": "Cannot parse request body"}) from None
    if not isinstance(body, dict):
        problem = FieldError(
            "model_attributes_type",
            "Input should be a valid dictionary or object to extract fields from",
        )
        raise validation_error([error_item(("body",), problem, body)])
    return body


def bool_param(request: web.Request, name: str, *, where: str = "query") -> bool:
    """Parse a boolean query/header parameter as pydantic does (false if absent)."""
    source = request.query if where == "query" else request.headers
    value = source.get(name)
    if value is None:
        return False
    lowered = value.strip().lower()
    if lowered in ("true", "1", "yes", "on", "t", "y"):
        return True
    if lowered in ("false", "0", "no", "off", "f", "n", ""):
        return False
    problem = FieldError(
        "bool_parsing", "Input should be a valid boolean, unable to interpret input"
    )
    raise validation_error([error_item((where, name), problem, value)])


def simulator(request: web.Request) -> Simulator:
    """Return the app's simulator."""
    return request.app[SIMULATOR]


def authenticate(request: web.Request) -> Token:
    """Return the caller's bearer token, or raise 401."""
    sim = simulator(request)
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(401, {"detail": "Authentication credentials were not provided."})
    token, reason = sim.tokens.check(value.strip(), sim.now_ts())
    if token is None:
        raise ApiError(401, {"detail": reason})
    return token


def path_uuids(request: web.Request, *names: str) -> dict[str, str]:
    """Validate UUID path parameters (422 naming every bad one)."""
    errors = []
    values = {}
    for name in names:
        raw = request.match_info[name]
        if is_uuid(raw):
            values[name] = canonical_uuid(raw)
        else:
            errors.append(
                error_item(
                    ("path", name),
                    FieldError("uuid_parsing", "Input should be a valid UUID"),
                    raw,
                )
            )
    if errors:
        raise validation_error(errors)
    return values


@dataclass
class Caller:
    """An authenticated request on a user path."""

    sim: Simulator
    token: Token
    user: User


def check_org(token: Token, org_id: str) -> None:
    """403 unless the token belongs to ``org_id``."""
    if token.org_id != org_id:
        raise ApiError(403, {"detail": FORBIDDEN})


def caller(request: web.Request) -> Caller:
    """Auth (401) → path ids (422) → access (403) → user exists (404)."""
    token = authenticate(request)
    ids = path_uuids(request, "org_id", "user_id")
    check_org(token, ids["org_id"])
    if token.user_id is not None and token.user_id != ids["user_id"]:
        raise ApiError(403, {"detail": FORBIDDEN})
    sim = simulator(request)
    user = sim.world.users.get(ids["user_id"])
    if user is None or user.org_id != ids["org_id"]:
        raise not_found()
    if user.deleted_at is not None and not bool_param(request, "include_deleted"):
        raise not_found()
    return Caller(sim, token, user)


def owned_device(
    request: web.Request, kind: str, *, include_deleted: bool = False
) -> tuple[Caller, Device]:
    """Find the device addressed by the path, synced to now (404 if not this user's)."""
    who = caller(request)
    param = DEVICE_PARAMS[kind]
    device_id = path_uuids(request, param)[param]
    device = who.sim.world.devices.get(device_id)
    if device is None or device.kind != kind or device.owner is not who.user:
        raise not_found()
    if device.deleted and not include_deleted:
        raise not_found()
    who.sim.sync([device])
    return who, device


def device_routes(kind: str, suffix: str = "") -> str:
    """Route template of a device path."""
    base = f"{USER_PATH}/{kind}/{{{DEVICE_PARAMS[kind]}}}"
    return base + suffix
