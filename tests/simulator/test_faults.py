"""Fault injection: scripted and seeded random faults on API routes only."""

from collections.abc import Callable
import json
import time
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient, TestServer
import pytest

from podero_simulator import SIMULATOR, FaultSettings, Simulator, create_app
from podero_simulator.faults import FaultController

from .helpers import EV, HP, PREFIX, Api, ManualClock

HP_ROUTE = PREFIX + "/org/{org}/users/{user}/heat-pumps"
LIST_HP = f"GET {HP_ROUTE}"
USERS = PREFIX + "/org/{org}/users"
GRANT = {"grant_type": "client_credentials"}


async def status_of(api: Api, path: str = HP, method: str = "GET", **kw: Any) -> int:
    """Status of one request (the heat-pump list unless told)."""
    return await api.status(method, path, **kw)


async def test_next_k_matching_requests_get_5xx(api: Api, sim: Simulator) -> None:
    """``script(kind="5xx", count=3, match=...)``: exactly three 503s, then normal."""
    sim.faults.script(kind="5xx", count=3, match=LIST_HP)
    assert [await status_of(api) for _ in range(4)] == [503, 503, 503, 200]


async def test_scripted_5xx_only_hits_the_matching_route(api: Api) -> None:
    """Other routes (even the heat-pump detail) are untouched."""
    api.sim.faults.script(kind="5xx", count=1, match=LIST_HP)
    assert await status_of(api, api.device(HP)) == 200
    assert await status_of(api, "inverters") == 200
    assert await status_of(api) == 503


async def test_5xx_status_can_be_chosen_and_is_html(api: Api, sim: Simulator) -> None:
    """A gateway error page is not JSON."""
    sim.faults.script(kind="5xx", status=502)
    response = await api.request("GET", HP)
    assert (response.status, response.content_type) == (502, "text/html")
    assert "Bad Gateway" in await response.text()


async def test_429_carries_retry_after(api: Api, sim: Simulator) -> None:
    """Throttling answers 429 with ``Retry-After``."""
    sim.faults.script(kind="429", retry_after=7)
    response = await api.request("GET", HP)
    assert (response.status, response.headers["Retry-After"]) == (429, "7")
    assert "detail" in await response.json()


@pytest.mark.parametrize(
    "inject",
    [
        lambda faults: faults.script(kind="latency", latency_ms=80),
        lambda faults: faults.configure(latency_ms=80),
    ],
    ids=["scripted", "setting"],
)
async def test_latency_delays_but_succeeds(
    api: Api, sim: Simulator, inject: Callable[[FaultController], object]
) -> None:
    """A latency fault (scripted or the ``latency_ms`` setting) only slows requests."""
    inject(sim.faults)
    started = time.monotonic()
    assert await status_of(api) == 200
    assert time.monotonic() - started >= 0.08


@pytest.mark.parametrize(
    ("method", "kind", "suffix", "start"),
    [("GET", HP, "", "{"), ("DELETE", EV, "/boost", "<html>")],
    ids=["truncated-json", "empty-becomes-html"],
)
async def test_malformed_answer_is_200_and_not_json(
    api: Api, sim: Simulator, method: str, kind: str, suffix: str, start: str
) -> None:
    """A malformed answer is 200 with truncated JSON, or HTML in place of a 204."""
    sim.faults.script(kind="malformed")
    response = await api.request(method, api.device(kind, suffix))
    text = await response.text()
    assert (response.status, text[: len(start)]) == (200, start)
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


async def test_malformed_put_still_applies_the_change(api: Api, sim: Simulator) -> None:
    """The server did the work; only the answer got lost."""
    sim.faults.script(kind="malformed", match=f"PUT {HP_ROUTE}/{{id}}")
    assert await status_of(api, api.device(HP), "PUT", json={"comment": "done"}) == 200
    assert (await api.get(api.device(HP)))["comment"] == "done"


async def test_revoke_fault_revokes_the_callers_token(api: Api, sim: Simulator) -> None:
    """The request and every later one with that token get 401."""
    sim.faults.script(kind="revoke")
    assert [await status_of(api) for _ in range(2)] == [401, 401]


@pytest.mark.parametrize(
    "inject",
    [
        lambda faults: faults.script(kind="hang"),
        lambda faults: faults.configure(p_hang=1),
    ],
    ids=["scripted", "setting"],
)
async def test_hang_holds_until_the_client_gives_up(
    api: Api, sim: Simulator, inject: Callable[[FaultController], object]
) -> None:
    """A hung request (scripted or ``p_hang``) never answers; the server stays usable."""
    inject(sim.faults)
    with pytest.raises(TimeoutError):
        await api.request("GET", HP, timeout=aiohttp.ClientTimeout(total=0.3))
    assert (await api.client.get("/_sim/clock")).status == 200
    hung = sim.requests()[0]
    assert (hung["fault"], hung["status"]) == ("hang", None)


async def test_until_cleared_faults_persist(api: Api, sim: Simulator) -> None:
    """``count=None`` keeps failing until the script is cleared."""
    scripted = sim.faults.script(kind="5xx", count=None, match=LIST_HP)
    assert [await status_of(api) for _ in range(5)] == [503] * 5
    sim.faults.clear_scripts(scripted.id)
    assert await status_of(api) == 200


@pytest.mark.parametrize(
    ("match", "method", "path"),
    [
        (f"* {PREFIX}/org/*", "GET", USERS),
        (f"* {PREFIX}/org/*", "POST", USERS),
        (f"{PREFIX}/org/{{org}}/users", "POST", USERS),
        (None, "GET", USERS),
        ("POST /oauth2/token/", "POST", "/oauth2/token/"),
    ],
    ids=["any-method-prefix", "any-method-post", "bare-path", "no-match", "oauth"],
)
async def test_match_patterns(
    api: Api, sim: Simulator, match: str | None, method: str, path: str
) -> None:
    """``*`` method, ``*`` prefix, bare path (any method), none (all); OAuth counts too."""
    sim.faults.script(kind="5xx", count=1, match=match)
    path = path.format(org=sim.org_id)
    assert await status_of(api, path, method, json=GRANT) == 503


async def test_admin_routes_never_fail(api: Api, sim: Simulator) -> None:
    """Faults and logging skip ``/_sim``."""
    sim.faults.configure(p_5xx=1.0)
    assert (await api.client.get("/_sim/clock")).status == 200
    assert sim.requests() == []


async def test_random_faults_are_reproducible_per_seed(
    socket_enabled: None, clock: ManualClock
) -> None:
    """The same seed yields the same fault sequence, with all four 5xx codes."""
    sequences = []
    for _ in range(2):
        app = create_app(clock=clock, faults=FaultSettings(p_5xx=0.6, seed=11))
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            api = Api(client, app[SIMULATOR])
            sequences.append([await status_of(api) for _ in range(40)])
    assert sequences[0] == sequences[1]
    assert {500, 502, 503, 504, 200} <= set(sequences[0])


@pytest.mark.parametrize(
    ("setting", "status"),
    [("p_429", 429), ("p_malformed", 200), ("p_revoke", 401)],
)
async def test_random_fault_kinds(api: Api, setting: str, status: int) -> None:
    """Probability 1 makes every request fail that way."""
    api.sim.faults.configure(**{setting: 1.0})
    assert await status_of(api) == status
    assert api.sim.requests()[-1]["fault"] == setting.removeprefix("p_")


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
