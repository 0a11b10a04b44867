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
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

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


@pytest.mark.parametrize("typed", ["06:30:00", "06:30:45"], ids=["minute", "seconds"])
async def test_setting_the_charge_deadline_is_written_through(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    typed: str,
) -> None:
    """A new deadline is one PUT of "HH:MM" (seconds dropped), shown as Podero stores it."""
    await set_up_times(hass, config_entry, simulator)

    await set_time(hass, CHARGE_DEADLINE, typed)

    assert hass.states.get(CHARGE_DEADLINE).state == "06:30:00"
    assert requests_made(simulator) == [("PUT", EV_PATH)]
    assert simulator.device_payload(EV_ID)["charge_deadline_at"] == "06:30"


@pytest.mark.parametrize("deadline", ["soon", None], ids=["unreadable", "missing"])
async def test_a_deadline_that_is_no_time_of_day_shows_unknown(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    deadline: str | None,
) -> None:
    """A deadline that is not "HH:MM" (or null: the EV has none) shows as unknown."""
    simulator.patch_device(EV_ID, {"charge_deadline_at": deadline})

    await set_up_times(hass, config_entry, simulator)

    assert hass.states.get(CHARGE_DEADLINE).state == STATE_UNKNOWN
