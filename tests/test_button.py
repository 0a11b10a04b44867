"""Buttons: charge an EV or a wallbox now (boost), or cancel it.

A press is one request. Podero answers a boost with 204 and no body, then moves the boost from
`requested` to `ongoing` within seconds; the integration follows that by reading the device's
list every 3 s while the boost is `requested`, for at most 60 s. A boost Podero refuses (409)
is a friendly validation error, and nothing is followed up.
"""

import asyncio
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.podero.api import DeviceKind
from custom_components.podero.const import DOMAIN
from podero_simulator import Simulator
from podero_simulator.scenarios import EV_ID, ORG_ID, USER_ID, WALLBOX_ID

from .conftest import FROZEN_NOW
from .helpers import SimulatedPodero, advance, setup_integration

USER_PATH = f"/api/partners/v2.0/org/{ORG_ID}/users/{USER_ID}"
EV_LIST = f"{USER_PATH}/electric-vehicles"
WALLBOX_LIST = f"{USER_PATH}/wallboxes"

EV_CHARGE_NOW = "button.tesla_model_3_charge_now"
EV_CANCEL = "button.tesla_model_3_cancel_charge_now"
EV_BOOST_STATE = "sensor.tesla_model_3_charge_now_status"
EV_BOOST_ARMED = "binary_sensor.tesla_model_3_charge_now_armed"
WALLBOX_CHARGE_NOW = "button.easee_wallbox_charge_now"
WALLBOX_CANCEL = "button.easee_wallbox_cancel_charge_now"
WALLBOX_BOOST_STATE = "sensor.easee_wallbox_charge_now_status"
EV_SWITCH = "switch.tesla_model_3_smart_optimization"

CHARGERS = [
    pytest.param(EV_CHARGE_NOW, EV_BOOST_STATE, EV_ID, EV_LIST, id="electric_vehicle"),
    pytest.param(
        WALLBOX_CHARGE_NOW, WALLBOX_BOOST_STATE, WALLBOX_ID, WALLBOX_LIST, id="wallbox"
    ),
]
POLL = timedelta(seconds=3)


@pytest.fixture
def simulator(podero: SimulatedPodero) -> Simulator:
    """The simulated Podero backend."""
    return podero.simulator


async def set_up_buttons(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: Simulator,
    *also: Platform,
) -> None:
    """Load the button platform (and any platform to watch), then forget setup's requests."""
    await setup_integration(hass, entry, [Platform.BUTTON, *also])
    simulator.log.clear()


def requests_made(simulator: Simulator) -> list[tuple[str, str]]:
    """Method and path of every API request since the log was last cleared."""
    return [(entry["method"], entry["path"]) for entry in simulator.requests()]


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


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """The EV and the wallbox each have a charge-now and a cancel button."""
    await set_up_buttons(hass, config_entry, simulator)

    await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)


