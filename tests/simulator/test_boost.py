"""Boost (charge now) state machines of the EV and the wallbox."""

from __future__ import annotations

from typing import Any

import pytest

from podero_simulator import Simulator

from .helpers import Api, device_id

EV = "electric-vehicles"
WB = "wallboxes"


@pytest.fixture
async def quiet(api: Api, sim: Simulator) -> None:
    """No smart charging on its own: spot mode and targets already met."""
    await api.put("charging-config", {"smart_charging_mode": "spot"})
    await api.put(
        f"{EV}/{device_id(sim, EV)}",
        {"is_charge_policy_enabled": False, "minimum_charge_limit": 50},
    )
    await api.put(f"{WB}/{device_id(sim, WB)}", {"minimum_charge_limit": 50})


async def ev(api: Api, sim: Simulator) -> dict[str, Any]:
    """Fetch the demo EV object."""
    body: dict[str, Any] = await api.get(f"{EV}/{device_id(sim, EV)}")
    return body


async def boost(api: Api, sim: Simulator, kind: str = EV, method: str = "POST") -> Any:
    """Call the boost endpoint; return (status, body or None)."""
    response = await api.request(method, f"{kind}/{device_id(sim, kind)}/boost")
    return response.status, (await response.json() if response.status != 204 else None)


@pytest.mark.usefixtures("quiet")
async def test_plugged_idle_ev_is_available(api: Api, sim: Simulator) -> None:
    """The demo EV starts plugged in, not charging, boost available."""
    body = await ev(api, sim)
    assert (body["is_plugged_in"], body["is_charging"], body["boost_state"]) == (
        True,
        False,
        "available",
    )


@pytest.mark.usefixtures("quiet")
async def test_boost_is_requested_then_ongoing_after_six_seconds(
    api: Api, sim: Simulator
) -> None:
    """POST → 204 ``requested``; ~6 simulated seconds later ``ongoing`` and charging."""
    assert await boost(api, sim) == (204, None)
    assert (await ev(api, sim))["boost_state"] == "requested"
    sim.advance(5)
    assert (await ev(api, sim))["boost_state"] == "requested"
    sim.advance(1)
    body = await ev(api, sim)
    assert body["boost_state"] == "ongoing"
    assert body["is_charging"] is True
    assert body["charge_rate_w"] == 7400


@pytest.mark.usefixtures("quiet")
async def test_soc_rises_with_rate_over_capacity(api: Api, sim: Simulator) -> None:
    """One hour at 7.4 kW into 79.5 kWh adds 9.3 percentage points."""
    await boost(api, sim)
    sim.advance(6)
    start = sim.device(device_id(sim, EV))
    level = start.level  # type: ignore[attr-defined]
    sim.advance(3600)
    await ev(api, sim)
    assert start.level - level == pytest.approx(7400 / 79500 * 100, rel=1e-6)  # type: ignore[attr-defined]


@pytest.mark.usefixtures("quiet")
async def test_boost_ends_fully_charged_at_the_limit(api: Api, sim: Simulator) -> None:
    """Reaching ``charge_target_max`` stops charging and ends the boost."""
    await boost(api, sim)
    sim.advance(6 * 3600)
    body = await ev(api, sim)
    assert body["battery_level"] == body["charge_target_max"] == 80
    assert body["is_fully_charged"] is True
    assert body["is_charging"] is False
    assert body["boost_state"] == "available"


@pytest.mark.usefixtures("quiet")
async def test_boost_while_requested_or_ongoing_is_409_already_charging(
    api: Api, sim: Simulator
) -> None:
    """A second POST conflicts with the current state."""
    await boost(api, sim)
    assert await boost(api, sim) == (
        409,
        {"state": "requested", "reason": "already_charging"},
    )
    sim.advance(10)
    assert await boost(api, sim) == (
        409,
        {"state": "ongoing", "reason": "already_charging"},
    )


@pytest.mark.usefixtures("quiet")
async def test_boost_when_full_is_409_fully_charged(api: Api, sim: Simulator) -> None:
    """At the charge limit a boost is refused."""
    sim.patch_device(device_id(sim, EV), {"battery_level": 80})
    assert await boost(api, sim) == (
        409,
        {"state": "available", "reason": "fully_charged"},
    )


@pytest.mark.usefixtures("quiet")
async def test_unplugged_ev_is_unavailable_and_boost_arms(
    api: Api, sim: Simulator
) -> None:
    """Unplugged: ``unavailable``; POST → 204 and ``boost_for_next_session`` (idempotent)."""
    sim.set_plugged_in(device_id(sim, EV), False)
    assert (await ev(api, sim))["boost_state"] == "unavailable"
    assert await boost(api, sim) == (204, None)
    assert await boost(api, sim) == (204, None)
    body = await ev(api, sim)
    assert body["boost_for_next_session"] is True
    assert body["is_charging"] is False


