"""Switches: smart optimisation of every device, and the EV's charge policy.

A switch writes one flag with one PUT and shows the device as Podero answered it. When the
write fails, the switch keeps showing what Podero has and the user gets a translated error.
"""

import asyncio
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch import (
    DOMAIN as SWITCH_DOMAIN,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
)
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import (
    ATTR_ENTITY_ID,
    STATE_OFF,
    STATE_ON,
    STATE_UNKNOWN,
    Platform,
)
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
from podero_simulator.scenarios import (
    EV_ID,
    HEAT_PUMP_ID,
    INVERTER_ID,
    ORG_ID,
    USER_ID,
    WALLBOX_ID,
)

from .helpers import SimulatedPodero, setup_integration

USER_PATH = f"/api/partners/v2.0/org/{ORG_ID}/users/{USER_ID}"
EV_PATH = f"{USER_PATH}/electric-vehicles/{EV_ID}"
CHARGE_POLICY = "switch.tesla_model_3_charge_policy"

SMART_OPTIMIZATION = [
    pytest.param(
        "switch.nibe_heat_pump_smart_optimization",
        f"{USER_PATH}/heat-pumps/{HEAT_PUMP_ID}",
        HEAT_PUMP_ID,
        id="heat_pump",
    ),
    pytest.param(
        "switch.tesla_model_3_smart_optimization", EV_PATH, EV_ID, id="electric_vehicle"
    ),
    pytest.param(
        "switch.fronius_inverter_smart_optimization",
        f"{USER_PATH}/inverters/{INVERTER_ID}",
        INVERTER_ID,
        id="solar_inverter",
    ),
    pytest.param(
        "switch.easee_wallbox_smart_optimization",
        f"{USER_PATH}/wallboxes/{WALLBOX_ID}",
        WALLBOX_ID,
        id="wallbox",
    ),
]


@pytest.fixture
def simulator(podero: SimulatedPodero) -> Simulator:
    """The simulated Podero backend."""
    return podero.simulator


async def set_up_switches(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Load only the switch platform, then forget the requests setup made."""
    await setup_integration(hass, entry, [Platform.SWITCH])
    simulator.log.clear()


def requests_made(simulator: Simulator) -> list[tuple[str, str]]:
    """Method and path of every API request since the log was last cleared."""
    return [(entry["method"], entry["path"]) for entry in simulator.requests()]


async def switch(hass: HomeAssistant, service: str, entity_id: str) -> None:
    """Turn a switch on or off and wait for the write to finish."""
    await hass.services.async_call(
        SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Every device has a smart optimisation switch; the EV also a charge policy switch."""
    await set_up_switches(hass, config_entry, simulator)

    await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)


