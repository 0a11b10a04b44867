"""Air-to-water heat pump: building and hot-water tank thermal model, price steering."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from podero_simulator import noise
from podero_simulator.timeutil import BUCKET_S

from .base import Device, Env, StepContext, clamp, num, parse_optional_ts

MODES = ("min", "low", "mid", "max")
OPTIMIZATION_LEVELS = ("Low", "Mid", "Max")
# Steering offset applied to the comfort setpoint, as a share of the configured
# ``indoor_target_temperature_offset`` (the steering amplitude).
_MODE_FACTOR = {"min": -1.0, "low": -0.5, "mid": 0.0, "max": 1.0}
_LEVEL_RANGE = {"Low": (1, 2), "Mid": (1, 3), "Max": (0, 3)}
_TANK_J_PER_K = 200 * 4186.0  # 200 l domestic hot water tank
_DHW_HEAT_W = 3500.0
_STANDBY_W = 18.0
_FLOW_W_PER_K = (
    1250.0  # heating-water flow × heat capacity: ΔT between outlet and inlet
)
_CONTROLLER_W_PER_K = 2500.0
_HEATING_LIMIT_C = 17.0


def steering_mode(quantile: float, level: Any) -> str:
    """Mode from the bucket's price rank in its day, bounded by the optimisation level."""
    raw = 3 if quantile < 0.2 else 2 if quantile < 0.55 else 1 if quantile < 0.85 else 0
    low, high = _LEVEL_RANGE.get(level, (1, 3)) if isinstance(level, str) else (1, 3)
    return MODES[min(max(raw, low), high)]


def _cop(outdoor: float, flow: float) -> float:
    return clamp(2.2 + 0.085 * (outdoor + 10.0) - 0.025 * (flow - 35.0), 1.5, 5.8)


def _flow_temperature(target: float, outdoor: float) -> float:
    # Heating curve: colder outside → hotter water.
    return clamp(28.0 + 0.75 * (target - outdoor), 28.0, 55.0)


def _tapping_w(hour: float) -> float:
    # Showers in the morning and evening, dishes at noon.
    if 6.75 <= hour < 7.5:
        return 3000.0
    if 19.5 <= hour < 20.25:
        return 3500.0
    if 12.0 <= hour < 12.25:
        return 1500.0
    return 0.0


