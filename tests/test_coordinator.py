"""The coordinators: what a refresh costs, and how devices come and go."""

import asyncio
from functools import partial
import logging
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.podero.api import DeviceKind
from custom_components.podero.const import (
    DEFAULT_SCAN_INTERVAL,
    DISCOVERY_INTERVAL,
    DOMAIN,
)
from podero_simulator.scenarios import HEAT_PUMP_ID, WALLBOX_ID

from .helpers import (
    EV_SWITCH,
    HEAT_PUMP_SWITCH,
    SimulatedPodero,
    advance,
    find_device,
    podero_log_lines,
    refresh_devices,
    setup_integration,
)

LIST = "GET /api/partners/v2.0/org/{org_id}/users/{user_id}/"


def list_requests(podero: SimulatedPodero) -> dict[str, int]:
    """Requests per device list (and charging config) since the log was last cleared."""
    return {
        route.removeprefix(LIST): count
        for route, count in podero.simulator.counters().items()
        if route.startswith(LIST)
    }


async def test_setup_discovers_every_device_type_and_the_charging_config(
    hass: HomeAssistant, podero: SimulatedPodero, config_entry: MockConfigEntry
) -> None:
    """The first refresh asks all four lists once, then the charging configuration once."""
    await setup_integration(hass, config_entry)

    assert list_requests(podero) == {
        "heat-pumps": 1,
        "electric-vehicles": 1,
        "inverters": 1,
        "wallboxes": 1,
        "charging-config": 1,
    }


async def test_refresh_costs_one_request_per_device_type_present(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Three device types cost three list requests per refresh, 51 heat pumps or one."""
    podero.simulator.remove_device(WALLBOX_ID)
    for _ in range(50):
        podero.simulator.add_device("heat-pumps")
    await setup_integration(hass, config_entry)
    podero.simulator.log.clear()

    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)

    assert list_requests(podero) == {
        "heat-pumps": 1,
        "electric-vehicles": 1,
        "inverters": 1,
    }


async def test_absent_device_types_are_looked_for_on_the_slow_cadence(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A wallbox added later shows up at the next discovery, without a reload."""
    podero.simulator.remove_device(WALLBOX_ID)
    await setup_integration(hass, config_entry)
    wallbox = podero.simulator.add_device("wallboxes")

    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)
    assert find_device(hass, config_entry, wallbox.id) is None

    await advance(hass, freezer, DISCOVERY_INTERVAL)
    assert find_device(hass, config_entry, wallbox.id)
    entity_id = er.async_get(hass).async_get_entity_id(
        "switch", DOMAIN, f"{wallbox.id}_smart_optimization"
    )
    assert entity_id is not None
    assert hass.states.get(entity_id).state == "on"


async def test_new_device_of_a_present_type_appears_on_the_next_refresh(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """dynamic-devices: a second heat pump gets its device and entities without a reload."""
    await setup_integration(hass, config_entry)
    pump = podero.simulator.add_device("heat-pumps")

    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)

    entity_id = er.async_get(hass).async_get_entity_id(
        "switch", DOMAIN, f"{pump.id}_smart_optimization"
    )
    assert entity_id is not None
    assert hass.states.get(entity_id).state == "on"


async def test_device_that_disappears_is_removed_and_comes_back_once(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """stale-devices: a vanished device leaves the registry; its return creates no duplicates."""
    await setup_integration(hass, config_entry)
    entity_registry = er.async_get(hass)
    entities_before = len(
        er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)
    )
    world = podero.simulator.world
    pump = podero.simulator.device(HEAT_PUMP_ID)
    site = world.site_of(pump)

    world.remove_device(pump)
    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)
    assert find_device(hass, config_entry, HEAT_PUMP_ID) is None
    assert hass.states.get(HEAT_PUMP_SWITCH) is None

    # Its type now has no devices, so it is looked for again on the discovery cadence.
    world.add_device(pump, site)
    await advance(hass, freezer, DISCOVERY_INTERVAL)
    assert find_device(hass, config_entry, HEAT_PUMP_ID)
    assert hass.states.get(HEAT_PUMP_SWITCH).state == "on"
    entries = er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)
    assert len(entries) == entities_before
    assert len({entry.unique_id for entry in entries}) == len(entries)


