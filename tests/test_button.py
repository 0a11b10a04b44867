"""Buttons: charge an EV or a wallbox now (boost), or cancel it.

A press is one request. Podero answers a boost with 204 and no body, then moves the boost from
`requested` to `ongoing` within seconds; the integration follows that by reading the device's
list every 3 s while the boost is `requested`, for at most 60 s. A boost Podero refuses (409)
is a friendly validation error, and nothing is followed up.
"""

from collections.abc import Callable
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.podero.api import DeviceKind
from custom_components.podero.const import DOMAIN
from podero_simulator import Simulator
from podero_simulator.scenarios import EV_ID, WALLBOX_ID

from .conftest import FROZEN_NOW
from .helpers import (
    EV_CHARGE_NOW,
    USER_PATH,
    USER_ROUTE,
    PlatformSetUp,
    advance,
    requests_made,
)

EV_LIST = f"{USER_PATH}/electric-vehicles"
WALLBOX_LIST = f"{USER_PATH}/wallboxes"

EV_CANCEL = "button.tesla_model_3_cancel_charge_now"
EV_BOOST_STATE = "sensor.tesla_model_3_charge_now_status"
EV_BOOST_ARMED = "binary_sensor.tesla_model_3_charge_now_armed"
WALLBOX_CHARGE_NOW = "button.easee_wallbox_charge_now"
WALLBOX_CANCEL = "button.easee_wallbox_cancel_charge_now"
WALLBOX_BOOST_STATE = "sensor.easee_wallbox_charge_now_status"

CHARGERS = [
    pytest.param(EV_CHARGE_NOW, EV_BOOST_STATE, EV_ID, EV_LIST, id="electric_vehicle"),
    pytest.param(
        WALLBOX_CHARGE_NOW, WALLBOX_BOOST_STATE, WALLBOX_ID, WALLBOX_LIST, id="wallbox"
    ),
]
POLL = timedelta(seconds=3)


def fully_charged(simulator: Simulator, device_id: str) -> None:
    """Bring the EV to its charge limit (80 %), or the wallbox's session to its target."""
    full = {"battery_level": 80} if device_id == EV_ID else {"charge_target_max": 70}
    simulator.patch_device(device_id, full)


