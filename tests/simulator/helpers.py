"""Helpers for talking to the simulator in tests."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from podero_simulator import Simulator

# Thursday 15 January 2026, 12:00 in Vienna: a fixed, ordinary winter noon.
START = datetime(2026, 1, 15, 11, 0, tzinfo=UTC)
PREFIX = "/api/partners/v2.0"
HP, EV, INV, WB = "heat-pumps", "electric-vehicles", "inverters", "wallboxes"
KINDS = (HP, EV, INV, WB)


class ManualClock:
    """A base clock that only moves when told to."""

    def __init__(self, start: datetime = START) -> None:
        """Start at ``start``."""
        self.now = start

    def __call__(self) -> datetime:
        """Return the current instant."""
        return self.now

    def tick(self, seconds: float) -> None:
        """Move forward."""
        self.now += timedelta(seconds=seconds)


@dataclass
class Api:
    """A test client bound to the simulator's household user and static token."""

    client: TestClient[Any, Any]
    sim: Simulator

    def org_path(self, suffix: str = "", org_id: str | None = None) -> str:
        """Path below the organisation (the simulator's own unless given)."""
        return f"{PREFIX}/org/{org_id or self.sim.org_id}{suffix}"

    def path(self, suffix: str = "", user_id: str | None = None) -> str:
        """Path below a user of the organisation (the household unless given)."""
        return self.org_path(f"/users/{user_id or self.sim.user_id}{suffix}")

    def id(self, kind: str) -> str:
        """Id of the household's first device of ``kind``."""
        return device_id(self.sim, kind)

    def device(self, kind: str, suffix: str = "") -> str:
        """Relative path of the household's first device of ``kind``."""
        return f"{kind}/{self.id(kind)}{suffix}"

    async def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> ClientResponse:
        """Send a request with auth (``path`` relative to the user unless absolute)."""
        url = path if path.startswith("/") else self.path("/" + path)
        auth = {"Authorization": f"Bearer {token or self.sim.static_token}"}
        return await self.client.request(
            method, url, headers=auth | (headers or {}), **kwargs
        )

    async def status(self, method: str, path: str, **kwargs: Any) -> int:
        """Send a request and return only its status."""
        response = await self.request(method, path, **kwargs)
        await response.read()
        return response.status

    async def json(
        self, method: str, path: str, status: int = 200, **kwargs: Any
    ) -> Any:
        """Send a request, assert the status and return the JSON body."""
        response = await self.request(method, path, **kwargs)
        assert response.status == status, await response.text()
        return await response.json()

    async def get(self, path: str, status: int = 200, **kwargs: Any) -> Any:
        """GET returning JSON."""
        return await self.json("GET", path, status, **kwargs)

    async def put(self, path: str, body: Any, status: int = 200, **kwargs: Any) -> Any:
        """PUT JSON returning JSON."""
        return await self.json("PUT", path, status, json=body, **kwargs)


def device_id(sim: Simulator, kind: str) -> str:
    """Id of the household's first device of ``kind``."""
    return sim.devices(kind, sim.user_id)[0].id


def loc_fields(body: dict[str, Any]) -> list[str]:
    """Return the last ``loc`` element of every 422 item."""
    return [str(item["loc"][-1]) for item in body["detail"]]
