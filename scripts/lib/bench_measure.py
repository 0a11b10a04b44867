"""All benchmark figures for one fleet size, in one Home Assistant (run in a child process).

A refresh is what happens every scan interval: each device type the account has is polled
by its own coordinator, one list request each. Types the account lacks, the charging
settings and the hourly energy job run on slower cadences and are measured apart (the
energy job by `history_cycle`).
"""

import asyncio
import statistics
import time
from typing import Any
from unittest.mock import patch

from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant
from homeassistant.setup import async_setup_component

from custom_components.podero import PLATFORMS
from custom_components.podero.const import DEFAULT_SCAN_INTERVAL, HISTORY_INTERVAL
from custom_components.podero.coordinator import DeviceCoordinator
from custom_components.podero.data import PoderoRuntimeData
from scripts.lib import harness
from scripts.lib.bench_actions import (
    REPEATS,
    boost_requests,
    command_latency,
    history_cycle,
    naive_requests,
)
from scripts.lib.bench_sim import SimulatorProcess, cpu_ms, rss_mb

SIM_LATENCY_MS = 25.0
# Long enough that the energy job's first run cannot land among the counted refreshes.
ENERGY_FIRST_RUN = HISTORY_INTERVAL


async def measure_one(devices: int) -> dict[str, Any]:
    """All figures for one fleet size."""
    sim = SimulatorProcess(devices, SIM_LATENCY_MS)
    try:
        async with harness.home_assistant() as hass:
            return await _measure(hass, sim, devices)
    finally:
        await sim.close()


def polled(runtime: PoderoRuntimeData) -> list[DeviceCoordinator]:
    """The coordinators a regular refresh runs: those of the device types present."""
    return [
        coordinator for coordinator in runtime.devices.values() if coordinator.devices
    ]


async def refresh(coordinators: list[DeviceCoordinator]) -> None:
    """One refresh: every coordinator polls, as their timers would at the scan interval."""
    await asyncio.gather(*(coordinator.async_refresh() for coordinator in coordinators))
    failed = [c.name for c in coordinators if not c.last_update_success]
    if failed:
        raise RuntimeError(f"refresh failed: {failed}")


async def _measure(
    hass: HomeAssistant, sim: SimulatorProcess, devices: int
) -> dict[str, Any]:
    info = sim.info
    entry = harness.entry_from(info, info["base_url"])
    entry.add_to_hass(hass)
    # Warm imports of Home Assistant's platforms so setup_s measures our work, not imports.
    for platform in PLATFORMS:
        await async_setup_component(hass, platform, {})
    rss_before = rss_mb()
    await sim.reset_counters()
    started = time.perf_counter()
    with patch("custom_components.podero.energy.HISTORY_FIRST_RUN", ENERGY_FIRST_RUN):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    setup_s = time.perf_counter() - started
    rss_after = rss_mb()
    runtime: PoderoRuntimeData = entry.runtime_data
    coordinators = polled(runtime)
    entities = sum(
        1
        for entity in hass.data["entity_registry"].entities.values()
        if entity.config_entry_id == entry.entry_id
    )

    async def one_refresh() -> None:
        await refresh(coordinators)

    # A regular refresh: only the lists of the device types present.
    refresh_requests = []
    unchanged_cpu = []
    writes: list[Event[EventStateChangedData]] = []
    unsub = hass.bus.async_listen(EVENT_STATE_CHANGED, writes.append)
    for _ in range(REPEATS):
        await sim.reset_counters()
        unchanged_cpu.append(await cpu_ms(one_refresh))
        await hass.async_block_till_done()
        refresh_requests.append(await sim.api_requests())
    unchanged_writes = len(writes)
    unsub()

    changed_cpu = []
    for _ in range(REPEATS):
        await sim.set_clock(advance_s=DEFAULT_SCAN_INTERVAL.total_seconds())
        changed_cpu.append(await cpu_ms(one_refresh))
        await hass.async_block_till_done()

    history = await history_cycle(hass, sim, runtime)
    command = await command_latency(hass, sim, runtime, entry.entry_id)
    boost = await boost_requests(hass, sim, runtime)
    naive = await naive_requests(info)
    return {
        "devices": devices,
        "device_types_present": len(coordinators),
        "requests_per_refresh": statistics.median(refresh_requests),
        "setup_s": round(setup_s, 3),
        "entities": entities,
        "refresh_cpu_ms": {
            "unchanged": round(statistics.median(unchanged_cpu), 2),
            "all_changed": round(statistics.median(changed_cpu), 2),
        },
        "state_writes_unchanged_refresh": unchanged_writes,
        **command,
        "rss_mb_per_100_devices": round((rss_after - rss_before) / devices * 100, 2),
        "boost_requests": boost,
        **history,
        "naive_requests_per_refresh": naive,
    }
