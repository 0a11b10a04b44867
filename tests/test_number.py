"""Numbers: the EV's minimum charge, home battery limits and the owner's HEMS thresholds.

A number writes one field with one request and shows what Podero answered. Values that Podero
would refuse because of the target's other settings are refused locally, before any request.
"""

from collections.abc import Callable
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
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.podero.const import DOMAIN
from podero_simulator import Simulator
from podero_simulator.scenarios import EV_ID, INVERTER_ID, ORG_ID, USER_ID

from .helpers import SimulatedPodero, advance, setup_integration

USER_PATH = f"/api/partners/v2.0/org/{ORG_ID}/users/{USER_ID}"
EV_PATH = f"{USER_PATH}/electric-vehicles/{EV_ID}"
INVERTER_PATH = f"{USER_PATH}/inverters/{INVERTER_ID}"
CHARGING_CONFIG_PATH = f"{USER_PATH}/charging-config"

MINIMUM_CHARGE = "number.tesla_model_3_minimum_charge"
MIN_BATTERY = "number.fronius_inverter_minimum_battery_charge"
MAX_BATTERY = "number.fronius_inverter_maximum_battery_charge"
EXPORT_TO_START = "number.podero_solar_export_to_start_charging"
IMPORT_BEFORE_STOPPING = "number.podero_grid_import_before_stopping"


def ev_field(name: str) -> Callable[[Simulator], Any]:
    """Read a field of the simulated EV as the API shows it."""
    return lambda simulator: simulator.device_payload(EV_ID)[name]


def inverter_field(name: str) -> Callable[[Simulator], Any]:
    """Read a field of the simulated inverter as the API shows it."""
    return lambda simulator: simulator.device_payload(INVERTER_ID)[name]


def export_to_start(simulator: Simulator) -> int:
    """The owner's stored export-to-start threshold."""
    return simulator.world.users[simulator.user_id].charging.min_export_to_start_w


def import_before_stopping(simulator: Simulator) -> int:
    """The owner's stored import-before-stopping threshold."""
    return simulator.world.users[
        simulator.user_id
    ].charging.max_import_before_stopping_w


@pytest.fixture
def simulator(podero: SimulatedPodero) -> Simulator:
    """The simulated Podero backend."""
    return podero.simulator


async def set_up_numbers(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Load only the number platform, then forget the requests setup made."""
    await setup_integration(hass, entry, [Platform.NUMBER])
    simulator.log.clear()


def requests_made(simulator: Simulator) -> list[tuple[str, str]]:
    """Method and path of every API request since the log was last cleared."""
    return [(entry["method"], entry["path"]) for entry in simulator.requests()]


async def set_value(hass: HomeAssistant, entity_id: str, value: float) -> None:
    """Set a number and wait for the write to finish."""
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: entity_id, ATTR_VALUE: value},
        blocking=True,
    )


def shown(hass: HomeAssistant, entity_id: str) -> float:
    """The number's current state as a number."""
    return float(hass.states.get(entity_id).state)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """EV minimum charge, battery limits and HEMS thresholds on the owner's account."""
    await set_up_numbers(hass, config_entry, simulator)

    await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)


