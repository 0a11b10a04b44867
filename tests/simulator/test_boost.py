"""Boost (charge now) state machines of the EV and the wallbox."""

from typing import Any

import pytest

from podero_simulator import Simulator

from .helpers import EV, HP, WB, Api

ALREADY_CHARGING = {"state": "requested", "reason": "already_charging"}
FULLY_CHARGED = {"state": "available", "reason": "fully_charged"}


@pytest.fixture(autouse=True)
async def quiet(api: Api) -> None:
    """No smart charging on its own: spot mode and targets already met."""
    await api.put("charging-config", {"smart_charging_mode": "spot"})
    await api.put(
        api.device(EV), {"is_charge_policy_enabled": False, "minimum_charge_limit": 50}
    )
    await api.put(api.device(WB), {"minimum_charge_limit": 50})


async def state(api: Api, kind: str = EV, *keys: str) -> Any:
    """The demo device's ``boost_state`` and the other ``keys``, as a tuple."""
    body = await api.get(api.device(kind))
    return tuple(body[key] for key in ("boost_state", *keys))


async def boost(api: Api, kind: str = EV, method: str = "POST") -> Any:
    """Call the boost endpoint; return (status, body or None)."""
    response = await api.request(method, api.device(kind, "/boost"))
    return response.status, (await response.json() if response.status != 204 else None)


@pytest.mark.parametrize(
    ("kind", "charging"),
    [(EV, {"charge_rate_w": 7400}), (WB, {"mode": "CHARGING"})],
)
async def test_boost_is_requested_then_ongoing_after_six_seconds(
    api: Api, sim: Simulator, kind: str, charging: dict[str, Any]
) -> None:
    """Plugged idle: POST → 204 ``requested``; 6 simulated seconds later charging."""
    got = await state(api, kind, "is_plugged_in", "is_charging")
    assert got == ("available", True, False)
    assert await boost(api, kind) == (204, None)
    assert await state(api, kind) == ("requested",)
    sim.advance(5)
    assert await state(api, kind) == ("requested",)
    sim.advance(1)
    want = {"boost_state": "ongoing", "is_charging": True, **charging}
    assert (await api.get(api.device(kind))).items() >= want.items()


async def test_soc_rises_with_rate_over_capacity(api: Api, sim: Simulator) -> None:
    """One hour at 7.4 kW into 79.5 kWh adds 9.3 percentage points."""
    await boost(api)
    sim.advance(6)
    ev = sim.device(api.id(EV))
    level = ev.level  # type: ignore[attr-defined]
    sim.advance(3600)
    await api.get(api.device(EV))
    assert ev.level - level == pytest.approx(7400 / 79500 * 100, rel=1e-6)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("kind", "hours", "full"),
    [(EV, 6, {"battery_level": 80, "is_fully_charged": True}), (WB, 4, {})],
)
async def test_boost_ends_when_the_car_is_full(
    api: Api, sim: Simulator, kind: str, hours: int, full: dict[str, Any]
) -> None:
    """At ``charge_target_max`` (80 %) charging stops, the boost ends and 409 follows."""
    await boost(api, kind)
    sim.advance(hours * 3600)
    want = {"boost_state": "available", "is_charging": False, **full}
    assert (await api.get(api.device(kind))).items() >= want.items()
    assert await boost(api, kind) == (409, FULLY_CHARGED)


async def test_second_boost_is_409_already_charging(api: Api, sim: Simulator) -> None:
    """A POST while ``requested`` or ``ongoing`` conflicts with the current state."""
    await boost(api)
    assert await boost(api) == (409, ALREADY_CHARGING)
    sim.advance(10)
    assert await boost(api) == (409, ALREADY_CHARGING | {"state": "ongoing"})


@pytest.mark.parametrize(
    ("kind", "unplugged"), [(EV, {"is_charging": False}), (WB, {"mode": "READY"})]
)
async def test_unplugged_boost_arms_and_plugging_in_fires_it(
    api: Api, sim: Simulator, kind: str, unplugged: dict[str, Any]
) -> None:
    """Unplugged: ``unavailable``, POST arms (idempotent); the next plug-in requests it."""
    sim.set_plugged_in(api.id(kind), False)
    assert await boost(api, kind) == (204, None)
    assert await boost(api, kind) == (204, None)
    body = await api.get(api.device(kind))
    armed = {"boost_state": "unavailable", "boost_for_next_session": True}
    assert body.items() >= (armed | unplugged).items()
    sim.advance(60)
    sim.set_plugged_in(api.id(kind), True)
    assert await state(api, kind, "boost_for_next_session") == ("requested", False)
    sim.advance(6)
    assert await state(api, kind) == ("ongoing",)


async def test_ev_delete_clears_the_arm(api: Api, sim: Simulator) -> None:
    """DELETE → 204 and the armed boost is gone."""
    sim.set_plugged_in(api.id(EV), False)
    await boost(api)
    assert await boost(api, method="DELETE") == (204, None)
    assert (await api.get(api.device(EV)))["boost_for_next_session"] is False


async def test_ev_delete_does_not_stop_a_live_boost(api: Api, sim: Simulator) -> None:
    """The EV keeps charging after DELETE; the user has to unplug."""
    await boost(api)
    sim.advance(10)
    assert await boost(api, method="DELETE") == (204, None)
    assert await state(api, EV, "is_charging") == ("ongoing", True)


async def test_unplugging_ends_a_live_boost(api: Api, sim: Simulator) -> None:
    """Unplug → charging stops, ``unavailable``."""
    await boost(api)
    sim.advance(10)
    sim.set_plugged_in(api.id(EV), False)
    got = await state(api, EV, "is_charging", "charge_rate_w")
    assert got == ("unavailable", False, 0)


async def test_wallbox_delete_cancels_a_live_boost_and_disarms(api: Api) -> None:
    """Wallbox DELETE stops the live boost and clears the arm."""
    await boost(api, WB)
    api.sim.advance(10)
    api.sim.device(api.id(WB)).boost.armed = True  # type: ignore[attr-defined]
    assert await boost(api, WB, "DELETE") == (204, None)
    got = await state(api, WB, "is_charging", "boost_for_next_session")
    assert got == ("available", False, False)


async def test_boost_on_a_heat_pump_path_does_not_exist(api: Api) -> None:
    """Heat pumps have no boost endpoint."""
    assert await api.status("POST", api.device(HP, "/boost")) == 404


async def test_in_process_boost_rejects_non_chargers(api: Api, sim: Simulator) -> None:
    """``Simulator.boost`` on a heat pump is a TypeError."""
    with pytest.raises(TypeError):
        sim.boost(api.id(HP))
