"""Pieces shared by EVs and wallboxes: boost state machine, spot plan, HEMS surplus rule."""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import Protocol

from podero_simulator.people import ChargingSettings
from podero_simulator.prices import PriceModel
from podero_simulator.timeutil import BUCKET_S, bucket_of

BOOST_START_DELAY_S = 6.0
"""Seconds between accepting a boost (``requested``) and current flowing (``ongoing``)."""

IDLE = "idle"
REQUESTED = "requested"
ONGOING = "ongoing"

MIN_WALLBOX_W = 1380.0  # 6 A single phase: the smallest current OCPP chargers accept


@dataclass
class Boost:
    """Boost state of one charging device."""

    phase: str = IDLE
    requested_ts: float = 0.0
    armed: bool = False  # ``boost_for_next_session``

    def api_state(self, plugged_in: bool) -> str:
        """``boost_state`` on the wire."""
        if not plugged_in:
            return "unavailable"
        if self.phase == REQUESTED:
            return "requested"
        if self.phase == ONGOING:
            return "ongoing"
        return "available"

    def request(self, now: float) -> None:
        """Accept a boost; current starts flowing after the start delay."""
        self.phase = REQUESTED
        self.requested_ts = now

    def due(self, t: float) -> None:
        """Promote requested → ongoing once the delay has elapsed."""
        if (
            self.phase == REQUESTED
            and t >= self.requested_ts + BOOST_START_DELAY_S - 1e-6
        ):
            self.phase = ONGOING

    def next_event(self) -> float | None:
        """When the pending promotion happens."""
        if self.phase == REQUESTED:
            return self.requested_ts + BOOST_START_DELAY_S
        return None


def plan_charges_now(
    prices: PriceModel,
    *,
    zone: str,
    bucket: int,
    deadline_ts: float,
    need_wh: float,
    rate_w: float,
) -> bool:
    """Cheapest-buckets schedule: charge now iff this bucket is among the cheapest needed.

    The buckets from now to the deadline are ranked by price; the number needed to
    deliver ``need_wh`` at ``rate_w`` are charged. With too little time left, charge.
    """
    if need_wh <= 0 or rate_w <= 0:
        return False
    last = bucket_of(deadline_ts - 1e-6)
    count = last - bucket + 1
    needed = math.ceil(need_wh / (rate_w * BUCKET_S / 3600.0) - 1e-9)
    if count <= needed:
        return True
    mine = (prices.price(zone, bucket), bucket)
    cheaper = sum(
        1
        for other in range(bucket + 1, last + 1)
        if (prices.price(zone, other), other) < mine
    )
    return cheaper < needed


def hems_power(
    running: bool,
    export_w: float,
    min_w: float,
    max_w: float,
    settings: ChargingSettings,
) -> float:
    """Surplus charging: start above the export threshold, stop beyond the import one.

    ``export_w`` is the grid export before this charger draws anything. A modulating
    charger follows the surplus between ``min_w`` and ``max_w``; a fixed-rate one has
    ``min_w == max_w``.
    """
    if not running and export_w < settings.min_export_to_start_w:
        return 0.0
    power = min(max(export_w, min_w), max_w)
    if power - export_w > settings.max_import_before_stopping_w:
        return 0.0
    return power


class Chargeable(Protocol):
    """What the boost endpoints need from an EV or a wallbox."""

    plugged_in: bool
    boost: Boost

    @property
    def full(self) -> bool:
        """The vehicle reached its charge limit."""
        ...  # pragma: no cover

    def boost_state(self) -> str:
        """``boost_state`` on the wire."""
        ...  # pragma: no cover


def request_boost(device: Chargeable, now: float) -> tuple[int, dict[str, str] | None]:
    """POST boost: 204, or 409 with ``{state, reason}``.

    Unplugged → arm for the next session (idempotent); requested/ongoing →
    ``already_charging``; at the charge limit → ``fully_charged``.
    """
    if not device.plugged_in:
        device.boost.armed = True
        return 204, None
    if device.boost.phase in (REQUESTED, ONGOING):
        return 409, {"state": device.boost_state(), "reason": "already_charging"}
    if device.full:
        return 409, {"state": device.boost_state(), "reason": "fully_charged"}
    device.boost.request(now)
    return 204, None


def cancel_boost(device: Chargeable, *, stop_live: bool) -> None:
    """DELETE boost: always disarms; a wallbox also ends a live boost."""
    device.boost.armed = False
    if stop_live:
        device.boost.phase = IDLE