async def test_entities_disabled_by_default(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Which of these entities a new installation starts with disabled."""
    await set_up_switches(hass, config_entry, simulator)

    entries = er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)
    disabled = sorted(
        entry.entity_id
        for entry in entries
        if entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    )
    assert disabled == snapshot


@pytest.mark.parametrize(("entity_id", "path", "device_id"), SMART_OPTIMIZATION)
async def test_turning_smart_optimization_off_is_written_through(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    entity_id: str,
    path: str,
    device_id: str,
) -> None:
    """Turning optimisation off is one PUT, shown at once and stored at Podero."""
    await set_up_switches(hass, config_entry, simulator)

    await switch(hass, SERVICE_TURN_OFF, entity_id)

    assert hass.states.get(entity_id).state == STATE_OFF
    assert requests_made(simulator) == [("PUT", path)]
    assert simulator.device_payload(device_id)["is_smart_optimization_active"] is False


@pytest.mark.parametrize(("entity_id", "path", "device_id"), SMART_OPTIMIZATION)
async def test_turning_smart_optimization_on_is_written_through(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    entity_id: str,
    path: str,
    device_id: str,
) -> None:
    """Turning optimisation back on is one PUT, shown at once and stored at Podero."""
    simulator.update_device(device_id, {"is_smart_optimization_active": False})
    await set_up_switches(hass, config_entry, simulator)
    assert hass.states.get(entity_id).state == STATE_OFF

    await switch(hass, SERVICE_TURN_ON, entity_id)

    assert hass.states.get(entity_id).state == STATE_ON
    assert requests_made(simulator) == [("PUT", path)]
    assert simulator.device_payload(device_id)["is_smart_optimization_active"] is True


async def test_turning_the_charge_policy_off_is_written_through(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Disabling the EV's charge policy is one PUT, shown at once and stored at Podero."""
    await set_up_switches(hass, config_entry, simulator)

    await switch(hass, SERVICE_TURN_OFF, CHARGE_POLICY)

    assert hass.states.get(CHARGE_POLICY).state == STATE_OFF
    assert requests_made(simulator) == [("PUT", EV_PATH)]
    assert simulator.device_payload(EV_ID)["is_charge_policy_enabled"] is False


async def test_turning_the_charge_policy_on_is_written_through(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Enabling the EV's charge policy is one PUT, shown at once and stored at Podero."""
    simulator.update_device(EV_ID, {"is_charge_policy_enabled": False})
    await set_up_switches(hass, config_entry, simulator)
    assert hass.states.get(CHARGE_POLICY).state == STATE_OFF

    await switch(hass, SERVICE_TURN_ON, CHARGE_POLICY)

    assert hass.states.get(CHARGE_POLICY).state == STATE_ON
    assert requests_made(simulator) == [("PUT", EV_PATH)]
    assert simulator.device_payload(EV_ID)["is_charge_policy_enabled"] is True


async def test_server_error_keeps_what_podero_has(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A 5xx answer is a translated server error; the switch does not pretend it changed."""
    await set_up_switches(hass, config_entry, simulator)
    simulator.faults.script("5xx", match="PUT /api/*", status=503)

    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, SERVICE_TURN_OFF, CHARGE_POLICY)

    assert type(err.value) is HomeAssistantError
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "server_error"
    assert err.value.translation_placeholders == {"status": "503"}
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(CHARGE_POLICY).state == STATE_ON
    # The write may have been applied before the answer broke: the list is read back once.
    assert requests_made(simulator) == [
        ("PUT", EV_PATH),
        ("GET", EV_PATH.rsplit("/", 1)[0]),
    ]
    assert simulator.device_payload(EV_ID)["is_charge_policy_enabled"] is True


async def test_rate_limit_keeps_what_podero_has(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A 429 tells the user how long to wait; the switch keeps Podero's value."""
    await set_up_switches(hass, config_entry, simulator)
    simulator.faults.script("429", match="PUT /api/*", retry_after=30)

    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, SERVICE_TURN_OFF, CHARGE_POLICY)

    assert type(err.value) is HomeAssistantError
    assert err.value.translation_key == "rate_limited"
    assert err.value.translation_placeholders == {"retry_after": "30"}
    assert hass.states.get(CHARGE_POLICY).state == STATE_ON
    assert requests_made(simulator) == [("PUT", EV_PATH)]
    assert simulator.device_payload(EV_ID)["is_charge_policy_enabled"] is True


async def test_unanswered_write_times_out_after_15_seconds(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """A write Podero never answers fails after 15 s with a translated timeout.

    The event loop runs on the frozen clock, so the test moves it past the client's timeout.
    """
    await set_up_switches(hass, config_entry, simulator)
    simulator.faults.script("hang", match="PUT /api/*")
    call = asyncio.ensure_future(switch(hass, SERVICE_TURN_OFF, CHARGE_POLICY))
    # The loop's clock is frozen, so only yielding (never a timed wait) lets the request
    # reach the simulator.
    while not simulator.requests():  # noqa: ASYNC110
        await asyncio.sleep(0)

    frozen_time.tick(timedelta(seconds=14))
    for _ in range(20):
        await asyncio.sleep(0)
    assert not call.done()
    frozen_time.tick(timedelta(seconds=1.5))
    with pytest.raises(HomeAssistantError) as err:
        await call

    assert type(err.value) is HomeAssistantError
    assert err.value.translation_key == "timeout"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(CHARGE_POLICY).state == STATE_ON
    assert requests_made(simulator) == [
        ("PUT", EV_PATH),
        ("GET", EV_PATH.rsplit("/", 1)[0]),
    ]
    assert simulator.device_payload(EV_ID)["is_charge_policy_enabled"] is True


async def test_write_applied_despite_a_garbled_answer_shows_podero_s_state(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A write Podero applied but answered garbled: an error, then Podero's state shown."""
    await set_up_switches(hass, config_entry, simulator)
    simulator.faults.script("malformed", match="PUT /api/*")

    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, SERVICE_TURN_OFF, CHARGE_POLICY)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert err.value.translation_key == "malformed_response"
    assert simulator.device_payload(EV_ID)["is_charge_policy_enabled"] is False
    assert hass.states.get(CHARGE_POLICY).state == STATE_OFF


async def test_rejected_token_starts_reauthentication(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A 401 on a write asks the user to reauthenticate; nothing changes."""
    await set_up_switches(hass, config_entry, simulator)
    simulator.revoke_tokens()

    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, SERVICE_TURN_OFF, CHARGE_POLICY)
    await hass.async_block_till_done()

    assert type(err.value) is HomeAssistantError
    assert err.value.translation_key == "auth_failed"
    assert hass.states.get(CHARGE_POLICY).state == STATE_ON
    assert requests_made(simulator) == [("PUT", EV_PATH)]
    assert simulator.device_payload(EV_ID)["is_charge_policy_enabled"] is True
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [
        (flow["context"]["source"], flow["context"]["entry_id"]) for flow in flows
    ] == [(SOURCE_REAUTH, config_entry.entry_id)]


async def test_unreadable_flag_shows_unknown(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A flag that is not a boolean is shown as unknown, not as on or off."""
    simulator.patch_device(HEAT_PUMP_ID, {"is_smart_optimization_active": "sometimes"})

    await set_up_switches(hass, config_entry, simulator)

    assert (
        hass.states.get("switch.nibe_heat_pump_smart_optimization").state
        == STATE_UNKNOWN
    )
    assert hass.states.get("switch.tesla_model_3_smart_optimization").state == STATE_ON
