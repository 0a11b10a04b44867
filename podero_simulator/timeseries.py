"""``/data`` time series: bucket integrals rendered per resolution and keyword."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .devices.base import Device
from .periods import periods
from .timeutil import BUCKET_S, bucket_of, iso_ts

DATA_RESOLUTIONS = ("15MIN", "1HOUR", "1DAY", "1WEEK", "1MONTH")
MAX_POINTS = 50_000
UNITS = {
    "price": "EUR/MWh",
    "consumption": "Wh per period",
    "*_w": "W (average over the period)",
    "temperature": "°C (average over the period)",
    "percent": "% (average over the period)",
}


@dataclass(frozen=True)
class Column:
    """One DataPoint field: source series and how buckets combine.

    ``energy`` sums to Wh, ``mean`` is the time average, ``any`` is true if the
    flag was set at any time, ``price`` is the time-weighted spot price, ``true``
    is a constant flag.
    """

    field: str
    series: str | None
    agg: str


_PRICE = Column("price", None, "price")
COLUMNS: dict[str, tuple[Column, ...]] = {
    "heat-pumps": (
        _PRICE,
        Column("inlet_temp_act", "inlet", "mean"),
        Column("hot_water_temp", "dhw", "mean"),
        Column("estimated_consumption", "power", "energy"),
        Column("simulated_consumption", "power", "energy"),
        Column("unoptimized_consumption", "unopt_power", "energy"),
        Column("estimated_consumption_filtered", "power", "energy"),
    ),
    "electric-vehicles": (
        _PRICE,
        Column("battery_level", "level", "mean"),
        Column("is_charging", "charging", "any"),
        Column("is_plugged_in", "plugged", "any"),
        Column("is_at_optimized_location", None, "true"),
        Column("estimated_consumption", "power", "energy"),
        Column("unoptimized_consumption", "unopt_power", "energy"),
    ),
    "inverters": (
        _PRICE,
        Column("solar_production_w", "pv", "mean"),
        Column("export_power_to_grid_w", "grid", "mean"),
        Column("household_consumption_w", "house", "mean"),
        Column("battery_charge_level_percent", "soc", "mean"),
        Column("battery_charge_discharge_power_w", "battery", "mean"),
        Column("estimated_consumption", "import", "energy"),
        Column("unoptimized_consumption", "unopt_import", "energy"),
    ),
}
KEYWORDS: dict[str, tuple[str, ...]] = {
    "heat-pumps": ("inlet_temp_act", "hot_water_temp", "estimated_consumption", "unoptimized_consumption", "price"),
    "electric-vehicles": (
        "price", "battery_level", "is_charging", "is_plugged_in", "is_at_optimized_location",
        "estimated_consumption", "unoptimized_consumption",
    ),
    "inverters": (
        "export_power_to_grid_w", "battery_charge_level_percent", "battery_charge_discharge_power_w",
        "household_consumption_w", "solar_production_w",
    ),
}  # fmt: skip


def series_for_field(kind: str, field: str) -> str:
    """Map an API field name to its internal series (internal names pass through)."""
    for column in COLUMNS.get(kind, ()):
        if column.field == field and column.series is not None:
            return column.series
    return field


def aggregate(
    device: Device, start: float, end: float
) -> tuple[float, list[float], float]:
    """(covered seconds, integrals per series, price × seconds) over buckets in [start, end)."""
    covered = 0.0
    sums = [0.0] * len(device.series)
    price_weighted = 0.0
    for index in range(bucket_of(start), bucket_of(end - 1e-6) + 1):
        found = device.bucket(index)
        if found is None:
            continue
        seconds, integrals = found
        covered += seconds
        for position, value in enumerate(integrals):
            sums[position] += value
        price_weighted += device.price(index) * seconds
    return covered, sums, price_weighted


def _point(
    time: float,
    columns: tuple[Column, ...],
    device: Device,
    agg: tuple[float, list[float], float] | None,
) -> dict[str, Any]:
    point: dict[str, Any] = {"time": iso_ts(time)}
    for column in columns:
        if agg is None:
            point[column.field] = None
            continue
        covered, sums, price_weighted = agg
        value = (
            sums[device.series.index(column.series)]
            if column.series is not None
            else 0.0
        )
        if column.agg == "energy":
            point[column.field] = round(value / 3600.0, 3)
        elif column.agg == "mean":
            point[column.field] = round(value / covered, 2)
        elif column.agg == "any":
            point[column.field] = value > 0
        elif column.agg == "price":
            point[column.field] = round(price_weighted / covered, 2)
        else:
            point[column.field] = True
    return point


def data_points(
    device: Device,
    start: float,
    end: float,
    resolution: str,
    keywords: list[str] | None,
    *,
    fill_missing: bool,
) -> list[dict[str, Any]] | None:
    """DataPoints of the range; None when there is no data and ``fill_missing`` is off.

    Points are labelled with the start of their period (the resolution boundary at
    or before ``start`` for the first one) but only cover the requested range. With
    ``fill_missing`` every period is returned (null values where nothing was
    recorded) and a range without any data yields one all-null point at ``start``.
    """
    columns = COLUMNS[device.kind]
    if keywords is not None:
        columns = tuple(column for column in columns if column.field in keywords)
    points: list[dict[str, Any]] = []
    found_any = False
    for period_start, period_end in periods(start, end, resolution, MAX_POINTS):
        agg = aggregate(
            device, max(period_start, start - start % BUCKET_S), min(period_end, end)
        )
        if agg[0] > 0:
            found_any = True
            points.append(_point(period_start, columns, device, agg))
        elif fill_missing:
            points.append(_point(period_start, columns, device, None))
    if found_any:
        return points
    if not fill_missing:
        return None
    return [_point(start, columns, device, None)]
