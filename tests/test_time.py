"""Time: the daily deadline by which the EV must have reached its minimum charge.

Podero keeps the deadline to the minute ("HH:MM"); a new time is written with one PUT and
shown as Podero answered it.
"""

from homeassistant.components.time import (
    ATTR_TIME,
    DOMAIN as TIME_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.podero.const import DOMAIN
from podero_simulator import Simulator
from podero_simulator.scenarios import EV_ID, ORG_ID, USER_ID

from .helpers import SimulatedPodero, setup_integration

EV_PATH = f"/api/partners/v2.0/org/{ORG_ID}/users/{USER_ID}/electric-vehicles/{EV_ID}"
CHARGE_DEADLINE = "time.tesla_model_3_charge_deadline"


@pytest.fixture
def simulator(podero: SimulatedPodero) -> Simulator:
    """The simulated Podero backend."""
    return podero.simulator


async def set_up_times(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Load only the time platform, then forget the requests setup made."""
    await setup_integration(hass, entry, [Platform.TIME])
    simulator.log.clear()


def requests_made(simulator: Simulator) -> list[tuple[str, str]]:
    """Method and path of every API request since the log was last cleared."""
    return [(entry["method"], entry["path"]) for entry in simulator.requests()]


async def set_time(hass: HomeAssistant, entity_id: str, value: str) -> None:
    """Set a time entity and wait for the write to finish."""
    await hass.services.async_call(
        TIME_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: entity_id, ATTR_TIME: value},
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
    """The EV has a charge deadline (07:00 in the demo household)."""
    await set_up_times(hass, config_entry, simulator)

    await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)


async def test_entities_disabled_by_default(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Which of these entities a new installation starts with disabled."""
    await set_up_times(hass, config_entry, simulator)

    entries = er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)
    disabled = sorted(
        entry.entity_id
        for entry in entries
        if entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    )
    assert disabled == snapshot


async def test_setting_the_charge_deadline_is_written_through(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A new deadline is one PUT of "HH:MM", shown as soon as the call returns."""
    await set_up_times(hass, config_entry, simulator)

    await set_time(hass, CHARGE_DEADLINE, "06:30:00")

    assert hass.states.get(CHARGE_DEADLINE).state == "06:30:00"
    assert requests_made(simulator) == [("PUT", EV_PATH)]
    assert simulator.device_payload(EV_ID)["charge_deadline_at"] == "06:30"


async def test_seconds_are_dropped(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Podero stores minutes, so 06:30:45 becomes 06:30 (and is shown that way)."""
    await set_up_times(hass, config_entry, simulator)

    await set_time(hass, CHARGE_DEADLINE, "06:30:45")

    assert hass.states.get(CHARGE_DEADLINE).state == "06:30:00"
    assert simulator.device_payload(EV_ID)["charge_deadline_at"] == "06:30"


async def test_server_error_keeps_what_podero_has(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A 5xx is a translated server error; the deadline is not changed optimistically."""
    await set_up_times(hass, config_entry, simulator)
    simulator.faults.script("5xx", match="PUT /api/*", status=504)

    with pytest.raises(HomeAssistantError) as err:
        await set_time(hass, CHARGE_DEADLINE, "06:30:00")

    assert type(err.value) is HomeAssistantError
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "server_error"
    assert err.value.translation_placeholders == {"status": "504"}
    await hass.async_block_till_done(wait_background_tasks=True)
    # The write may have been applied before the answer broke: the list is read back once.
    assert requests_made(simulator) == [
        ("PUT", EV_PATH),
        ("GET", EV_PATH.rsplit("/", 1)[0]),
    ]
    assert hass.states.get(CHARGE_DEADLINE).state == "07:00:00"
    assert simulator.device_payload(EV_ID)["charge_deadline_at"] == "07:00"


async def test_unreadable_deadline_shows_unknown(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A deadline that is not a time of day shows as unknown."""
    simulator.patch_device(EV_ID, {"charge_deadline_at": "soon"})

    await set_up_times(hass, config_entry, simulator)

    assert hass.states.get(CHARGE_DEADLINE).state == STATE_UNKNOWN


async def test_missing_deadline_shows_unknown(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """An EV without a deadline (null) shows it as unknown."""
    simulator.patch_device(EV_ID, {"charge_deadline_at": None})

    await set_up_times(hass, config_entry, simulator)

    assert hass.states.get(CHARGE_DEADLINE).state == STATE_UNKNOWN