async def test_unchanged_refresh_writes_no_state(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """When Podero reports the same values, no entity writes a new state."""
    await setup_integration(hass, config_entry)
    changes: list[str] = []
    hass.bus.async_listen(
        "state_changed", lambda event: changes.append(event.data["entity_id"])
    )

    # freezegun keeps simulated time still, so the second refresh sees identical devices.
    await refresh_devices(config_entry)
    await hass.async_block_till_done()

    assert changes == []


async def test_a_write_during_a_refresh_is_not_undone_by_it(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """A read that left before the write reached Podero must not bring the old value back."""
    await setup_integration(hass, config_entry)
    runtime = config_entry.runtime_data
    client = runtime.client
    original_list, original_config = client.list_devices, client.get_charging_config
    gate = asyncio.Event()
    read = asyncio.Event()

    async def slow(read_now: Any, *args: Any) -> Any:
        answer = await read_now(*args)  # read before the writes below
        read.set()
        await gate.wait()
        return answer

    with (
        patch.object(client, "list_devices", partial(slow, original_list)),
        patch.object(client, "get_charging_config", partial(slow, original_config)),
    ):
        refreshes = [
            hass.async_create_task(coordinator.async_refresh())
            for coordinator in (runtime.devices[DeviceKind.HEAT_PUMP], runtime.charging)
        ]
        await read.wait()
        await hass.services.async_call(
            "switch",
            "turn_off",
            {"entity_id": HEAT_PUMP_SWITCH},
            blocking=True,
        )
        await hass.services.async_call(
            "number",
            "set_value",
            {"entity_id": "number.podero_grid_import_before_stopping", "value": 1500},
            blocking=True,
        )
        gate.set()
        await asyncio.gather(*refreshes)

    assert hass.states.get(HEAT_PUMP_SWITCH).state == "off"
    assert hass.states.get("number.podero_grid_import_before_stopping").state == "1500"


# --- failures that stay local -------------------------------------------------------------

CHARGING_CONFIG = f"{LIST}charging-config"
IMPORT_BEFORE_STOPPING = "number.podero_grid_import_before_stopping"


async def test_a_failing_charging_config_makes_only_the_account_unavailable(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Its owner-level settings go unavailable with one error, and are asked again soon."""
    await setup_integration(hass, config_entry)
    caplog.clear()
    podero.simulator.faults.script("5xx", count=1, match=CHARGING_CONFIG)

    await advance(hass, freezer, DISCOVERY_INTERVAL)
    assert hass.states.get(IMPORT_BEFORE_STOPPING).state == STATE_UNAVAILABLE
    assert hass.states.get(EV_SWITCH).state == "on"
    (error,) = podero_log_lines(caplog, logging.ERROR)
    assert error.startswith("Error fetching podero charging-config data")

    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)
    assert hass.states.get(IMPORT_BEFORE_STOPPING).state != STATE_UNAVAILABLE


async def test_setup_survives_a_failing_charging_config(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The devices are set up without it; the account's settings appear once it answers."""
    podero.simulator.faults.script("5xx", count=1, match=CHARGING_CONFIG)

    await setup_integration(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(EV_SWITCH).state == "on"
    assert hass.states.get(IMPORT_BEFORE_STOPPING) is None

    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)
    assert hass.states.get(IMPORT_BEFORE_STOPPING).state != STATE_UNAVAILABLE


async def test_a_rejected_charging_config_at_setup_asks_for_new_credentials(
    hass: HomeAssistant, podero: SimulatedPodero, config_entry: MockConfigEntry
) -> None:
    """A 401 on the charging configuration is a rejected credential like any other."""
    podero.simulator.faults.script("5xx", count=1, match=CHARGING_CONFIG, status=401)

    await setup_integration(hass, config_entry)

    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_a_programming_error_fails_its_type_loudly(
    hass: HomeAssistant, config_entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug is not passed off as an API failure: its type's refresh fails with a traceback."""
    await setup_integration(hass, config_entry)
    coordinator = config_entry.runtime_data.devices[DeviceKind.HEAT_PUMP]

    with patch.object(
        coordinator.client, "list_devices", side_effect=TypeError("a bug")
    ):
        await coordinator.async_refresh()

    assert not coordinator.last_update_success
    assert isinstance(coordinator.last_exception, TypeError)
    assert "Unexpected error fetching podero heat-pumps data" in caplog.text
    assert "Traceback" in caplog.text
    await hass.async_block_till_done()
    assert hass.states.get(HEAT_PUMP_SWITCH).state == (STATE_UNAVAILABLE)
