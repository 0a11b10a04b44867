"""Numbers: the EV's minimum charge, home battery limits and the owner's HEMS thresholds.

A number writes one field with one request and shows what Podero answered. Values that Podero
would refuse because of the target's other settings are refused locally, before any request.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.podero.const import DOMAIN
from podero_simulator import Simulator
from podero_simulator.scenarios import EV_ID, INVERTER_ID

from .helpers import USER_PATH, PlatformSetUp, advance, requests_made


@dataclass(frozen=True)
class Setting:
    """A number entity, the resource it writes, and how to read its value at Podero."""

    entity_id: str
    path: str
    stored: Callable[[Simulator], Any]


def device_field(device_id: str, name: str) -> Callable[[Simulator], Any]:
    """Read a field of a simulated device as the API shows it."""
    return lambda simulator: simulator.device_payload(device_id)[name]


def charging_field(name: str) -> Callable[[Simulator], Any]:
    """Read a field of the owner's stored charging configuration."""
    return lambda simulator: getattr(
        simulator.world.users[simulator.user_id].charging, name
    )


EV_PATH = f"{USER_PATH}/electric-vehicles/{EV_ID}"
INVERTER_PATH = f"{USER_PATH}/inverters/{INVERTER_ID}"
CHARGING_CONFIG_PATH = f"{USER_PATH}/charging-config"
MINIMUM_CHARGE = Setting(
    "number.tesla_model_3_minimum_charge",
    EV_PATH,
    device_field(EV_ID, "minimum_charge_limit"),
)
MIN_BATTERY = Setting(
    "number.fronius_inverter_minimum_battery_charge",
    INVERTER_PATH,
    device_field(INVERTER_ID, "min_battery_charge"),
)
MAX_BATTERY = Setting(
    "number.fronius_inverter_maximum_battery_charge",
    INVERTER_PATH,
    device_field(INVERTER_ID, "max_battery_charge"),
)
EXPORT_TO_START = Setting(
    "number.podero_solar_export_to_start_charging",
    CHARGING_CONFIG_PATH,
    charging_field("min_export_to_start_w"),
)
IMPORT_BEFORE_STOPPING = Setting(
    "number.podero_grid_import_before_stopping",
    CHARGING_CONFIG_PATH,
    charging_field("max_import_before_stopping_w"),
)


async def set_value(hass: HomeAssistant, setting: Setting, value: float) -> None:
    """Set a number and wait for the write to finish."""
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: setting.entity_id, ATTR_VALUE: value},
        blocking=True,
    )


def shown(hass: HomeAssistant, setting: Setting) -> float:
    """The number's current state as a number."""
    return float(hass.states.get(setting.entity_id).state)


async def test_entities(snapshot_entities: PlatformSetUp) -> None:
    """EV minimum charge, battery limits and HEMS thresholds on the owner's account."""
    await snapshot_entities(Platform.NUMBER)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        pytest.param(MINIMUM_CHARGE, 90, id="ev_minimum_charge"),
        pytest.param(MIN_BATTERY, 30, id="min_battery_charge"),
        pytest.param(MIN_BATTERY, 90, id="min_battery_charge_equal_to_the_maximum"),
        pytest.param(MAX_BATTERY, 85, id="max_battery_charge"),
        pytest.param(EXPORT_TO_START, 2000, id="hems_export_to_start"),
        pytest.param(EXPORT_TO_START, 700, id="hems_thresholds_filling_the_band"),
        pytest.param(IMPORT_BEFORE_STOPPING, 500, id="hems_import_before_stopping"),
    ],
)
async def test_setting_a_value_is_written_through(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    setting: Setting,
    value: int,
) -> None:
    """A new value is one PUT, shown at once and stored (equal limits, a 1000 W band: valid)."""
    await set_up_platforms(Platform.NUMBER)
    assert shown(hass, setting) != value

    await set_value(hass, setting, value)

    assert shown(hass, setting) == value
    assert requests_made(simulator) == [("PUT", setting.path)]
    assert setting.stored(simulator) == value


async def test_fractional_value_is_sent_as_whole_number(
    hass: HomeAssistant, set_up_platforms: PlatformSetUp, simulator: Simulator
) -> None:
    """Podero's numbers are whole percent or watts; a fraction is rounded before sending."""
    await set_up_platforms(Platform.NUMBER)

    await set_value(hass, MINIMUM_CHARGE, 80.6)

    assert shown(hass, MINIMUM_CHARGE) == 81
    assert MINIMUM_CHARGE.stored(simulator) == 81