class HeatPump(Device):
    """Heat pump with indoor temperature, DHW tank and spot-price steering."""

    kind: ClassVar[str] = "heat-pumps"
    short_name: ClassVar[str] = "hp_atw"
    long_name: ClassVar[str] = "Heat Pump (Air-to-Water)"
    series: ClassVar[tuple[str, ...]] = ("power", "unopt_power", "inlet", "dhw")
    order: ClassVar[int] = 0

    def __init__(self, **kwargs: Any) -> None:
        """Create a heat pump; building physics vary by seed."""
        self.away_start_ts: float | None = None
        self.away_end_ts: float | None = None
        self.comfort = 21.5
        self.targets: dict[str, float] = {}
        self.dhw_targets: dict[str, float] = {}
        self.away_target = 16.0
        self._mode_cache = (-1, "mid")
        super().__init__(**kwargs)
        seed = self.seed
        self.ua_w_per_k = 150.0 + 70.0 * noise.unit(seed, 1)
        self.capacity_j_per_k = 3.0e7 + 1.5e7 * noise.unit(seed, 2)
        self.max_heat_w = 8000.0
        self.t_in = 21.0
        self.t_dhw = 49.0
        self.dhw_on = False
        self.mode = "mid"
        self.target = 21.5
        self.dhw_target = 48.0
        self.outdoor = 10.0
        self.q_space = 0.0
        self.q_dhw = 0.0
        self.unopt_w = 0.0
        self.inlet = 30.0
        self.outlet = 33.0

    def default_settings(self) -> dict[str, Any]:
        """HP settings in API order."""
        return {
            "indoor_target_temperature_offset": 1.5,
            "dhw_standard_temperature": 48.0,
            "is_hot_water_heating_enabled": True,
            "is_space_heating_enabled": True,
            "is_pool_heating_enabled": False,
            "is_space_cooling_enabled": False,
            "heating_policy_name": None,
            "maximum_temperature_limit": 23.5,
            "minimum_temperature_limit": 19.5,
            "minimum_dhw_temperature_limit": 40.0,
            "is_heating_policy_enabled": False,
            "away_mode_start": None,
            "away_mode_end": None,
            "is_away_mode_enabled": False,
            "away_mode_minimum_temperature_limit": None,
            "optimization_level": "Mid",
        }

    def settings_changed(self) -> None:
        """Pre-compute setpoints per mode; physics reads them on every step."""
        super().settings_changed()
        settings = self.settings
        self.away_start_ts = parse_optional_ts(settings.get("away_mode_start"))
        self.away_end_ts = parse_optional_ts(settings.get("away_mode_end"))
        low = num(settings.get("minimum_temperature_limit"), 19.5)
        high = num(settings.get("maximum_temperature_limit"), 23.5)
        low, high = (low, high) if low <= high else (high, low)
        self.comfort = (low + high) / 2
        amplitude = num(settings.get("indoor_target_temperature_offset"), 1.5)
        self.targets = {
            mode: clamp(self.comfort + amplitude * factor, low, high)
            for mode, factor in _MODE_FACTOR.items()
        }
        standard = num(settings.get("dhw_standard_temperature"), 48.0)
        minimum = num(settings.get("minimum_dhw_temperature_limit"), 40.0)
        self.dhw_targets = {
            mode: max(standard + bonus, minimum)
            for mode, bonus in (("min", -3.0), ("low", 0.0), ("mid", 0.0), ("max", 5.0))
        }
        self.away_target = num(
            settings.get("away_mode_minimum_temperature_limit"), 16.0
        )
        self._mode_cache = (-1, "mid")

    def start_live(self, t0: float) -> None:
        """Begin near the comfort setpoint with a warm tank."""
        self.t_in = self.comfort - 0.3
        self.t_dhw = self.dhw_targets["mid"] + 1.0

    # -- control ----------------------------------------------------------------------

    def _away(self, t: float) -> bool:
        if self.settings.get("is_away_mode_enabled") is not True:
            return False
        if self.away_start_ts is not None and t < self.away_start_ts:
            return False
        return self.away_end_ts is None or t < self.away_end_ts

    def _mode_at(self, bucket: int, smart: bool) -> str:
        if not smart:
            return "mid"
        if self._mode_cache[0] == bucket:
            return self._mode_cache[1]
        assert self.site is not None
        zone = self.common.get("price_zone")
        quantile = self.site.prices.day_quantile(
            zone if isinstance(zone, str) else "AT", bucket
        )
        mode = steering_mode(quantile, self.settings.get("optimization_level"))
        self._mode_cache = (bucket, mode)
        return mode

    def _target(self, mode: str, t: float) -> float:
        return self.away_target if self._away(t) else self.targets[mode]

    def _dhw_target(self, mode: str) -> float:
        return self.dhw_targets[mode]

    def _space_heat(self, target: float, outdoor: float, t_in: float) -> float:
        demand = self.ua_w_per_k * (target - outdoor) + _CONTROLLER_W_PER_K * (
            target - t_in
        )
        return clamp(demand, 0.0, self.max_heat_w)

    @staticmethod
    def _electric(
        q_space: float, q_dhw: float, target: float, outdoor: float, dhw_target: float
    ) -> float:
        power = _STANDBY_W
        if q_space > 0:
            power += q_space / _cop(outdoor, _flow_temperature(target, outdoor))
        if q_dhw > 0:
            power += q_dhw / _cop(outdoor, dhw_target + 5.0)
        return power

    def compute(self, t: float, env: Env, ctx: StepContext) -> None:
        """Decide mode, setpoints, compressor load and flow temperatures."""
        settings = self.settings
        outdoor = env.outdoor_temp
        self.outdoor = outdoor
        self.mode = self._mode_at(env.bucket, self.smart)
        self.target = self._target(self.mode, t)
        self.dhw_target = self._dhw_target(self.mode)
        paused = self.paused(t)
        if paused or settings.get("is_hot_water_heating_enabled") is not True:
            self.dhw_on = False
        elif self.t_dhw < self.dhw_target - 5.0:
            self.dhw_on = True
        elif self.t_dhw >= self.dhw_target + 1.0:
            self.dhw_on = False
        heating = (
            settings.get("is_space_heating_enabled") is True
            and not paused
            and not self.dhw_on
            and outdoor < _HEATING_LIMIT_C
        )
        self.q_space = (
            self._space_heat(self.target, outdoor, self.t_in) if heating else 0.0
        )
        self.q_dhw = _DHW_HEAT_W if self.dhw_on else 0.0
        self.power_w = self._electric(
            self.q_space, self.q_dhw, self.target, outdoor, self.dhw_target
        )
        comfort_target = self._target("mid", t)
        q_unopt = (
            self._space_heat(comfort_target, outdoor, self.t_in) if heating else 0.0
        )
        self.unopt_w = self._electric(
            q_unopt, self.q_dhw, comfort_target, outdoor, self.dhw_target
        )
        if self.q_dhw > 0:
            self.outlet = self.dhw_target + 5.0
            self.inlet = self.outlet - self.q_dhw / _FLOW_W_PER_K
        elif self.q_space > 0:
            self.outlet = _flow_temperature(self.target, outdoor)
            self.inlet = self.outlet - self.q_space / _FLOW_W_PER_K
        else:
            self.outlet = self.t_in + 3.0
            self.inlet = self.t_in + 2.0
        ctx.load_w += self.power_w

    def integrate(self, t: float, dt: float, env: Env) -> None:
        """Room and tank energy balances (explicit Euler; steps ≤ 15 min are stable)."""
        assert self.site is not None
        gains = 250.0 + 1800.0 * env.pv_fraction
        loss = self.ua_w_per_k * (self.t_in - env.outdoor_temp)
        self.t_in += (self.q_space + gains - loss) * dt / self.capacity_j_per_k
        tap = _tapping_w(self.site.climate.local.hour(t))
        tank_loss = 1.8 * (self.t_dhw - 20.0)
        self.t_dhw += (self.q_dhw - tap - tank_loss) * dt / _TANK_J_PER_K
        self.record(t, dt, (self.power_w, self.unopt_w, self.inlet, self.t_dhw))

    def history_values(self, bucket: int) -> Sequence[float]:
        """Steady-state version of the same model for buckets before the start."""
        assert self.site is not None
        climate = self.site.climate
        ts = bucket * BUCKET_S + BUCKET_S / 2
        outdoor = climate.outdoor_temp(ts)
        mode = self._mode_at(bucket, smart=True)
        target = self._target(mode, ts)
        comfort = self._target("mid", ts)
        dhw_target = self._dhw_target(mode)
        hour = climate.local.hour(ts)
        dhw_share = 1.0 if (5.0 <= hour < 5.75 or 16.5 <= hour < 17.25) else 0.0
        gains = 250.0 + 1800.0 * climate.pv_fraction(ts)
        heating = outdoor < _HEATING_LIMIT_C
        q_space = clamp(
            self.ua_w_per_k * (target - outdoor) - gains, 0, self.max_heat_w
        )
        q_comfort = clamp(
            self.ua_w_per_k * (comfort - outdoor) - gains, 0, self.max_heat_w
        )
        if not heating:
            q_space = q_comfort = 0.0
        q_space *= 1.0 - dhw_share
        q_comfort *= 1.0 - dhw_share
        q_dhw = _DHW_HEAT_W * dhw_share
        power = self._electric(q_space, q_dhw, target, outdoor, dhw_target)
        unopt = self._electric(q_comfort, q_dhw, comfort, outdoor, dhw_target)
        if q_dhw > 0:
            inlet = dhw_target + 5.0 - q_dhw / _FLOW_W_PER_K
        elif q_space > 0:
            inlet = _flow_temperature(target, outdoor) - q_space / _FLOW_W_PER_K
        else:
            inlet = target + 2.0
        since = min((hour - 5.75) % 24.0, (hour - 17.25) % 24.0)
        dhw = 52.0 if dhw_share else max(40.0, 52.0 - 0.7 * since)
        return (power, unopt, inlet, dhw)

    # -- payload ----------------------------------------------------------------------

    def current_mode(self) -> str | None:
        """min/low/mid/max; ``mid`` while not optimising (the device's own schedule)."""
        return self.mode

    def specific(self) -> dict[str, Any]:
        """Return settings then readings, as in the API example."""
        out = dict(self.settings)
        out.update(
            {
                "current_power_consumption_w": round(self.power_w),
                "outdoor_temperature": round(self.outdoor, 1),
                "indoor_actual_temperature": round(self.t_in, 1),
                "indoor_target_temperature": round(self.target, 1),
                "inlet_temperature": round(self.inlet, 1),
                "outlet_temperature": round(self.outlet, 1),
                "dhw_temperature": round(self.t_dhw, 1),
                "dhw_target_temperature": round(self.dhw_target, 1),
            }
        )
        return out

    def patch_state(self, key: str, value: Any) -> bool:
        """Raw PATCH of temperatures sets the thermal state."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if key == "indoor_actual_temperature":
            self.t_in = float(value)
            return True
        if key == "dhw_temperature":
            self.t_dhw = float(value)
            return True
        return False
