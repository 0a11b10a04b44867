"""Helpers shared by the tests."""

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from podero_simulator import Simulator


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
