"""Soak test: the integration inside Home Assistant against a faulty Podero simulator.

The demo household (heat pump, EV, inverter with battery, wallbox, charging configuration),
authenticated with OAuth client credentials, runs through `--cycles` refresh cycles of
accelerated time. One cycle is one scan interval (300 s):

1. every `--expire-every` cycles every issued access token expires (the client may renew it);
2. with probability `--write-probability`, somewhere inside the interval, a user changes one to
   three settings through Home Assistant's actions (switch, select, number, time), as the UI
   does: only on available entities and only to valid values; a share of the writes
   (`--concurrent-writes`) lands while a requested refresh is in flight;
3. time runs on to the coordinator's next poll (one interval after the cycle began, later if a
   write restarted the interval), every timer firing at its due time;
4. if no request of the cycle (writes aside) met a fault, every Podero entity must be
   available, and every writable entity must show what the simulator has.

The simulator answers every API request with seeded random faults (`--p-5xx`, `--p-429` with
`--retry-after`, `--p-hang`). A hung request only ends at the client's timeout: when the only
open requests are hung ones and nothing has moved for a few milliseconds of real time, the
frozen clock jumps 16 s so that the timeout fires (asyncio's clock follows freezegun).

A write that returned must be on the server (checked in the simulator's state), and one that
did not reach the server must raise; lost writes = attempted - confirmed - reported failed.
Unhandled exceptions are exceptions that reached the event loop's handler plus ERROR log records
with a traceback from Home Assistant or the integration. Home Assistant's own "Error fetching
podero <coordinator> data" (no traceback), once per failing coordinator, is expected and
reported apart.

Human-readable progress and summary on stderr; the last stdout line is one JSON object. Exit
status 0 when the acceptance criteria hold, 1 when one does not (named on stderr), 2 on a bad
option.

This module is the command line and the set-up. The rest: soak_cycle (one cycle), soak_plan
(which writes, with which values), soak_driver (time, timers, hung requests), soak_checks
(availability, shown values, auth, lost writes; the findings), soak_report (unhandled
exceptions, summary, acceptance) and soak_integration (the only code that touches the
integration's internals).
"""

import argparse
import asyncio
from collections.abc import Callable, Sequence
import gc
import json
from pathlib import Path
import sys

from freezegun import freeze_time
from freezegun.api import TickingDateTimeFactory

# Home Assistant's dt_util.utcnow is a partial over the real clock that freezegun cannot
# patch; phcc swaps in plain functions. This must run before Home Assistant is imported,
# which the soak's other modules do.
import pytest_homeassistant_custom_component.patch_time  # type: ignore[import-untyped]  # noqa: F401

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.lib.harness import entry_for, running, simulator_app
from scripts.lib.soak_cycle import Soak
from scripts.lib.soak_driver import elapsed
from scripts.lib.soak_integration import SCAN_S
from scripts.lib.soak_report import Watch, install_watch, progress, report, summary

START = "2026-01-15T11:00:00+00:00"

# --- options -------------------------------------------------------------------------------


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a probability between 0 and 1")
    return value


def _at_least(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text} is less than {minimum}")
        return value

    return parse


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="scripts/soak",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        description="Drive the Podero integration inside Home Assistant against a faulty "
        "simulator for many refresh cycles of accelerated time.",
    )
    parser.add_argument(
        "--cycles",
        type=_at_least(1),
        default=2000,
        help="refresh cycles (scan intervals of 300 s)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seeds faults, writes and the simulated weather",
    )
    parser.add_argument(
        "--p-5xx", type=_probability, default=0.05, help="per API request"
    )
    parser.add_argument(
        "--p-429", type=_probability, default=0.02, help="per API request"
    )
    parser.add_argument(
        "--p-hang", type=_probability, default=0.01, help="per API request"
    )
    parser.add_argument(
        "--retry-after", type=_at_least(0), default=60, help="seconds, sent with a 429"
    )
    parser.add_argument(
        "--expire-every",
        type=_at_least(0),
        default=200,
        help="cycles between token expiries (0: never)",
    )
    parser.add_argument(
        "--write-probability",
        type=_probability,
        default=0.25,
        help="per cycle; then 1-3 writes",
    )
    parser.add_argument(
        "--concurrent-writes",
        type=_probability,
        default=0.2,
        help="share of writes made while a refresh is in flight",
    )
    parser.add_argument(
        "--progress-every",
        type=_at_least(1),
        default=200,
        help="cycles per progress line",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="echo warnings and errors to stderr"
    )
    return parser.parse_args(argv)


# --- running it ------------------------------------------------------------------------------


async def soak(
    args: argparse.Namespace, freezer: TickingDateTimeFactory, watch: Watch
) -> Soak:
    """Set up Home Assistant with the simulator and run every cycle."""
    asyncio.get_running_loop().set_exception_handler(watch.on_loop_exception)
    app = simulator_app(scenario="demo", seed=args.seed)
    async with running(app) as session:
        hass, simulator = session.hass, session.simulator
        entry = entry_for(session, oauth=True)
        entry.add_to_hass(hass)
        if not await hass.config_entries.async_setup(entry.entry_id):
            raise RuntimeError(f"the config entry did not set up: {entry.state}")
        await hass.async_block_till_done()
        simulator.log.clear()
        simulator.faults.configure(
            p_5xx=args.p_5xx,
            p_429=args.p_429,
            p_hang=args.p_hang,
            retry_after=args.retry_after,
            seed=args.seed,
        )
        run = Soak(args, session, entry, freezer)
        print(
            f"soak: {len(run.controls)} writable entities, {run.entity_count()} in all; "
            f"{args.cycles} cycles of {SCAN_S:.0f} s",
            file=sys.stderr,
        )
        for index in range(args.cycles):
            await run.cycle(index)
            if (index + 1) % args.progress_every == 0 or index + 1 == args.cycles:
                progress(args, run.found, index + 1, elapsed())
        simulator.faults.reset()
        await run.driver.run(hass.config_entries.async_unload(entry.entry_id))
        await run.driver.settle()
        # Exceptions of tasks nobody awaited are reported when the tasks are collected.
        gc.collect()
    return run


def main(argv: Sequence[str] | None = None) -> int:
    """Run the soak; print the summary; 0 if the acceptance criteria hold."""
    args = parse_args(argv)
    watch = install_watch(args.verbose)
    with freeze_time(START, tick=True) as freezer:
        assert isinstance(freezer, TickingDateTimeFactory)
        run = asyncio.run(soak(args, freezer, watch))
    gc.collect()
    seconds = elapsed()
    result = summary(args, run.found, run.driver, watch, seconds)
    failed = report(run.found, watch, result)
    print(
        f"soak: {result['cycles']} cycles in {seconds:.1f} s, "
        f"{result['requests_total']} requests ({result['requests_per_cycle']} per cycle); "
        + ("acceptance holds" if not failed else "FAILED: " + "; ".join(failed)),
        file=sys.stderr,
    )
    print(json.dumps(result), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
