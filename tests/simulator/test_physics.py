"""Live physics: heat pump, PV and battery balance, state timestamps, speed."""

from datetime import timedelta
from typing import Any

import pytest

from podero_simulator import SIMULATOR, Simulator, create_app

from .helpers import EV, HP, INV, WB, ManualClock, device_id


def payload(sim: Simulator, kind: str) -> dict[str, Any]:
    """Return the demo device of ``kind`` as the API would now."""
    return sim.device_payload(device_id(sim, kind))


def patch(sim: Simulator, kind: str, **fields: Any) -> None:
    """Overwrite raw fields of the demo device of ``kind``."""
    sim.patch_device(device_id(sim, kind), fields)


def samples(
    sim: Simulator, kind: str, hours: float, step_min: int = 30
) -> list[dict[str, Any]]:
    """Payloads every ``step_min`` simulated minutes."""
    out = []
    for _ in range(int(hours * 60 / step_min)):
        sim.advance(step_min * 60)
        out.append(payload(sim, kind))
    return out


def test_pv_is_zero_at_night_and_positive_at_noon(sim: Simulator) -> None:
    """Solar production follows the sun."""
    assert payload(sim, INV)["current_solar_production_w"] > 0
    sim.advance(12 * 3600)
    assert payload(sim, INV)["current_solar_production_w"] == 0


def test_grid_power_is_the_balance(sim: Simulator) -> None:
    """Grid = PV − household + battery (+ export, + discharging) at every sample."""
    for body in samples(sim, INV, 24, 60):
        balance = (
            body["current_solar_production_w"]
            - body["household_consumption_w"]
            + body["battery_charge_discharge_power_w"]
        )
        assert abs(body["current_power_to_grid_w"] - balance) <= 2
        assert body["solar_surplus_w"] == pytest.approx(
            body["current_solar_production_w"] - body["household_consumption_w"], abs=1
        )


def test_household_consumption_includes_the_managed_devices(sim: Simulator) -> None:
    """The inverter sees the heat pump and charging vehicles of its building."""
    house = payload(sim, INV)["household_consumption_w"]
    assert house > payload(sim, HP)["current_power_consumption_w"]


def test_battery_stays_within_its_limits(sim: Simulator) -> None:
    """Over two days the battery never leaves [min, max]."""
    patch(sim, INV, min_battery_charge=30, max_battery_charge=60)
    levels = [body["battery_charge_level_percent"] for body in samples(sim, INV, 48)]
    assert 30 <= min(levels) <= max(levels) <= 60


def test_battery_discharges_into_a_deficit(sim: Simulator) -> None:
    """With more load than PV and charge above the minimum, the battery discharges."""
    body = payload(sim, INV)
    assert body["solar_surplus_w"] < 0
    assert body["battery_charge_discharge_power_w"] > 0


def big_surplus(sim: Simulator, *unplugged: str) -> None:
    """A 40 kW PV array, the heat pump paused and the given chargers unplugged."""
    patch(sim, INV, solar_power_rating_kw=40.0)
    patch(sim, HP, is_pause_power_active=True)
    for kind in unplugged:
        sim.set_plugged_in(device_id(sim, kind), False)


def test_hems_wallbox_soaks_up_the_surplus(sim: Simulator) -> None:
    """In HEMS mode the modulating wallbox follows the PV surplus, leaving ~0 export."""
    big_surplus(sim, EV)
    assert payload(sim, WB)["is_charging"] is True
    assert payload(sim, INV)["solar_surplus_w"] == 0


def test_battery_charges_from_a_surplus(sim: Simulator) -> None:
    """A big PV surplus charges the battery (negative power)."""
    big_surplus(sim, EV, WB)
    body = payload(sim, INV)
    assert body["solar_surplus_w"] > 0
    assert body["battery_charge_discharge_power_w"] < 0


def test_inverter_without_battery_reports_no_level(sim: Simulator) -> None:
    """No battery: level null and no battery power."""
    patch(sim, INV, is_battery_connected=False)
    body = payload(sim, INV)
    assert body["battery_charge_level_percent"] is None
    assert body["battery_charge_discharge_power_w"] == 0


def test_heat_pump_draws_more_when_colder(clock: ManualClock) -> None:
    """Ten degrees colder outside → more electrical power."""
    powers = []
    for offset in (5.0, -5.0):
        sim = create_app(clock=clock)[SIMULATOR]
        site = next(iter(sim.world.sites.values()))
        site.climate.temp_offset = offset
        patch(sim, HP, is_smart_optimization_active=False)
        sim.advance(6 * 3600)
        powers.append(sim.energy_wh(device_id(sim, HP), "power", clock.now, sim.now()))
    assert powers[1] > powers[0] * 1.2


