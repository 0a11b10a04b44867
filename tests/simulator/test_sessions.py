"""EV charging sessions: history, current session, pagination and validation."""

from __future__ import annotations

from podero_simulator import Simulator

from .helpers import Api, device_id

SESSION_KEYS = {
    "id", "plug_in_time", "unplug_time", "inferred_session_end", "desired_charging_start_time",
    "desired_charging_end_time", "charge_deadline", "target_soc_pct", "initial_soc_pct",
    "final_soc_pct", "energy_charged_kwh", "avg_charge_power_kw", "peak_charge_power_kw",
    "actual_cost_eur", "expected_savings_eur", "actual_savings_eur", "is_at_home",
    "session_outcome",
}  # fmt: skip
WIDE = {"from": "2025-01-01", "to": "2026-12-31"}


def sessions_path(sim: Simulator, suffix: str = "") -> str:
    """Path of the demo EV's sessions."""
    return f"electric-vehicles/{device_id(sim, 'electric-vehicles')}/sessions{suffix}"


async def test_history_has_generated_sessions_newest_first(
    api: Api, sim: Simulator
) -> None:
    """About one session per evening over the 90 days before the start."""
    body = await api.get(sessions_path(sim), params={**WIDE, "limit": 200})
    assert 60 <= body["total"] <= 90
    items = body["items"]
    assert set(items[0]) == SESSION_KEYS
    assert [item["plug_in_time"] for item in items] == sorted(
        (item["plug_in_time"] for item in items), reverse=True
    )
    assert all(item["unplug_time"] is not None for item in items)


async def test_generated_sessions_are_consistent(api: Api, sim: Simulator) -> None:
    """Energy matches the state-of-charge gain; home sessions save money."""
    items = (await api.get(sessions_path(sim), params={**WIDE, "limit": 200}))["items"]
    for item in items:
        gained = (item["final_soc_pct"] - item["initial_soc_pct"]) / 100 * 79.5
        assert abs(item["energy_charged_kwh"] - gained) < 0.6
        assert item["session_outcome"] in (None, "not_at_home")
    assert sum(item["actual_savings_eur"] for item in items) > 0


async def test_limit_and_offset_page_through(api: Api, sim: Simulator) -> None:
    """``limit``/``offset`` slice the list; ``total`` counts all."""
    first = await api.get(sessions_path(sim), params={**WIDE, "limit": 3})
    second = await api.get(sessions_path(sim), params={**WIDE, "limit": 3, "offset": 3})
    assert len(first["items"]) == 3
    assert first["total"] == second["total"]
    assert first["items"][-1]["plug_in_time"] > second["items"][0]["plug_in_time"]


async def test_date_range_is_inclusive_utc_days(api: Api, sim: Simulator) -> None:
    """``from``/``to`` select by the plug-in day."""
    body = await api.get(
        sessions_path(sim), params={"from": "2026-01-10", "to": "2026-01-10"}
    )
    assert all(item["plug_in_time"].startswith("2026-01-10") for item in body["items"])
    assert body["total"] <= 1


async def test_missing_dates_are_422(api: Api, sim: Simulator) -> None:
    """``from`` and ``to`` are required."""
    body = await api.get(sessions_path(sim), 422, params={"to": "2026-01-10"})
    assert body["detail"][0]["loc"] == ["query", "from"]
    assert body["detail"][0]["type"] == "missing"


async def test_bad_paging_is_422(api: Api, sim: Simulator) -> None:
    """``limit`` 1..200, ``offset`` ≥ 0, integers, and dates must parse."""
    for params, name in (
        ({**WIDE, "limit": 0}, "limit"),
        ({**WIDE, "limit": 201}, "limit"),
        ({**WIDE, "limit": "ten"}, "limit"),
        ({**WIDE, "offset": -1}, "offset"),
        ({"from": "yesterday", "to": "2026-01-10"}, "from"),
    ):
        body = await api.get(sessions_path(sim), 422, params=params)
        assert body["detail"][0]["loc"] == ["query", name]


async def test_current_session_matches_the_live_state(api: Api, sim: Simulator) -> None:
    """While plugged in the current session reflects the live SoC."""
    ev_id = device_id(sim, "electric-vehicles")
    await api.request("POST", f"electric-vehicles/{ev_id}/boost")
    sim.advance(1806)
    session = (await api.get(sessions_path(sim, "/current")))["session"]
    ev = await api.get(f"electric-vehicles/{ev_id}")
    assert session["final_soc_pct"] == ev["battery_level"]
    assert session["unplug_time"] is None
    assert session["energy_charged_kwh"] == 3.7
    assert session["peak_charge_power_kw"] == 7.4


async def test_unplugging_completes_the_session(api: Api, sim: Simulator) -> None:
    """An unplug moves the session into the history and clears the current one."""
    ev_id = device_id(sim, "electric-vehicles")
    sim.advance(600)
    sim.set_plugged_in(ev_id, False)
    assert (await api.get(sessions_path(sim, "/current"))) == {"session": None}
    body = await api.get(
        sessions_path(sim), params={"from": "2026-01-15", "to": "2026-01-15"}
    )
    assert body["items"][0]["plug_in_time"] == "2026-01-15T11:00:00Z"
    assert body["items"][0]["unplug_time"] == "2026-01-15T11:10:00Z"
