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
podero data" (no traceback) when a whole refresh fails is expected and reported apart.

Human-readable progress and summary on stderr; the last stdout line is one JSON object. Exit
status 0 when the acceptance criteria hold, 1 when one does not (named on stderr), 2 on a bad
option.
"""

import argparse
import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import gc
import json
import logging
import math
import os
from pathlib import Path
import random
import sys
import time
import traceback
from typing import Any

from freezegun import freeze_time
import freezegun.api
from freezegun.api import TickingDateTimeFactory

# Home Assistant's dt_util.utcnow is a partial over the real clock that freezegun cannot
# patch; phcc swaps in plain functions. This must run before Home Assistant is imported.
import pytest_homeassistant_custom_component.patch_time  # type: ignore[import-untyped]  # noqa: F401

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util.async_ import get_scheduled_timer_handles
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.podero.const import DEFAULT_SCAN_INTERVAL, DOMAIN
from custom_components.podero.coordinator import PoderoCoordinator
from custom_components.podero.data import PoderoData
from podero_simulator import Simulator
from podero_simulator.people import ChargingSettings
from scripts.lib.harness import Session, entry_for, running, simulator_app

START = "2026-01-15T11:00:00+00:00"
SCAN_S = DEFAULT_SCAN_INTERVAL.total_seconds()
TIME_LIMIT_S = 600.0
# The client gives up on a request after 15 s and on a token request after 20 s; a hung
# request gets up to two jumps of the frozen clock.
HANG_TICK_S = 16.0
TICKS_PER_HANG = 2
POLL_S = 0.002  # how often the driver looks at the request log (real seconds)
QUIET_S = 0.015  # no log movement for this long before the clock jumps past a hang
STALL_S = 2.0  # nothing hung but no progress either: jump anyway (counted)
MAX_WRITES_PER_CYCLE = 3
CATCH_UP_S = 10.0  # when no poll came yet, look again this much later
MAX_CYCLE_S = 2 * SCAN_S + 60.0  # no poll by then: polling has stopped
MIN_STEP_S = 0.25  # timers due closer together than this fire together
WRITE_WINDOW = (1.0, 0.6 * SCAN_S)  # writes happen this far into the interval
EXAMPLES = 5  # examples of each problem kept for the summary

TOKEN_ROUTES = ("/oauth2/token/", "/api/partners/v2.0/auth/token")
SIMULATOR_LOGGERS = (
    "podero_simulator",
    "aiohttp.server",
    "aiohttp.web",
    "aiohttp.access",
)
ACCOUNT = "account"
SWITCH_FIELDS = {
    "smart_optimization": "is_smart_optimization_active",
    "charge_policy": "is_charge_policy_enabled",
}
BATTERY_LIMITS = ("min_battery_charge", "max_battery_charge")
HEMS_THRESHOLDS = ("hems_min_export_to_start", "hems_max_import_before_stopping")
WRITABLE = {
    "switch": set(SWITCH_FIELDS),
    "select": {"optimization_level", "smart_charging_mode"},
    "number": {"minimum_charge_limit", *BATTERY_LIMITS, *HEMS_THRESHOLDS},
    "time": {"charge_deadline"},
}


def real_now() -> float:
    """Read the real monotonic clock (time.monotonic is frozen while the soak runs)."""
    return freezegun.api.real_monotonic()


def _started() -> float:
    """Epoch seconds the run started: the wrapper's stamp (set-up and imports count), else now."""
    try:
        return float(os.environ["PODERO_SOAK_STARTED"])
    except KeyError, ValueError:
        return time.time()


STARTED = _started()


def elapsed() -> float:
    """Real seconds since the run started."""
    return freezegun.api.real_time() - STARTED


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


# --- what went wrong where ----------------------------------------------------------------


def _short(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
        text = _short(f"{record.name}: {record.getMessage()}")
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
            self.unhandled.append(text + _traceback_tail(record.exc_info))
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
            _short(f"event loop: {context.get('message')}: {error!r}")
            + _traceback_tail(
                (type(error), error, error.__traceback__) if error else None
            )
        )
        loop.default_exception_handler(context)


def _traceback_tail(exc_info: Any) -> str:
    if not exc_info or exc_info[1] is None:
        return ""
    frames = traceback.format_exception(*exc_info)
    return " | " + _short(" ".join(line.strip() for line in frames[-3:]), 400)


