"""List-endpoint benchmark: start a fleet simulator, time each list, report ms."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import json
import signal
import statistics
import subprocess
import sys
import time
from typing import Any

import aiohttp

from .scenarios import KINDS

BUDGET_MS = 200.0


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def start_simulator(
    devices: int, seed: int
) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """Run ``python -m podero_simulator`` (fleet) and read its start line."""
    command = [
        sys.executable, "-m", "podero_simulator", "--port", "0",
        "--scenario", "fleet", "--devices", str(devices), "--seed", str(seed),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.wait(timeout=10)
        raise RuntimeError(
            f"simulator exited with {process.returncode} before starting"
        )
    return process, json.loads(line)


async def _timed_get(session: aiohttp.ClientSession, url: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    async with session.get(url) as response:
        response.raise_for_status()
        body = await response.read()
    return (time.perf_counter() - started) * 1000.0, body


async def measure(info: dict[str, Any], runs: int) -> dict[str, dict[str, Any]]:
    """Time ``runs`` requests per list endpoint, in two situations.

    *Polling*: back-to-back requests after one untimed warm-up. *After 5 min*: each
    request follows a 5-minute jump of simulated time, so every building of the fleet
    has to be integrated first (the cost a poller sees after an idle period).
    """
    base = f"{info['base_url']}/api/partners/v2.0/org/{info['org_id']}/users/{info['user_id']}"
    headers = {"Authorization": f"Bearer {info['token']}"}
    clock = f"{info['admin_url']}/clock"
    results: dict[str, dict[str, Any]] = {}
    async with aiohttp.ClientSession(headers=headers) as session:
        for kind in KINDS:
            url = f"{base}/{kind}"
            _elapsed, body = await _timed_get(session, url)
            polling = [(await _timed_get(session, url))[0] for _ in range(runs)]
            advanced: list[float] = []
            for _ in range(runs):
                async with session.post(clock, json={"advance_s": 300}) as response:
                    response.raise_for_status()
                advanced.append((await _timed_get(session, url))[0])
            results[kind] = {
                "items": len(json.loads(body)),
                "bytes": len(body),
                "median_ms": round(statistics.median(polling), 1),
                "max_ms": round(max(polling), 1),
                "after_advance_median_ms": round(statistics.median(advanced), 1),
                "after_advance_max_ms": round(max(advanced), 1),
            }
    return results


def report(
    results: dict[str, dict[str, Any]], devices: int, runs: int
) -> dict[str, Any]:
    """Print the table and return the summary that is printed as the JSON line."""
    _out(
        f"simbench: fleet of {devices} devices, {runs} timed runs per endpoint and situation"
    )
    _out(
        f"{'endpoint':<20}{'items':>7}{'kB':>7}{'median ms':>11}{'max ms':>9}"
        f"{'after 5 min: median':>22}{'max ms':>9}"
    )
    for kind, row in results.items():
        _out(
            f"{kind:<20}{row['items']:>7}{row['bytes'] / 1000:>7.0f}{row['median_ms']:>11.1f}"
            f"{row['max_ms']:>9.1f}{row['after_advance_median_ms']:>22.1f}"
            f"{row['after_advance_max_ms']:>9.1f}"
        )
    worst = max(
        max(row["max_ms"], row["after_advance_max_ms"]) for row in results.values()
    )
    return {
        "devices": devices,
        "runs": runs,
        "budget_ms": BUDGET_MS,
        "max_ms": worst,
        "ok": worst < BUDGET_MS,
        "endpoints": results,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit status 1 when an endpoint exceeds the budget."""
    parser = argparse.ArgumentParser(prog="scripts/simbench", description=__doc__)
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    process, info = start_simulator(args.devices, args.seed)
    try:
        results = asyncio.run(measure(info, max(1, args.runs)))
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
    summary = report(results, args.devices, args.runs)
    _out(json.dumps(summary))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
