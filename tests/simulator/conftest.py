"""Fixtures: a simulator on loopback with a hand-driven clock."""

from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
import pytest

from podero_simulator import SIMULATOR, Simulator, create_app

from .helpers import Api, ManualClock


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the repository-wide autouse fixture: these tests need no Home Assistant."""


@pytest.fixture
def clock() -> ManualClock:
    """Provide the base clock the simulator reads (fixed unless ticked)."""
    return ManualClock()


@pytest.fixture
def app_options() -> dict[str, Any]:
    """Options for ``create_app``; override per module."""
    return {}


@pytest.fixture
def app(clock: ManualClock, app_options: dict[str, Any]) -> web.Application:
    """Build the simulator app (demo household unless overridden)."""
    return create_app(clock=clock, **app_options)


@pytest.fixture
def sim(app: web.Application) -> Simulator:
    """Return the app's simulator."""
    return app[SIMULATOR]


@pytest.fixture
async def client(
    socket_enabled: None, app: web.Application
) -> AsyncIterator[TestClient[Any, Any]]:
    """Serve the app on 127.0.0.1 and return a client for it."""
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient[Any, Any], sim: Simulator) -> Api:
    """Send requests as the household user with the static token."""
    return Api(client, sim)
