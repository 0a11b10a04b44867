"""Fault injection: scripted and seeded random faults on API routes only."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient
import pytest

from podero_simulator import SIMULATOR, FaultSettings, Simulator, create_app
from podero_simulator.faults import FaultController
from podero_simulator.testing import serve

from .helpers import PREFIX, Api, ManualClock, device_id

LIST_HP = "GET /api/partners/v2.0/org/{org}/users/{user}/heat-pumps"


async def status_of(
    api: Api, path: str = "heat-pumps", method: str = "GET", **kwargs: Any
) -> int:
    """Status of one request."""
    response = await api.request(method, path, **kwargs)
    await response.read()
    return response.status


async def test_next_k_matching_requests_get_5xx(api: Api, sim: Simulator) -> None:
    """``script(kind="5xx", count=3, match=...)``: exactly three 503s, then normal."""
    sim.faults.script(kind="5xx", count=3, match=LIST_HP)
    assert [await status_of(api) for _ in range(4)] == [503, 503, 503, 200]


async def test_scripted_5xx_only_hits_the_matching_route(
    api: Api, sim: Simulator
) -> None:
    """Other routes (even the heat-pump detail) are untouched."""
    sim.faults.script(kind="5xx", count=1, match=LIST_HP)
    assert await status_of(api, f"heat-pumps/{device_id(sim, 'heat-pumps')}") == 200
    assert await status_of(api, "inverters") == 200
    assert await status_of(api) == 503


async def test_5xx_status_can_be_chosen_and_is_html(api: Api, sim: Simulator) -> None:
    """A gateway error page is not JSON."""
    sim.faults.script(kind="5xx", status=502)
    response = await api.request("GET", "heat-pumps")
    assert response.status == 502
    assert response.content_type == "text/html"
    assert "Bad Gateway" in await response.text()


async def test_429_carries_retry_after(api: Api, sim: Simulator) -> None:
    """Throttling answers 429 with ``Retry-After``."""
    sim.faults.script(kind="429", retry_after=7)
    response = await api.request("GET", "heat-pumps")
    assert response.status == 429
    assert response.headers["Retry-After"] == "7"
    assert "detail" in await response.json()


async def test_latency_delays_but_succeeds(api: Api, sim: Simulator) -> None:
    """A latency fault only slows the request down."""
    sim.faults.script(kind="latency", latency_ms=80)
    started = time.monotonic()
    assert await status_of(api) == 200
    assert time.monotonic() - started >= 0.08


async def test_malformed_body_is_200_and_not_json(api: Api, sim: Simulator) -> None:
    """A malformed answer is 200 with a truncated JSON body."""
    sim.faults.script(kind="malformed")
    response = await api.request("GET", "heat-pumps")
    assert response.status == 200
    text = await response.text()
    assert text.startswith("[{")
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


async def test_malformed_empty_answer_becomes_html(api: Api, sim: Simulator) -> None:
    """A 204 turned malformed carries a non-JSON body."""
    sim.faults.script(kind="malformed")
    response = await api.request(
        "DELETE", f"electric-vehicles/{device_id(sim, 'electric-vehicles')}/boost"
    )
    assert response.status == 200
    assert (await response.text()).startswith("<html>")


async def test_malformed_put_still_applies_the_change(api: Api, sim: Simulator) -> None:
    """The server did the work; only the answer got lost."""
    hp = device_id(sim, "heat-pumps")
    sim.faults.script(
        kind="malformed",
        match="PUT /api/partners/v2.0/org/{org}/users/{user}/heat-pumps/{id}",
    )
    assert (
        await status_of(api, f"heat-pumps/{hp}", "PUT", json={"comment": "done"}) == 200
    )
    assert (await api.get(f"heat-pumps/{hp}"))["comment"] == "done"


async def test_revoke_fault_revokes_the_callers_token(api: Api, sim: Simulator) -> None:
    """The request and every later one with that token get 401."""
    sim.faults.script(kind="revoke")
    assert await status_of(api) == 401
    assert await status_of(api) == 401


async def test_hang_holds_until_the_client_gives_up(api: Api, sim: Simulator) -> None:
    """A hung request never answers; the server stays usable."""
    sim.faults.script(kind="hang")
    with pytest.raises(TimeoutError):
        await api.request("GET", "heat-pumps", timeout=aiohttp.ClientTimeout(total=0.3))
    assert await status_of(api) == 200
    hung = sim.requests()[0]
    assert (hung["fault"], hung["status"]) == ("hang", None)


async def test_hung_request_is_released_on_shutdown(
    socket_enabled: None, clock: ManualClock
) -> None:
    """Leaving ``serve`` ends hung requests promptly."""
    app = create_app(clock=clock)
    sim = app[SIMULATOR]
    sim.faults.script(kind="hang")
    url = f"{PREFIX}/org/{sim.org_id}/users/{sim.user_id}/heat-pumps"
    async with aiohttp.ClientSession() as session:
        async with serve(app) as base_url:
            pending = asyncio.create_task(
                session.get(
                    base_url + url,
                    headers={"Authorization": f"Bearer {sim.static_token}"},
                )
            )
            await asyncio.sleep(0.2)
            assert not pending.done()
            started = time.monotonic()
        outcome = await asyncio.gather(pending, return_exceptions=True)
        assert time.monotonic() - started < 3
        response = outcome[0]
        if isinstance(response, aiohttp.ClientResponse):
            assert response.status == 503
            response.release()


async def test_until_cleared_faults_persist(api: Api, sim: Simulator) -> None:
    """``count=None`` keeps failing until the script is cleared."""
    scripted = sim.faults.script(kind="5xx", count=None, match=LIST_HP)
    assert [await status_of(api) for _ in range(5)] == [503] * 5
    sim.faults.clear_scripts(scripted.id)
    assert await status_of(api) == 200


async def test_match_wildcards(api: Api, sim: Simulator) -> None:
    """``*`` as method and a trailing ``*`` prefix match; no match hits everything."""
    sim.faults.script(kind="5xx", count=2, match="* /api/partners/v2.0/org/*")
    assert await status_of(api, "inverters") == 503
    assert await status_of(api, "wallboxes", "GET") == 503
    sim.faults.script(kind="429", count=1)
    assert await status_of(api, f"{PREFIX}/org/{sim.org_id}/users") == 429


async def test_match_without_method_means_any_method(api: Api, sim: Simulator) -> None:
    """A bare path pattern matches any method."""
    sim.faults.script(kind="5xx", match=f"{PREFIX}/org/{{org}}/users")
    assert await status_of(api, f"{PREFIX}/org/{sim.org_id}/users") == 503


async def test_token_endpoint_can_fail_too(
    client: TestClient[Any, Any], sim: Simulator
) -> None:
    """The OAuth endpoint is an API route for fault purposes."""
    sim.faults.script(kind="5xx", match="POST /oauth2/token/")
    response = await client.post(
        "/oauth2/token/", json={"grant_type": "client_credentials"}
    )
    assert response.status == 503


async def test_admin_routes_never_fail(api: Api, sim: Simulator) -> None:
    """Faults and logging skip ``/_sim``."""
    sim.faults.configure(p_5xx=1.0)
    response = await api.client.get("/_sim/clock")
    assert response.status == 200
    assert sim.requests() == []


async def test_random_faults_are_reproducible_per_seed(
    socket_enabled: None, clock: ManualClock
) -> None:
    """The same seed yields the same fault sequence, with all four 5xx codes."""
    sequences = []
    for _ in range(2):
        app = create_app(clock=clock, faults=FaultSettings(p_5xx=0.6, seed=11))
        async with TestClient(
            aiohttp.test_utils.TestServer(app, host="127.0.0.1")
        ) as client:
            api = Api(client, app[SIMULATOR])
            sequences.append([await status_of(api) for _ in range(40)])
    assert sequences[0] == sequences[1]
    assert {500, 502, 503, 504, 200} <= set(sequences[0])


@pytest.mark.parametrize(
    ("setting", "status"),
    [("p_429", 429), ("p_malformed", 200), ("p_revoke", 401)],
)
async def test_random_fault_kinds(
    api: Api, sim: Simulator, setting: str, status: int
) -> None:
    """Probability 1 makes every request fail that way."""
    sim.faults.configure(**{setting: 1.0})
    assert await status_of(api) == status
    assert sim.requests()[-1]["fault"] == setting.removeprefix("p_")


async def test_random_hang(api: Api, sim: Simulator) -> None:
    """``p_hang`` hangs requests."""
    sim.faults.configure(p_hang=1.0)
    with pytest.raises(TimeoutError):
        await api.request("GET", "heat-pumps", timeout=aiohttp.ClientTimeout(total=0.2))


async def test_fixed_latency_setting(api: Api, sim: Simulator) -> None:
    """``latency_ms`` delays every API request."""
    sim.faults.configure(latency_ms=60)
    started = time.monotonic()
    await status_of(api)
    assert time.monotonic() - started >= 0.06


def test_script_rejects_unknown_kinds_and_counts() -> None:
    """Bad scripts raise ValueError."""
    faults = FaultController()
    with pytest.raises(ValueError, match="unknown fault kind"):
        faults.script(kind="explode")
    with pytest.raises(ValueError, match="count"):
        faults.script(kind="5xx", count=0)


def test_configure_rejects_unknown_settings_and_reseeds() -> None:
    """Unknown settings raise; a new seed restarts the dice."""
    faults = FaultController(FaultSettings(p_5xx=0.5, seed=1))
    with pytest.raises(ValueError, match="unknown fault settings"):
        faults.configure(p_explode=1.0)
    first = [faults.decide("GET", "/x").kind for _ in range(20)]
    faults.configure(seed=1)
    assert [faults.decide("GET", "/x").kind for _ in range(20)] == first


def test_reset_clears_everything_but_the_seed() -> None:
    """``reset`` removes scripts and probabilities."""
    faults = FaultController(FaultSettings(p_429=1.0, seed=5))
    faults.script(kind="hang")
    faults.reset()
    assert faults.decide("GET", "/x").kind is None
    assert faults.dump() == {"settings": FaultSettings(seed=5).as_dict(), "scripts": []}