@pytest.mark.parametrize(
    ("setting", "value", "key", "placeholders"),
    [
        pytest.param(
            MIN_BATTERY,
            95,
            "battery_min_above_max",
            {"value": "95", "max": "90"},
            id="min_battery_charge_above_the_maximum",
        ),
        pytest.param(
            MAX_BATTERY,
            10,
            "battery_max_below_min",
            {"value": "10", "min": "20"},
            id="max_battery_charge_below_the_minimum",
        ),
        pytest.param(
            EXPORT_TO_START,
            500,
            "hems_band_too_narrow",
            {"band": "1000", "start": "500", "stop": "300"},
            id="export_to_start_narrowing_the_band",
        ),
        pytest.param(
            IMPORT_BEFORE_STOPPING,
            200,
            "hems_band_too_narrow",
            {"band": "1000", "start": "700", "stop": "200"},
            id="import_before_stopping_narrowing_the_band",
        ),
        # NaN passes Home Assistant's own range check.
        pytest.param(
            MINIMUM_CHARGE,
            float("nan"),
            "invalid_number",
            {"value": "nan"},
            id="not_a_number",
        ),
    ],
)
async def test_values_podero_would_refuse_are_refused_locally(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    setting: Setting,
    value: float,
    key: str,
    placeholders: dict[str, str],
) -> None:
    """Limits (20..90 %) that would cross, or thresholds short of 1000 W, are never sent."""
    simulator.world.users[simulator.user_id].charging.min_export_to_start_w = 700
    await set_up_platforms(Platform.NUMBER)
    before = shown(hass, setting)

    with pytest.raises(ServiceValidationError) as err:
        await set_value(hass, setting, value)

    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    assert err.value.translation_placeholders == placeholders
    assert requests_made(simulator) == []
    assert shown(hass, setting) == before == setting.stored(simulator)


async def test_value_podero_rejects_keeps_what_podero_has(
    hass: HomeAssistant, set_up_platforms: PlatformSetUp, simulator: Simulator
) -> None:
    """A 422 (maximum lowered elsewhere) is a translated rejection (for every platform)."""
    await set_up_platforms(Platform.NUMBER)
    simulator.update_device(INVERTER_ID, {"max_battery_charge": 50})

    with pytest.raises(ServiceValidationError) as err:
        await set_value(hass, MIN_BATTERY, 70)

    assert err.value.translation_key == "rejected"
    assert "min_battery_charge" in err.value.translation_placeholders["message"]
    assert requests_made(simulator) == [("PUT", INVERTER_PATH)]
    assert shown(hass, MIN_BATTERY) == 20 == MIN_BATTERY.stored(simulator)


async def test_battery_limits_exist_from_the_poll_that_shows_a_battery(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """An inverter without a battery has no limits; once one shows up, they appear."""
    simulator.update_device(INVERTER_ID, {"is_battery_connected": False})
    await set_up_platforms(Platform.NUMBER)
    for key in ("min_battery_charge", "max_battery_charge"):
        unique_id = f"{INVERTER_ID}_{key}"
        assert not entity_registry.async_get_entity_id(NUMBER_DOMAIN, DOMAIN, unique_id)
    assert shown(hass, MINIMUM_CHARGE) == 75

    simulator.update_device(INVERTER_ID, {"is_battery_connected": True})
    await advance(hass, frozen_time, timedelta(minutes=5))

    assert shown(hass, MIN_BATTERY) == 20
    assert shown(hass, MAX_BATTERY) == 90


async def test_battery_disconnected_later_makes_its_limits_unavailable(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """Limits of a battery that is gone cannot be set; the other numbers stay usable."""
    await set_up_platforms(Platform.NUMBER)

    simulator.update_device(INVERTER_ID, {"is_battery_connected": False})
    await advance(hass, frozen_time, timedelta(minutes=5))

    assert hass.states.get(MIN_BATTERY.entity_id).state == STATE_UNAVAILABLE
    assert hass.states.get(MAX_BATTERY.entity_id).state == STATE_UNAVAILABLE
    assert shown(hass, MINIMUM_CHARGE) == 75
