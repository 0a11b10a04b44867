"""One soak cycle: maybe a token expiry, maybe user writes, the poll, then the checks.

This module only sequences: the planner chooses the writes, the driver moves time, the
checks judge, and the integration adapter is the only part that reaches into the integration.
"""

import argparse
import asyncio
from datetime import datetime
import random

from freezegun.api import TickingDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.exceptions import HomeAssistantError

from scripts.lib.harness import Session
from scripts.lib.soak_checks import Checks, Findings
from scripts.lib.soak_driver import Driver
from scripts.lib.soak_integration import SCAN_S, Integration
from scripts.lib.soak_plan import Planner, Server, entity_entries, find_controls

MAX_WRITES_PER_CYCLE = 3
WRITE_WINDOW = (1.0, 0.6 * SCAN_S)  # writes happen this far into the interval
CATCH_UP_S = 10.0  # when no poll came yet, look again this much later
MAX_CYCLE_S = 2 * SCAN_S + 60.0  # no poll by then: polling has stopped


class Soak:
    """Runs the cycles and keeps the findings."""

    def __init__(
        self,
        args: argparse.Namespace,
        session: Session,
        entry: ConfigEntry,
        freezer: TickingDateTimeFactory,
    ) -> None:
        """Bind to a loaded config entry."""
        self.args = args
        self.hass = session.hass
        self.simulator = session.simulator
        self.entry = entry
        self.integration = Integration(self.hass, entry)
        self.rng = random.Random(args.seed)
        self.driver = Driver(self.hass, self.simulator, freezer)
        self.found = Findings()
        self.controls = find_controls(
            self.hass, entry, self.integration.account_prefix()
        )
        self.planner = Planner(
            self.hass, self.controls, Server(self.simulator), self.rng
        )
        self.checks = Checks(
            self.hass,
            entry,
            simulator=self.simulator,
            integration=self.integration,
            controls=self.controls,
            found=self.found,
        )
        self.integration.count_refreshes(self._polled)

    def _polled(self) -> None:
        self.found.refreshes += 1

    def entity_count(self) -> int:
        """How many entities the config entry has."""
        return len(entity_entries(self.hass, self.entry))

    async def cycle(self, index: int) -> None:
        """One scan interval: maybe a token expiry, maybe writes, then the refresh."""
        started = self.driver.now()
        refreshes = self.found.refreshes
        expire_every = self.args.expire_every
        if expire_every and index > 0 and index % expire_every == 0:
            self.simulator.expire_tokens()
            self.found.faults["token_expiry"] += 1

        if self.rng.random() < self.args.write_probability:
            await self.driver.pass_time(self.rng.uniform(*WRITE_WINDOW))
            for _ in range(self.rng.randint(1, MAX_WRITES_PER_CYCLE)):
                await self.write()
            await self.driver.settle()
        faulty = self.collect("write")

        await self.until_refreshed(started, refreshes)
        faulty = self.collect("refresh") or faulty

        self.checks.availability(index, faulty)
        self.checks.shown(index, faulty)
        self.checks.auth()

    def collect(self, phase: str) -> bool:
        """Count the phase's requests and faults; tell whether a read met a fault."""
        faulty = self.checks.collect(phase)
        self.driver.forget()  # the request log it tracked hangs in is empty now
        return faulty

    async def until_refreshed(self, started: datetime, refreshes: int) -> None:
        """Let time run to the coordinator's next poll (driven by its own timer).

        That is one scan interval after the cycle began, or after the last write: Home
        Assistant restarts the interval when a write puts fresh data into the coordinator.
        """
        wait = max(0.0, SCAN_S - (self.driver.now() - started).total_seconds())
        while True:
            await self.driver.pass_time(wait)
            if self.found.refreshes > refreshes:
                return
            if (self.driver.now() - started).total_seconds() > MAX_CYCLE_S:
                break
            wait = CATCH_UP_S
        # The coordinator stopped polling on its own (for example after an auth failure).
        self.found.refresh_fallbacks += 1
        await self.driver.run(self.integration.async_refresh_all())
        await self.driver.settle()

    async def write(self) -> None:
        """One user action on a random available entity, then check the server."""
        control = self.planner.pick()
        plan = self.planner.plan(control) if control else None
        if control is None or plan is None:
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
                    self.integration.async_request_refresh()
                )
                try:
                    await self.driver.run(call)
                finally:
                    await self.driver.run(refresh)
            else:
                await self.driver.run(call)
        except HomeAssistantError as err:
            self.checks.write_failed(tally, plan, err)
        except Exception as err:  # noqa: BLE001 - anything else escaping an action is a bug
            self.checks.write_crashed(tally, plan, err)
        else:
            self.checks.write_returned(
                tally, plan, self.hass.states.get(control.entity_id)
            )