async def press(hass: HomeAssistant, entity_id: str) -> None:
    """Press a button and wait for the request to finish."""
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def wait(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: int
) -> None:
    """Let time pass in 3 s steps, so every follow-up poll that falls due runs."""
    for _ in range(seconds // 3):
        await advance(hass, freezer, POLL)


async def test_entities(snapshot_entities: PlatformSetUp) -> None:
    """The EV and the wallbox each have a charge-now and a cancel button."""
    await snapshot_entities(Platform.BUTTON)


@pytest.mark.parametrize(("button", "status", "device_id", "device_list"), CHARGERS)
async def test_charge_now_requests_a_boost(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    button: str,
    status: str,
    device_id: str,
    device_list: str,
) -> None:
    """A press is one POST; Podero starts the boost and the button records the press."""
    await set_up_platforms(Platform.BUTTON)

    await press(hass, button)

    assert hass.states.get(button).state == FROZEN_NOW
    assert requests_made(simulator) == [("POST", f"{device_list}/{device_id}/boost")]
    assert simulator.device_payload(device_id)["boost_state"] == "requested"


@pytest.mark.parametrize(("button", "status", "device_id", "device_list"), CHARGERS)
async def test_boost_is_followed_until_charging_starts(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    button: str,
    status: str,
    device_id: str,
    device_list: str,
) -> None:
    """The device's list is read every 3 s while `requested`, and no more once `ongoing`."""
    await set_up_platforms(Platform.BUTTON, Platform.SENSOR)
    await press(hass, button)
    simulator.log.clear()

    await wait(hass, frozen_time, 3)
    assert requests_made(simulator) == [("GET", device_list)]
    assert hass.states.get(status).state == "requested"

    await wait(hass, frozen_time, 3)
    assert requests_made(simulator) == [("GET", device_list)] * 2
    assert hass.states.get(status).state == "ongoing"

    await wait(hass, frozen_time, 60)
    assert requests_made(simulator) == [("GET", device_list)] * 2


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(
    "presses",
    [[EV_CHARGE_NOW], [EV_CHARGE_NOW, EV_CANCEL]],
    ids=["charge_now", "then_cancel"],
)
async def test_boost_follow_up_is_one_read_every_3_s_for_a_minute(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    presses: list[str],
) -> None:
    """A boost stuck in `requested` is read 20 times in 60 s, then no more (one follow-up)."""
    await set_up_platforms(Platform.BUTTON, Platform.SENSOR)
    for button in presses:
        await press(hass, button)
        simulator.patch_device(EV_ID, {"boost_state": "requested"})  # Podero is slow
    simulator.log.clear()

    await wait(hass, frozen_time, 60)
    assert requests_made(simulator) == [("GET", EV_LIST)] * 20
    assert hass.states.get(EV_BOOST_STATE).state == "requested"

    await wait(hass, frozen_time, 60)
    assert requests_made(simulator) == [("GET", EV_LIST)] * 20


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(
    ("button", "armed", "method"),
    [(EV_CHARGE_NOW, False, "POST"), (EV_CANCEL, True, "DELETE")],
    ids=["charge_now_arms", "cancel_disarms"],
)
async def test_while_unplugged_a_press_arms_or_disarms_the_next_session(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    button: str,
    armed: bool,
    method: str,
) -> None:
    """Unplugged, the boost waits for the next plug-in; one follow-up read shows it."""
    simulator.set_plugged_in(EV_ID, False)
    if armed:
        simulator.boost(EV_ID)
    await set_up_platforms(Platform.BUTTON, Platform.BINARY_SENSOR)
    assert hass.states.get(EV_BOOST_ARMED).state == (STATE_ON if armed else STATE_OFF)

    await press(hass, button)
    assert hass.states.get(button).state == FROZEN_NOW
    assert requests_made(simulator) == [(method, f"{EV_LIST}/{EV_ID}/boost")]
    assert simulator.device_payload(EV_ID)["boost_for_next_session"] is not armed

    await wait(hass, frozen_time, 30)
    assert hass.states.get(EV_BOOST_ARMED).state == (STATE_OFF if armed else STATE_ON)
    assert requests_made(simulator) == [
        (method, f"{EV_LIST}/{EV_ID}/boost"),
        ("GET", EV_LIST),
    ]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_cancel_stops_a_live_wallbox_boost(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """On a wallbox, cancel also ends a running boost."""
    simulator.boost(WALLBOX_ID)
    await set_up_platforms(Platform.BUTTON, Platform.SENSOR)
    assert hass.states.get(WALLBOX_BOOST_STATE).state == "requested"

    await press(hass, WALLBOX_CANCEL)
    assert requests_made(simulator) == [
        ("DELETE", f"{WALLBOX_LIST}/{WALLBOX_ID}/boost")
    ]
    assert simulator.device_payload(WALLBOX_ID)["boost_state"] == "available"

    await wait(hass, frozen_time, 3)
    assert hass.states.get(WALLBOX_BOOST_STATE).state == "available"


@pytest.mark.parametrize(
    ("prepare", "key", "shown"),
    [
        pytest.param(
            Simulator.boost, "boost_already_charging", "requested", id="charging"
        ),
        pytest.param(fully_charged, "boost_fully_charged", "available", id="full"),
    ],
)
@pytest.mark.parametrize(("button", "status", "device_id", "device_list"), CHARGERS)
async def test_a_boost_podero_refuses_is_explained_and_not_followed(
    hass: HomeAssistant,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    button: str,
    status: str,
    device_id: str,
    device_list: str,
    prepare: Callable[[Simulator, str], object],
    key: str,
    shown: str,
) -> None:
    """A 409 (already charging, full) is explained and not followed up (every platform's 409)."""
    prepare(simulator, device_id)
    await set_up_platforms(Platform.BUTTON, Platform.SENSOR)

    with pytest.raises(ServiceValidationError) as err:
        await press(hass, button)

    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    assert hass.states.get(status).state == shown
    assert simulator.device_payload(device_id)["boost_state"] == shown
    await wait(hass, frozen_time, 30)
    assert requests_made(simulator) == [("POST", f"{device_list}/{device_id}/boost")]


async def test_boost_follow_up_waits_out_a_rate_limit(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    set_up_platforms: PlatformSetUp,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """After a 429 on the EV list, the follow-up sends it nothing before Retry-After."""
    await set_up_platforms(Platform.BUTTON, Platform.SENSOR)
    simulator.faults.script(
        "429",
        match=f"GET {USER_ROUTE}/electric-vehicles",
        retry_after=600,
    )
    await config_entry.runtime_data.devices[DeviceKind.ELECTRIC_VEHICLE].async_refresh()
    simulator.log.clear()

    await press(hass, EV_CHARGE_NOW)
    await wait(hass, frozen_time, 60)

    assert requests_made(simulator) == [("POST", f"{EV_LIST}/{EV_ID}/boost")]
