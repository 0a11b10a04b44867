"""The benchmark's simulator in a process of its own, and the process-local meters.

The simulator runs apart so its CPU and memory are not counted with Home Assistant's.
"""

from collections.abc import Awaitable, Callable
import json
import os
from pathlib import Path
import subprocess
import sys
import time
from typing import Any

import aiohttp

from scripts.lib import harness

API_PREFIX = "/api/partners/v2.0/"


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

    async def counters(self) -> dict[str, int]:
        """Requests per route since the last reset."""
        counters: dict[str, int] = await self.admin("GET", "counters")
        return counters

    async def api_requests(self) -> int:
        """API requests since the last reset of the counters."""
        return sum(
            count
            for route, count in (await self.counters()).items()
            if API_PREFIX in route or "oauth2" in route
        )

    async def reset_counters(self) -> None:
        """Forget the request log and counters."""
        await self.admin("DELETE", "requests")

    async def set_clock(self, **clock: float) -> None:
        """Advance the simulated clock (`advance_s`) or set its `speed`."""
        await self.admin("POST", "clock", clock)

    async def close(self) -> None:
        """Stop the process."""
        if self.session is not None:
            await self.session.close()
        self._process.terminate()
        self._process.wait(timeout=10)


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
