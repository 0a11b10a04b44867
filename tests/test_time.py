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
import pytest

from podero_simulator import Simulator
from podero_simulator.scenarios import EV_ID

from .helpers import USER_PATH, PlatformSetUp, requests_made

EV_PATH = f"{USER_PATH}/electric-vehicles/{EV_ID}"
CHARGE_DEADLINE = "time.tesla_model_3_charge_deadline"


async def set_time(hass: HomeAssistant, entity_id: str, value: str) -> None:
    """Set a time entity and wait for the write to finish."""
    await hass.services.async_call(
        TIME_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: entity_id, ATTR_TIME: value},
        blocking=True,
    )


async def test_entities(snapshot_entities: PlatformSetUp) -> None:
    """The EV has a charge deadline (07:00 in the demo household)."""
    await snapshot_entities(Platform.TIME)


@pytest.mark.parametrize("typed", ["06:30:00", "06:30:45"], ids=["minute", "seconds"])
async def test_setting_the_charge_deadline_is_written_through(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    typed: str,
) -> None:
    """A new deadline is one PUT of "HH:MM" (seconds dropped), shown as Podero stores it."""
    await set_up_platforms(Platform.TIME)

    await set_time(hass, CHARGE_DEADLINE, typed)

    assert hass.states.get(CHARGE_DEADLINE).state == "06:30:00"
    assert requests_made(simulator) == [("PUT", EV_PATH)]
    assert simulator.device_payload(EV_ID)["charge_deadline_at"] == "06:30"


@pytest.mark.parametrize("deadline", ["soon", None], ids=["unreadable", "missing"])
async def test_a_deadline_that_is_no_time_of_day_shows_unknown(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    deadline: str | None,
) -> None:
    """A deadline that is not "HH:MM" (or null: the EV has none) shows as unknown."""
    simulator.patch_device(EV_ID, {"charge_deadline_at": deadline})

    await set_up_platforms(Platform.TIME)

    assert hass.states.get(CHARGE_DEADLINE).state == STATE_UNKNOWN
