"""Clients for the demo's two processes: JSON over HTTP (urllib) and HA's websocket API (aiohttp).

`HomeAssistantApi` talks to Home Assistant as the demo user once it holds an access token;
`SimulatorApi` reads the simulator's admin endpoints (`/_sim/...`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import json
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

from scripts.lib.develop_common import DemoError


@dataclass
class Http:
    """A tiny JSON client for Home Assistant's and the simulator's HTTP APIs."""

    base_url: str
    token: str | None = None

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        form: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        expect: tuple[int, ...] = (200, 201),
    ) -> Any:
        """Send a request; return the decoded JSON answer (None when empty)."""
        headers = {"Accept": "application/json"}
        data: bytes | None = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(
            self.base_url + path, data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        if status not in expect:
            raise HttpStatusError(method, path, status, raw.decode(errors="replace"))
        return json.loads(raw) if raw.strip() else None

    def get(self, path: str, **kwargs: Any) -> Any:
        """GET path."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        """POST a JSON body (or `form=`)."""
        return self.request("POST", path, body, **kwargs)


class HttpStatusError(DemoError):
    """An HTTP answer with an unexpected status."""

    def __init__(self, method: str, path: str, status: int, text: str) -> None:
        """Keep the status for callers that accept some errors."""
        super().__init__(f"{method} {path} -> {status}: {text[:300]}")
        self.status = status


def websocket(
    base_url: str, token: str, commands: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Send commands over Home Assistant's websocket API; return the answers in order."""
    import asyncio  # noqa: PLC0415

    import aiohttp  # noqa: PLC0415 - in .venv with Home Assistant

    async def ask() -> list[dict[str, Any]]:
        answers = []
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(
                f"{base_url}/api/websocket",
                timeout=aiohttp.ClientWSTimeout(ws_close=30),
            ) as ws,
        ):
            await ws.receive_json(timeout=30)  # auth_required
            await ws.send_json({"type": "auth", "access_token": token})
            if (await ws.receive_json(timeout=30))["type"] != "auth_ok":
                raise DemoError("the websocket API refused the access token")
            for number, command in enumerate(commands, start=1):
                await ws.send_json({"id": number, **command})
                while (answer := await ws.receive_json(timeout=120)).get(
                    "id"
                ) != number:
                    pass
                answers.append(answer)
        return answers

    return asyncio.run(ask())


class HomeAssistantApi(Http):
    """Home Assistant's REST and websocket APIs, as the demo user once `token` is set."""

    def ask(self, *commands: dict[str, Any]) -> list[dict[str, Any]]:
        """Send commands over the websocket API; the answers in order."""
        assert self.token
        return websocket(self.base_url, self.token, list(commands))

    def state(self, entity_id: str) -> str | None:
        """An entity's state, or None if Home Assistant does not know it."""
        try:
            return str(self.get(f"/api/states/{entity_id}")["state"])
        except HttpStatusError as err:
            if err.status == 404:
                return None
            raise

    def podero_entries(self) -> list[dict[str, Any]]:
        """The config entries of the Podero integration."""
        return list(self.get("/api/config/config_entries/entry?domain=podero"))

    def podero_entities(self) -> list[str]:
        """Entity ids that belong to the Podero integration."""
        text = self.post(
            "/api/template",
            {"template": "{{ integration_entities('podero') | list | to_json }}"},
            expect=(200,),
        )
        return list(text) if isinstance(text, list) else json.loads(text)

    def imported_statistics(self) -> set[str]:
        """Ids of the statistics with sums that the recorder has (imported or compiled)."""
        (answer,) = self.ask(
            {"type": "recorder/list_statistic_ids", "statistic_type": "sum"}
        )
        return {s["statistic_id"] for s in answer.get("result") or []}

    def hourly_rows(self, ids: Iterable[str], hours: int) -> dict[str, int]:
        """How many hourly rows each statistic has over the last `hours` hours."""
        wanted = sorted(ids)
        if not wanted:
            return {}
        start = datetime.now(UTC) - timedelta(hours=hours)
        (answer,) = self.ask(
            {
                "type": "recorder/statistics_during_period",
                "start_time": start.isoformat(),
                "statistic_ids": wanted,
                "period": "hour",
                "types": ["change"],
            }
        )
        if not answer["success"]:
            raise DemoError(f"recorder/statistics_during_period: {answer['error']}")
        rows = answer["result"]
        return {statistic: len(rows.get(statistic, [])) for statistic in wanted}


class SimulatorApi(Http):
    """The simulator's admin endpoints: its devices and the requests it answered."""

    def device(self, kind: str) -> tuple[str, dict[str, Any]]:
        """The (id, API payload) of the household's only device of a kind (e.g. heat-pumps)."""
        devices = [
            (device_id, device["payload"])
            for device_id, device in self.get("/_sim/state")["devices"].items()
            if device["kind"] == kind
        ]
        if len(devices) != 1:
            raise DemoError(
                f"expected one {kind} in the simulator, found {len(devices)}"
            )
        return devices[0]

    def requests(self, method: str, path_part: str) -> list[dict[str, Any]]:
        """Requests the simulator logged with this method whose path contains path_part."""
        return [
            r
            for r in self.get("/_sim/requests")
            if r["method"] == method and path_part in r["path"]
        ]

    def forget_requests(self) -> None:
        """Empty the simulator's request log."""
        self.request("DELETE", "/_sim/requests", expect=(204,))
