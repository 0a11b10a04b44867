"""OCPP wallbox with its own (invisible) connected car, HEMS surplus charging and boost."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from .base import Device, Env, StepContext, num, parse_optional_ts
from .charging import MIN_WALLBOX_W, ONGOING, Boost, hems_power, plan_charges_now

_CAR_CAPACITY_WH = 60_000.0
_SNAP = 1e-7


class Wallbox(Device):
    """Wallbox; the car behind it is simulated but only visible through power/state."""

    kind: ClassVar[str] = "wallboxes"
    short_name: ClassVar[str] = "wb"
    long_name: ClassVar[str] = "EV Charger (Wallbox)"
    series: ClassVar[tuple[str, ...]] = ("power",)
    order: ClassVar[int] = 2

    def __init__(
        self, *, plugged_in: bool = True, car_level: float = 45.0, **kwargs: Any
    ) -> None:
        """Create a wallbox with a car plugged in or not."""
        self._max_w = 7000.0
        self._limit = 100.0
        super().__init__(**kwargs)
        self.plugged_in = plugged_in
        self.car_level = car_level
        self.is_ocpp_connected = True
        self.boost = Boost()
        self.stop_level = 100.0
        self._plan_key: tuple[int, float, float] | None = None
        self._plan_on = False

    def settings_changed(self) -> None:
        """Cache power and limit; physics reads them on every step."""
        super().settings_changed()
        self._max_w = num(self.settings.get("charge_power_max_w"), 7000.0)
        self._limit = num(self.settings.get("charge_target_max"), 100.0)

    def default_settings(self) -> dict[str, Any]:
        """Wallbox settings in API order."""
        return {
            "charge_target_min": 50,
            "charge_target_max": 80,
            "charge_power_max_w": 7000,
            "is_charge_policy_enabled": False,
            "charge_policy_last_updated_at": "2024-03-22T13:54:34Z",
            "minimum_charge_limit": 80,
            "charge_deadline_at": None,
            "is_over_charge_allowed": False,
        }

    @property
    def max_w(self) -> float:
        """Highest charging power the box offers."""
        return self._max_w

    @property
    def limit(self) -> float:
        """Charge limit of the connected car."""
        return self._limit

    @property
    def full(self) -> bool:
        """The connected car reached its limit."""
        return self.car_level >= self.limit - 1e-6

    def _deadline(self, t: float) -> float:
        deadline = parse_optional_ts(self.settings.get("charge_deadline_at"))
        if deadline is not None and deadline > t:
            return deadline
        assert self.site is not None
        return self.site.climate.local.at_hhmm_after(t, "07:00")

    def _spot_wants(self, t: float, bucket: int) -> tuple[bool, float]:
        target = min(num(self.settings.get("minimum_charge_limit"), 80.0), self.limit)
        deadline = self._deadline(t)
        key = (bucket, target, deadline)
        if key != self._plan_key:
            assert self.site is not None
            zone = self.common.get("price_zone")
            need = (target - self.car_level) / 100.0 * _CAR_CAPACITY_WH
            self._plan_on = plan_charges_now(
                self.site.prices,
                zone=zone if isinstance(zone, str) else "AT",
                bucket=bucket,
                deadline_ts=deadline,
                need_wh=need,
                rate_w=self.max_w,
            )
            self._plan_key = key
        return self._plan_on and self.car_level < target - 1e-6, target

    def apply_due(self, t: float) -> None:
        """Boost promotion; a boost ends when the car is full or gone."""
        self.boost.due(t)
        if self.boost.phase == ONGOING and (self.full or not self.plugged_in):
            self.boost.phase = "idle"

    def compute(self, t: float, env: Env, ctx: StepContext) -> None:
        """Boost at full rate, else follow the owner's smart-charging mode."""
        power = 0.0
        self.stop_level = self.limit
        active = self.plugged_in and self.is_ocpp_connected and not self.full
        if active and not self.paused(t):
            mode = self.owner.charging.mode
            if self.boost.phase == ONGOING or not self.smart or mode == "none":
                power = self.max_w
            else:
                if mode in ("spot", "hems_and_spot"):
                    wants, target = self._spot_wants(t, env.bucket)
                    if wants:
                        power = self.max_w
                        self.stop_level = target
                if power == 0.0 and mode in ("hems", "hems_and_spot"):
                    power = hems_power(
                        self.power_w > 0,
                        ctx.export_w,
                        min(MIN_WALLBOX_W, self.max_w),
                        self.max_w,
                        self.owner.charging,
                    )
        self.power_w = power
        ctx.load_w += power
        ctx.charging_w += power

    def next_event(self, t: float) -> float | None:
        """Boost promotion or the car reaching its stop level."""
        events = [self.boost.next_event()]
        if self.power_w > 0 and self.stop_level > self.car_level:
            remaining = (self.stop_level - self.car_level) / 100.0 * _CAR_CAPACITY_WH
            events.append(t + remaining / self.power_w * 3600.0)
        found = [event for event in events if event is not None]
        return min(found) if found else None

    def integrate(self, t: float, dt: float, env: Env) -> None:
        """Charge the connected car."""
        if self.power_w > 0:
            self.car_level += self.power_w * dt / 3600.0 / _CAR_CAPACITY_WH * 100.0
            if (
                abs(self.car_level - self.stop_level) < _SNAP
                or self.car_level > self.stop_level
            ):
                self.car_level = self.stop_level
        self.record(t, dt, (self.power_w,))

    def history_values(self, bucket: int) -> Sequence[float]:
        """Return zero: the box has no time-series endpoint, its past is not modelled."""
        return (0.0,)

    def set_plugged(self, plugged: bool, now: float) -> None:
        """Plug a car in (fires an armed boost) or take it away."""
        if plugged == self.plugged_in:
            return
        self.plugged_in = plugged
        if plugged:
            if self.boost.armed:
                self.boost.armed = False
                self.boost.request(now)
        else:
            self.boost.phase = "idle"

    def boost_state(self) -> str:
        """``boost_state`` on the wire."""
        return self.boost.api_state(self.plugged_in)

    def _mode(self) -> str:
        if self.common.get("is_authenticated") is not True:
            return "UNAVAILABLE"
        if not self.is_ocpp_connected:
            return "UNKNOWN"
        if self.power_w > 0:
            return "CHARGING"
        return "PLUGGED_IN" if self.plugged_in else "READY"

    def specific(self) -> dict[str, Any]:
        """Wallbox keys in API order."""
        out = dict(self.settings)
        out.update(
            {
                "is_plugged_in": self.plugged_in,
                "is_charging": self.power_w > 0,
                "is_ocpp_connected": self.is_ocpp_connected,
                "mode": self._mode(),
                "connection": "online" if self.is_ocpp_connected else "offline",
                "boost_state": self.boost_state(),
                "boost_for_next_session": self.boost.armed,
            }
        )
        return out

    def patch_state(self, key: str, value: Any) -> bool:
        """Raw PATCH of plug or OCPP link changes the model."""
        if key == "is_plugged_in" and isinstance(value, bool):
            assert self.site is not None
            self.set_plugged(value, self.site.t)
            return True
        if key == "is_ocpp_connected" and isinstance(value, bool):
            self.is_ocpp_connected = value
            return True
        return False
