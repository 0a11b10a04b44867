"""Benchmark: API requests, CPU, memory and latency of the integration, against the minimum.

For each fleet size N the simulator runs in its own process (so its CPU and memory are not
counted) and Home Assistant runs in a fresh child process with the integration. Figures:

- requests_per_refresh: requests of a regular refresh (every device type's coordinator polls,
  as at each scan interval; from the simulator's log), next to the minimum possible (one per
  device type present) and a naive per-device design;
- setup_s / entities: config entry setup until every entity exists;
- refresh_cpu_ms: CPU time of a refresh in which nothing changed, and of one in which every
  device changed; state_writes_unchanged_refresh: state_changed events an unchanged refresh
  caused (target 0);
- command_latency_ms / requests_per_command: a switch turned off until its new state is
  visible, over the simulator's own added latency;
- rss_mb_per_100_devices: resident memory the entry added, per 100 devices;
- boost_requests: requests spent while a boost goes from `requested` to `ongoing`;
- history_*: requests, statistics and CPU of one hourly energy run (one-day window).

Human table on stderr, one JSON object on the last stdout line. This module is the driver;
bench_measure takes one size's figures, bench_actions the command, boost and energy probes,
bench_sim runs the simulator process.
"""

import argparse
import asyncio
import json
from pathlib import Path
import resource
import subprocess
import sys
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from custom_components.podero.const import DEFAULT_SCAN_INTERVAL
from scripts.lib import harness
from scripts.lib.bench_measure import measure_one

SIZES = (1, 10, 100, 1000)


def run_child(devices: int) -> dict[str, Any]:
    """Measure one size in a fresh process, so memory figures do not mix."""
    output = subprocess.run(
        [sys.executable, __file__, "--one", str(devices)],
        capture_output=True,
        text=True,
        check=True,
        cwd=harness.ROOT,
    )
    result: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    return result


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
