"""Fixtures: the Podero simulator (and a tiny scripted server) on loopback, and clients for them.

These tests need no Home Assistant: the client is plain asyncio + aiohttp. Every request goes over
a real socket to 127.0.0.1, so what the client sends and parses is exactly what a server sees.
"""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
import json
import socket
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.podero.api import (
    ClientCredentialsAuth,
    PoderoAuth,
    PoderoClient,
    StaticTokenAuth,
)
from podero_simulator import SIMULATOR, Simulator, create_app
from podero_simulator.testing import serve

# A Thursday noon in Vienna (winter time), as in the simulator's own tests.
START = datetime(2026, 1, 15, 11, 0, tzinfo=UTC)

TOKEN_ROUTE = "POST /oauth2/token/"
PASSWORD_TOKEN_ROUTE = "POST /api/partners/v2.0/auth/token"
HEAT_PUMPS = "GET /api/partners/v2.0/org/{o}/users/{u}/heat-pumps"
UNKNOWN_ID = "0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f"


class MonotonicClock:
    """A stand-in for time.monotonic that the auth strategies read to decide on renewals."""

    def __init__(self) -> None:
        """Start at an arbitrary, non-zero instant."""
        self.now = 1000.0

    def __call__(self) -> float:
        """Return the current instant."""
        return self.now


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the repository-wide autouse fixture: these tests need no Home Assistant."""


@pytest.fixture
def app() -> web.Application:
    """The simulator with the demo household; its clock only moves when a test advances it."""
    return create_app(clock=lambda: START)


@pytest.fixture
def sim(app: web.Application) -> Simulator:
    """The simulator behind the app (in-process admin: faults, log, tokens, devices)."""
    return app[SIMULATOR]


@pytest.fixture
async def base_url(socket_enabled: None, app: web.Application) -> AsyncIterator[str]:
    """The simulator served on 127.0.0.1 (http is allowed for loopback only)."""
    async with serve(app) as url:
        yield url


@pytest.fixture
def unreachable_url(socket_enabled: None) -> str:
    """A loopback URL nobody listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """The HTTP session the caller injects into the client (and closes)."""
    async with aiohttp.ClientSession() as http:
        yield http


type ClientFactory = Callable[..., PoderoClient]


@pytest.fixture
def make_client(
    session: aiohttp.ClientSession, base_url: str, sim: Simulator
) -> ClientFactory:
    """Build a client for the simulator; defaults: static token, household user."""

    def make(
        auth: PoderoAuth | None = None,
        *,
        org_id: str | None = None,
        user_id: str | None = "household",
        url: str | None = None,
        **options: Any,
    ) -> PoderoClient:
        return PoderoClient(
            session,
            url or base_url,
            auth or StaticTokenAuth(sim.static_token),
            org_id or sim.org_id,
            sim.user_id if user_id == "household" else user_id,
            **options,
        )

    return make


@pytest.fixture
def client(make_client: ClientFactory) -> PoderoClient:
    """A client for the household user with the static API token."""
    return make_client()


@pytest.fixture
def monotonic() -> MonotonicClock:
    """The clock the OAuth strategies use for token expiry."""
    return MonotonicClock()


@pytest.fixture
def client_credentials(
    sim: Simulator, monotonic: MonotonicClock
) -> ClientCredentialsAuth:
    """OAuth client credentials the simulator accepts, on a hand-driven clock."""
    return ClientCredentialsAuth(sim.client_id, sim.client_secret, clock=monotonic)


def api_requests(sim: Simulator) -> list[str]:
    """'METHOD path' of every request the simulator saw, oldest first."""
    return [f"{entry['method']} {entry['path']}" for entry in sim.requests()]


def token_requests(sim: Simulator, route: str = TOKEN_ROUTE) -> int:
    """How often a token endpoint was asked for a token."""
    return sim.counters().get(route, 0)


# --- a tiny scripted server, for what the simulator cannot be made to answer ----------------


@dataclass
class Reply:
    """One scripted answer: JSON (or raw bytes), status and headers."""

    status: int = 200
    json: Any = None  # a callable gets the request (to echo what it sent)
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def render(self, request: web.Request) -> web.Response:
        """Build the response."""
        data = self.json(request) if callable(self.json) else self.json
        body = self.raw if self.raw is not None else json.dumps(data).encode()
        return web.Response(
            body=body,
            status=self.status,
            content_type="application/json",
            headers=self.headers,
        )


@dataclass
class ScriptedServer:
    """Answers each path with its scripted reply (or the default one) and records requests."""

    url: str = ""
    default: Reply = field(default_factory=lambda: Reply(404, {"detail": "Not Found"}))
    replies: dict[str, Reply] = field(default_factory=dict)
    received: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)

    def reply(self, *, path: str | None = None, **reply: Any) -> None:
        """Script the answer for one path (ending), or for every request."""
        if path is None:
            self.default = Reply(**reply)
        else:
            self.replies[path] = Reply(**reply)

    def paths(self) -> list[str]:
        """The path of every request received, oldest first."""
        return [path for _, path, _, _ in self.received]

    async def handle(self, request: web.Request) -> web.Response:
        """Record the request and answer it."""
        body = await request.read()
        self.received.append(
            (request.method, request.path, dict(request.headers), body)
        )
        for path, reply in self.replies.items():
            if request.path.endswith(path):
                return reply.render(request)
        return self.default.render(request)


@pytest.fixture
async def scripted(socket_enabled: None) -> AsyncIterator[ScriptedServer]:
    """A scripted HTTP server on 127.0.0.1."""
    server = ScriptedServer()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", server.handle)
    async with serve(app) as url:
        server.url = url
        yield server


@pytest.fixture
def scripted_client(
    session: aiohttp.ClientSession, scripted: ScriptedServer
) -> ClientFactory:
    """Build a client for the scripted server (same ids as the demo household)."""

    def make(auth: PoderoAuth | None = None, **options: Any) -> PoderoClient:
        return PoderoClient(
            session,
            scripted.url,
            auth or StaticTokenAuth("scripted-static-token"),
            Simulator.org_id,
            Simulator.user_id,
            **options,
        )

    return make
