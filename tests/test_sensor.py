"""Sensors: readings, states and health of every Podero device.

Readings are shown as Podero reports them, signs included: grid power is positive while
exporting and battery power positive while discharging. Values the integration cannot
interpret (new enum members, wrong types, missing fields) show as unknown.
"""

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.sensor import DOMAIN as SENSOR_DOMAIN
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.podero.const import DOMAIN
from podero_simulator import Simulator
from podero_simulator.scenarios import EV_ID, HEAT_PUMP_ID, INVERTER_ID, WALLBOX_ID

from .helpers import PlatformSetUp, advance

HEAT_PUMP_MODE = "sensor.nibe_heat_pump_optimization_mode"
HEAT_PUMP_POWER = "sensor.nibe_heat_pump_power"
EV_BOOST_STATE = "sensor.tesla_model_3_charge_now_status"
EV_RANGE = "sensor.tesla_model_3_range"
GRID_POWER = "sensor.fronius_inverter_grid_power"
BATTERY_POWER = "sensor.fronius_inverter_battery_power"
SOLAR_POWER = "sensor.fronius_inverter_solar_power"
HOUSEHOLD_POWER = "sensor.fronius_inverter_household_power"
OUTDOOR_TEMPERATURE = "sensor.nibe_heat_pump_outdoor_temperature"
INVERTER = "sensor.fronius_inverter"


def reading(hass: HomeAssistant, entity_id: str) -> float:
    """A numeric sensor's state."""
    return float(hass.states.get(entity_id).state)


def inverter(simulator: Simulator) -> dict[str, Any]:
    """The simulated inverter as the API reports it now."""
    return simulator.device_payload(INVERTER_ID)


def sign(value: float) -> int:
    """-1, 0 or 1."""
    return (value > 0) - (value < 0)


def no_car_to_charge(simulator: Simulator) -> None:
    """Unplug the EV and the wallbox, so no charger soaks up solar surplus."""
    simulator.set_plugged_in(EV_ID, False)
    simulator.set_plugged_in(WALLBOX_ID, False)


async def test_entities(snapshot_entities: PlatformSetUp) -> None:
    """Readings, states and health of the heat pump, EV, inverter and wallbox."""
    await snapshot_entities(Platform.SENSOR)


async def test_heat_pump_mode_is_not_optimizing_when_optimization_is_off(
    hass: HomeAssistant, set_up_platforms: PlatformSetUp, simulator: Simulator
) -> None:
    """Without smart optimisation Podero still reports a mode; the sensor says it is off."""
    simulator.update_device(HEAT_PUMP_ID, {"is_smart_optimization_active": False})
    assert simulator.device_payload(HEAT_PUMP_ID)["current_mode"] == "mid"

    await set_up_platforms(Platform.SENSOR)

    assert hass.states.get(HEAT_PUMP_MODE).state == "not_optimizing"


async def test_unplugged_boost_status_is_not_available(
    hass: HomeAssistant, set_up_platforms: PlatformSetUp, simulator: Simulator
) -> None:
    """Podero's `unavailable` boost state reads `not_available`, not HA's own unavailable."""
    simulator.set_plugged_in(EV_ID, False)

    await set_up_platforms(Platform.SENSOR)

    assert hass.states.get(EV_BOOST_STATE).state == "not_available"


