"""Switches: smart optimisation of every device, and the EV's charge policy.

A switch writes one flag with one PUT and shows the device as Podero answered it. When the
write fails, the switch keeps showing what Podero has and the user gets a translated error.

Every platform writes through `PoderoCoordinator.async_call`, so the failures of a write are
specified here once, on the charge policy switch: a lost answer is read back, a 429 is not.
A rejected value (422) is in test_number.py, a refused boost (409) in test_button.py, and a
timeout and a rejected token during a write in test_services.py.
"""

from typing import Any

from homeassistant.components.switch import (
    DOMAIN as SWITCH_DOMAIN,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    STATE_OFF,
    STATE_ON,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest

from custom_components.podero.const import DOMAIN
from podero_simulator import Simulator
from podero_simulator.scenarios import EV_ID, HEAT_PUMP_ID, INVERTER_ID, WALLBOX_ID

from .helpers import USER_PATH, PlatformSetUp, requests_made

EV_LIST = f"{USER_PATH}/electric-vehicles"
EV_PATH = f"{EV_LIST}/{EV_ID}"
CHARGE_POLICY = "switch.tesla_model_3_charge_policy"
SMART = "is_smart_optimization_active"


def flag(name: str, kind: str, device_id: str, field: str = SMART) -> Any:
    """A switch, the device it writes (type and id) and the flag it stands for."""
    path = f"{USER_PATH}/{kind}/{device_id}"
    return pytest.param(f"switch.{name}", path, device_id, field, id=name)


FLAGS = [
    flag("nibe_heat_pump_smart_optimization", "heat-pumps", HEAT_PUMP_ID),
    flag("tesla_model_3_smart_optimization", "electric-vehicles", EV_ID),
    flag("fronius_inverter_smart_optimization", "inverters", INVERTER_ID),
    flag("easee_wallbox_smart_optimization", "wallboxes", WALLBOX_ID),
    flag(
        "tesla_model_3_charge_policy",
        "electric-vehicles",
        EV_ID,
        "is_charge_policy_enabled",
    ),
]


async def switch(hass: HomeAssistant, service: str, entity_id: str) -> None:
    """Turn a switch on or off and wait for the write to finish."""
    await hass.services.async_call(
        SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def test_entities(snapshot_entities: PlatformSetUp) -> None:
    """Every device has a smart optimisation switch; the EV also a charge policy switch."""
    await snapshot_entities(Platform.SWITCH)


@pytest.mark.parametrize("on", [True, False], ids=["on", "off"])
@pytest.mark.parametrize(("entity_id", "path", "device_id", "field"), FLAGS)
async def test_switching_is_written_through(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    entity_id: str,
    path: str,
    device_id: str,
    field: str,
    on: bool,
) -> None:
    """Turning a flag on or off is one PUT, shown at once and stored at Podero."""
    simulator.update_device(device_id, {field: not on})
    await set_up_platforms(Platform.SWITCH)
    assert hass.states.get(entity_id).state == (STATE_OFF if on else STATE_ON)

    await switch(hass, SERVICE_TURN_ON if on else SERVICE_TURN_OFF, entity_id)

    assert hass.states.get(entity_id).state == (STATE_ON if on else STATE_OFF)
    assert requests_made(simulator) == [("PUT", path)]
    assert simulator.device_payload(device_id)[field] is on


@pytest.mark.parametrize(
    ("fault", "status", "key", "placeholders", "applied"),
    [
        pytest.param("5xx", 503, "server_error", {"status": "503"}, False, id="5xx"),
        pytest.param("malformed", None, "malformed_response", {}, True, id="garbled"),
    ],
)
async def test_a_write_whose_answer_is_lost_is_read_back(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    fault: str,
    status: int | None,
    key: str,
    placeholders: dict[str, str],
    applied: bool,
) -> None:
    """A lost answer is a translated error, and the switch shows what a read-back finds."""
    await set_up_platforms(Platform.SWITCH)
    simulator.faults.script(fault, match="PUT /api/*", status=status)

    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, SERVICE_TURN_OFF, CHARGE_POLICY)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert type(err.value) is HomeAssistantError
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    assert err.value.translation_placeholders == placeholders
    assert requests_made(simulator) == [("PUT", EV_PATH), ("GET", EV_LIST)]
    assert simulator.device_payload(EV_ID)["is_charge_policy_enabled"] is not applied
    assert hass.states.get(CHARGE_POLICY).state == (STATE_OFF if applied else STATE_ON)


async def test_rate_limit_keeps_what_podero_has(
    hass: HomeAssistant, set_up_platforms: PlatformSetUp, simulator: Simulator
) -> None:
    """A 429 tells the user how long to wait; nothing was applied, so nothing is read."""
    await set_up_platforms(Platform.SWITCH)
    simulator.faults.script("429", match="PUT /api/*", retry_after=30)

    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, SERVICE_TURN_OFF, CHARGE_POLICY)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert type(err.value) is HomeAssistantError
    assert err.value.translation_key == "rate_limited"
    assert err.value.translation_placeholders == {"retry_after": "30"}
    assert hass.states.get(CHARGE_POLICY).state == STATE_ON
    assert requests_made(simulator) == [("PUT", EV_PATH)]
    assert simulator.device_payload(EV_ID)["is_charge_policy_enabled"] is True


async def test_unreadable_flag_shows_unknown(
    hass: HomeAssistant, set_up_platforms: PlatformSetUp, simulator: Simulator
) -> None:
    """A flag that is not a boolean is shown as unknown, not as on or off."""
    simulator.patch_device(HEAT_PUMP_ID, {SMART: "sometimes"})

    await set_up_platforms(Platform.SWITCH)

    assert (
        hass.states.get("switch.nibe_heat_pump_smart_optimization").state
        == STATE_UNKNOWN
    )
    assert hass.states.get("switch.tesla_model_3_smart_optimization").state == STATE_ON