def install_watch(echo: bool) -> Watch:
    """Route all WARNING+ records through a Watch (and nothing else)."""
    watch = Watch(echo)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(watch)
    root.setLevel(logging.WARNING)
    return watch


# --- time ------------------------------------------------------------------------------------


class Driver:
    """Moves accelerated time and runs awaitables past hung requests."""

    def __init__(self, simulator: Simulator, freezer: TickingDateTimeFactory) -> None:
        """Drive the given simulator's clock (which follows freezegun)."""
        self.simulator = simulator
        self.freezer = freezer
        self.hangs: dict[int, tuple[dict[str, Any], int]] = {}
        self.hang_jumps = 0
        self.stall_jumps = 0

    def now(self) -> datetime:
        """Frozen now (naive UTC)."""
        return self.freezer()

    def advance(self, seconds: float) -> None:
        """Move the frozen clock forward (real time that passed is kept)."""
        self.freezer.move_to(self.freezer() + timedelta(seconds=seconds))

    def forget(self) -> None:
        """Drop what is known about hung requests (the request log was cleared)."""
        self.hangs.clear()

    async def run[T](self, awaitable: Awaitable[T]) -> T:
        """Await `awaitable`, jumping the clock when only hung requests hold it up."""
        task = asyncio.ensure_future(awaitable)
        signature: tuple[int, int] | None = None
        quiet_since = real_now()
        while not task.done():
            await asyncio.wait((task,), timeout=POLL_S)
            if task.done():
                break
            entries = list(self.simulator.log.entries)
            moved = (len(entries), sum(1 for e in entries if e["status"] is None))
            now = real_now()
            if moved != signature:
                signature, quiet_since = moved, now
                continue
            if now - quiet_since < QUIET_S:
                continue
            if self._jump_past_hangs(entries):
                quiet_since = now
            elif now - quiet_since > STALL_S:
                self.stall_jumps += 1
                self.advance(HANG_TICK_S)
                quiet_since = now
        return task.result()

    def _jump_past_hangs(self, entries: list[dict[str, Any]]) -> bool:
        busy = any(e["status"] is None and e["fault"] != "hang" for e in entries)
        pending = []
        for entry in entries:
            if entry["fault"] != "hang":
                continue
            _, jumps = self.hangs.setdefault(id(entry), (entry, 0))
            if jumps < TICKS_PER_HANG:
                pending.append(entry)
        if busy or not pending:
            return False
        self.advance(HANG_TICK_S)
        self.hang_jumps += 1
        for entry in pending:
            self.hangs[id(entry)] = (entry, self.hangs[id(entry)][1] + 1)
        return True


# --- writes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Control:
    """An entity a user can change, and what it is bound to."""

    entity_id: str
    key: str
    target: str  # a device id, or ACCOUNT


@dataclass(frozen=True)
class Plan:
    """One user action and how to check its effect."""

    domain: str
    service: str
    data: dict[str, Any]
    label: str
    on_server: Callable[[], bool]
    shown: Callable[[State | None], bool]


@dataclass
class WriteTally:
    """Outcome counts of one kind of write."""

    attempted: int = 0
    confirmed: int = 0
    failed: int = 0
    lost: int = 0


def _number(state: State | None) -> int | None:
    if state is None or state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
        return None
    try:
        return round(float(state.state))
    except ValueError:
        return None


# --- the soak --------------------------------------------------------------------------------


@dataclass
class Findings:
    """Everything the soak counts."""

    faults: Counter[str] = field(default_factory=Counter)
    faults_by_phase: dict[str, Counter[str]] = field(
        default_factory=lambda: {"write": Counter(), "refresh": Counter()}
    )
    routes: Counter[str] = field(default_factory=Counter)
    writes: dict[str, WriteTally] = field(default_factory=dict)
    writes_skipped: int = 0
    writes_rejected_invalid: int = 0
    writes_not_shown: int = 0
    writes_failed_but_applied: int = 0
    service_exceptions: list[str] = field(default_factory=list)
    lost_examples: list[str] = field(default_factory=list)
    failure_reasons: Counter[str] = field(default_factory=Counter)
    fault_cycles: int = 0
    unavailable_fault_free_cycles: int = 0
    unavailable_examples: list[str] = field(default_factory=list)
    streak: int = 0
    max_streak: int = 0
    refreshes: int = 0
    time_steps: int = 0
    concurrent_writes: int = 0
    stale_shown: int = 0
    stale_shown_cycles: int = 0
    stale_examples: list[str] = field(default_factory=list)
    refresh_fallbacks: int = 0
    reauth_flows: set[str] = field(default_factory=set)
    entry_not_loaded_cycles: int = 0

    def tally(self, key: str) -> WriteTally:
        """Return the counts of one kind of write."""
        return self.writes.setdefault(key, WriteTally())


