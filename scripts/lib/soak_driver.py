"""Accelerated time for the soak test: the frozen clock, its timers and hung requests.

Time only moves when the driver moves it. It fires each timer at its due time and waits
until Home Assistant is idle after each step. A hung request only ends at the client's
timeout: when the only open requests are hung ones and nothing has moved for a few
milliseconds of real time, the frozen clock jumps so that the timeout fires (asyncio's clock
follows freezegun).
"""

import asyncio
from collections.abc import Awaitable
from datetime import datetime, timedelta
import os
import time
from typing import Any

import freezegun.api
from freezegun.api import TickingDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util.async_ import get_scheduled_timer_handles
from pytest_homeassistant_custom_component.common import async_fire_time_changed  # type: ignore[import-untyped]

from podero_simulator import Simulator

# The client gives up on a request after 15 s and on a token request after 20 s; a hung
# request gets up to two jumps of the frozen clock.
HANG_TICK_S = 16.0
TICKS_PER_HANG = 2
POLL_S = 0.002  # how often the driver looks at the request log (real seconds)
QUIET_S = 0.015  # no log movement for this long before the clock jumps past a hang
STALL_S = 2.0  # nothing hung but no progress either: jump anyway (counted)
MIN_STEP_S = 0.25  # timers due closer together than this fire together


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


class Driver:
    """Moves accelerated time and runs awaitables past hung requests."""

    def __init__(
        self,
        hass: HomeAssistant,
        simulator: Simulator,
        freezer: TickingDateTimeFactory,
    ) -> None:
        """Drive Home Assistant's timers and the simulator's clock (both follow freezegun)."""
        self.hass = hass
        self.simulator = simulator
        self.freezer = freezer
        self.hangs: dict[int, tuple[dict[str, Any], int]] = {}
        self.hang_jumps = 0
        self.stall_jumps = 0
        self.time_steps = 0

    def now(self) -> datetime:
        """Frozen now (naive UTC)."""
        return self.freezer()

    def advance(self, seconds: float) -> None:
        """Move the frozen clock forward (real time that passed is kept)."""
        self.freezer.move_to(self.freezer() + timedelta(seconds=seconds))

    def forget(self) -> None:
        """Drop what is known about hung requests (the request log was cleared)."""
        self.hangs.clear()

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
            self.advance(min(max(step, MIN_STEP_S), end - now) if due else end - now)
            async_fire_time_changed(self.hass)
            await self.settle()
            self.time_steps += 1

    async def settle(self) -> None:
        """Wait until Home Assistant is idle (background tasks included)."""
        await self.run(self.hass.async_block_till_done(wait_background_tasks=True))

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
