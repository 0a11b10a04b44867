"""Solar inverter with home battery: PV, household balance, self-consumption battery."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from podero_simulator.timeutil import BUCKET_S

from .base import Device, Env, StepContext, num

_SNAP = 1e-7
_C_RATE = 0.5  # battery power limit per kWh of capacity


class Inverter(Device):
    """PV inverter; grid power is the balance of PV, household load and battery."""

    kind: ClassVar[str] = "inverters"
    short_name: ClassVar[str] = "inverter"
    long_name: ClassVar[str] = "Solar Inverter"
    series: ClassVar[tuple[str, ...]] = (
        "pv",
        "house",
        "grid",
        "battery",
        "soc",
        "import",
        "unopt_import",
        "export",
        "solar_to_charging",
    )
    order: ClassVar[int] = 3

    def __init__(self, *, soc: float = 55.0, **kwargs: Any) -> None:
        """Create an inverter with the battery at ``soc`` percent."""
        self._battery_cache: tuple[float, float, float] | None = None
        super().__init__(**kwargs)
        self.soc = soc
        self.pv_w = 0.0
        self.house_w = 0.0
        self.battery_w = 0.0
        self.grid_w = 0.0
        self.solar_to_charging_w = 0.0
        self._chunks: dict[int, list[tuple[float, ...]]] = {}

    def default_settings(self) -> dict[str, Any]:
        """Inverter settings in API order."""
        return {
            "solar_power_rating_kw": 10.2,
            "battery_capacity_kwh": 10.0,
            "is_battery_connected": True,
            "min_battery_charge": 20,
            "max_battery_charge": 90,
        }

    # -- battery policy ---------------------------------------------------------------

    def settings_changed(self) -> None:
        """Cache the battery parameters; physics reads them on every step."""
        super().settings_changed()
        self._battery_cache = self._read_battery()

    def _battery(self) -> tuple[float, float, float] | None:
        """(capacity Wh, min %, max %) or None without a usable battery."""
        return self._battery_cache

    def _read_battery(self) -> tuple[float, float, float] | None:
        if self.settings.get("is_battery_connected") is not True:
            return None
        capacity = num(self.settings.get("battery_capacity_kwh"), 0.0) * 1000.0
        if capacity <= 0:
            return None
        low = num(self.settings.get("min_battery_charge"), 0.0)
        high = num(self.settings.get("max_battery_charge"), 100.0)
        return capacity, min(low, high), max(low, high)

    def _decide(self, soc: float, surplus: float, bucket: int, t: float) -> float:
        """Choose the battery power (+ discharging).

        Self-consumption, plus grid charging in the cheapest night quarter-hours while
        smart optimisation is on.
        """
        battery = self._battery()
        if battery is None:
            return 0.0
        capacity, low, high = battery
        max_w = capacity * _C_RATE
        assert self.site is not None
        if self.smart and soc < high - 1e-6 and self.site.climate.local.hour(t) < 6.0:
            zone = self.common.get("price_zone")
            quantile = self.site.prices.day_quantile(
                zone if isinstance(zone, str) else "AT", bucket
            )
            if quantile < 0.08:
                return -0.5 * max_w
        if surplus > 0 and soc < high - 1e-6:
            return -min(surplus, max_w)
        if surplus < 0 and soc > low + 1e-6:
            return min(-surplus, max_w)
        return 0.0

    # -- physics ----------------------------------------------------------------------

    def pv_power(self, env: Env) -> float:
        """PV output at the step (W)."""
        return (
            num(self.settings.get("solar_power_rating_kw"), 0.0)
            * 1000.0
            * env.pv_fraction
        )

    def compute(self, t: float, env: Env, ctx: StepContext) -> None:
        """Balance: grid = PV − household + battery (export positive)."""
        self.pv_w = ctx.pv_w
        self.house_w = ctx.load_w
        surplus = self.pv_w - self.house_w
        self.battery_w = self._decide(self.soc, surplus, env.bucket, t)
        self.grid_w = surplus + self.battery_w
        others = self.house_w - ctx.charging_w
        self.solar_to_charging_w = min(ctx.charging_w, max(0.0, self.pv_w - others))

    def next_event(self, t: float) -> float | None:
        """When the battery hits its min/max limit at the current power."""
        battery = self._battery()
        if battery is None or self.battery_w == 0:
            return None
        capacity, low, high = battery
        goal = high if self.battery_w < 0 else low
        delta_wh = abs(goal - self.soc) / 100.0 * capacity
        return t + delta_wh / abs(self.battery_w) * 3600.0

    def integrate(self, t: float, dt: float, env: Env) -> None:
        """State of charge follows the battery power."""
        start = self.soc
        self.soc = self._charge(self.soc, self.battery_w, dt)
        self.record(
            t,
            dt,
            (
                self.pv_w,
                self.house_w,
                self.grid_w,
                self.battery_w,
                (start + self.soc) / 2,
                max(0.0, -self.grid_w),
                max(0.0, self.house_w - self.pv_w),
                max(0.0, self.grid_w),
                self.solar_to_charging_w,
            ),
        )

    def _charge(self, soc: float, battery_w: float, dt: float) -> float:
        battery = self._battery()
        if battery is None or battery_w == 0:
            return soc
        capacity, low, high = battery
        soc -= battery_w * dt / 3600.0 / capacity * 100.0
        goal = high if battery_w < 0 else low
        if (
            abs(soc - goal) < _SNAP
            or (battery_w < 0 and soc > goal)
            or (battery_w > 0 and soc < goal)
        ):
            soc = goal
        return soc

    # -- history ----------------------------------------------------------------------

    def _sibling_load(self, bucket: int) -> float:
        assert self.site is not None
        total = 0.0
        for device in self.site.devices:
            if device is self or isinstance(device, Inverter):
                continue
            found = device.bucket(bucket)
            if found is not None:
                total += found[1][0] / BUCKET_S
        return total

    def _chunk(self, day: int) -> list[tuple[float, ...]]:
        cached = self._chunks.get(day)
        if cached is not None:
            return cached
        assert self.site is not None
        climate = self.site.climate
        start = climate.local.midnight(day * 86400 + 43200)
        first = int(start // BUCKET_S)
        battery = self._battery()
        soc = battery[1] + 0.3 * (battery[2] - battery[1]) if battery else 0.0
        rows: list[tuple[float, ...]] = []
        for bucket in range(first, first + 100):
            ts = bucket * BUCKET_S + BUCKET_S / 2
            if climate.local.day(ts) != day:
                break
            pv = self.pv_power(Env(ts, bucket, 0.0, climate.pv_fraction(ts), 0.0))
            house = climate.base_load(bucket) + self._sibling_load(bucket)
            surplus = pv - house
            battery_w = self._decide(soc, surplus, bucket, ts)
            new_soc = self._charge(soc, battery_w, BUCKET_S)
            if battery is not None and battery_w != 0:
                # A battery that hit its limit mid-bucket delivered only part of the power.
                battery_w = -(new_soc - soc) / 100.0 * battery[0] * 3600.0 / BUCKET_S
            grid = surplus + battery_w
            rows.append(
                (
                    pv,
                    house,
                    grid,
                    battery_w,
                    (soc + new_soc) / 2,
                    max(0.0, -grid),
                    max(0.0, house - pv),
                    max(0.0, grid),
                    0.0,
                )
            )
            soc = new_soc
        if len(self._chunks) > 500:
            self._chunks.clear()
        self._chunks[day] = rows
        return rows

    def history_values(self, bucket: int) -> Sequence[float]:
        """Day-by-day replay of the battery policy at 15-minute resolution."""
        assert self.site is not None
        local = self.site.climate.local
        ts = bucket * BUCKET_S + BUCKET_S / 2
        day = local.day(ts)
        rows = self._chunk(day)
        first = int(local.midnight(day * 86400 + 43200) // BUCKET_S)
        index = min(bucket - first, len(rows) - 1)
        return rows[index]

    # -- payload ----------------------------------------------------------------------

    def specific(self) -> dict[str, Any]:
        """Inverter keys in API order."""
        out = dict(self.settings)
        has_battery = self._battery() is not None
        out.update(
            {
                "current_power_to_grid_w": round(self.grid_w),
                "current_solar_production_w": round(self.pv_w),
                "household_consumption_w": round(self.house_w),
                "solar_surplus_w": round(self.pv_w - self.house_w),
                "battery_charge_level_percent": round(self.soc)
                if has_battery
                else None,
                "battery_charge_discharge_power_w": round(self.battery_w),
            }
        )
        return out

    def patch_state(self, key: str, value: Any) -> bool:
        """Raw PATCH of the battery level changes the model."""
        if (
            key == "battery_charge_level_percent"
            and not isinstance(value, bool)
            and isinstance(value, int | float)
        ):
            self.soc = float(value)
            return True
        return False