async def test_entities_disabled_by_default(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Which of these entities a new installation starts with disabled."""
    await set_up_buttons(hass, config_entry, simulator)

    entries = er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)
    disabled = sorted(
        entry.entity_id
        for entry in entries
        if entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    )
    assert disabled == snapshot


@pytest.mark.parametrize(("button", "status", "device_id", "device_list"), CHARGERS)
async def test_charge_now_requests_a_boost(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    button: str,
    status: str,
    device_id: str,
    device_list: str,
) -> None:
    """A press is one POST; Podero starts the boost and the button records the press."""
    await set_up_buttons(hass, config_entry, simulator)

    await press(hass, button)

    assert hass.states.get(button).state == FROZEN_NOW
    assert requests_made(simulator) == [("POST", f"{device_list}/{device_id}/boost")]
    assert simulator.device_payload(device_id)["boost_state"] == "requested"


@pytest.mark.parametrize(("button", "status", "device_id", "device_list"), CHARGERS)
async def test_boost_is_followed_until_charging_starts(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    button: str,
    status: str,
    device_id: str,
    device_list: str,
) -> None:
    """The device's list is read every 3 s while `requested`, and no more once `ongoing`."""
    await set_up_buttons(hass, config_entry, simulator, Platform.SENSOR)
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


async def test_boost_follow_up_gives_up_after_a_minute(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """A boost stuck in `requested` is followed for 60 s (20 reads), then polling stops."""
    await set_up_buttons(hass, config_entry, simulator, Platform.SENSOR)
    await press(hass, EV_CHARGE_NOW)
    simulator.patch_device(EV_ID, {"boost_state": "requested"})
    simulator.log.clear()

    await wait(hass, frozen_time, 60)
    assert requests_made(simulator) == [("GET", EV_LIST)] * 20
    assert hass.states.get(EV_BOOST_STATE).state == "requested"

    await wait(hass, frozen_time, 60)
    assert requests_made(simulator) == [("GET", EV_LIST)] * 20


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_charge_now_while_unplugged_arms_the_next_session(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """Unplugged, the boost is armed for the next plug-in; one read confirms it."""
    simulator.set_plugged_in(EV_ID, False)
    await set_up_buttons(hass, config_entry, simulator, Platform.BINARY_SENSOR)
    assert hass.states.get(EV_BOOST_ARMED).state == STATE_OFF

    await press(hass, EV_CHARGE_NOW)
    assert requests_made(simulator) == [("POST", f"{EV_LIST}/{EV_ID}/boost")]
    assert simulator.device_payload(EV_ID)["boost_for_next_session"] is True

    await wait(hass, frozen_time, 30)
    assert hass.states.get(EV_BOOST_ARMED).state == STATE_ON
    assert requests_made(simulator) == [
        ("POST", f"{EV_LIST}/{EV_ID}/boost"),
        ("GET", EV_LIST),
    ]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_cancel_disarms_the_next_session_boost(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """Cancel is one DELETE; one follow-up read shows the EV is no longer armed."""
    simulator.set_plugged_in(EV_ID, False)
    simulator.boost(EV_ID)
    await set_up_buttons(hass, config_entry, simulator, Platform.BINARY_SENSOR)
    assert hass.states.get(EV_BOOST_ARMED).state == STATE_ON

    await press(hass, EV_CANCEL)
    assert hass.states.get(EV_CANCEL).state == FROZEN_NOW
    assert requests_made(simulator) == [("DELETE", f"{EV_LIST}/{EV_ID}/boost")]
    assert simulator.device_payload(EV_ID)["boost_for_next_session"] is False

    await wait(hass, frozen_time, 30)
    assert hass.states.get(EV_BOOST_ARMED).state == STATE_OFF
    assert requests_made(simulator) == [
        ("DELETE", f"{EV_LIST}/{EV_ID}/boost"),
        ("GET", EV_LIST),
    ]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_cancel_during_the_follow_up_adds_no_second_one(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """Charge now, then cancel at once: the list is read once every 3 s, not twice."""
    await set_up_buttons(hass, config_entry, simulator, Platform.SENSOR)
    await press(hass, EV_CHARGE_NOW)
    simulator.patch_device(EV_ID, {"boost_state": "requested"})  # Podero is slow today
    await press(hass, EV_CANCEL)
    assert hass.states.get(EV_CANCEL).state == FROZEN_NOW
    simulator.log.clear()

    await wait(hass, frozen_time, 60)

    assert requests_made(simulator) == [("GET", EV_LIST)] * 20


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_cancel_stops_a_live_wallbox_boost(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """On a wallbox, cancel also ends a running boost."""
    simulator.boost(WALLBOX_ID)
    await set_up_buttons(hass, config_entry, simulator, Platform.SENSOR)
    assert hass.states.get(WALLBOX_BOOST_STATE).state == "requested"

    await press(hass, WALLBOX_CANCEL)
    assert requests_made(simulator) == [
        ("DELETE", f"{WALLBOX_LIST}/{WALLBOX_ID}/boost")
    ]
    assert simulator.device_payload(WALLBOX_ID)["boost_state"] == "available"

    await wait(hass, frozen_time, 3)
    assert hass.states.get(WALLBOX_BOOST_STATE).state == "available"


@pytest.mark.parametrize(("button", "status", "device_id", "device_list"), CHARGERS)
async def test_boost_while_already_charging_is_refused(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    button: str,
    status: str,
    device_id: str,
    device_list: str,
) -> None:
    """Podero's 409 `already_charging` becomes a friendly message; nothing is followed up."""
    simulator.boost(device_id)
    await set_up_buttons(hass, config_entry, simulator, Platform.SENSOR)

    with pytest.raises(ServiceValidationError) as err:
        await press(hass, button)

    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "boost_already_charging"
    assert hass.states.get(status).state == "requested"
    await wait(hass, frozen_time, 30)
    assert requests_made(simulator) == [("POST", f"{device_list}/{device_id}/boost")]


@pytest.mark.parametrize(
    ("button", "status", "device_id", "device_list", "full"),
    [
        pytest.param(
            EV_CHARGE_NOW,
            EV_BOOST_STATE,
            EV_ID,
            EV_LIST,
            {"battery_level": 80},
            id="electric_vehicle",
        ),
        pytest.param(
            WALLBOX_CHARGE_NOW,
            WALLBOX_BOOST_STATE,
            WALLBOX_ID,
            WALLBOX_LIST,
            {"charge_target_max": 70},
            id="wallbox",
        ),
    ],
)
async def test_boost_when_fully_charged_is_refused(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    button: str,
    status: str,
    device_id: str,
    device_list: str,
    full: dict[str, int],
) -> None:
    """Podero's 409 `fully_charged` becomes a friendly message; nothing is followed up."""
    simulator.patch_device(device_id, full)
    await set_up_buttons(hass, config_entry, simulator, Platform.SENSOR)

    with pytest.raises(ServiceValidationError) as err:
        await press(hass, button)

    assert err.value.translation_key == "boost_fully_charged"
    assert hass.states.get(status).state == "available"
    assert simulator.device_payload(device_id)["boost_state"] == "available"
    await wait(hass, frozen_time, 30)
    assert requests_made(simulator) == [("POST", f"{device_list}/{device_id}/boost")]


async def test_server_error_on_boost_reads_the_vehicle_back_once(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """A 5xx is a translated error; no boost is assumed, and one read shows Podero's state."""
    await set_up_buttons(hass, config_entry, simulator, Platform.SENSOR)
    simulator.faults.script("5xx", match="POST /api/*", status=503)

    with pytest.raises(HomeAssistantError) as err:
        await press(hass, EV_CHARGE_NOW)

    assert type(err.value) is HomeAssistantError
    assert err.value.translation_key == "server_error"
    assert hass.states.get(EV_BOOST_STATE).state == "available"
    assert simulator.device_payload(EV_ID)["boost_state"] == "available"
    await wait(hass, frozen_time, 30)
    assert requests_made(simulator) == [
        ("POST", f"{EV_LIST}/{EV_ID}/boost"),
        ("GET", EV_LIST),
    ]


async def test_boost_follow_up_waits_out_a_rate_limit(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """After a 429 on the EV list, the follow-up sends it nothing before Retry-After."""
    await set_up_buttons(hass, config_entry, simulator, Platform.SENSOR)
    simulator.faults.script(
        "429",
        match="GET /api/partners/v2.0/org/{org}/users/{user}/electric-vehicles",
        retry_after=600,
    )
    await config_entry.runtime_data.devices[DeviceKind.ELECTRIC_VEHICLE].async_refresh()
    simulator.log.clear()

    await press(hass, EV_CHARGE_NOW)
    await wait(hass, frozen_time, 60)

    assert requests_made(simulator) == [("POST", f"{EV_LIST}/{EV_ID}/boost")]


async def test_a_write_during_a_boost_follow_up_is_not_undone_by_it(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """A follow-up list read before a write reached Podero must not bring the old value back."""
    await set_up_buttons(hass, config_entry, simulator, Platform.SWITCH)
    coordinator = config_entry.runtime_data.devices[DeviceKind.ELECTRIC_VEHICLE]
    original = coordinator.client.list_devices
    gate = asyncio.Event()
    read = asyncio.Event()

    async def slow_list(model: Any) -> Any:
        devices = await original(model)  # read before the write below
        read.set()
        await gate.wait()
        return devices

    await press(hass, EV_CHARGE_NOW)
    with patch.object(coordinator.client, "list_devices", slow_list):
        frozen_time.tick(POLL)
        async_fire_time_changed(hass)
        await read.wait()
        await hass.services.async_call(
            "switch", "turn_off", {ATTR_ENTITY_ID: EV_SWITCH}, blocking=True
        )
        gate.set()
        await hass.async_block_till_done(wait_background_tasks=True)

    assert simulator.device_payload(EV_ID)["is_smart_optimization_active"] is False
    assert hass.states.get(EV_SWITCH).state == STATE_OFF