class Soak:
    """Runs the cycles and keeps the findings."""

    def __init__(
        self,
        args: argparse.Namespace,
        session: Session,
        entry: MockConfigEntry,
        freezer: TickingDateTimeFactory,
    ) -> None:
        """Bind to a loaded config entry."""
        self.args = args
        self.hass: HomeAssistant = session.hass
        self.simulator = session.simulator
        self.entry = entry
        self.coordinator: PoderoCoordinator = entry.runtime_data.coordinator
        self.rng = random.Random(args.seed)
        self.driver = Driver(self.simulator, freezer)
        self.found = Findings()
        self.controls = self._controls()
        self._count_refreshes()

    # -- set-up ---------------------------------------------------------------------------

    def _count_refreshes(self) -> None:
        """Count the coordinator's refreshes (Home Assistant has no public counter)."""
        update = self.coordinator._async_update_data  # noqa: SLF001
        found = self.found

        async def counted() -> PoderoData:
            found.refreshes += 1
            return await update()

        self.coordinator._async_update_data = counted  # type: ignore[method-assign]  # noqa: SLF001

    def entities(self) -> list[er.RegistryEntry]:
        """Registry entries of the config entry's entities."""
        return er.async_entries_for_config_entry(
            er.async_get(self.hass), self.entry.entry_id
        )

    def _controls(self) -> list[Control]:
        account_prefix = f"{self.coordinator.account_id}_"
        controls = []
        for entity in self.entities():
            if entity.disabled_by is not None or entity.domain not in WRITABLE:
                continue
            unique_id = entity.unique_id
            if unique_id.startswith(account_prefix):
                target, key = ACCOUNT, unique_id.removeprefix(account_prefix)
            else:
                target, _, key = unique_id.partition("_")
            if key in WRITABLE[entity.domain]:
                controls.append(Control(entity.entity_id, key, target))
        return sorted(controls, key=lambda control: control.entity_id)

    # -- one cycle ------------------------------------------------------------------------

    async def cycle(self, index: int) -> None:
        """One scan interval: maybe a token expiry, maybe writes, then the refresh."""
        started = self.driver.now()
        refreshes = self.found.refreshes
        expire_every = self.args.expire_every
        if expire_every and index > 0 and index % expire_every == 0:
            self.simulator.expire_tokens()
            self.found.faults["token_expiry"] += 1

        if self.rng.random() < self.args.write_probability:
            await self.pass_time(self.rng.uniform(*WRITE_WINDOW))
            for _ in range(self.rng.randint(1, MAX_WRITES_PER_CYCLE)):
                await self.write()
            await self.settle()
        faulty = self.collect("write")

        await self.until_refreshed(started, refreshes)
        faulty = self.collect("refresh") or faulty

        self.check_availability(index, faulty)
        self.check_shown(index, faulty)
        self.check_auth()

    async def until_refreshed(self, started: datetime, refreshes: int) -> None:
        """Let time run to the coordinator's next poll (driven by its own timer).

        That is one scan interval after the cycle began, or after the last write: Home
        Assistant restarts the interval when a write puts fresh data into the coordinator.
        """
        wait = max(0.0, SCAN_S - (self.driver.now() - started).total_seconds())
        while True:
            await self.pass_time(wait)
            if self.found.refreshes > refreshes:
                return
            if (self.driver.now() - started).total_seconds() > MAX_CYCLE_S:
                break
            wait = CATCH_UP_S
        # The coordinator stopped polling on its own (for example after an auth failure).
        self.found.refresh_fallbacks += 1
        await self.driver.run(self.coordinator.async_refresh())
        await self.settle()

    async def pass_time(self, seconds: float) -> None:
        """Let time pass, firing each timer at its due time and letting its work finish.

        Jumping the whole way at once would fire every timer due on the way together, so
        jobs that rarely overlap in real time (the poll, the hourly energy history) would
        always run concurrently.
        """
        loop = self.hass.loop
        end = loop.time() + seconds
        while (now := loop.time()) < end:
            due = [
                when
                for handle in get_scheduled_timer_handles(loop)
                if not handle.cancelled() and now < (when := handle.when()) < end
            ]
            step = min(due, default=end) - now
            self.driver.advance(
                min(max(step, MIN_STEP_S), end - now) if due else end - now
            )
            async_fire_time_changed(self.hass)
            await self.settle()
            self.found.time_steps += 1

    async def settle(self) -> None:
        """Wait until Home Assistant is idle (background tasks included)."""
        await self.driver.run(
            self.hass.async_block_till_done(wait_background_tasks=True)
        )

    def collect(self, phase: str) -> bool:
        """Count the phase's requests and faults; tell whether a read met a fault."""
        entries = self.simulator.requests()
        self.found.routes.update(self.simulator.counters())
        self.simulator.log.clear()
        self.driver.forget()
        faulty = False
        for entry in entries:
            kind = entry["fault"]
            if kind is None:
                continue
            self.found.faults[kind] += 1
            self.found.faults_by_phase[phase][kind] += 1
            if not _is_write(entry):
                faulty = True
        return faulty

    def check_availability(self, index: int, faulty: bool) -> None:
        """After a cycle without faults on reads, every entity must be available."""
        found = self.found
        if faulty:
            found.fault_cycles += 1
            found.streak = 0
            return
        unavailable = [
            entity.entity_id
            for entity in self.entities()
            if (state := self.hass.states.get(entity.entity_id)) is not None
            and state.state == STATE_UNAVAILABLE
        ]
        if not unavailable:
            found.streak = 0
            return
        found.unavailable_fault_free_cycles += 1
        found.streak += 1
        found.max_streak = max(found.max_streak, found.streak)
        if len(found.unavailable_examples) < EXAMPLES:
            data = self.coordinator.data
            found.unavailable_examples.append(
                f"cycle {index}: {len(unavailable)} unavailable, e.g. {unavailable[0]} "
                f"(refresh ok: {self.coordinator.last_update_success}, types down: "
                f"{sorted(str(kind) for kind in data.unavailable)}, "
                f"charging config: {data.charging_config is not None})"
            )

    def check_shown(self, index: int, faulty: bool) -> None:
        """After a cycle without faults on reads, entities must show what the server has."""
        if faulty:
            return
        stale = []
        for control in self.controls:
            state = self.hass.states.get(control.entity_id)
            if state is None or state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
                continue
            truth = self._truth(control)
            if not _shows(control, state, truth):
                stale.append(
                    f"{control.entity_id} shows {state.state!r}, Podero has {truth!r}"
                )
        if stale:
            self.found.stale_shown += len(stale)
            self.found.stale_shown_cycles += 1
            if len(self.found.stale_examples) < EXAMPLES:
                self.found.stale_examples.append(f"cycle {index}: {'; '.join(stale)}")

    def _truth(self, control: Control) -> Any:
        """What the simulator has for the control's setting."""
        key = control.key
        if control.target == ACCOUNT:
            settings = self._charging()
            return {
                "smart_charging_mode": settings.mode,
                "hems_min_export_to_start": settings.min_export_to_start_w,
                "hems_max_import_before_stopping": settings.max_import_before_stopping_w,
            }[key]
        name = {**SWITCH_FIELDS, "charge_deadline": "charge_deadline_at"}.get(key, key)
        return self._device_field(control.target, name)

    def check_auth(self) -> None:
        """Note reauth flows and whether the entry is still loaded."""
        for flow in self.hass.config_entries.flow.async_progress_by_handler(
            DOMAIN, include_uninitialized=True
        ):
            if flow["context"].get("source") == SOURCE_REAUTH:
                self.found.reauth_flows.add(flow["flow_id"])
        if self.entry.state is not ConfigEntryState.LOADED:
            self.found.entry_not_loaded_cycles += 1

    # -- writes -----------------------------------------------------------------------------

    async def write(self) -> None:
        """One user action on a random available entity, then check the server."""
        states = self.hass.states
        choices = [
            control
            for control in self.controls
            if (state := states.get(control.entity_id)) is not None
            and state.state not in (STATE_UNAVAILABLE, STATE_UNKNOWN)
        ]
        if not choices:
            self.found.writes_skipped += 1
            return
        control = self.rng.choice(choices)
        plan = self.plan(control)
        if plan is None:
            self.found.writes_skipped += 1
            return
        tally = self.found.tally(control.key)
        tally.attempted += 1
        call = self.hass.services.async_call(
            plan.domain,
            plan.service,
            {ATTR_ENTITY_ID: control.entity_id, **plan.data},
            blocking=True,
        )
        try:
            if self.rng.random() < self.args.concurrent_writes:
                # As if someone pressed "update" (or an automation asked for a refresh)
                # just before: the write lands while the refresh is in flight.
                self.found.concurrent_writes += 1
                refresh = asyncio.ensure_future(
                    self.coordinator.async_request_refresh()
                )
                try:
                    await self.driver.run(call)
                finally:
                    await self.driver.run(refresh)
            else:
                await self.driver.run(call)
        except ServiceValidationError as err:
            self.found.writes_rejected_invalid += 1
            self._failed(tally, plan, err)
        except HomeAssistantError as err:
            self._failed(tally, plan, err)
        except Exception as err:  # noqa: BLE001 - anything else escaping an action is a bug
            self.found.service_exceptions.append(
                _short(f"{plan.label}: {err!r}")
                + _traceback_tail((type(err), err, err.__traceback__))
            )
            self._failed(tally, plan, err)
        else:
            if plan.on_server():
                tally.confirmed += 1
            else:
                tally.lost += 1
                if len(self.found.lost_examples) < EXAMPLES:
                    self.found.lost_examples.append(plan.label)
            if not plan.shown(states.get(control.entity_id)):
                self.found.writes_not_shown += 1

    def _failed(self, tally: WriteTally, plan: Plan, err: Exception) -> None:
        tally.failed += 1
        self.found.failure_reasons[_short(f"{type(err).__name__}: {err}", 120)] += 1
        if plan.on_server():
            self.found.writes_failed_but_applied += 1

    def _sibling(self, control: Control, key: str) -> State | None:
        for other in self.controls:
            if other.target == control.target and other.key == key:
                return self.hass.states.get(other.entity_id)
        return None

    def _device_field(self, device_id: str, name: str) -> Any:
        return self.simulator.device_payload(device_id, detail=False).get(name)

    def _charging(self) -> ChargingSettings:
        settings: ChargingSettings = self.simulator.world.users[
            self.simulator.user_id
        ].charging
        return settings

    def plan(self, control: Control) -> Plan | None:
        """Choose a new, valid value for the control, as a user would."""
        state = self.hass.states.get(control.entity_id)
        assert state is not None
        key, target, rng = control.key, control.target, self.rng
        label = f"{control.entity_id} {state.state!r} -> "
        if key in SWITCH_FIELDS:
            want = state.state != "on"
            name = SWITCH_FIELDS[key]
            wanted_state = "on" if want else "off"
            return Plan(
                "switch",
                "turn_on" if want else "turn_off",
                {},
                label + wanted_state,
                lambda: self._device_field(target, name) is want,
                lambda shown: shown is not None and shown.state == wanted_state,
            )
        if key in ("optimization_level", "smart_charging_mode"):
            options = [
                str(o) for o in state.attributes.get("options", ()) if o != state.state
            ]
            if not options:
                return None
            option = rng.choice(options)

            def selected() -> bool:
                if key == "smart_charging_mode":
                    return bool(self._charging().mode == option)
                return str(self._device_field(target, key)).lower() == option

            return Plan(
                "select",
                "select_option",
                {"option": option},
                label + option,
                selected,
                lambda shown: shown is not None and shown.state == option,
            )
        if key == "charge_deadline":
            shown_time = state.state[:5]
            slots = [f"{h:02d}:{m:02d}" for h in range(24) for m in range(0, 60, 5)]
            value = rng.choice([slot for slot in slots if slot != shown_time])
            return Plan(
                "time",
                "set_value",
                {"time": f"{value}:00"},
                label + value,
                lambda: bool(self._device_field(target, "charge_deadline_at") == value),
                lambda shown: shown is not None and shown.state == f"{value}:00",
            )
        bounds = self._bounds(control)
        if bounds is None:
            return None
        low, high, step = bounds
        current = _number(state)
        values = [v for v in range(low, high + 1, step) if v != current]
        if not values:
            return None
        number = rng.choice(values)

        def stored() -> bool:
            if target == ACCOUNT:
                settings = self._charging()
                return (
                    settings.min_export_to_start_w
                    if key == "hems_min_export_to_start"
                    else settings.max_import_before_stopping_w
                ) == number
            return bool(self._device_field(target, key) == number)

        return Plan(
            "number",
            "set_value",
            {"value": number},
            label + str(number),
            stored,
            lambda shown: _number(shown) == number,
        )

    def _bounds(self, control: Control) -> tuple[int, int, int] | None:
        """Return the valid (low, high, step) of a number, given the related settings shown."""
        key = control.key
        if key == "minimum_charge_limit":
            return 0, 100, 1
        if key in BATTERY_LIMITS:
            other = _number(self._sibling(control, _other(BATTERY_LIMITS, key)))
            if other is None:
                return None
            return (0, other, 1) if key == "min_battery_charge" else (other, 100, 1)
        if key in HEMS_THRESHOLDS:
            other = _number(self._sibling(control, _other(HEMS_THRESHOLDS, key)))
            if other is None:
                return None
            low = max(0, math.ceil((self._charging().min_band_w - other) / 10) * 10)
            return low, max(low, 10000), 10
        return None

    # -- the result ------------------------------------------------------------------------------

    def writes_total(self) -> WriteTally:
        """All writes together."""
        total = WriteTally()
        for tally in self.found.writes.values():
            total.attempted += tally.attempted
            total.confirmed += tally.confirmed
            total.failed += tally.failed
            total.lost += tally.lost
        return total


