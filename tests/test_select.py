"""Selects: a heat pump's optimisation level and the owner's smart-charging mode.

A choice is written with one request and shown as Podero answered it. Only modes Podero
currently allows are offered (plus the current one, so it can be shown). Values Podero sends
that the integration does not know show as unknown.
"""

from collections.abc import Callable
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
import pytest

from podero_simulator import Simulator
from podero_simulator.scenarios import HEAT_PUMP_ID, INVERTER_ID

from .helpers import USER_PATH, PlatformSetUp, advance, requests_made

HEAT_PUMP_PATH = f"{USER_PATH}/heat-pumps/{HEAT_PUMP_ID}"
CHARGING_CONFIG_PATH = f"{USER_PATH}/charging-config"

OPTIMIZATION_LEVEL = "select.nibe_heat_pump_optimization_level"
SMART_CHARGING_MODE = "select.podero_smart_charging_mode"


async def select(hass: HomeAssistant, entity_id: str, option: str) -> None:
    """Choose an option and wait for the write to finish."""
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: entity_id, ATTR_OPTION: option},
        blocking=True,
    )


async def test_entities(snapshot_entities: PlatformSetUp) -> None:
    """The heat pump's optimisation level and the account's smart-charging mode."""
    await snapshot_entities(Platform.SELECT)


@pytest.mark.parametrize(
    ("entity_id", "option", "path", "stored", "wire"),
    [
        pytest.param(
            OPTIMIZATION_LEVEL,
            "max",
            HEAT_PUMP_PATH,
            lambda sim: sim.device_payload(HEAT_PUMP_ID)["optimization_level"],
            "Max",
            id="optimization_level",
        ),
        pytest.param(
            SMART_CHARGING_MODE,
            "spot",
            CHARGING_CONFIG_PATH,
            lambda sim: sim.world.users[sim.user_id].charging.mode,
            "spot",
            id="smart_charging_mode",
        ),
    ],
)
async def test_choosing_an_option_is_written_through(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    entity_id: str,
    option: str,
    path: str,
    stored: Callable[[Simulator], str],
    wire: str,
) -> None:
    """One PUT, shown as soon as the call returns and stored in Podero's spelling."""
    await set_up_platforms(Platform.SELECT)

    await select(hass, entity_id, option)

    assert hass.states.get(entity_id).state == option
    assert requests_made(simulator) == [("PUT", path)]
    assert stored(simulator) == wire


async def test_modes_podero_does_not_allow_are_not_offered(
    hass: HomeAssistant, set_up_platforms: PlatformSetUp, simulator: Simulator
) -> None:
    """Without an inverter the solar modes are unavailable; the current one stays shown."""
    simulator.remove_device(INVERTER_ID)

    await set_up_platforms(Platform.SELECT)

    state = hass.states.get(SMART_CHARGING_MODE)
    assert state.state == "hems_and_spot"
    assert state.attributes[ATTR_OPTIONS] == ["none", "spot", "hems_and_spot"]


async def test_unknown_optimization_level_shows_unknown(
    hass: HomeAssistant, set_up_platforms: PlatformSetUp, simulator: Simulator
) -> None:
    """A level Podero added later shows as unknown; the known levels stay selectable."""
    simulator.patch_device(HEAT_PUMP_ID, {"optimization_level": "Turbo"})

    await set_up_platforms(Platform.SELECT)

    state = hass.states.get(OPTIMIZATION_LEVEL)
    assert state.state == STATE_UNKNOWN
    assert state.attributes[ATTR_OPTIONS] == ["low", "mid", "max"]


async def test_unknown_smart_charging_mode_shows_unknown(
    hass: HomeAssistant, set_up_platforms: PlatformSetUp, simulator: Simulator
) -> None:
    """A mode Podero added later shows as unknown; the modes Podero allows stay offered."""
    simulator.world.users[simulator.user_id].charging.mode = "solar_only"

    await set_up_platforms(Platform.SELECT)

    state = hass.states.get(SMART_CHARGING_MODE)
    assert state.state == STATE_UNKNOWN
    assert state.attributes[ATTR_OPTIONS] == ["none", "spot", "hems", "hems_and_spot"]


async def test_unavailable_select_keeps_its_options(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """While the heat pump list fails, the level is unavailable but still lists its levels."""
    await set_up_platforms(Platform.SELECT)
    simulator.faults.script(
        "5xx", None, "GET /api/partners/v2.0/org/{org_id}/users/{user_id}/heat-pumps"
    )

    await advance(hass, frozen_time, timedelta(minutes=5))

    state = hass.states.get(OPTIMIZATION_LEVEL)
    assert state.state == STATE_UNAVAILABLE
    assert state.attributes[ATTR_OPTIONS] == ["low", "mid", "max"]
    assert hass.states.get(SMART_CHARGING_MODE).state == "hems_and_spot"