def test_current_mode_follows_the_price(sim: Simulator) -> None:
    """Optimising at level Max: ``max`` when cheap, ``min`` when expensive."""
    patch(sim, HP, optimization_level="Max")
    seen: dict[str, list[float]] = {}
    device = sim.device(device_id(sim, HP))
    for _ in range(96):
        sim.advance(900)
        mode = payload(sim, HP)["current_mode"]
        seen.setdefault(mode, []).append(device.price(int(sim.now_ts() // 900)))
    assert set(seen) == {"min", "low", "mid", "max"}
    assert max(seen["max"]) < min(seen["min"])


def test_not_optimising_runs_the_own_schedule(sim: Simulator) -> None:
    """Smart optimisation off → mode ``mid`` and the comfort setpoint."""
    patch(sim, HP, is_smart_optimization_active=False)
    modes = {body["current_mode"] for body in samples(sim, HP, 12, 60)}
    assert modes == {"mid"}
    assert payload(sim, HP)["indoor_target_temperature"] == 21.5


def test_pause_idles_the_heat_pump_until_it_expires(sim: Simulator) -> None:
    """A pause idles the heat pump at standby as the house cools, until it expires."""
    until = (sim.now() + timedelta(hours=4)).isoformat()
    patch(sim, HP, is_pause_power_active=True, pause_power_until=until)
    before = payload(sim, HP)
    later = samples(sim, HP, 3, 60)[-1]
    assert later["current_power_consumption_w"] == 18
    assert later["indoor_actual_temperature"] < before["indoor_actual_temperature"]
    sim.advance(2 * 3600)
    assert payload(sim, HP)["current_power_consumption_w"] > 18


@pytest.mark.parametrize(("hours", "applies"), [(-1, True), (24, False)])
def test_away_mode_lowers_the_target_from_its_start(
    sim: Simulator, hours: int, applies: bool
) -> None:
    """Away mode uses the away minimum as target, but not before ``away_mode_start``."""
    start = (sim.now() + timedelta(hours=hours)).isoformat()
    away = {"is_away_mode_enabled": True, "away_mode_start": start}
    patch(sim, HP, **away, away_mode_minimum_temperature_limit=16.0)
    assert (payload(sim, HP)["indoor_target_temperature"] == 16.0) is applies


def test_hot_water_disabled_never_heats_the_tank(sim: Simulator) -> None:
    """Without DHW heating the tank only cools."""
    patch(sim, HP, is_hot_water_heating_enabled=False)
    temperatures = [body["dhw_temperature"] for body in samples(sim, HP, 24, 60)]
    assert temperatures == sorted(temperatures, reverse=True)


def test_state_timestamp_advances_in_five_minute_steps(sim: Simulator) -> None:
    """``current_state_last_updated_at`` moves with simulated time."""
    assert payload(sim, HP)["current_state_last_updated_at"] == "2026-01-15T11:00:00Z"
    sim.advance(7 * 60)
    body = payload(sim, HP)
    assert body["current_state_last_updated_at"] == "2026-01-15T11:05:00Z"
    assert body["last_monitoring_executed_at"] == "2026-01-15T11:05:05Z"


def test_readings_refresh_only_after_a_second(sim: Simulator) -> None:
    """Polling faster than a simulated second reuses the last integration."""
    site = next(iter(sim.world.sites.values()))
    sim.sync()
    before = site.t
    sim.clock.advance(0.5)
    sim.sync()
    assert site.t == before
    sim.clock.advance(0.5)
    sim.sync()
    assert site.t == before + 1.0


def test_long_gaps_are_integrated_in_coarse_steps(sim: Simulator) -> None:
    """Ten idle days catch up quickly and keep the battery within its limits."""
    sim.advance(10 * 86400)
    assert 20 <= payload(sim, INV)["battery_charge_level_percent"] <= 90
    ten_days = sim.now() - timedelta(days=10), sim.now()
    assert sim.energy_wh(device_id(sim, HP), "power", *ten_days) > 50_000


def test_new_device_starts_without_history(sim: Simulator) -> None:
    """A device added at runtime has data only from its creation on."""
    device = sim.add_device(HP, sim.second_user_id)
    created = sim.now()
    assert sim.energy_wh(device.id, "power", created - timedelta(days=1), created) == 0
    sim.advance(3600)
    assert sim.energy_wh(device.id, "power", created, sim.now()) > 0


def test_speed_must_stay_positive(sim: Simulator) -> None:
    """``set_speed`` refuses zero."""
    with pytest.raises(ValueError, match="speed"):
        sim.set_speed(0)