@pytest.mark.parametrize(
    ("inverter_patch", "grid", "battery"),
    [
        pytest.param(
            {"solar_power_rating_kw": 40.0, "battery_charge_level_percent": 90},
            1,
            0,
            id="exporting_is_positive_grid_power",
        ),
        pytest.param(
            {"battery_charge_level_percent": 20},
            -1,
            0,
            id="importing_is_negative_grid_power",
        ),
        pytest.param({}, 0, 1, id="discharging_is_positive_battery_power"),
        pytest.param(
            {"solar_power_rating_kw": 40.0},
            0,
            -1,
            id="charging_is_negative_battery_power",
        ),
    ],
)
async def test_power_signs_are_podero_s(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    inverter_patch: dict[str, Any],
    grid: int,
    battery: int,
) -> None:
    """Grid power is positive while exporting, battery power positive while discharging.

    At a winter noon the house needs more than the panels give, a 40 kW array gives more;
    a full battery cannot take the surplus, one at its minimum cannot cover the deficit.
    """
    no_car_to_charge(simulator)
    simulator.patch_device(INVERTER_ID, inverter_patch)
    reported = inverter(simulator)

    await set_up_platforms(Platform.SENSOR)

    shown = (reading(hass, GRID_POWER), reading(hass, BATTERY_POWER))
    assert shown == (
        reported["current_power_to_grid_w"],
        reported["battery_charge_discharge_power_w"],
    )
    assert (sign(shown[0]), sign(shown[1])) == (grid, battery)
    surplus = reading(hass, SOLAR_POWER) - reading(hass, HOUSEHOLD_POWER)
    assert shown[0] - shown[1] == surplus


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_inverter_without_battery_has_no_battery_sensors(
    entity_registry: er.EntityRegistry,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
) -> None:
    """Battery level and power exist only for inverters with a battery."""
    simulator.update_device(INVERTER_ID, {"is_battery_connected": False})

    await set_up_platforms(Platform.SENSOR)

    def exists(unique_id: str) -> bool:
        return bool(
            entity_registry.async_get_entity_id(SENSOR_DOMAIN, DOMAIN, unique_id)
        )

    assert not exists(f"{INVERTER_ID}_battery_level")
    assert not exists(f"{INVERTER_ID}_battery_power")
    assert exists(f"{INVERTER_ID}_solar_power")
    assert exists(f"{EV_ID}_battery_level")


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(
    ("device_id", "field", "value", "entity_id"),
    [
        (HEAT_PUMP_ID, "current_mode", "turbo", HEAT_PUMP_MODE),
        (EV_ID, "boost_state", "paused", EV_BOOST_STATE),
        (WALLBOX_ID, "mode", "SLEEPING", "sensor.easee_wallbox_status"),
        (WALLBOX_ID, "mode", "UNKNOWN", "sensor.easee_wallbox_status"),
        (WALLBOX_ID, "connection", "flaky", "sensor.easee_wallbox_charger_connection"),
        (INVERTER_ID, "connection_status", "degraded", f"{INVERTER}_connection_status"),
        (INVERTER_ID, "steering_status", "unknown", f"{INVERTER}_steering_status"),
    ],
)
async def test_unknown_enum_value_shows_unknown(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    device_id: str,
    field: str,
    value: str,
    entity_id: str,
) -> None:
    """A value outside the sensor's options is shown as unknown, never as a new state."""
    simulator.patch_device(device_id, {field: value})
    assert simulator.device_payload(device_id)[field] == value

    await set_up_platforms(Platform.SENSOR)

    assert hass.states.get(entity_id).state == STATE_UNKNOWN


async def test_unknown_fields_are_ignored(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Fields Podero adds later change nothing and log no errors."""
    simulator.patch_device(
        HEAT_PUMP_ID, {"defrost_cycles_today": 3, "smart_grid_ready": {"state": 2}}
    )

    await set_up_platforms(Platform.SENSOR)

    assert (
        reading(hass, HEAT_PUMP_POWER)
        == simulator.device_payload(HEAT_PUMP_ID)["current_power_consumption_w"]
    )
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


async def test_null_reading_shows_unknown(
    hass: HomeAssistant, set_up_platforms: PlatformSetUp, simulator: Simulator
) -> None:
    """A reading Podero sends as null is unknown; the other readings are unaffected."""
    simulator.patch_device(HEAT_PUMP_ID, {"outdoor_temperature": None})

    await set_up_platforms(Platform.SENSOR)

    assert hass.states.get(OUTDOOR_TEMPERATURE).state == STATE_UNKNOWN
    assert reading(hass, HEAT_PUMP_POWER) >= 0


async def test_missing_reading_shows_unknown(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A reading left out of the payload (trimmed here: the simulator cannot) is unknown."""
    vehicle = simulator.device(EV_ID)
    full = vehicle.specific
    monkeypatch.setattr(
        vehicle,
        "specific",
        lambda: {key: value for key, value in full().items() if key != "driving_range"},
    )
    assert "driving_range" not in simulator.device_payload(EV_ID)

    await set_up_platforms(Platform.SENSOR)

    assert hass.states.get(EV_RANGE).state == STATE_UNKNOWN
    assert reading(hass, "sensor.tesla_model_3_battery") == 62


async def test_battery_disconnected_later_makes_its_sensors_unavailable(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """A battery that is gone has no level or power (rather than 0 W); solar stays up."""
    await set_up_platforms(Platform.SENSOR)

    simulator.update_device(INVERTER_ID, {"is_battery_connected": False})
    await advance(hass, frozen_time, timedelta(minutes=5))

    assert hass.states.get(BATTERY_POWER).state == STATE_UNAVAILABLE
    assert hass.states.get("sensor.fronius_inverter_battery").state == STATE_UNAVAILABLE
    assert (
        reading(hass, SOLAR_POWER) == inverter(simulator)["current_solar_production_w"]
    )
