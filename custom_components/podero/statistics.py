"""Podero's 15-minute series as hourly external statistics (`podero:<device>_<series>`).

One request per device and run. The first run backfills; later runs start a few hours before
the last imported hour, so Podero's late corrections replace what was imported. Sums are in UTC
hours, so clock-change days have 23 or 25 local rows.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    get_last_statistics,
    statistics_during_period,
)
from homeassistant.const import UnitOfEnergy
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import EnergyConverter

from .api import (
    DataPoint,
    DeviceKind,
    ElectricVehicle,
    HeatPump,
    PoderoClient,
    SolarInverter,
)
from .const import DOMAIN, EUR, HISTORY_REIMPORT
from .storage import STATISTICS, entry_store

_HOUR = timedelta(hours=1)
# A Podero period value is Wh (consumption fields) or average W over 15 minutes.
_QUARTER_H = 0.25

type Amount = Callable[[DataPoint], float | None]
type Reading = Callable[[DataPoint], float | None]


@dataclass(frozen=True, slots=True)
class Series:
    """One statistic of a device: how to get its amount (kWh or EUR) from a 15-min point."""

    key: str
    name: str
    unit: str
    amount: Amount


def _wh(reading: Reading) -> Amount:
    """Energy reported in Wh per period -> kWh."""

    def amount(point: DataPoint) -> float | None:
        value = reading(point)
        return None if value is None else value / 1000

    return amount


def _mean_w(reading: Reading, sign: int = 1) -> Amount:
    """Average power -> kWh of its positive (or, with sign -1, negative) part.

    Import and export (charge and discharge) are split per 15-minute period: within one
    period only the net flow is known.
    """

    def amount(point: DataPoint) -> float | None:
        value = reading(point)
        return None if value is None else max(sign * value, 0.0) * _QUARTER_H / 1000

    return amount


def _priced(kwh: Amount) -> Amount:
    """Cost in EUR of an energy amount at the period's spot price (EUR/MWh)."""

    def amount(point: DataPoint) -> float | None:
        energy = kwh(point)
        return (
            None
            if energy is None or point.price is None
            else energy * point.price / 1000
        )

    return amount


def _saved(point: DataPoint) -> float | None:
    """Price what optimisation saved in a period (unoptimised minus actual consumption)."""
    before, after = point.unoptimized_consumption, point.estimated_consumption
    if before is None or after is None or point.price is None:
        return None
    return (before - after) / 1000 * point.price / 1000


_CONSUMED = _wh(lambda point: point.estimated_consumption)
_GRID_IMPORT = _mean_w(lambda point: point.export_power_to_grid_w, -1)
_GRID_EXPORT = _mean_w(lambda point: point.export_power_to_grid_w)
_SOLAR = _mean_w(lambda point: point.solar_production_w)
_HOUSEHOLD = _mean_w(lambda point: point.household_consumption_w)
_BATTERY_IN = _mean_w(lambda point: point.battery_charge_discharge_power_w, -1)
_BATTERY_OUT = _mean_w(lambda point: point.battery_charge_discharge_power_w)
_KWH = UnitOfEnergy.KILO_WATT_HOUR


def _series(*rows: tuple[str, str, str, Amount]) -> tuple[Series, ...]:
    return tuple(Series(*row) for row in rows)


# Per device type: key (part of the statistic id, a contract), name suffix, unit, amount.
SERIES: Mapping[DeviceKind, tuple[Series, ...]] = {
    DeviceKind.HEAT_PUMP: _series(
        ("consumption", "consumption", _KWH, _CONSUMED),
        ("cost", "cost", EUR, _priced(_CONSUMED)),
        ("savings", "savings", EUR, _saved),
    ),
    DeviceKind.ELECTRIC_VEHICLE: _series(
        ("charged_energy", "charged energy", _KWH, _CONSUMED),
        ("cost", "charging cost", EUR, _priced(_CONSUMED)),
        ("savings", "savings", EUR, _saved),
    ),
    DeviceKind.SOLAR_INVERTER: _series(
        ("solar_production", "solar production", _KWH, _SOLAR),
        ("grid_import", "grid import", _KWH, _GRID_IMPORT),
        ("grid_export", "grid export", _KWH, _GRID_EXPORT),
        ("household_consumption", "household consumption", _KWH, _HOUSEHOLD),
        ("battery_charge", "battery charge", _KWH, _BATTERY_IN),
        ("battery_discharge", "battery discharge", _KWH, _BATTERY_OUT),
        ("grid_cost", "grid cost", EUR, _priced(_GRID_IMPORT)),
    ),
}
MODELS: Mapping[DeviceKind, type[HeatPump | ElectricVehicle | SolarInverter]] = {
    DeviceKind.HEAT_PUMP: HeatPump,
    DeviceKind.ELECTRIC_VEHICLE: ElectricVehicle,
    DeviceKind.SOLAR_INVERTER: SolarInverter,
}


