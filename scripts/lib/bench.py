"""Benchmark: API requests, CPU, memory and latency of the integration, against the minimum.

For each fleet size N the simulator runs in its own process (so its CPU and memory are not
counted) and Home Assistant runs in a fresh child process with the integration. Figures:

- requests_per_refresh: list requests of a regular refresh (from the simulator's log), next to
  the minimum possible (one per device type present) and a naive per-device design;
- setup_s / entities: config entry setup until every entity exists;
- refresh_cpu_ms: CPU time of a refresh in which nothing changed, and of one in which every
  device changed; state_writes_unchanged_refresh: state_changed events an unchanged refresh
  caused (target 0);
- command_latency_ms / requests_per_command: a switch turned off until its new state is
  visible, over the simulator's own added latency;
- rss_mb_per_100_devices: resident memory the entry added, per 100 devices;
- boost_requests: requests spent while a boost goes from `requested` to `ongoing`.

Human table on stderr, one JSON object on the last stdout line.
"""

import argparse
import asyncio
from collections.abc import Awaitable, Callable
import contextlib
from datetime import datetime, timedelta
import json
import os
from pathlib import Path
import resource
import statistics
import subprocess
import sys
import time
from typing import Any
from unittest.mock import patch

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.podero.api import (
    DEVICE_MODELS,
    DeviceKind,
    PoderoClient,
    StaticTokenAuth,
)
from custom_components.podero.const import (
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    HISTORY_INTERVAL,
)
from custom_components.podero.history import EnergyHistory

SIZES = (1, 10, 100, 1000)
API_PREFIX = "/api/partners/v2.0/"
REPEATS = 5
SIM_LATENCY_MS = 25.0


# --- the simulator in its own process -------------------------------------------------------


class SimulatorProcess:
    """`python -m podero_simulator` in a child process, driven through its admin API."""

    def __init__(self, devices: int, latency_ms: float) -> None:
        """Start it and read the credentials line it prints."""
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "podero_simulator",
                "--scenario",
                "fleet",
                "--devices",
                str(devices),
                "--port",
                "0",
                "--latency-ms",
                str(latency_ms),
                # Simulated time nearly stands still, so consecutive refreshes see equal data.
                "--speed",
                "1e-9",
            ],
            stdout=subprocess.PIPE,
            cwd=harness.ROOT,
            text=True,
        )
        assert self._process.stdout is not None
        self.info: dict[str, Any] = json.loads(self._process.stdout.readline())
        self.base_url: str = self.info["base_url"]
        self.session: aiohttp.ClientSession | None = None

    async def admin(self, method: str, path: str, body: Any = None) -> Any:
        """Call an admin endpoint and return its JSON."""
        if self.session is None:
            self.session = aiohttp.ClientSession()
        async with self.session.request(
            method, f"{self.base_url}/_sim/{path}", json=body
        ) as response:
            response.raise_for_status()
            return await response.json() if response.status != 204 else None

    async def api_requests(self) -> int:
        """API requests since the last reset of the counters."""
        counters: dict[str, int] = await self.admin("GET", "counters")
        return sum(
            count
            for route, count in counters.items()
            if API_PREFIX in route or "oauth2" in route
        )

    async def reset_counters(self) -> None:
        """Forget the request log and counters."""
        await self.admin("DELETE", "requests")

    async def close(self) -> None:
        """Stop the process."""
        if self.session is not None:
            await self.session.close()
        self._process.terminate()
        self._process.wait(timeout=10)


# --- measurements in one Home Assistant child process -----------------------------------------


def rss_mb() -> float:
    """Current resident memory of this process."""
    with Path("/proc/self/statm").open() as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1_048_576


async def cpu_ms(action: Callable[[], Awaitable[None]]) -> float:
    """CPU time (ms) this process spends on an action."""
    start = time.process_time()
    await action()
    return (time.process_time() - start) * 1000


async def measure_one(devices: int) -> dict[str, Any]:
    """All figures for one fleet size."""
    sim = SimulatorProcess(devices, SIM_LATENCY_MS)
    try:
        async with harness.home_assistant() as hass:
            return await _measure(hass, sim, devices)
    finally:
        await sim.close()


