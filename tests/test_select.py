"""Selects: a heat pump's optimisation level and the owner's smart-charging mode.

A choice is written with one request and shown as Podero answered it. Only modes Podero
currently allows are offered (plus the current one, so it can be shown). Values Podero sends
that the integration does not know show as unknown.
"""

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.select import (
    ATTR_OPTION,
    ATTR_OPTIONS,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    Platform,
)
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
from podero_simulator.scenarios import HEAT_PUMP_ID, INVERTER_ID, ORG_ID, USER_ID

from .helpers import SimulatedPodero, advance, setup_integration

USER_PATH = f"/api/partners/v2.0/org/{ORG_ID}/users/{USER_ID}"
HEAT_PUMP_PATH = f"{USER_PATH}/heat-pumps/{HEAT_PUMP_ID}"
CHARGING_CONFIG_PATH = f"{USER_PATH}/charging-config"

OPTIMIZATION_LEVEL = "select.nibe_heat_pump_optimization_level"
SMART_CHARGING_MODE = "select.podero_smart_charging_mode"


@pytest.fixture
def simulator(podero: SimulatedPodero) -> Simulator:
    """The simulated Podero backend."""
    return podero.simulator


async def set_up_selects(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Load only the select platform, then forget the requests setup made."""
    await setup_integration(hass, entry, [Platform.SELECT])
    simulator.log.clear()


def requests_made(simulator: Simulator) -> list[tuple[str, str]]:
    """Method and path of every API request since the log was last cleared."""
    return [(entry["method"], entry["path"]) for entry in simulator.requests()]


def charging_mode(simulator: Simulator) -> str:
    """The owner's smart-charging mode as Podero stores it."""
    return simulator.world.users[simulator.user_id].charging.mode


async def select(hass: HomeAssistant, entity_id: str, option: str) -> None:
    """Choose an option and wait for the write to finish."""
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: entity_id, ATTR_OPTION: option},
        blocking=True,
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """The heat pump's optimisation level and the account's smart-charging mode."""
    await set_up_selects(hass, config_entry, simulator)

    await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)


