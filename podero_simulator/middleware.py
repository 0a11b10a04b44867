"""Request pipeline: JSON errors everywhere; logging and fault injection for API routes."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from .admin import ADMIN
from .api import ApiError, json_response
from .faults import Fault
from .keys import LOG_ENTRY, SIMULATOR
from .simulator import Simulator
from .timeutil import iso_ts

UNMATCHED = "<unmatched>"
_HANG_POLL_S = 0.05
_ERROR_PAGES = {
    500: "Server Error (500)",
    502: "502 Bad Gateway",
    503: "503 Service Temporarily Unavailable",
    504: "504 Gateway Time-out",
}


async def _call(request: web.Request, handler: Any) -> web.StreamResponse:
    """Run the handler, turning ``ApiError`` and router errors into JSON responses."""
    try:
        response: web.StreamResponse = await handler(request)
    except ApiError as error:
        return json_response(error.body, error.status, error.headers)
    except web.HTTPNotFound:
        return json_response({"detail": "Not Found"}, 404)
    except web.HTTPMethodNotAllowed as error:
        return json_response(
            {"detail": "Method Not Allowed"},
            405,
            {"Allow": ",".join(sorted(error.allowed_methods))},
        )
    return response


def route_template(request: web.Request) -> str:
    """Return the matched route template, e.g. ``/api/partners/v2.0/org/{org_id}/users``."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else UNMATCHED


async def _hold(request: web.Request, release: asyncio.Event) -> None:
    """Keep a request open until the client goes away or the server shuts down."""
    while not release.is_set():
        transport = request.transport
        if transport is None or transport.is_closing():
            return
        try:
            async with asyncio.timeout(_HANG_POLL_S):
                await release.wait()
        except TimeoutError:
            continue


def _malformed(response: web.StreamResponse) -> web.Response:
    """200 with a truncated JSON (or non-JSON) body."""
    body = response.body if isinstance(response, web.Response) else None
    if isinstance(body, bytes) and len(body) > 2:
        broken = body[: len(body) // 2]
    else:
        broken = b"<html><body>Service temporarily unavailable</body></html>"
    return web.Response(body=broken, status=200, content_type="application/json")


def _bearer(request: web.Request) -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def _with_fault(
    request: web.Request, handler: Any, sim: Simulator, fault: Fault
) -> web.StreamResponse | None:
    if fault.latency_s > 0:
        await asyncio.sleep(fault.latency_s)
    if fault.kind == "hang":
        await _hold(request, sim.faults.release)
        return None
    if fault.kind == "5xx":
        return web.Response(
            text=_ERROR_PAGES.get(fault.status, f"Error {fault.status}"),
            status=fault.status,
            content_type="text/html",
        )
    if fault.kind == "429":
        return json_response(
            {
                "detail": f"Request was throttled. Expected available in {fault.retry_after} seconds."
            },
            429,
            {"Retry-After": str(fault.retry_after)},
        )
    if fault.kind == "revoke":
        token = _bearer(request)
        if token is not None:
            sim.tokens.revoke(token)
    response = await _call(request, handler)
    if fault.kind == "malformed":
        return _malformed(response)
    return response


@web.middleware
async def pipeline(request: web.Request, handler: Any) -> web.StreamResponse:
    """Admin requests pass straight through; API requests are logged and may fail."""
    if request.path == ADMIN or request.path.startswith(ADMIN + "/"):
        return await _call(request, handler)
    sim = request.app[SIMULATOR]
    entry = sim.log.start(
        request.method, request.path, route_template(request), iso_ts(sim.now_ts())
    )
    request[LOG_ENTRY] = entry
    fault = sim.faults.decide(request.method, request.path)
    entry["fault"] = fault.kind
    response = await _with_fault(request, handler, sim, fault)
    if response is None:
        # A hung request is never answered; it only ends on disconnect or shutdown.
        return json_response({"detail": "Simulator shutting down."}, 503)
    entry["status"] = response.status
    return response