async def test_entities_disabled_by_default(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Which of these entities a new installation starts with disabled."""
    await set_up_numbers(hass, config_entry, simulator)

    entries = er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)
    disabled = sorted(
        entry.entity_id
        for entry in entries
        if entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    )
    assert disabled == snapshot


@pytest.mark.parametrize(
    ("entity_id", "value", "path", "stored"),
    [
        pytest.param(
            MINIMUM_CHARGE,
            90,
            EV_PATH,
            ev_field("minimum_charge_limit"),
            id="ev_minimum_charge",
        ),
        pytest.param(
            MIN_BATTERY,
            30,
            INVERTER_PATH,
            inverter_field("min_battery_charge"),
            id="min_battery_charge",
        ),
        pytest.param(
            MAX_BATTERY,
            85,
            INVERTER_PATH,
            inverter_field("max_battery_charge"),
            id="max_battery_charge",
        ),
        pytest.param(
            EXPORT_TO_START,
            2000,
            CHARGING_CONFIG_PATH,
            export_to_start,
            id="hems_export_to_start",
        ),
        pytest.param(
            IMPORT_BEFORE_STOPPING,
            500,
            CHARGING_CONFIG_PATH,
            import_before_stopping,
            id="hems_import_before_stopping",
        ),
    ],
)
async def test_setting_a_value_is_written_through(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    entity_id: str,
    value: int,
    path: str,
    stored: Callable[[Simulator], Any],
) -> None:
    """A new value is one PUT, shown as soon as the call returns and stored at Podero."""
    await set_up_numbers(hass, config_entry, simulator)
    assert shown(hass, entity_id) != value

    await set_value(hass, entity_id, value)

    assert shown(hass, entity_id) == value
    assert requests_made(simulator) == [("PUT", path)]
    assert stored(simulator) == value


async def test_fractional_value_is_sent_as_whole_number(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Podero's numbers are whole percent or watts; a fraction is rounded before sending."""
    await set_up_numbers(hass, config_entry, simulator)

    await set_value(hass, MINIMUM_CHARGE, 80.6)

    assert shown(hass, MINIMUM_CHARGE) == 81
    assert simulator.device_payload(EV_ID)["minimum_charge_limit"] == 81


async def test_minimum_battery_charge_may_equal_the_maximum(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Equal limits are a valid (if narrow) battery window."""
    await set_up_numbers(hass, config_entry, simulator)

    await set_value(hass, MIN_BATTERY, 90)

    assert shown(hass, MIN_BATTERY) == 90
    assert simulator.device_payload(INVERTER_ID)["min_battery_charge"] == 90


async def test_minimum_battery_charge_above_maximum_is_refused_locally(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A minimum above the maximum (90 %) is explained without asking Podero."""
    await set_up_numbers(hass, config_entry, simulator)

    with pytest.raises(ServiceValidationError) as err:
        await set_value(hass, MIN_BATTERY, 95)

    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "battery_min_above_max"
    assert err.value.translation_placeholders == {"value": "95", "max": "90"}
    assert requests_made(simulator) == []
    assert shown(hass, MIN_BATTERY) == 20
    assert simulator.device_payload(INVERTER_ID)["min_battery_charge"] == 20


async def test_maximum_battery_charge_below_minimum_is_refused_locally(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A maximum below the minimum (20 %) is explained without asking Podero."""
    await set_up_numbers(hass, config_entry, simulator)

    with pytest.raises(ServiceValidationError) as err:
        await set_value(hass, MAX_BATTERY, 10)

    assert err.value.translation_key == "battery_max_below_min"
    assert err.value.translation_placeholders == {"value": "10", "min": "20"}
    assert requests_made(simulator) == []
    assert shown(hass, MAX_BATTERY) == 90
    assert simulator.device_payload(INVERTER_ID)["max_battery_charge"] == 90


@pytest.mark.parametrize(
    ("entity_id", "value", "placeholders"),
    [
        pytest.param(
            EXPORT_TO_START,
            500,
            {"band": "1000", "start": "500", "stop": "300"},
            id="export_to_start",
        ),
        pytest.param(
            IMPORT_BEFORE_STOPPING,
            200,
            {"band": "1000", "start": "700", "stop": "200"},
            id="import_before_stopping",
        ),
    ],
)
async def test_hems_thresholds_narrower_than_the_band_are_refused_locally(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    entity_id: str,
    value: int,
    placeholders: dict[str, str],
) -> None:
    """Export-to-start plus import-before-stopping must reach Podero's band (1000 W)."""
    simulator.world.users[simulator.user_id].charging.min_export_to_start_w = 700
    await set_up_numbers(hass, config_entry, simulator)
    before = shown(hass, entity_id)

    with pytest.raises(ServiceValidationError) as err:
        await set_value(hass, entity_id, value)

    assert err.value.translation_key == "hems_band_too_narrow"
    assert err.value.translation_placeholders == placeholders
    assert requests_made(simulator) == []
    assert shown(hass, entity_id) == before
    assert (export_to_start(simulator), import_before_stopping(simulator)) == (700, 300)


async def test_hems_thresholds_exactly_filling_the_band_are_accepted(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """700 W export plus 300 W import is exactly the 1000 W band, which Podero accepts."""
    await set_up_numbers(hass, config_entry, simulator)

    await set_value(hass, EXPORT_TO_START, 700)

    assert shown(hass, EXPORT_TO_START) == 700
    assert export_to_start(simulator) == 700


async def test_value_podero_rejects_keeps_what_podero_has(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A 422 (here: the maximum was lowered elsewhere) becomes a translated rejection."""
    await set_up_numbers(hass, config_entry, simulator)
    simulator.update_device(INVERTER_ID, {"max_battery_charge": 50})

    with pytest.raises(ServiceValidationError) as err:
        await set_value(hass, MIN_BATTERY, 70)

    assert err.value.translation_key == "rejected"
    assert "min_battery_charge" in err.value.translation_placeholders["message"]
    assert requests_made(simulator) == [("PUT", INVERTER_PATH)]
    assert shown(hass, MIN_BATTERY) == 20
    assert simulator.device_payload(INVERTER_ID)["min_battery_charge"] == 20


async def test_server_error_keeps_what_podero_has(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A 5xx on the owner's settings is a translated server error; nothing changes."""
    await set_up_numbers(hass, config_entry, simulator)
    simulator.faults.script("5xx", match="PUT /api/*", status=502)

    with pytest.raises(HomeAssistantError) as err:
        await set_value(hass, EXPORT_TO_START, 2000)

    assert type(err.value) is HomeAssistantError
    assert err.value.translation_key == "server_error"
    assert err.value.translation_placeholders == {"status": "502"}
    await hass.async_block_till_done(wait_background_tasks=True)
    # The write may have been applied before the answer broke: it is read back once.
    assert requests_made(simulator) == [
        ("PUT", CHARGING_CONFIG_PATH),
        ("GET", CHARGING_CONFIG_PATH),
    ]
    assert shown(hass, EXPORT_TO_START) == 1400
    assert export_to_start(simulator) == 1400


async def test_inverter_without_battery_has_no_battery_limits(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Battery limits exist only for inverters with a battery."""
    simulator.update_device(INVERTER_ID, {"is_battery_connected": False})

    await set_up_numbers(hass, config_entry, simulator)

    for key in ("min_battery_charge", "max_battery_charge"):
        unique_id = f"{INVERTER_ID}_{key}"
        assert (
            entity_registry.async_get_entity_id(NUMBER_DOMAIN, DOMAIN, unique_id)
            is None
        )
    assert hass.states.get(MINIMUM_CHARGE) is not None


async def test_battery_connected_later_gets_its_limits(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """When a battery shows up at the next poll, its limits appear without a reload."""
    simulator.update_device(INVERTER_ID, {"is_battery_connected": False})
    await set_up_numbers(hass, config_entry, simulator)
    assert hass.states.get(MIN_BATTERY) is None

    simulator.update_device(INVERTER_ID, {"is_battery_connected": True})
    await advance(hass, frozen_time, timedelta(minutes=5))

    assert shown(hass, MIN_BATTERY) == 20
    assert shown(hass, MAX_BATTERY) == 90


async def test_battery_disconnected_later_makes_its_limits_unavailable(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """Limits of a battery that is gone cannot be set; the other numbers stay usable."""
    await set_up_numbers(hass, config_entry, simulator)

    simulator.update_device(INVERTER_ID, {"is_battery_connected": False})
    await advance(hass, frozen_time, timedelta(minutes=5))

    assert hass.states.get(MIN_BATTERY).state == STATE_UNAVAILABLE
    assert hass.states.get(MAX_BATTERY).state == STATE_UNAVAILABLE
    assert shown(hass, MINIMUM_CHARGE) == 75
