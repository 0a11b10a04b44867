"""What the soak test checks after each step, and the findings it keeps.

After a cycle in which no read met a fault, every Podero entity must be available and every
writable entity must show what the simulator has. A write that returned must be on the
server, and one that did not reach the server must raise: lost writes = attempted -
confirmed - reported failed. Reauth flows and an unloaded entry are noted every cycle.
"""

from collections import Counter
from dataclasses import dataclass, field
import traceback
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntry, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import ServiceValidationError

from podero_simulator import Simulator
from scripts.lib.soak_integration import Integration
from scripts.lib.soak_plan import Control, Plan, Server, entity_entries, shows

EXAMPLES = 5  # examples of each problem kept for the summary
TOKEN_ROUTES = ("/oauth2/token/", "/api/partners/v2.0/auth/token")


def short(text: str, limit: int = 240) -> str:
    """Cut `text` to `limit` characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def traceback_tail(exc_info: Any) -> str:
    """The last frames of an exception, on one line (empty without an exception)."""
    if not exc_info or exc_info[1] is None:
        return ""
    frames = traceback.format_exception(*exc_info)
    return " | " + short(" ".join(line.strip() for line in frames[-3:]), 400)


@dataclass
class WriteTally:
    """Outcome counts of one kind of write."""

    attempted: int = 0
    confirmed: int = 0
    failed: int = 0
    lost: int = 0


@dataclass
class Findings:
    """Everything the soak counts (the driver counts its clock jumps and steps)."""

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

    def writes_total(self) -> WriteTally:
        """All writes together."""
        total = WriteTally()
        for tally in self.writes.values():
            total.attempted += tally.attempted
            total.confirmed += tally.confirmed
            total.failed += tally.failed
            total.lost += tally.lost
        return total


class Checks:
    """Compares what Home Assistant shows with the simulator, and records it in `found`."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        *,
        simulator: Simulator,
        integration: Integration,
        controls: list[Control],
        found: Findings,
    ) -> None:
        """Check the entities of `entry` against `simulator`."""
        self.hass = hass
        self.entry = entry
        self.simulator = simulator
        self.server = Server(simulator)
        self.integration = integration
        self.controls = controls
        self.found = found

    def collect(self, phase: str) -> bool:
        """Count the phase's requests and faults, clear the log; tell whether a read met a fault."""
        entries = self.simulator.requests()
        self.found.routes.update(self.simulator.counters())
        self.simulator.log.clear()
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

    def availability(self, index: int, faulty: bool) -> None:
        """After a cycle without faults on reads, every entity must be available."""
        found = self.found
        if faulty:
            found.fault_cycles += 1
            found.streak = 0
            return
        unavailable = [
            entity.entity_id
            for entity in entity_entries(self.hass, self.entry)
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
            found.unavailable_examples.append(
                f"cycle {index}: {len(unavailable)} unavailable, e.g. {unavailable[0]} "
                f"(refresh ok: {self.integration.refresh_ok()}, "
                f"{self.integration.describe_down()})"
            )

    def shown(self, index: int, faulty: bool) -> None:
        """After a cycle without faults on reads, entities must show what the server has."""
        if faulty:
            return
        stale = []
        for control in self.controls:
            state = self.hass.states.get(control.entity_id)
            if state is None or state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
                continue
            truth = self.server.truth(control)
            if not shows(control, state, truth):
                stale.append(
                    f"{control.entity_id} shows {state.state!r}, Podero has {truth!r}"
                )
        if stale:
            self.found.stale_shown += len(stale)
            self.found.stale_shown_cycles += 1
            if len(self.found.stale_examples) < EXAMPLES:
                self.found.stale_examples.append(f"cycle {index}: {'; '.join(stale)}")

    def auth(self) -> None:
        """Note reauth flows and whether the entry is still loaded."""
        for flow in self.hass.config_entries.flow.async_progress_by_handler(
            self.entry.domain, include_uninitialized=True
        ):
            if flow["context"].get("source") == SOURCE_REAUTH:
                self.found.reauth_flows.add(flow["flow_id"])
        if self.entry.state is not ConfigEntryState.LOADED:
            self.found.entry_not_loaded_cycles += 1

    def write_returned(
        self, tally: WriteTally, plan: Plan, shown: State | None
    ) -> None:
        """A write returned: it must be on the server, and the entity must show it."""
        if plan.on_server():
            tally.confirmed += 1
        else:
            tally.lost += 1
            if len(self.found.lost_examples) < EXAMPLES:
                self.found.lost_examples.append(plan.label)
        if not plan.shown(shown):
            self.found.writes_not_shown += 1

    def write_failed(self, tally: WriteTally, plan: Plan, err: Exception) -> None:
        """A write raised: count why, and whether it reached the server all the same."""
        if isinstance(err, ServiceValidationError):
            self.found.writes_rejected_invalid += 1
        tally.failed += 1
        self.found.failure_reasons[short(f"{type(err).__name__}: {err}", 120)] += 1
        if plan.on_server():
            self.found.writes_failed_but_applied += 1

    def write_crashed(self, tally: WriteTally, plan: Plan, err: Exception) -> None:
        """A write raised something other than a Home Assistant error: a bug."""
        self.found.service_exceptions.append(
            short(f"{plan.label}: {err!r}")
            + traceback_tail((type(err), err, err.__traceback__))
        )
        self.write_failed(tally, plan, err)


def _is_write(entry: dict[str, Any]) -> bool:
    """Tell whether a request changes something (token requests serve reads, mostly)."""
    return entry["method"] != "GET" and not entry["path"].endswith(TOKEN_ROUTES)
