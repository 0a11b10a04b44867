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


async def measure(info: dict[str, Any], runs: int) -> dict[str, dict[str, Any]]:
    """Time ``runs`` requests per list endpoint (after one untimed warm-up)."""
    base = f"{info['base_url']}/api/partners/v2.0/org/{info['org_id']}/users/{info['user_id']}"
    headers = {"Authorization": f"Bearer {info['token']}"}
    results: dict[str, dict[str, Any]] = {}
    async with aiohttp.ClientSession(headers=headers) as session:
        for kind in KINDS:
            timings: list[float] = []
            items = size = 0
            for attempt in range(runs + 1):
                started = time.perf_counter()
                async with session.get(f"{base}/{kind}") as response:
                    response.raise_for_status()
                    body = await response.read()
                elapsed = (time.perf_counter() - started) * 1000.0
                if attempt:
                    timings.append(elapsed)
                items, size = len(json.loads(body)), len(body)
            results[kind] = {
                "items": items,
                "bytes": size,
                "median_ms": round(statistics.median(timings), 1),
                "max_ms": round(max(timings), 1),
            }
    return results


def report(
    results: dict[str, dict[str, Any]], devices: int, runs: int
) -> dict[str, Any]:
    """Print the table and return the summary that is printed as the JSON line."""
    _out(f"simbench: fleet of {devices} devices, {runs} timed runs per endpoint")
    _out(f"{'endpoint':<20}{'items':>7}{'kB':>9}{'median ms':>12}{'max ms':>10}")
    for kind, row in results.items():
        _out(
            f"{kind:<20}{row['items']:>7}{row['bytes'] / 1000:>9.0f}{row['median_ms']:>12.1f}{row['max_ms']:>10.1f}"
        )
    worst = max(row["max_ms"] for row in results.values())
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
