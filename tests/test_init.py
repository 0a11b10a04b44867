"""Setting the integration up and down, its devices, and removing devices and entries."""

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.podero.const import DOMAIN
from podero_simulator.scenarios import HEAT_PUMP_ID, USER_ID, WALLBOX_ID

from .helpers import (
    HEAT_PUMP_SWITCH,
    USER_ROUTE,
    SimulatedPodero,
    advance,
    device_of,
    refresh_devices,
    setup_integration,
)

GONE_ID = "e6f8a0b2-5c7d-4e9f-8a1b-2c3d4e5f6a7b"


def entry_devices(hass: HomeAssistant, entry: MockConfigEntry) -> list[dr.DeviceEntry]:
    """The entry's devices in the registry, in a stable order."""
    return sorted(
        dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id),
        key=lambda device: sorted(device.identifiers),
    )


async def test_setup_and_unload(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """The entry loads with its entities and unloads cleanly."""
    await setup_integration(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(HEAT_PUMP_SWITCH) is not None

    assert await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()

    assert config_entry.state is ConfigEntryState.NOT_LOADED
    assert hass.states.get(HEAT_PUMP_SWITCH).state == "unavailable"


async def test_devices(
    hass: HomeAssistant, config_entry: MockConfigEntry, snapshot: SnapshotAssertion
) -> None:
    """Each appliance is a device named by make; the account is a service device."""
    await setup_integration(hass, config_entry)

    devices = entry_devices(hass, config_entry)

    assert {device.name for device in devices} == {
        "Nibe heat pump",
        "Tesla Model 3",
        "Fronius inverter",
        "Easee wallbox",
        "Podero",
    }
    assert devices == snapshot


async def test_entities_disabled_by_default(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    config_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Which entities of every platform a new installation starts with disabled."""
    await setup_integration(hass, config_entry)

    entries = er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)
    disabled = sorted(
        entry.entity_id
        for entry in entries
        if entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    )
    assert disabled == snapshot


async def test_api_down_at_setup_retries_until_it_answers(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """While Podero fails the entry waits in setup retry, and loads once it answers."""
    podero.simulator.faults.script("5xx", None, status=503)

    await setup_integration(hass, config_entry)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert entry_devices(hass, config_entry) == []

    await advance(hass, frozen_time, timedelta(minutes=1))
    assert config_entry.state is ConfigEntryState.SETUP_RETRY

    podero.simulator.faults.clear_scripts()
    await advance(hass, frozen_time, timedelta(minutes=2))

    assert config_entry.state is ConfigEntryState.LOADED
    assert len(entry_devices(hass, config_entry)) == 5


# --- removing devices ---------------------------------------------------------------------


async def remove_device(
    hass: HomeAssistant,
    ws_client: WebSocketGenerator,
    device_id: str,
    entry_id: str,
) -> bool:
    """Ask Home Assistant (as the UI does) to remove a device from the entry."""
    assert await async_setup_component(hass, "config", {})
    client = await ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": entry_id,
            "device_id": device_id,
        }
    )
    response: dict[str, Any] = await client.receive_json()
    return bool(response["success"])


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """The demo household, set up."""
    await setup_integration(hass, config_entry)
    return config_entry


@pytest.mark.parametrize(
    ("identifier", "failing"),
    [
        pytest.param(HEAT_PUMP_ID, None, id="listed_appliance"),
        pytest.param(f"{USER_ID}_account", None, id="account"),
        pytest.param(WALLBOX_ID, "wallboxes", id="appliance_of_a_failing_type"),
    ],
)
async def test_a_device_that_may_still_exist_cannot_be_removed(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    loaded_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    identifier: str,
    failing: str | None,
) -> None:
    """What Podero lists (or may, while its list fails) cannot be removed: it would come back."""
    if failing is not None:
        podero.simulator.faults.script("5xx", None, f"GET {USER_ROUTE}/{failing}")
        await refresh_devices(loaded_entry)
    device = device_of(hass, loaded_entry, identifier)

    assert not await remove_device(
        hass, hass_ws_client, device.id, loaded_entry.entry_id
    )
    assert dr.async_get(hass).async_get(device.id) is not None


async def test_a_device_podero_no_longer_lists_can_be_removed(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A leftover device (Podero dropped it) can be removed by the user."""
    leftover = dr.async_get(hass).async_get_or_create(
        config_entry_id=loaded_entry.entry_id, identifiers={(DOMAIN, GONE_ID)}
    )

    assert await remove_device(hass, hass_ws_client, leftover.id, loaded_entry.entry_id)
    assert dr.async_get(hass).async_get(leftover.id) is None


# --- removing the entry -------------------------------------------------------------------


async def test_removing_the_entry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A removed entry takes its devices and entities with it (its Store: test_pause.py)."""
    await hass.config_entries.async_remove(loaded_entry.entry_id)
    await hass.async_block_till_done()

    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
    assert hass.config_entries.async_entries(DOMAIN) == []
    assert entry_devices(hass, loaded_entry) == []
    assert (
        er.async_entries_for_config_entry(er.async_get(hass), loaded_entry.entry_id)
        == []
    )
