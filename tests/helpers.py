"""Helpers shared by the tests."""

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.podero.const import DOMAIN, HISTORY_FIRST_RUN
from podero_simulator import Simulator
from podero_simulator.scenarios import KINDS, ORG_ID, USER_ID

# The demo household's resources at Podero, as request paths and as fault-script routes.
USER_PATH = f"/api/partners/v2.0/org/{ORG_ID}/users/{USER_ID}"
USER_ROUTE = "/api/partners/v2.0/org/{org}/users/{user}"
# Entities of the demo household that several modules act on.
HEAT_PUMP_SWITCH = "switch.nibe_heat_pump_smart_optimization"
EV_SWITCH = "switch.tesla_model_3_smart_optimization"
EV_CHARGE_NOW = "button.tesla_model_3_charge_now"
EV_BATTERY = "sensor.tesla_model_3_battery"

# `set_up_platforms` and `snapshot_entities` (conftest.py): called with the platforms to load.
type PlatformSetUp = Callable[..., Awaitable[None]]


def requests_made(simulator: Simulator) -> list[tuple[str, str]]:
    """Method and path of every API request since the log was last cleared."""
    return [(entry["method"], entry["path"]) for entry in simulator.requests()]


def find_device(
    hass: HomeAssistant, entry: MockConfigEntry, identifier: str
) -> dr.DeviceEntry | None:
    """The entry's registry device for a Podero id (or the account's identifier), if any."""
    return dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, identifier), entry.entry_id
    )


def device_of(
    hass: HomeAssistant, entry: MockConfigEntry, identifier: str
) -> dr.DeviceEntry:
    """Like find_device, for a device that must be registered."""
    device = find_device(hass, entry, identifier)
    assert device is not None
    return device


def pause_store_key(entry_id: str) -> str:
    """The Store of scheduled resumes (its name is a contract: users upgrade in place)."""
    return f"podero.{entry_id}.pauses"


@dataclass(frozen=True)
class SimulatedPodero:
    """The simulator object and the URL it is served at."""

    simulator: Simulator
    base_url: str


async def setup_integration(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    platforms: Iterable[Platform] | None = None,
) -> None:
    """Add the entry and set it up, optionally with only some platforms."""
    entry.add_to_hass(hass)
    if platforms is None:
        await hass.config_entries.async_setup(entry.entry_id)
    else:
        with patch("custom_components.podero.PLATFORMS", list(platforms)):
            await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def refresh_devices(entry: MockConfigEntry) -> None:
    """Poll every device type now, as each type's timer would."""
    for coordinator in entry.runtime_data.devices.values():
        await coordinator.async_refresh()


async def advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    """Move time forward and run whatever fell due (polls, timers)."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def until(condition: Callable[[], bool]) -> None:
    """Let the event loop run (time is frozen) until condition holds."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition never became true")


def podero_log_lines(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    """Messages the integration logged at exactly this level."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.podero")
        and record.levelno == level
    ]


# Besides each kind's demo device: make and model shared by two devices, no make, and no make
# shared by two devices - every case in which a device is named differently.
NAMING_CASES = (
    ("Acme", "One"),
    ("Acme", "One"),
    ("", "Solo"),
    ("", "Twin"),
    ("", "Twin"),
)


ON_OFF_PLATFORMS = frozenset({Platform.BINARY_SENSOR, Platform.SWITCH})


def states_of(entry: er.RegistryEntry) -> set[str]:
    """The states an entity can have that may be translated: enum options, or on and off."""
    if entry.domain in ON_OFF_PLATFORMS:
        return {"on", "off"}
    return set((entry.capabilities or {}).get("options") or ())


@dataclass(frozen=True)
class Registered:
    """What setting up the integration put in Home Assistant's registries."""

    entities: list[er.RegistryEntry]
    # Each device name's translation key, with the placeholders passed along with it.
    device_names: dict[str, set[str]]


async def set_up_every_kind_of_device(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> Registered:
    """Set up the demo household plus a device of each kind in each naming case."""
    sim = podero.simulator
    for kind in KINDS:
        for manufacturer, model in NAMING_CASES:
            device = sim.add_device(kind)
            device_model = sim.device_payload(device.id)["device_model"]
            sim.patch_device(
                device.id,
                {
                    "device_model": {
                        **device_model,
                        "manufacturer": manufacturer,
                        "model": model,
                    }
                },
            )
    devices = dr.async_get(hass)
    with patch.object(
        devices, "async_get_or_create", wraps=devices.async_get_or_create
    ) as registering:
        await setup_integration(hass, entry)
        await advance(hass, freezer, HISTORY_FIRST_RUN)
    names: dict[str, set[str]] = {}
    for call in registering.call_args_list:
        kwargs: dict[str, Any] = call.kwargs
        if kwargs.get("config_entry_id") == entry.entry_id and kwargs.get(
            "translation_key"
        ):
            given = set(kwargs.get("translation_placeholders") or {})
            names.setdefault(kwargs["translation_key"], given).intersection_update(
                given
            )
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    return Registered(entities, names)
