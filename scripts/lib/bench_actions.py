"""Benchmark probes beyond the regular refresh: a command, a boost, the hourly energy job.

Each takes a set-up Home Assistant with the loaded entry's runtime data and the simulator.
"""

import asyncio
import contextlib
from datetime import datetime, timedelta
import statistics
import time
from typing import Any
from unittest.mock import patch

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.podero.api import (
    DEVICE_MODELS,
    BoostState,
    DeviceKind,
    PoderoClient,
    StaticTokenAuth,
)
from custom_components.podero.const import DOMAIN, HISTORY_INTERVAL
from custom_components.podero.data import PoderoRuntimeData
from custom_components.podero.statistics import MODELS
from scripts.lib.bench_sim import API_PREFIX, SimulatorProcess, cpu_ms

REPEATS = 5
SWITCH_KEY = "_smart_optimization"
HISTORY_ROUTES = ("/data", "/savings", "/sessions", "/sessions/current")
BOOST_WAIT_S = 70.0
# After the boost started: time for the follow-up polls to notice it and stop by themselves.
BOOST_SETTLE_S = 4.0


async def command_latency(
    hass: HomeAssistant,
    sim: SimulatorProcess,
    runtime: PoderoRuntimeData,
    entry_id: str,
) -> dict[str, Any]:
    """Turn a smart-optimisation switch off and on; time until the state shows it."""
    registry = er.async_get(hass)
    switch = next(
        entity
        for entity in registry.entities.values()
        if entity.config_entry_id == entry_id and entity.unique_id.endswith(SWITCH_KEY)
    )
    latencies = []
    requests = []
    for service, expected in [("turn_off", "off"), ("turn_on", "on")] * REPEATS:
        await sim.reset_counters()
        started = time.perf_counter()
        await hass.services.async_call(
            "switch", service, {"entity_id": switch.entity_id}, blocking=True
        )
        state = hass.states.get(switch.entity_id)
        if state is None or state.state != expected:
            raise RuntimeError(
                f"{switch.entity_id} does not show {expected} after {service}"
            )
        latencies.append((time.perf_counter() - started) * 1000)
        requests.append(await sim.api_requests())
    median = statistics.median(latencies)
    baseline = await _raw_put_ms(
        sim, runtime, switch.unique_id.removesuffix(SWITCH_KEY)
    )
    return {
        "command_latency_ms": round(median, 1),
        "simulator_latency_ms": round(baseline, 1),
        "command_overhead_ms": round(median - baseline, 1),
        "requests_per_command": statistics.median(requests),
    }


async def _raw_put_ms(
    sim: SimulatorProcess, runtime: PoderoRuntimeData, device_id: str
) -> float:
    """The simulator's own answer time for the same PUT (its added latency plus its work)."""
    info = sim.info
    kind = next(
        kind
        for kind, coordinator in runtime.devices.items()
        if device_id in coordinator.devices
    )
    url = (
        f"{info['base_url']}{API_PREFIX}org/{info['org_id']}/users/{info['user_id']}"
        f"/{kind.value}/{device_id}"
    )
    timings = []
    async with aiohttp.ClientSession() as session:
        for value in [False, True] * REPEATS:
            started = time.perf_counter()
            async with session.put(
                url,
                json={"is_smart_optimization_active": value},
                headers={"Authorization": f"Bearer {info['token']}"},
            ) as response:
                await response.read()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


async def boost_requests(
    hass: HomeAssistant, sim: SimulatorProcess, runtime: PoderoRuntimeData
) -> int | None:
    """Requests between pressing "Charge now" and the boost being past `requested`."""
    vehicles = runtime.devices[DeviceKind.ELECTRIC_VEHICLE]
    if not vehicles.devices:
        return None
    vehicle_id = next(iter(vehicles.devices))
    await sim.admin("POST", f"devices/{vehicle_id}/plug", {"plugged_in": True})
    await sim.set_clock(speed=1.0)
    button = er.async_get(hass).async_get_entity_id(
        "button", DOMAIN, f"{vehicle_id}_boost"
    )
    await sim.reset_counters()
    # Podero may refuse a boost (already charging, full): its requests count all the same.
    with contextlib.suppress(Exception):
        await hass.services.async_call(
            "button", "press", {"entity_id": button}, blocking=True
        )
    deadline = time.monotonic() + BOOST_WAIT_S
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        vehicle = vehicles.devices.get(vehicle_id)
        state = getattr(vehicle, "boost_state", None)
        if state is not None and state is not BoostState.REQUESTED:
            break
    await asyncio.sleep(BOOST_SETTLE_S)
    requests = await sim.api_requests()
    await sim.set_clock(speed=1e-9)
    return requests


async def history_cycle(
    hass: HomeAssistant, sim: SimulatorProcess, runtime: PoderoRuntimeData
) -> dict[str, Any]:
    """Requests of one hourly energy run (statistics writes stubbed out).

    The recorder's own import cost is Home Assistant's, not ours; what the integration
    spends is the requests and the parsing, measured here for a one-day window.
    """
    energy = runtime.energy
    hass.config.components.add("recorder")

    async def one_day(
        _hass: HomeAssistant, _ids: list[str], end: datetime, _backfill: timedelta
    ) -> tuple[datetime, dict[str, float]]:
        return end - timedelta(days=1), {}

    await sim.reset_counters()
    with (
        patch(
            "custom_components.podero.statistics.async_add_external_statistics"
        ) as add,
        patch("custom_components.podero.statistics._resume_point", one_day),
    ):
        cpu = await cpu_ms(energy.async_refresh)
    if not energy.last_update_success:
        raise RuntimeError(f"the energy run failed: {energy.last_exception}")
    counters = await sim.counters()
    per_route = {
        suffix: sum(
            count for route, count in counters.items() if route.endswith(suffix)
        )
        for suffix in HISTORY_ROUTES
    }
    with_history = sum(len(runtime.devices[kind].devices) for kind in MODELS)
    return {
        "history_requests_per_cycle": per_route,
        "history_devices": with_history,
        "history_statistics_per_cycle": add.call_count,
        "history_cpu_ms": round(cpu, 1),
        "history_interval_s": HISTORY_INTERVAL.total_seconds(),
    }


async def naive_requests(info: dict[str, Any]) -> int:
    """The same refresh done the naive way: list once, then GET every device on its own."""
    async with aiohttp.ClientSession() as session:
        client = PoderoClient(
            session,
            info["base_url"],
            StaticTokenAuth(info["token"]),
            info["org_id"],
            info["user_id"],
        )
        count = 0
        for model in DEVICE_MODELS.values():
            for item in await client.list_devices(model):
                await client.get_device(model, item.id)
                count += 1
        return count
