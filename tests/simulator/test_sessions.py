"""EV charging sessions: history, current session, pagination and validation."""

from typing import Any

import pytest

from podero_simulator import Simulator

from .helpers import EV, Api

SESSION_KEYS = {
    "id", "plug_in_time", "unplug_time", "inferred_session_end", "desired_charging_start_time",
    "desired_charging_end_time", "charge_deadline", "target_soc_pct", "initial_soc_pct",
    "final_soc_pct", "energy_charged_kwh", "avg_charge_power_kw", "peak_charge_power_kw",
    "actual_cost_eur", "expected_savings_eur", "actual_savings_eur", "is_at_home",
    "session_outcome",
}  # fmt: skip
WIDE = {"from": "2025-01-01", "to": "2026-12-31"}


async def sessions(api: Api, status: int = 200, **params: Any) -> Any:
    """GET the demo EV's session history."""
    return await api.get(api.device(EV, "/sessions"), status, params=params)


async def current(api: Api) -> Any:
    """GET the demo EV's current session."""
    return await api.get(api.device(EV, "/sessions/current"))


async def test_history_has_generated_sessions_newest_first(api: Api) -> None:
    """About one finished session per evening over 90 days; energy matches the SoC gain."""
    body = await sessions(api, **WIDE, limit=200)
    assert 60 <= body["total"] <= 90
    items = body["items"]
    assert set(items[0]) == SESSION_KEYS
    plug_ins = [item["plug_in_time"] for item in items]
    assert plug_ins == sorted(plug_ins, reverse=True)
    for item in items:
        assert item["unplug_time"] is not None
        gained = (item["final_soc_pct"] - item["initial_soc_pct"]) / 100 * 79.5
        assert abs(item["energy_charged_kwh"] - gained) < 0.6
        assert item["session_outcome"] in (None, "not_at_home")
    assert sum(item["actual_savings_eur"] for item in items) > 0


async def test_limit_and_offset_page_through(api: Api) -> None:
    """``limit``/``offset`` slice the list; ``total`` counts all."""
    first = await sessions(api, **WIDE, limit=3)
    second = await sessions(api, **WIDE, limit=3, offset=3)
    assert len(first["items"]) == 3
    assert first["total"] == second["total"]
    assert first["items"][-1]["plug_in_time"] > second["items"][0]["plug_in_time"]


async def test_date_range_is_inclusive_utc_days(api: Api) -> None:
    """``from``/``to`` select by the plug-in day."""
    body = await sessions(api, **{"from": "2026-01-10", "to": "2026-01-10"})
    assert all(item["plug_in_time"].startswith("2026-01-10") for item in body["items"])
    assert body["total"] <= 1


@pytest.mark.parametrize(
    ("params", "name", "kind"),
    [
        ({"to": "2026-01-10"}, "from", "missing"),
        ({**WIDE, "limit": 0}, "limit", None),
        ({**WIDE, "limit": 201}, "limit", None),
        ({**WIDE, "limit": "ten"}, "limit", None),
        ({**WIDE, "offset": -1}, "offset", None),
        ({"from": "yesterday", "to": "2026-01-10"}, "from", None),
    ],
)
async def test_bad_query_is_422(
    api: Api, params: dict[str, Any], name: str, kind: str | None
) -> None:
    """Dates are required and must parse; ``limit`` 1..200 and ``offset`` ≥ 0 integers."""
    item = (await sessions(api, 422, **params))["detail"][0]
    assert item["loc"] == ["query", name]
    assert kind is None or item["type"] == kind


async def test_current_session_matches_the_live_state(api: Api, sim: Simulator) -> None:
    """While plugged in the current session reflects the live SoC."""
    await api.request("POST", api.device(EV, "/boost"))
    sim.advance(1806)
    session = (await current(api))["session"]
    ev = await api.get(api.device(EV))
    assert session["final_soc_pct"] == ev["battery_level"]
    assert session["unplug_time"] is None
    assert session["energy_charged_kwh"] == 3.7
    assert session["peak_charge_power_kw"] == 7.4


async def test_unplugging_completes_the_session(api: Api, sim: Simulator) -> None:
    """An unplug moves the session into the history and clears the current one."""
    sim.advance(600)
    sim.set_plugged_in(api.id(EV), False)
    assert await current(api) == {"session": None}
    latest = await sessions(api, **{"from": "2026-01-15", "to": "2026-01-15"})
    assert latest["items"][0]["plug_in_time"] == "2026-01-15T11:00:00Z"
    assert latest["items"][0]["unplug_time"] == "2026-01-15T11:10:00Z"
