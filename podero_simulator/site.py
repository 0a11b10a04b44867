"""A building: devices that share weather, PV and one grid connection, stepped together."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .devices.base import Env, StepContext
from .prices import PriceModel
from .timeutil import BUCKET_S, bucket_of
from .weather import Climate

if TYPE_CHECKING:
    from .devices.base import Device

_MIN_STEP_S = 1e-6
MIN_ADVANCE_S = 1.0


def step_length(gap: float) -> float:
    """Integration step for a gap: fine while interactive, coarser to catch up cheaply.

    Every length divides the 15-minute bucket, so steps never straddle a bucket.
    """
    if gap <= 86400:
        return 300.0
    return float(BUCKET_S)


class Site:
    """Devices of one building, integrated lazily up to the time they are looked at."""

    def __init__(
        self, site_id: str, climate: Climate, prices: PriceModel, t0: float
    ) -> None:
        """Create an empty site whose simulation starts at ``t0``."""
        self.id = site_id
        self.climate = climate
        self.prices = prices
        self.t = t0
        self.devices: list[Device] = []
        self._settled: tuple[float, Env] | None = None

    def add(self, device: Device) -> None:
        """Attach a device; it starts simulating at the site's current time."""
        device.attach(self, self.t)
        self.devices.append(device)
        self.devices.sort(key=lambda item: item.order)
        self._settle(self.t)

    def remove(self, device: Device) -> None:
        """Detach a device (hard delete)."""
        self.devices.remove(device)

    def env(self, ts: float) -> Env:
        """Shared inputs at ``ts``."""
        bucket = bucket_of(ts + _MIN_STEP_S)
        climate = self.climate
        return Env(
            ts=ts,
            bucket=bucket,
            outdoor_temp=climate.outdoor_temp(ts),
            pv_fraction=climate.pv_fraction(ts),
            base_load_w=climate.base_load(bucket),
        )

    def _compute(self, t: float, env: Env) -> None:
        ctx = StepContext(
            pv_w=sum(device.pv_power(env) for device in self.devices),
            load_w=env.base_load_w,
        )
        for device in self.devices:
            device.apply_due(t)
            device.compute(t, env, ctx)

    def _settle(self, t: float) -> None:
        env = self.env(t)
        self._compute(t, env)
        # Readings now describe the state at t: the next step may start from them.
        self._settled = (t, env)

    def settle(self) -> None:
        """Recompute readings at the site's time (after a setting or state change)."""
        self._settle(self.t)

    def advance(self, t_end: float, *, exact: bool = False) -> None:
        """Integrate all devices from the site's time to ``t_end`` and refresh readings.

        Unless ``exact``, gaps below ``MIN_ADVANCE_S`` are skipped so that rapid
        polling stays cheap; readings are then at most that much simulated time old.
        """
        if t_end - self.t < (0.0 if exact else MIN_ADVANCE_S):
            return
        while self.t < t_end:
            t = self.t
            settled = self._settled
            if settled is not None and settled[0] == t:
                env = settled[1]
            else:
                env = self.env(t)
                self._compute(t, env)
            self._settled = None
            step = step_length(t_end - t)
            nxt = min(t_end, (math.floor(t / step + 1e-9) + 1) * step)
            for device in self.devices:
                event = device.next_event(t)
                if event is not None and t + _MIN_STEP_S < event < nxt:
                    nxt = event
            dt = nxt - t
            for device in self.devices:
                device.integrate(t, dt, env)
            self.t = nxt
        self._settle(self.t)
