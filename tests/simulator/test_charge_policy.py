"""EV weekly charge policy endpoint."""

from __future__ import annotations

from typing import Any

import pytest

from podero_simulator import Simulator

from .helpers import Api, device_id, loc_fields

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def policy_path(sim: Simulator) -> str:
    """Path of the demo EV's policy."""
    return f"electric-vehicles/{device_id(sim, 'electric-vehicles')}/charge-policy"


async def test_get_returns_metadata_and_seven_days(api: Api, sim: Simulator) -> None:
    """GET → ``{metadata, data}`` with every weekday and a timezone."""
    body = await api.get(policy_path(sim))
    assert body["metadata"] == {
        "electric_vehicle_id": device_id(sim, "electric-vehicles"),
        "user_id": sim.user_id,
        "error": None,
    }
    assert set(body["data"]) == {*DAYS, "timezone"}
    assert body["data"]["mon"] == {"charge_percentage": 80, "charge_deadline": "07:00"}
    assert body["data"]["timezone"] == "Europe/Vienna"


async def test_put_changes_only_the_sent_days(api: Api, sim: Simulator) -> None:
    """Days not sent keep their values; the response is the GET envelope."""
    before = await api.get(policy_path(sim))
    body = await api.put(
        policy_path(sim), {"tue": {"charge_percentage": 90, "charge_deadline": "06:15"}}
    )
    assert body["data"]["tue"] == {"charge_percentage": 90, "charge_deadline": "06:15"}
    for day in DAYS:
        if day != "tue":
            assert body["data"][day] == before["data"][day]
    assert await api.get(policy_path(sim)) == body


async def test_put_within_a_day_is_partial_too(api: Api, sim: Simulator) -> None:
    """Sending one key of a day keeps the other."""
    body = await api.put(policy_path(sim), {"sat": {"charge_percentage": 70}})
    assert body["data"]["sat"] == {"charge_percentage": 70, "charge_deadline": "10:00"}


async def test_put_timezone(api: Api, sim: Simulator) -> None:
    """An IANA timezone is accepted."""
    body = await api.put(policy_path(sim), {"timezone": "Europe/Berlin"})
    assert body["data"]["timezone"] == "Europe/Berlin"


async def test_put_stamps_the_policy_update_time(api: Api, sim: Simulator) -> None:
    """The EV's ``charge_policy_last_updated_at`` follows policy changes."""
    sim.advance(120)
    await api.put(policy_path(sim), {"mon": {"charge_percentage": 60}})
    ev = await api.get(f"electric-vehicles/{device_id(sim, 'electric-vehicles')}")
    assert ev["charge_policy_last_updated_at"] == "2026-01-15T11:02:00Z"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mon": {"charge_percentage": 101}}, "charge_percentage"),
        ({"mon": {"charge_percentage": "80"}}, "charge_percentage"),
        ({"fri": {"charge_deadline": "25:00"}}, "charge_deadline"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": 5}, "timezone"),
        ({"funday": {"charge_percentage": 50}}, "funday"),
        ({"mon": "80%"}, "mon"),
    ],
)
async def test_invalid_policy_is_422(
    api: Api, sim: Simulator, body: dict[str, Any], field: str
) -> None:
    """Percent range, HH:MM, IANA zone, weekday keys and day objects are validated."""
    result = await api.put(policy_path(sim), body, 422)
    assert loc_fields(result) == [field]
    assert (await api.get(policy_path(sim)))["data"]["mon"]["charge_percentage"] == 80


async def test_policy_drives_the_smart_charging_target(
    api: Api, sim: Simulator
) -> None:
    """With the policy enabled the running session targets the day's percentage."""
    ev_id = device_id(sim, "electric-vehicles")
    await api.put(policy_path(sim), {"fri": {"charge_percentage": 70}})
    sim.set_plugged_in(ev_id, False)
    sim.set_plugged_in(ev_id, True)
    session = (await api.get(f"electric-vehicles/{ev_id}/sessions/current"))["session"]
    assert session["target_soc_pct"] == 70
    assert session["charge_deadline"] == "2026-01-16T06:00:00Z"
