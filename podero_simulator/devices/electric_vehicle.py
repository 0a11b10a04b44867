"""Electric vehicle: state of charge, plug sessions, boost and smart charging."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
import re
from typing import Any, ClassVar

from podero_simulator import noise
from podero_simulator.ids import stable_uuid
from podero_simulator.sessions import ChargeSession
from podero_simulator.timeutil import BUCKET_S, DAY_S, LocalTime, iso_ts

from .base import Device, Env, StepContext, num
from .charging import ONGOING, Boost, hems_power, plan_charges_now

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
KWH_PER_KM = 0.16
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_SNAP = 1e-7


def default_policy(timezone: str) -> dict[str, Any]:
    """Weekly charge policy: weekdays 80 % by 07:00, weekends 60 % by 10:00."""
    policy: dict[str, Any] = {
        day: {"charge_percentage": 80, "charge_deadline": "07:00"}
        for day in WEEKDAYS[:5]
    }
    policy.update(
        {
            day: {"charge_percentage": 60, "charge_deadline": "10:00"}
            for day in WEEKDAYS[5:]
        }
    )
    policy["timezone"] = timezone
    return policy


def _overlap(start: float, end: float, lo: float, hi: float) -> float:
    return max(0.0, min(end, hi) - max(start, lo))


@dataclass
class GeneratedSession(ChargeSession):
    """A pre-start session with its charging windows (for the history generator)."""

    charge_start: float = 0.0
    charge_end: float = 0.0
    unopt_end: float = 0.0


class ElectricVehicle(Device):
    """EV reached through the OEM cloud; charges at a fixed rate when plugged in."""

    kind: ClassVar[str] = "electric-vehicles"
    short_name: ClassVar[str] = "ev"
    long_name: ClassVar[str] = "Electric Vehicle"
    series: ClassVar[tuple[str, ...]] = (
        "power",
        "unopt_power",
        "level",
        "charging",
        "plugged",
    )
    order: ClassVar[int] = 1

    def __init__(
        self,
        *,
        capacity_kwh: float = 79.5,
        rate_w: float = 7400.0,
        level: float = 62.0,
        plugged_in: bool = True,
        timezone: str = "Europe/Vienna",
        **kwargs: Any,
    ) -> None:
        """Create an EV with its battery and initial plug state."""
        self._goal_cache: tuple[float, float, float] | None = None
        self._limit = 100.0
        super().__init__(**kwargs)
        self.capacity_kwh: float | None = capacity_kwh
        self.rate_w = rate_w
        self.level = level
        self.shadow_level = level
        self.plugged_in = plugged_in
        self.boost = Boost()
        self.policy = default_policy(timezone)
        self.session: ChargeSession | None = None
        self.completed: list[ChargeSession] = []
        self.unopt_w = 0.0
        self.stop_level = 100.0
        self._plan_key: tuple[int, float, float] | None = None
        self._plan_on = False
        self._generated: list[GeneratedSession] | None = None
        self._generated_plugs: list[float] = []
        self._costed = False
        self._session_count = 0
        self._policy_local: LocalTime | None = None

    def default_settings(self) -> dict[str, Any]:
        """EV settings in API order (``charge_target_max`` is OEM-detected, read-only)."""
        return {
            "charge_target_min": 50,
            "charge_target_max": 80,
            "is_charge_policy_enabled": True,
            "charge_deadline_at": "07:00",
            "minimum_charge_limit": 75,
            "charge_policy_last_updated_at": "2024-03-22T13:54:34Z",
        }

    # -- derived values ---------------------------------------------------------------

    @property
    def capacity_wh(self) -> float:
        """Usable battery energy (Wh); an unknown capacity is modelled as 60 kWh."""
        return num(self.capacity_kwh, 60.0) * 1000.0

    @property
    def limit(self) -> float:
        """Charge limit of the vehicle (``charge_target_max``, 100 when unknown)."""
        return self._limit

    @property
    def full(self) -> bool:
        """``is_fully_charged``: the vehicle's charge limit is reached."""
        return self.level >= self.limit - 1e-6

    def _local(self) -> LocalTime:
        assert self.site is not None
        tz = self.policy.get("timezone")
        if not isinstance(tz, str) or tz == self.site.climate.tz_name:
            return self.site.climate.local
        if self._policy_local is None or self._policy_local.tz.key != tz:
            self._policy_local = LocalTime(tz)
        return self._policy_local

    def goal(self, t: float) -> tuple[float, float]:
        """(target %, deadline ts) for the smart schedule at ``t``.

        Cached until the deadline passes or settings/policy change.
        """
        cached = self._goal_cache
        if cached is not None and cached[0] <= t < cached[2]:
            return cached[1], cached[2]
        target, deadline = self._find_goal(t)
        self._goal_cache = (t, target, deadline)
        return target, deadline

    def settings_changed(self) -> None:
        """Forget the cached charging goal; cache the charge limit."""
        super().settings_changed()
        self._goal_cache = None
        self._limit = num(self.settings.get("charge_target_max"), 100.0)

    def _find_goal(self, t: float) -> tuple[float, float]:
        if self.settings.get("is_charge_policy_enabled") is True:
            local = self._local()
            best: tuple[float, float] | None = None
            for offset in range(8):
                day_ts = local.midnight(t) + offset * DAY_S + 7200
                entry = self.policy.get(WEEKDAYS[local.weekday(day_ts)])
                if not isinstance(entry, dict):
                    continue
                deadline = local.midnight(day_ts) + _hhmm_seconds(
                    entry.get("charge_deadline")
                )
                if deadline > t:
                    best = (num(entry.get("charge_percentage"), 80.0), deadline)
                    break
            if best is not None:
                return best
        deadline_text = self.settings.get("charge_deadline_at")
        hhmm = (
            deadline_text
            if isinstance(deadline_text, str) and HHMM.match(deadline_text)
            else "07:00"
        )
        assert self.site is not None
        return (
            num(self.settings.get("minimum_charge_limit"), 80.0),
            self.site.climate.local.at_hhmm_after(t, hhmm),
        )

    # -- physics ----------------------------------------------------------------------

    def start_live(self, t0: float) -> None:
        """Open a session when the vehicle is plugged in at the start."""
        self.shadow_level = self.level
        if self.plugged_in:
            self._open_session(t0)

    def _open_session(self, t: float) -> None:
        target, deadline = self.goal(t)
        self._session_count += 1
        self.session = ChargeSession(
            id=stable_uuid(self.seed, "session", self.id, self._session_count, t),
            plug_ts=t,
            initial_soc=self.level,
            target_soc=min(target, self.limit),
            deadline_ts=deadline,
        )

    def _smart_wants(self, t: float, bucket: int) -> tuple[bool, float]:
        target, deadline = self.goal(t)
        target = min(target, self.limit)
        key = (bucket, target, deadline)
        if key != self._plan_key:
            assert self.site is not None
            zone = self.common.get("price_zone")
            need = (target - self.level) / 100.0 * self.capacity_wh
            self._plan_on = plan_charges_now(
                self.site.prices,
                zone=zone if isinstance(zone, str) else "AT",
                bucket=bucket,
                deadline_ts=deadline,
                need_wh=need,
                rate_w=self.rate_w,
            )
            self._plan_key = key
        return self._plan_on and self.level < target - 1e-6, target

    def apply_due(self, t: float) -> None:
        """Boost promotion and its end when full or unplugged."""
        self.boost.due(t)
        if self.boost.phase == ONGOING and (self.full or not self.plugged_in):
            self.boost.phase = "idle"

    def compute(self, t: float, env: Env, ctx: StepContext) -> None:
        """Charging decision: boost > unoptimised / spot plan / HEMS surplus."""
        power = 0.0
        self.stop_level = self.limit
        if self.plugged_in and not self.full and not self.paused(t):
            mode = self.owner.charging.mode
            if self.boost.phase == ONGOING or not self.smart or mode == "none":
                power = self.rate_w
            else:
                if mode in ("spot", "hems_and_spot"):
                    wants, target = self._smart_wants(t, env.bucket)
                    if wants:
                        power = self.rate_w
                        self.stop_level = target
                if power == 0.0 and mode in ("hems", "hems_and_spot"):
                    running = self.power_w > 0
                    power = hems_power(
                        running,
                        ctx.export_w,
                        self.rate_w,
                        self.rate_w,
                        self.owner.charging,
                    )
        self.power_w = power
        self.unopt_w = (
            self.rate_w
            if self.plugged_in and self.shadow_level < self.limit - 1e-6
            else 0.0
        )
        ctx.load_w += power
        ctx.charging_w += power

    def _time_to(
        self, level: float, goal: float, power: float, t: float
    ) -> float | None:
        if power <= 0 or goal <= level:
            return None
        return t + (goal - level) / 100.0 * self.capacity_wh / power * 3600.0

    def next_event(self, t: float) -> float | None:
        """Boost promotion, reaching the stop level, shadow reaching the limit."""
        events = [
            self.boost.next_event(),
            self._time_to(self.level, self.stop_level, self.power_w, t),
            self._time_to(self.shadow_level, self.limit, self.unopt_w, t),
        ]
        found = [event for event in events if event is not None]
        return min(found) if found else None

    def integrate(self, t: float, dt: float, env: Env) -> None:
        """State of charge rises with energy / capacity."""
        start_level = self.level
        self.level = self._raise(self.level, self.power_w, dt, self.stop_level)
        self.shadow_level = self._raise(self.shadow_level, self.unopt_w, dt, self.limit)
        if self.session is not None:
            self.session.add(t, dt, self.power_w, self.unopt_w, self.price(env.bucket))
        self.record(
            t,
            dt,
            (
                self.power_w,
                self.unopt_w,
                (start_level + self.level) / 2,
                1.0 if self.power_w > 0 else 0.0,
                1.0 if self.plugged_in else 0.0,
            ),
        )

    def _raise(self, level: float, power: float, dt: float, goal: float) -> float:
        if power <= 0:
            return level
        level += power * dt / 3600.0 / self.capacity_wh * 100.0
        return goal if abs(level - goal) < _SNAP or level > goal else level

    # -- actions ----------------------------------------------------------------------

    def set_plugged(self, plugged: bool, now: float) -> None:
        """Plug in (opens a session, fires an armed boost) or unplug (closes it)."""
        if plugged == self.plugged_in:
            return
        self.plugged_in = plugged
        if plugged:
            self.shadow_level = self.level
            self._open_session(now)
            if self.boost.armed:
                self.boost.armed = False
                self.boost.request(now)
            return
        self.boost.phase = "idle"
        if self.session is not None:
            self.session.unplug_ts = now
            self.session.final_soc = self.level
            self.completed.append(self.session)
            self.session = None

    def boost_state(self) -> str:
        """``boost_state`` on the wire."""
        return self.boost.api_state(self.plugged_in)

    # -- history ----------------------------------------------------------------------

    def generated_sessions(self) -> list[GeneratedSession]:
        """Evening-to-morning sessions before the start, charged in the night."""
        if self._generated is None:
            self._generated = self._generate()
            self._generated_plugs = [session.plug_ts for session in self._generated]
        return self._generated

    def _generate(self) -> list[GeneratedSession]:
        assert self.site is not None
        local = self.site.climate.local
        out: list[GeneratedSession] = []
        first = local.day(self.created_ts) - 1
        last = local.day(self.t0)
        limit = self.limit
        target = min(num(self.settings.get("minimum_charge_limit"), 80.0), limit)
        seed = self.seed
        for day in range(first, last + 1):
            if noise.unit(seed, 100, day) < 0.12:
                continue  # the car stayed away that evening
            midnight = local.midnight(day * DAY_S + 43200)
            plug = midnight + 18 * 3600 + (noise.unit(seed, 101, day) - 0.4) * 9000
            unplug = (
                midnight + DAY_S + 7 * 3600 + (noise.unit(seed, 102, day) - 0.4) * 4500
            )
            if plug < self.created_ts or unplug > self.t0:
                continue
            initial = 22.0 + 38.0 * noise.unit(seed, 103, day)
            at_home = noise.unit(seed, 104, day) >= 0.05
            energy = max(0.0, target - initial) / 100.0 * self.capacity_wh
            unopt_energy = max(0.0, limit - initial) / 100.0 * self.capacity_wh
            duration = energy / self.rate_w * 3600.0
            start = (
                midnight + DAY_S + 3600 + noise.unit(seed, 105, day) * 5400
                if at_home
                else plug
            )
            if start + duration > unplug:
                start = max(plug, unplug - duration)
            session = GeneratedSession(
                id=stable_uuid(seed, "gen-session", self.id, day),
                plug_ts=plug,
                initial_soc=initial,
                target_soc=target,
                deadline_ts=midnight + DAY_S + 7 * 3600,
                unplug_ts=unplug,
                final_soc=initial
                + (min(duration, unplug - start) / 3600 * self.rate_w)
                / self.capacity_wh
                * 100.0,
                is_at_home=at_home,
            )
            session.charge_start = start
            session.charge_end = min(unplug, start + duration)
            session.unopt_end = min(unplug, plug + unopt_energy / self.rate_w * 3600.0)
            if not at_home:
                session.unopt_end = session.charge_end
            out.append(session)
        return out

    def _fill_generated_costs(
        self, session: GeneratedSession, prices: Any, zone: str
    ) -> None:
        for bucket in range(
            int(session.plug_ts // BUCKET_S),
            int(session.unplug_ts or 0) // BUCKET_S + 1,
        ):
            lo = bucket * BUCKET_S
            hi = lo + BUCKET_S
            charged = _overlap(session.charge_start, session.charge_end, lo, hi)
            unopt = _overlap(session.plug_ts, session.unopt_end, lo, hi)
            if charged <= 0 and unopt <= 0:
                continue
            price = prices.price(zone, bucket)
            session.add(lo, charged, self.rate_w, 0.0, price)
            session.unopt_energy_wh += self.rate_w * unopt / 3600.0
            session.unopt_cost_eur += self.rate_w * unopt / 3600.0 * price / 1e6
        if session.charge_end > session.charge_start:
            session.first_charge_ts = session.charge_start
            session.last_charge_ts = session.charge_end

    def history_values(self, bucket: int) -> Sequence[float]:
        """Bucket averages derived from the generated sessions."""
        sessions = self.generated_sessions()
        lo = bucket * BUCKET_S
        hi = lo + BUCKET_S
        mid = lo + BUCKET_S / 2
        index = bisect_right(self._generated_plugs, hi) - 1
        if index < 0:
            level = sessions[0].initial_soc if sessions else self.level
            return (0.0, 0.0, level, 0.0, 0.0)
        session = sessions[index]
        unplug = session.unplug_ts or session.plug_ts
        charged = _overlap(session.charge_start, session.charge_end, lo, hi) / BUCKET_S
        unopt = _overlap(session.plug_ts, session.unopt_end, lo, hi) / BUCKET_S
        plugged = _overlap(session.plug_ts, unplug, lo, hi) / BUCKET_S
        final = (
            session.final_soc if session.final_soc is not None else session.initial_soc
        )
        if mid < session.charge_start:
            level = session.initial_soc
        elif mid < session.charge_end:
            share = (mid - session.charge_start) / (
                session.charge_end - session.charge_start
            )
            level = session.initial_soc + (final - session.initial_soc) * share
        elif mid < unplug or index + 1 >= len(sessions):
            level = final
        else:
            following = sessions[index + 1]
            share = (mid - unplug) / (following.plug_ts - unplug)
            level = final + (following.initial_soc - final) * share
        return (
            self.rate_w * charged,
            self.rate_w * unopt,
            level,
            charged,
            plugged,
        )

    def all_sessions(self) -> list[ChargeSession]:
        """Completed sessions, generated and live, oldest first."""
        generated = self.generated_sessions()
        if not self._costed:
            # Costs need a price per bucket; only worth it once sessions are asked for.
            assert self.site is not None
            zone = self.common.get("price_zone")
            for session in generated:
                self._fill_generated_costs(
                    session, self.site.prices, zone if isinstance(zone, str) else "AT"
                )
            self._costed = True
        return [*generated, *self.completed]

    # -- payload ----------------------------------------------------------------------

    def specific(self) -> dict[str, Any]:
        """EV keys in API order."""
        settings = self.settings
        return {
            "charge_target_min": settings["charge_target_min"],
            "charge_target_max": settings["charge_target_max"],
            "is_charge_policy_enabled": settings["is_charge_policy_enabled"],
            "charge_deadline_at": settings["charge_deadline_at"],
            "minimum_charge_limit": settings["minimum_charge_limit"],
            "charge_policy_last_updated_at": settings["charge_policy_last_updated_at"],
            "is_plugged_in": self.plugged_in,
            "is_charging": self.power_w > 0,
            "charge_rate_w": round(self.power_w),
            "battery_level": round(self.level),
            "battery_capacity_kwh": self.capacity_kwh,
            "is_fully_charged": self.full,
            "driving_range": round(
                self.level / 100.0 * self.capacity_wh / 1000.0 / KWH_PER_KM
            ),
            "boost_state": self.boost_state(),
            "boost_for_next_session": self.boost.armed,
        }

    def patch_state(self, key: str, value: Any) -> bool:
        """Raw PATCH of battery level, capacity or plug state changes the model."""
        number = not isinstance(value, bool) and isinstance(value, int | float)
        if key == "battery_level" and number:
            self.level = float(value)
            self.shadow_level = min(self.shadow_level, self.level)
            return True
        if key == "battery_capacity_kwh" and (number or value is None):
            self.capacity_kwh = None if value is None else float(value)
            return True
        if key == "is_plugged_in" and isinstance(value, bool):
            assert self.site is not None
            self.set_plugged(value, self.site.t)
            return True
        return False

    def touch_policy(self, now: float) -> None:
        """Record a change of the charge policy."""
        self.settings["charge_policy_last_updated_at"] = iso_ts(now)
        self._goal_cache = None


def _hhmm_seconds(text: Any) -> float:
    """Seconds after midnight of an ``HH:MM`` string (07:00 when unusable)."""
    if not isinstance(text, str) or not HHMM.match(text):
        return 7 * 3600.0
    return int(text[:2]) * 3600.0 + int(text[3:]) * 60.0