def _shows(control: Control, state: State, truth: Any) -> bool:
    """Tell whether an entity's state is the server's value."""
    if control.key in SWITCH_FIELDS:
        return state.state == ("on" if truth else "off")
    if control.key == "charge_deadline":
        return bool(state.state[:5] == truth)
    if control.key in ("optimization_level", "smart_charging_mode"):
        return state.state == str(truth).lower()
    return bool(_number(state) == truth)


def _other(pair: tuple[str, str], key: str) -> str:
    return pair[1] if key == pair[0] else pair[0]


def _is_write(entry: dict[str, Any]) -> bool:
    """Tell whether a request changes something (token requests serve reads, mostly)."""
    return entry["method"] != "GET" and not entry["path"].endswith(TOKEN_ROUTES)


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
            f"soak: {len(run.controls)} writable entities, {len(run.entities())} in all; "
            f"{args.cycles} cycles of {SCAN_S:.0f} s",
            file=sys.stderr,
        )
        for index in range(args.cycles):
            await run.cycle(index)
            if (index + 1) % args.progress_every == 0 or index + 1 == args.cycles:
                progress(run, index + 1)
        simulator.faults.reset()
        await run.driver.run(hass.config_entries.async_unload(entry.entry_id))
        await run.settle()
        # Exceptions of tasks nobody awaited are reported when the tasks are collected.
        gc.collect()
    return run


