"""The soak test's verdict: unhandled exceptions, progress, the summary and the criteria.

Unhandled exceptions are exceptions that reached the event loop's handler plus ERROR log
records with a traceback from Home Assistant or the integration. Home Assistant's own "Error
fetching podero <coordinator> data" (no traceback), once per failing coordinator, is expected
and reported apart.
"""

import argparse
import asyncio
from collections import Counter
from collections.abc import Iterable
import logging
import sys
from typing import Any

from scripts.lib.soak_checks import Findings, short, traceback_tail
from scripts.lib.soak_driver import Driver

TIME_LIMIT_S = 600.0
SIMULATOR_LOGGERS = (
    "podero_simulator",
    "aiohttp.server",
    "aiohttp.web",
    "aiohttp.access",
)


class Watch(logging.Handler):
    """Counts unhandled exceptions (loop handler, tracebacks in logs) and logged errors."""

    def __init__(self, echo: bool) -> None:
        """Collect WARNING and above; optionally echo them to stderr."""
        super().__init__(logging.WARNING)
        self.echo = echo
        self.unhandled: list[str] = []
        self.simulator_errors: list[str] = []
        self.errors: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        """Sort one log record into its bucket."""
        text = short(f"{record.name}: {record.getMessage()}")
        if self.echo:
            print(f"[{record.levelname}] {text}", file=sys.stderr)
        if record.name == "asyncio" and record.levelno >= logging.ERROR:
            return  # already counted by the event loop's exception handler
        if record.name.startswith(SIMULATOR_LOGGERS):
            if record.levelno >= logging.ERROR:
                self.simulator_errors.append(text)
            return
        if record.levelno >= logging.ERROR and (
            record.exc_info or record.levelno >= logging.CRITICAL
        ):
            self.unhandled.append(text + traceback_tail(record.exc_info))
        elif record.levelno >= logging.ERROR:
            self.errors[text] += 1
        else:
            self.warnings[text] += 1

    def on_loop_exception(
        self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]
    ) -> None:
        """Exception handler of the event loop: count, then log as asyncio would."""
        error = context.get("exception")
        self.unhandled.append(
            short(f"event loop: {context.get('message')}: {error!r}")
            + traceback_tail(
                (type(error), error, error.__traceback__) if error else None
            )
        )
        loop.default_exception_handler(context)


def install_watch(echo: bool) -> Watch:
    """Route all WARNING+ records through a Watch (and nothing else)."""
    watch = Watch(echo)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(watch)
    root.setLevel(logging.WARNING)
    return watch


def progress(
    args: argparse.Namespace, found: Findings, done: int, seconds: float
) -> None:
    """One line on stderr."""
    writes = found.writes_total()
    faults = " ".join(f"{kind}={n}" for kind, n in sorted(found.faults.items()))
    print(
        f"  cycle {done:>5}/{args.cycles}  {seconds:6.1f} s  "
        f"faults {faults or '-'}  writes {writes.attempted}/{writes.confirmed}/"
        f"{writes.failed}/{writes.lost} (attempted/confirmed/failed/lost)  "
        f"unavailable streak max {found.max_streak}",
        file=sys.stderr,
    )


