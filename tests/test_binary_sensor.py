"""Binary sensors: plug and charge state, boost arming, cloud link and pending actions.

Flags are shown as Podero reports them; a flag Podero leaves out or sends as something other
than a boolean is unknown, not off.
"""

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
import pytest

from podero_simulator import Simulator
from podero_simulator.scenarios import EV_ID, HEAT_PUMP_ID, WALLBOX_ID

from .helpers import PlatformSetUp

HEAT_PUMP_ACTION_NEEDED = "binary_sensor.nibe_heat_pump_action_needed"
HEAT_PUMP_CLOUD = "binary_sensor.nibe_heat_pump_cloud_connection"
EV_PLUGGED_IN = "binary_sensor.tesla_model_3_plugged_in"
EV_CHARGING = "binary_sensor.tesla_model_3_charging"
EV_BOOST_ARMED = "binary_sensor.tesla_model_3_charge_now_armed"
EV_FULLY_CHARGED = "binary_sensor.tesla_model_3_fully_charged"
WALLBOX_PLUGGED_IN = "binary_sensor.easee_wallbox_plugged_in"


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """The entity's state string."""
    return hass.states.get(entity_id).state


async def test_entities(snapshot_entities: PlatformSetUp) -> None:
    """Cloud link and actions for every device; plug and charge for the chargers."""
    await snapshot_entities(Platform.BINARY_SENSOR)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_lapsed_manufacturer_login_needs_action(
    hass: HomeAssistant, set_up_platforms: PlatformSetUp, simulator: Simulator
) -> None:
    """When Podero loses the manufacturer cloud, the link is off and action is needed."""
    simulator.patch_device(HEAT_PUMP_ID, {"is_authenticated": False})

    await set_up_platforms(Platform.BINARY_SENSOR)

    assert state_of(hass, HEAT_PUMP_CLOUD) == STATE_OFF
    assert state_of(hass, HEAT_PUMP_ACTION_NEEDED) == STATE_ON


async def test_actions_show_only_their_codes(
    hass: HomeAssistant, set_up_platforms: PlatformSetUp, simulator: Simulator
) -> None:
    """Pending actions are listed by code; their signed resolution links never reach HA."""
    simulator.patch_device(
        HEAT_PUMP_ID,
        {
            "actions": [
                {
                    "id": "cue-1",
                    "code": "reauthenticate",
                    "resolution_link": {
                        "url": "https://app.podero.com/cues/cue-1/resolve?secret=s3cr3t"
                    },
                }
            ]
        },
    )

    await set_up_platforms(Platform.BINARY_SENSOR)

    state = hass.states.get(HEAT_PUMP_ACTION_NEEDED)
    assert state.state == STATE_ON
    assert state.attributes["actions"] == ["reauthenticate"]
    assert "s3cr3t" not in str(state.as_dict())


async def test_missing_action_flag_shows_unknown(
    hass: HomeAssistant, set_up_platforms: PlatformSetUp, simulator: Simulator
) -> None:
    """Without `action_needed` (and no actions listed) nobody knows: unknown, not off."""
    simulator.patch_device(HEAT_PUMP_ID, {"action_needed": None})

    await set_up_platforms(Platform.BINARY_SENSOR)

    assert state_of(hass, HEAT_PUMP_ACTION_NEEDED) == STATE_UNKNOWN


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_unplugged_vehicle_is_neither_plugged_in_nor_charging(
    hass: HomeAssistant, set_up_platforms: PlatformSetUp, simulator: Simulator
) -> None:
    """Plug and charge state follow Podero; an unplugged EV has no boost armed yet."""
    simulator.set_plugged_in(EV_ID, False)

    await set_up_platforms(Platform.BINARY_SENSOR)

    assert state_of(hass, EV_PLUGGED_IN) == STATE_OFF
    assert state_of(hass, EV_CHARGING) == STATE_OFF
    assert state_of(hass, EV_BOOST_ARMED) == STATE_OFF
    assert state_of(hass, WALLBOX_PLUGGED_IN) == STATE_ON


async def test_boosting_vehicle_is_charging(
    hass: HomeAssistant, set_up_platforms: PlatformSetUp, simulator: Simulator
) -> None:
    """Once a boost runs, the EV draws power and shows as charging."""
    simulator.boost(EV_ID)
    simulator.advance(10)
    assert simulator.device_payload(EV_ID)["boost_state"] == "ongoing"

    await set_up_platforms(Platform.BINARY_SENSOR)

    assert state_of(hass, EV_PLUGGED_IN) == STATE_ON
    assert state_of(hass, EV_CHARGING) == STATE_ON


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_vehicle_at_its_limit_is_fully_charged(
    hass: HomeAssistant, set_up_platforms: PlatformSetUp, simulator: Simulator
) -> None:
    """At the vehicle's charge limit (80 %) it is fully charged."""
    simulator.patch_device(EV_ID, {"battery_level": 80})

    await set_up_platforms(Platform.BINARY_SENSOR)

    assert state_of(hass, EV_FULLY_CHARGED) == STATE_ON


async def test_unreadable_flag_shows_unknown(
    hass: HomeAssistant, set_up_platforms: PlatformSetUp, simulator: Simulator
) -> None:
    """A flag that is not a boolean is unknown; the other chargers are unaffected."""
    simulator.patch_device(WALLBOX_ID, {"is_plugged_in": "yes"})

    await set_up_platforms(Platform.BINARY_SENSOR)

    assert state_of(hass, WALLBOX_PLUGGED_IN) == STATE_UNKNOWN
    assert state_of(hass, EV_PLUGGED_IN) == STATE_ON