def progress(run: Soak, done: int) -> None:
    """One line on stderr."""
    found, writes = run.found, run.writes_total()
    faults = " ".join(f"{kind}={n}" for kind, n in sorted(found.faults.items()))
    print(
        f"  cycle {done:>5}/{run.args.cycles}  {elapsed():6.1f} s  "
        f"faults {faults or '-'}  writes {writes.attempted}/{writes.confirmed}/"
        f"{writes.failed}/{writes.lost} (attempted/confirmed/failed/lost)  "
        f"unavailable streak max {found.max_streak}",
        file=sys.stderr,
    )


def summary(run: Soak, watch: Watch, seconds: float) -> dict[str, Any]:
    """Build the JSON object: the issue's keys first, then details."""
    found, writes, cycles = run.found, run.writes_total(), run.args.cycles
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
        "seed": run.args.seed,
        "fault_settings": {
            "p_5xx": run.args.p_5xx,
            "p_429": run.args.p_429,
            "p_hang": run.args.p_hang,
            "retry_after": run.args.retry_after,
            "expire_every": run.args.expire_every,
            "write_probability": run.args.write_probability,
            "concurrent_writes": run.args.concurrent_writes,
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
        "time_steps": found.time_steps,
        "concurrent_writes": found.concurrent_writes,
        "hang_clock_jumps": run.driver.hang_jumps,
        "stall_clock_jumps": run.driver.stall_jumps,
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


def report(run: Soak, watch: Watch, result: dict[str, Any]) -> list[str]:
    """Print the details on stderr; return the acceptance criteria that failed."""
    found = run.found

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
        "errors logged without a traceback (expected for total outages):",
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the soak; print the summary; 0 if the acceptance criteria hold."""
    args = parse_args(argv)
    watch = install_watch(args.verbose)
    with freeze_time(START, tick=True) as freezer:
        assert isinstance(freezer, TickingDateTimeFactory)
        run = asyncio.run(soak(args, freezer, watch))
    gc.collect()
    seconds = elapsed()
    result = summary(run, watch, seconds)
    failed = report(run, watch, result)
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