async def test_entities_disabled_by_default(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Which of these entities a new installation starts with disabled."""
    await set_up_selects(hass, config_entry, simulator)

    entries = er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)
    disabled = sorted(
        entry.entity_id
        for entry in entries
        if entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    )
    assert disabled == snapshot


async def test_choosing_an_optimization_level_is_written_through(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """One PUT with Podero's capitalised wire value; shown as soon as the call returns."""
    await set_up_selects(hass, config_entry, simulator)

    await select(hass, OPTIMIZATION_LEVEL, "max")

    assert hass.states.get(OPTIMIZATION_LEVEL).state == "max"
    assert requests_made(simulator) == [("PUT", HEAT_PUMP_PATH)]
    assert simulator.device_payload(HEAT_PUMP_ID)["optimization_level"] == "Max"


async def test_choosing_a_smart_charging_mode_is_written_through(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """One PUT of the owner's charging configuration; shown as soon as the call returns."""
    await set_up_selects(hass, config_entry, simulator)

    await select(hass, SMART_CHARGING_MODE, "spot")

    assert hass.states.get(SMART_CHARGING_MODE).state == "spot"
    assert requests_made(simulator) == [("PUT", CHARGING_CONFIG_PATH)]
    assert charging_mode(simulator) == "spot"


async def test_modes_podero_does_not_allow_are_not_offered(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Without an inverter the solar modes are unavailable; the current one stays shown."""
    simulator.remove_device(INVERTER_ID)

    await set_up_selects(hass, config_entry, simulator)

    state = hass.states.get(SMART_CHARGING_MODE)
    assert state.state == "hems_and_spot"
    assert state.attributes[ATTR_OPTIONS] == ["none", "spot", "hems_and_spot"]


async def test_mode_podero_rejects_keeps_what_podero_has(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A mode that became unavailable since the last poll is a translated 422 rejection."""
    await set_up_selects(hass, config_entry, simulator)
    simulator.patch_device(INVERTER_ID, {"is_authenticated": False})

    with pytest.raises(ServiceValidationError) as err:
        await select(hass, SMART_CHARGING_MODE, "hems")

    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "rejected"
    assert "not available" in err.value.translation_placeholders["message"]
    assert requests_made(simulator) == [("PUT", CHARGING_CONFIG_PATH)]
    assert hass.states.get(SMART_CHARGING_MODE).state == "hems_and_spot"
    assert charging_mode(simulator) == "hems_and_spot"


async def test_server_error_keeps_what_podero_has(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A 5xx is a translated server error; the level is not changed optimistically."""
    await set_up_selects(hass, config_entry, simulator)
    simulator.faults.script("5xx", match="PUT /api/*", status=500)

    with pytest.raises(HomeAssistantError) as err:
        await select(hass, OPTIMIZATION_LEVEL, "max")

    assert type(err.value) is HomeAssistantError
    assert err.value.translation_key == "server_error"
    await hass.async_block_till_done(wait_background_tasks=True)
    # The write may have been applied before the answer broke: the list is read back once.
    assert requests_made(simulator) == [
        ("PUT", HEAT_PUMP_PATH),
        ("GET", HEAT_PUMP_PATH.rsplit("/", 1)[0]),
    ]
    assert hass.states.get(OPTIMIZATION_LEVEL).state == "mid"
    assert simulator.device_payload(HEAT_PUMP_ID)["optimization_level"] == "Mid"


async def test_rate_limit_keeps_what_podero_has(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A 429 on the charging configuration tells the user when to try again."""
    await set_up_selects(hass, config_entry, simulator)
    simulator.faults.script("429", match="PUT /api/*", retry_after=12)

    with pytest.raises(HomeAssistantError) as err:
        await select(hass, SMART_CHARGING_MODE, "spot")

    assert type(err.value) is HomeAssistantError
    assert err.value.translation_key == "rate_limited"
    assert err.value.translation_placeholders == {"retry_after": "12"}
    assert hass.states.get(SMART_CHARGING_MODE).state == "hems_and_spot"
    assert charging_mode(simulator) == "hems_and_spot"


async def test_unknown_optimization_level_shows_unknown(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A level Podero added later shows as unknown; the known levels stay selectable."""
    simulator.patch_device(HEAT_PUMP_ID, {"optimization_level": "Turbo"})

    await set_up_selects(hass, config_entry, simulator)

    state = hass.states.get(OPTIMIZATION_LEVEL)
    assert state.state == STATE_UNKNOWN
    assert state.attributes[ATTR_OPTIONS] == ["low", "mid", "max"]


async def test_unknown_smart_charging_mode_shows_unknown(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A mode Podero added later shows as unknown; the modes Podero allows stay offered."""
    simulator.world.users[simulator.user_id].charging.mode = "solar_only"

    await set_up_selects(hass, config_entry, simulator)

    state = hass.states.get(SMART_CHARGING_MODE)
    assert state.state == STATE_UNKNOWN
    assert state.attributes[ATTR_OPTIONS] == ["none", "spot", "hems", "hems_and_spot"]


async def test_unavailable_select_keeps_its_options(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """While the heat pump list fails, the level is unavailable but still lists its levels."""
    await set_up_selects(hass, config_entry, simulator)
    simulator.faults.script(
        "5xx", None, "GET /api/partners/v2.0/org/{org_id}/users/{user_id}/heat-pumps"
    )

    await advance(hass, frozen_time, timedelta(minutes=5))

    state = hass.states.get(OPTIMIZATION_LEVEL)
    assert state.state == STATE_UNAVAILABLE
    assert state.attributes[ATTR_OPTIONS] == ["low", "mid", "max"]
    assert hass.states.get(SMART_CHARGING_MODE).state == "hems_and_spot"