@pytest.mark.usefixtures("quiet")
async def test_plugging_in_fires_the_armed_boost(api: Api, sim: Simulator) -> None:
    """The next plug-in requests the boost and clears the flag."""
    ev_id = device_id(sim, EV)
    sim.set_plugged_in(ev_id, False)
    await boost(api, sim)
    sim.advance(60)
    sim.set_plugged_in(ev_id, True)
    body = await ev(api, sim)
    assert (body["boost_state"], body["boost_for_next_session"]) == ("requested", False)
    sim.advance(6)
    assert (await ev(api, sim))["boost_state"] == "ongoing"


@pytest.mark.usefixtures("quiet")
async def test_ev_delete_clears_the_arm(api: Api, sim: Simulator) -> None:
    """DELETE → 204 and the armed boost is gone."""
    sim.set_plugged_in(device_id(sim, EV), False)
    await boost(api, sim)
    assert await boost(api, sim, method="DELETE") == (204, None)
    assert (await ev(api, sim))["boost_for_next_session"] is False


@pytest.mark.usefixtures("quiet")
async def test_ev_delete_does_not_stop_a_live_boost(api: Api, sim: Simulator) -> None:
    """The EV keeps charging after DELETE; the user has to unplug."""
    await boost(api, sim)
    sim.advance(10)
    assert await boost(api, sim, method="DELETE") == (204, None)
    body = await ev(api, sim)
    assert (body["boost_state"], body["is_charging"]) == ("ongoing", True)


@pytest.mark.usefixtures("quiet")
async def test_unplugging_ends_a_live_boost(api: Api, sim: Simulator) -> None:
    """Unplug → charging stops, ``unavailable``."""
    await boost(api, sim)
    sim.advance(10)
    sim.set_plugged_in(device_id(sim, EV), False)
    body = await ev(api, sim)
    assert (body["boost_state"], body["is_charging"], body["charge_rate_w"]) == (
        "unavailable",
        False,
        0,
    )


@pytest.mark.usefixtures("quiet")
async def test_wallbox_boost_charges_at_full_power(api: Api, sim: Simulator) -> None:
    """Wallbox POST → requested → ongoing, mode CHARGING."""
    assert await boost(api, sim, WB) == (204, None)
    sim.advance(6)
    body = await api.get(f"{WB}/{device_id(sim, WB)}")
    assert (body["boost_state"], body["is_charging"], body["mode"]) == (
        "ongoing",
        True,
        "CHARGING",
    )


@pytest.mark.usefixtures("quiet")
async def test_wallbox_delete_cancels_a_live_boost_and_disarms(
    api: Api, sim: Simulator
) -> None:
    """Wallbox DELETE stops the live boost and clears the arm."""
    wb = sim.device(device_id(sim, WB))
    await boost(api, sim, WB)
    sim.advance(10)
    wb.boost.armed = True  # type: ignore[attr-defined]
    assert await boost(api, sim, WB, "DELETE") == (204, None)
    body = await api.get(f"{WB}/{wb.id}")
    assert (
        body["boost_state"],
        body["is_charging"],
        body["boost_for_next_session"],
    ) == ("available", False, False)


@pytest.mark.usefixtures("quiet")
async def test_wallbox_unplugged_arms_and_replug_fires(
    api: Api, sim: Simulator
) -> None:
    """Unplugged wallbox: ``unavailable``, POST arms, plugging in fires."""
    wb = device_id(sim, WB)
    sim.set_plugged_in(wb, False)
    body = await api.get(f"{WB}/{wb}")
    assert (body["boost_state"], body["mode"]) == ("unavailable", "READY")
    assert await boost(api, sim, WB) == (204, None)
    sim.set_plugged_in(wb, True)
    assert (await api.get(f"{WB}/{wb}"))["boost_state"] == "requested"


@pytest.mark.usefixtures("quiet")
async def test_wallbox_boost_ends_when_the_car_is_full(
    api: Api, sim: Simulator
) -> None:
    """The car behind the box fills up; the boost ends and 409 follows."""
    await boost(api, sim, WB)
    sim.advance(4 * 3600)
    body = await api.get(f"{WB}/{device_id(sim, WB)}")
    assert (body["boost_state"], body["is_charging"]) == ("available", False)
    assert await boost(api, sim, WB) == (
        409,
        {"state": "available", "reason": "fully_charged"},
    )


async def test_boost_on_a_heat_pump_path_does_not_exist(
    api: Api, sim: Simulator
) -> None:
    """Heat pumps have no boost endpoint."""
    response = await api.request(
        "POST", f"heat-pumps/{device_id(sim, 'heat-pumps')}/boost"
    )
    assert response.status == 404


async def test_in_process_boost_rejects_non_chargers(sim: Simulator) -> None:
    """``Simulator.boost`` on a heat pump is a TypeError."""
    with pytest.raises(TypeError):
        sim.boost(device_id(sim, "heat-pumps"))
