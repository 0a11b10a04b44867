"""EV weekly charge policy endpoint."""

from typing import Any

import pytest

from .helpers import EV, Api, loc_fields

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.fixture
def policy(api: Api) -> str:
    """Path of the demo EV's policy."""
    return api.device(EV, "/charge-policy")


async def test_get_returns_metadata_and_seven_days(api: Api, policy: str) -> None:
    """GET → ``{metadata, data}`` with every weekday and a timezone."""
    body = await api.get(policy)
    assert body["metadata"] == {
        "electric_vehicle_id": api.id(EV),
        "user_id": api.sim.user_id,
        "error": None,
    }
    assert set(body["data"]) == {*DAYS, "timezone"}
    assert body["data"]["mon"] == {"charge_percentage": 80, "charge_deadline": "07:00"}
    assert body["data"]["timezone"] == "Europe/Vienna"


async def test_put_changes_only_the_sent_days(api: Api, policy: str) -> None:
    """Days and keys not sent keep their values; the response is the GET envelope."""
    before = await api.get(policy)
    tuesday = {"charge_percentage": 90, "charge_deadline": "06:15"}
    sent = {
        "tue": tuesday,
        "sat": {"charge_percentage": 70},
        "timezone": "Europe/Berlin",
    }
    body = await api.put(policy, sent)
    saturday = {"charge_percentage": 70, "charge_deadline": "10:00"}
    assert body["data"] == before["data"] | sent | {"sat": saturday}
    assert await api.get(policy) == body


async def test_put_stamps_the_policy_update_time(api: Api, policy: str) -> None:
    """The EV's ``charge_policy_last_updated_at`` follows policy changes."""
    api.sim.advance(120)
    await api.put(policy, {"mon": {"charge_percentage": 60}})
    ev = await api.get(api.device(EV))
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
    api: Api, policy: str, body: dict[str, Any], field: str
) -> None:
    """Percent range, HH:MM, IANA zone, weekday keys and day objects are validated."""
    assert loc_fields(await api.put(policy, body, 422)) == [field]
    assert (await api.get(policy))["data"]["mon"]["charge_percentage"] == 80


async def test_policy_drives_the_smart_charging_target(api: Api, policy: str) -> None:
    """With the policy enabled the running session targets the day's percentage."""
    await api.put(policy, {"fri": {"charge_percentage": 70}})
    api.sim.set_plugged_in(api.id(EV), False)
    api.sim.set_plugged_in(api.id(EV), True)
    session = (await api.get(api.device(EV, "/sessions/current")))["session"]
    assert session["target_soc_pct"] == 70
    assert session["charge_deadline"] == "2026-01-16T06:00:00Z"