def statistic_id(device_id: str, series: str) -> str:
    """Return the external statistic id of one series of one device."""
    return f"{DOMAIN}:{device_id.replace('-', '_').lower()}_{series}"


def hourly_amounts(
    points: Iterable[DataPoint], series: Iterable[Series]
) -> dict[str, dict[datetime, float]]:
    """Sum each series' 15-minute amounts into UTC hours; empty periods leave no hour."""
    hours: dict[str, dict[datetime, float]] = {entry.key: {} for entry in series}
    for point in points:
        hour = point.time.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        for entry in series:
            amount = entry.amount(point)
            if amount is not None:
                per_hour = hours[entry.key]
                per_hour[hour] = per_hour.get(hour, 0.0) + amount
    return hours


def records_statistics(hass: HomeAssistant) -> bool:
    """Whether the recorder is there to take statistics."""
    return "recorder" in hass.config.components


async def async_import_statistics(
    hass: HomeAssistant,
    client: PoderoClient,
    *,
    kind: DeviceKind,
    device_id: str,
    name: str,
    now: datetime,
    backfill: timedelta,
) -> set[str]:
    """Import the hours since the last import (or the backfill); return the ids written."""
    series = SERIES[kind]
    ids = {entry.key: statistic_id(device_id, entry.key) for entry in series}
    end = now.replace(minute=0, second=0, microsecond=0)
    start, sums = await _resume_point(hass, list(ids.values()), end, backfill)
    if start >= end:
        return set()
    points = await client.get_time_series(MODELS[kind], device_id, start, end)
    hours = hourly_amounts(points, series)
    written = set()
    for entry in series:
        total = sums.get(ids[entry.key], 0.0)
        rows: list[StatisticData] = []
        for hour in sorted(hours[entry.key]):
            amount = hours[entry.key][hour]
            total += amount
            rows.append(StatisticData(start=hour, state=amount, sum=total))
        if not rows:
            continue
        metadata = StatisticMetaData(
            mean_type=StatisticMeanType.NONE,
            has_sum=True,
            name=f"{name} {entry.name}",
            source=DOMAIN,
            statistic_id=ids[entry.key],
            unit_class=EnergyConverter.UNIT_CLASS if entry.unit != EUR else None,
            unit_of_measurement=entry.unit,
        )
        async_add_external_statistics(hass, metadata, rows)
        written.add(ids[entry.key])
    return written


async def _resume_point(
    hass: HomeAssistant, ids: list[str], end: datetime, backfill: timedelta
) -> tuple[datetime, dict[str, float]]:
    """Where to (re)start importing, and each series' running sum just before that."""
    recorder = get_instance(hass)
    last = await recorder.async_add_executor_job(
        get_last_statistics, hass, 1, ids[0], False, {"sum"}
    )
    rows = last.get(ids[0])
    if not rows:
        return end - backfill, {}
    last_hour = dt_util.utc_from_timestamp(rows[0]["start"])
    start = min(last_hour + _HOUR - HISTORY_REIMPORT, end)
    before = await recorder.async_add_executor_job(
        partial(
            statistics_during_period,
            hass,
            start - backfill,
            start,
            set(ids),
            "hour",
            None,
            {"sum"},
        )
    )
    sums = {
        statistic: float(stat_rows[-1]["sum"] or 0.0)
        for statistic, stat_rows in before.items()
        if stat_rows
    }
    return start, sums


async def async_clear_statistics(hass: HomeAssistant, entry_id: str) -> None:
    """Delete the statistics a (removed) config entry imported."""
    store: Store[dict[str, list[str]]] = entry_store(hass, entry_id, STATISTICS)
    ids = (await store.async_load() or {}).get("statistic_ids", [])
    if ids and records_statistics(hass):
        get_instance(hass).async_clear_statistics(list(ids))
