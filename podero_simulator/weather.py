"""Site climate: outdoor temperature, solar irradiance and household base load."""

from __future__ import annotations

from dataclasses import dataclass, field
import math

from . import noise
from .timeutil import BUCKET_S, DAY_S, LocalTime

_YEAR_DAYS = 365.2422


@dataclass
class Climate:
    """Weather and habits at one building; every value is a pure function of time."""

    latitude: float
    longitude: float
    tz_name: str
    seed: int
    temp_offset: float = 0.0
    base_load_w: float = 320.0
    local: LocalTime = field(init=False, repr=False)
    _cells: dict[int, float] = field(init=False, repr=False)
    _clear: dict[int, float] = field(init=False, repr=False)
    _loads: dict[int, float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Prepare the local-time converter and the per-day/per-bucket caches."""
        self.local = LocalTime(self.tz_name)
        self._cells = {}
        self._clear = {}
        self._loads = {}

    def _weather_cell(self, cell: int) -> float:
        # Day-to-day weather noise, one value per 1.7-day cell (hash once, reuse).
        cached = self._cells.get(cell)
        if cached is None:
            if len(self._cells) > 4096:
                self._cells.clear()
            cached = noise.signed(self.seed + 1, cell)
            self._cells[cell] = cached
        return cached

    def _solar_hour(self, ts: float) -> float:
        # Weather follows the sun rather than the clock, so skip the time zone.
        return ((ts % DAY_S) / 3600.0 + self.longitude / 15.0) % 24.0

    def outdoor_temp(self, ts: float) -> float:
        """Outdoor air temperature in °C (central-European seasons and days)."""
        doy = (ts / DAY_S) % _YEAR_DAYS
        seasonal = 10.5 - 11.0 * math.cos(2 * math.pi * (doy - 18) / _YEAR_DAYS)
        diurnal = 4.5 * math.cos(2 * math.pi * (self._solar_hour(ts) - 15.0) / 24.0)
        x = ts / DAY_S / 1.7
        cell = math.floor(x)
        left, right = self._weather_cell(cell), self._weather_cell(cell + 1)
        weight = (1.0 - math.cos((x - cell) * math.pi)) / 2.0
        weather = 3.5 * (left + (right - left) * weight)
        return seasonal + diurnal + weather + self.temp_offset

    def clearness(self, ts: float) -> float:
        """Share of clear-sky irradiance reaching the panels that day (clouds)."""
        day = int(ts // DAY_S)
        cached = self._clear.get(day)
        if cached is None:
            if len(self._clear) > 4096:
                self._clear.clear()
            cached = 0.25 + 0.75 * noise.unit(self.seed + 2, day)
            self._clear[day] = cached
        return cached

    def pv_fraction(self, ts: float) -> float:
        """PV output as a fraction of the rated peak power; 0 at night."""
        doy = (ts / DAY_S) % _YEAR_DAYS
        declination = math.radians(23.44) * math.sin(2 * math.pi * (284 + doy) / 365.0)
        hour_angle = math.radians(15.0 * (self._solar_hour(ts) - 12.0))
        lat = math.radians(self.latitude)
        sin_elevation = math.sin(lat) * math.sin(declination) + math.cos(
            lat
        ) * math.cos(declination) * math.cos(hour_angle)
        if sin_elevation <= 0.0:
            return 0.0
        return 0.85 * self.clearness(ts) * math.pow(sin_elevation, 1.15)

    def base_load(self, bucket: int) -> float:
        """Household base load in W (everything but the managed devices), per bucket."""
        cached = self._loads.get(bucket)
        if cached is not None:
            return cached
        if len(self._loads) > 20_000:
            self._loads.clear()
        ts = bucket * BUCKET_S + BUCKET_S / 2
        hour = self.local.hour(ts)
        morning = 450.0 * math.exp(-(((hour - 7.3) / 1.0) ** 2))
        evening = 900.0 * math.exp(-(((hour - 19.2) / 1.8) ** 2))
        midday = 250.0 * math.exp(-(((hour - 12.5) / 1.2) ** 2))
        jitter = 1.0 + 0.25 * noise.signed(self.seed + 3, bucket)
        load = (self.base_load_w + morning + evening + midday) * jitter
        self._loads[bucket] = load
        return load