async def _measure(
    hass: HomeAssistant, sim: SimulatorProcess, devices: int
) -> dict[str, Any]:
    info = sim.info
    entry = harness.entry_from(info, info["base_url"])
    entry.add_to_hass(hass)
    # Warm imports of Home Assistant's platforms so setup_s measures our work, not imports.
    await _warm_up(hass)
    rss_before = rss_mb()
    await sim.reset_counters()
    started = time.perf_counter()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    setup_s = time.perf_counter() - started
    rss_after = rss_mb()
    coordinator = entry.runtime_data.coordinator
    data = coordinator.data
    kinds_present = len(data.kinds_present)
    entities = sum(
        1
        for entity in hass.data["entity_registry"].entities.values()
        if entity.config_entry_id == entry.entry_id
    )

    # A regular refresh: only the lists of the device types present.
    refresh_requests = []
    unchanged_cpu = []
    writes: list[Event] = []
    unsub = hass.bus.async_listen(EVENT_STATE_CHANGED, writes.append)
    for _ in range(REPEATS):
        await sim.reset_counters()
        unchanged_cpu.append(await cpu_ms(coordinator.async_refresh))
        await hass.async_block_till_done()
        refresh_requests.append(await sim.api_requests())
    unchanged_writes = len(writes)
    unsub()

    changed_cpu = []
    for _ in range(REPEATS):
        await sim.admin(
            "POST", "clock", {"advance_s": DEFAULT_SCAN_INTERVAL.total_seconds()}
        )
        changed_cpu.append(await cpu_ms(coordinator.async_refresh))
        await hass.async_block_till_done()

    history = await _history_cycle(hass, sim, entry)
    command = await _command_latency(hass, sim, entry)
    boost = await _boost_requests(hass, sim, entry)
    naive = await _naive_requests(info)
    return {
        "devices": devices,
        "device_types_present": kinds_present,
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


async def _warm_up(hass: HomeAssistant) -> None:
    from homeassistant.setup import async_setup_component  # noqa: PLC0415

    from custom_components.podero import PLATFORMS  # noqa: PLC0415

    for platform in PLATFORMS:
        await async_setup_component(hass, platform, {})


async def _command_latency(
    hass: HomeAssistant, sim: SimulatorProcess, entry: MockConfigEntry
) -> dict[str, Any]:
    """Turn a smart-optimisation switch off and on; time until the state shows it."""
    from homeassistant.helpers import entity_registry as er  # noqa: PLC0415

    registry = er.async_get(hass)
    switch = next(
        entity.entity_id
        for entity in registry.entities.values()
        if entity.config_entry_id == entry.entry_id
        and entity.unique_id.endswith("_smart_optimization")
    )
    latencies = []
    requests = []
    for service, expected in [("turn_off", "off"), ("turn_on", "on")] * REPEATS:
        await sim.reset_counters()
        started = time.perf_counter()
        await hass.services.async_call(
            "switch", service, {"entity_id": switch}, blocking=True
        )
        assert hass.states.get(switch).state == expected
        latencies.append((time.perf_counter() - started) * 1000)
        requests.append(await sim.api_requests())
    median = statistics.median(latencies)
    baseline = await _raw_put_ms(sim, entry, switch)
    return {
        "command_latency_ms": round(median, 1),
        "simulator_latency_ms": round(baseline, 1),
        "command_overhead_ms": round(median - baseline, 1),
        "requests_per_command": statistics.median(requests),
    }


async def _raw_put_ms(
    sim: SimulatorProcess, entry: MockConfigEntry, switch: str
) -> float:
    """The simulator's own answer time for the same PUT (its added latency plus its work)."""
    from homeassistant.helpers import entity_registry as er  # noqa: PLC0415

    info = sim.info
    coordinator = entry.runtime_data.coordinator
    unique_id = er.async_get(coordinator.hass).async_get(switch).unique_id
    device_id = unique_id.removesuffix("_smart_optimization")
    kind = next(
        kind
        for kind, devices in coordinator.data.devices.items()
        if device_id in devices
    )
    url = f"{info['base_url']}/api/partners/v2.0/org/{info['org_id']}/users/{info['user_id']}/{kind.value}/{device_id}"
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


async def _boost_requests(
    hass: HomeAssistant, sim: SimulatorProcess, entry: MockConfigEntry
) -> int | None:
    """Requests between pressing "Charge now" and the boost being `ongoing`."""
    coordinator = entry.runtime_data.coordinator
    vehicles = coordinator.data.devices.get(DeviceKind.ELECTRIC_VEHICLE, {})
    if not vehicles:
        return None
    vehicle_id = next(iter(vehicles))
    await sim.admin("POST", f"devices/{vehicle_id}/plug", {"plugged_in": True})
    await sim.admin("POST", "clock", {"speed": 1.0})
    from homeassistant.helpers import entity_registry as er  # noqa: PLC0415

    button = er.async_get(hass).async_get_entity_id(
        "button", DOMAIN, f"{vehicle_id}_boost"
    )
    await sim.reset_counters()
    with contextlib.suppress(Exception):
        await hass.services.async_call(
            "button", "press", {"entity_id": button}, blocking=True
        )
    deadline = time.monotonic() + 70
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        vehicle = coordinator.data.devices[DeviceKind.ELECTRIC_VEHICLE].get(vehicle_id)
        state = getattr(vehicle, "boost_state", None)
        if state is not None and state.value != "requested":
            break
    # Let the follow-up notice the change and stop by itself.
    await asyncio.sleep(4)
    requests = await sim.api_requests()
    await sim.admin("POST", "clock", {"speed": 1e-9})
    return requests


async def _history_cycle(
    hass: HomeAssistant, sim: SimulatorProcess, entry: MockConfigEntry
) -> dict[str, Any]:
    """Requests of one hourly energy-history cycle (statistics writes stubbed out).

    The recorder's own import cost is Home Assistant's, not ours; what the integration
    spends is the requests and the parsing, measured here for a one-day window.
    """
    history = entry.runtime_data.history
    history.async_stop()
    hass.config.components.add("recorder")

    async def one_day(
        self: EnergyHistory, ids: list[str], end: datetime
    ) -> tuple[datetime, dict[str, float]]:
        return end - timedelta(days=1), {}

    await sim.reset_counters()
    with (
        patch("custom_components.podero.history.async_add_external_statistics") as add,
        patch.object(EnergyHistory, "_resume_point", one_day),
    ):
        cpu = await cpu_ms(history.async_run)
    counters: dict[str, int] = await sim.admin("GET", "counters")
    per_route = {
        suffix: sum(
            count for route, count in counters.items() if route.endswith(suffix)
        )
        for suffix in ("/data", "/savings", "/sessions", "/sessions/current")
    }
    with_history = sum(
        len(entry.runtime_data.coordinator.data.devices.get(kind, {}))
        for kind in (
            DeviceKind.HEAT_PUMP,
            DeviceKind.ELECTRIC_VEHICLE,
            DeviceKind.SOLAR_INVERTER,
        )
    )
    return {
        "history_requests_per_cycle": per_route,
        "history_devices": with_history,
        "history_statistics_per_cycle": add.call_count,
        "history_cpu_ms": round(cpu, 1),
        "history_interval_s": HISTORY_INTERVAL.total_seconds(),
    }


async def _naive_requests(info: dict[str, Any]) -> int:
    """The same refresh done the naive way: list once, then GET every device on its own."""
    async with aiohttp.ClientSession() as session:
        client = PoderoClient(
            session,
            info["base_url"],
            StaticTokenAuth(info["token"]),
            info["org_id"],
            info["user_id"],
        )
        devices = {
            kind: await client.list_devices(DEVICE_MODELS[kind]) for kind in DeviceKind
        }
        count = 0
        for kind, items in devices.items():
            for item in items:
                await client.get_device(DEVICE_MODELS[kind], item.id)
                count += 1
        return count


# --- the driver --------------------------------------------------------------------------------


def run_child(devices: int) -> dict[str, Any]:
    """Measure one size in a fresh process, so memory figures do not mix."""
    output = subprocess.run(
        [sys.executable, __file__, "--one", str(devices)],
        capture_output=True,
        text=True,
        check=True,
        cwd=harness.ROOT,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def table(results: list[dict[str, Any]]) -> str:
    """The human-readable summary."""
    header = (
        f"{'devices':>7} {'types':>5} {'req/refresh':>11} {'naive':>6} {'setup s':>8} {'entities':>8} "
        f"{'cpu ms same':>11} {'cpu ms all':>10} {'writes same':>11} {'cmd ms':>7} {'req/cmd':>7} "
        f"{'MB/100':>7} {'boost req':>9} {'hist req/h':>10}"
    )
    rows = [header, "-" * len(header)]
    rows.extend(
        f"{r['devices']:>7} {r['device_types_present']:>5} {r['requests_per_refresh']:>11} "
        f"{r['naive_requests_per_refresh']:>6} {r['setup_s']:>8.2f} {r['entities']:>8} "
        f"{r['refresh_cpu_ms']['unchanged']:>11.1f} {r['refresh_cpu_ms']['all_changed']:>10.1f} "
        f"{r['state_writes_unchanged_refresh']:>11} {r['command_latency_ms']:>7.1f} "
        f"{r['requests_per_command']:>7} {r['rss_mb_per_100_devices']:>7.2f} "
        f"{r['boost_requests']!s:>9} {sum(r['history_requests_per_cycle'].values()):>10}"
        for r in results
    )
    return "\n".join(rows)


def main() -> None:
    """Run the benchmark (or, with --one, a single size)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(asyncio.run(measure_one(args.one))))
        return
    results = []
    for size in args.sizes:
        print(f"measuring {size} devices ...", file=sys.stderr)
        results.append(run_child(size))
    print(table(results), file=sys.stderr)
    summary = {
        "results": [
            {k: v for k, v in r.items() if k != "naive_requests_per_refresh"}
            for r in results
        ],
        "naive": [
            {
                "devices": r["devices"],
                "requests_per_refresh": r["naive_requests_per_refresh"],
            }
            for r in results
        ],
        "scan_interval_s": DEFAULT_SCAN_INTERVAL.total_seconds(),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    resource.setrlimit(
        resource.RLIMIT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE)
    )
    main()