def summary(
    args: argparse.Namespace,
    found: Findings,
    driver: Driver,
    watch: Watch,
    seconds: float,
) -> dict[str, Any]:
    """Build the JSON object: the issue's keys first, then details."""
    writes, cycles = found.writes_total(), args.cycles
    requests = sum(found.routes.values())
    unhandled = len(watch.unhandled) + len(found.service_exceptions)
    return {
        "cycles": cycles,
        "faults": dict(sorted(found.faults.items())),
        "unhandled_exceptions": unhandled,
        "reauth_started": len(found.reauth_flows),
        "writes_attempted": writes.attempted,
        "writes_confirmed": writes.confirmed,
        "writes_reported_failed": writes.failed,
        "lost_writes": writes.attempted - writes.confirmed - writes.failed,
        "max_unavailable_cycles_after_fault": found.max_streak,
        "requests_total": requests,
        "requests_per_cycle": round(requests / cycles, 3),
        "elapsed_s": round(seconds, 1),
        "seed": args.seed,
        "fault_settings": {
            "p_5xx": args.p_5xx,
            "p_429": args.p_429,
            "p_hang": args.p_hang,
            "retry_after": args.retry_after,
            "expire_every": args.expire_every,
            "write_probability": args.write_probability,
            "concurrent_writes": args.concurrent_writes,
        },
        "faults_by_phase": {
            phase: dict(sorted(kinds.items()))
            for phase, kinds in found.faults_by_phase.items()
        },
        "stale_shown_after_refresh": found.stale_shown,
        "stale_shown_cycles": found.stale_shown_cycles,
        "fault_cycles": found.fault_cycles,
        "unavailable_fault_free_cycles": found.unavailable_fault_free_cycles,
        "refreshes": found.refreshes,
        "refresh_fallbacks": found.refresh_fallbacks,
        "time_steps": driver.time_steps,
        "concurrent_writes": found.concurrent_writes,
        "hang_clock_jumps": driver.hang_jumps,
        "stall_clock_jumps": driver.stall_jumps,
        "writes_by_kind": {
            key: vars(tally) for key, tally in sorted(found.writes.items())
        },
        "writes_skipped": found.writes_skipped,
        "writes_rejected_invalid": found.writes_rejected_invalid,
        "writes_not_shown": found.writes_not_shown,
        "writes_failed_but_applied": found.writes_failed_but_applied,
        "expected_errors_logged": sum(watch.errors.values()),
        "warnings_logged": sum(watch.warnings.values()),
        "simulator_errors": len(watch.simulator_errors),
        "entry_not_loaded_cycles": found.entry_not_loaded_cycles,
        "requests_by_route": dict(sorted(found.routes.items())),
    }


def report(found: Findings, watch: Watch, result: dict[str, Any]) -> list[str]:
    """Print the details on stderr; return the acceptance criteria that failed."""

    def show(title: str, lines: Iterable[str]) -> None:
        lines = list(lines)
        if lines:
            print(title, file=sys.stderr)
            for line in lines:
                print(f"    {line}", file=sys.stderr)

    show("unhandled exceptions:", [*watch.unhandled, *found.service_exceptions][:20])
    show("lost writes (returned, not on the server):", found.lost_examples)
    show("unavailable after a fault-free cycle:", found.unavailable_examples)
    show(
        "entities showing another value than Podero after a fault-free cycle:",
        found.stale_examples,
    )
    show(
        "write failures reported to the caller:",
        (f"{n:>4} x {reason}" for reason, n in found.failure_reasons.most_common(8)),
    )
    show(
        "errors logged without a traceback (Home Assistant logs each failing coordinator once):",
        (f"{n:>4} x {text}" for text, n in watch.errors.most_common(6)),
    )
    show(
        "warnings logged:",
        (f"{n:>4} x {text}" for text, n in watch.warnings.most_common(6)),
    )
    show("simulator errors:", watch.simulator_errors[:5])

    failed = []
    if result["unhandled_exceptions"]:
        failed.append(
            f"unhandled_exceptions is {result['unhandled_exceptions']}, not 0"
        )
    if result["lost_writes"]:
        failed.append(f"lost_writes is {result['lost_writes']}, not 0")
    if result["reauth_started"]:
        failed.append(f"reauth_started is {result['reauth_started']}, not 0")
    if result["max_unavailable_cycles_after_fault"] > 1:
        failed.append(
            "entities stayed unavailable for "
            f"{result['max_unavailable_cycles_after_fault']} fault-free cycles (limit 1)"
        )
    if result["refresh_fallbacks"]:
        failed.append(
            f"the coordinator stopped polling on its own in {result['refresh_fallbacks']} cycles"
        )
    if result["elapsed_s"] >= TIME_LIMIT_S:
        failed.append(f"took {result['elapsed_s']} s (limit {TIME_LIMIT_S:.0f} s)")
    return failed
