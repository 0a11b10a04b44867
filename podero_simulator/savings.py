"""Savings and statistics: cost of the optimised vs the unoptimised consumption."""

from __future__ import annotations

from typing import Any

from .devices.base import Device
from .devices.electric_vehicle import ElectricVehicle
from .periods import period_end, period_start, periods
from .timeutil import bucket_of, iso_ts

SAVINGS_RESOLUTIONS = ("1DAY", "1WEEK", "1MONTH", "1QUARTER", "1YEAR")
STATISTICS_KEYWORDS = ("savings", "consumption")
MAX_PERIODS = 5000
UNITS = {
    "savings.total": "EUR",
    "savings.percentage": "%",
    "consumption.total": "kWh",
    "estimated_consumption_wh": "Wh",
    "average_charge_power_w": "W",
    "solar_production_wh": "Wh",
    "grid_export_wh": "Wh",
}
# (optimised series, unoptimised counterfactual) whose cost difference is the saving.
_CONSUMPTION = {
    "heat-pumps": ("power", "unopt_power"),
    "electric-vehicles": ("power", "unopt_power"),
    "inverters": ("import", "unopt_import"),
}


def _totals(device: Device, start: float, end: float) -> dict[str, float]:
    """Energies (Wh) and costs (EUR) over [start, end)."""
    used, unopt = _CONSUMPTION[device.kind]
    names = device.series
    used_i, unopt_i = names.index(used), names.index(unopt)
    totals = dict.fromkeys(
        ("used", "unopt", "cost", "unopt_cost", "charging_s", "pv", "export"), 0.0
    )
    if end <= start:
        return totals
    for index in range(bucket_of(start), bucket_of(end - 1e-6) + 1):
        found = device.bucket(index)
        if found is None:
            continue
        integrals = found[1]
        price = device.price(index)
        used_wh = integrals[used_i] / 3600.0
        unopt_wh = integrals[unopt_i] / 3600.0
        totals["used"] += used_wh
        totals["unopt"] += unopt_wh
        totals["cost"] += used_wh * price / 1e6
        totals["unopt_cost"] += unopt_wh * price / 1e6
        if device.kind == "electric-vehicles":
            totals["charging_s"] += integrals[names.index("charging")]
        elif device.kind == "inverters":
            totals["pv"] += integrals[names.index("pv")] / 3600.0
            totals["export"] += integrals[names.index("export")] / 3600.0
    return totals


def _item(
    device: Device,
    resolution: str,
    period: tuple[float, float],
    span: tuple[float, float],
    keywords: tuple[str, ...],
) -> dict[str, Any]:
    """StatisticsData for ``period``, computed over ``span`` (the requested part of it)."""
    start, end = period
    totals = _totals(device, *span)
    saving = totals["unopt_cost"] - totals["cost"]
    percentage = (
        round(100.0 * saving / totals["unopt_cost"], 2)
        if totals["unopt_cost"] > 0
        else None
    )
    item: dict[str, Any] = {
        "resolution": resolution,
        "period": {"start_period": iso_ts(start), "end_period": iso_ts(end)},
        "savings": {"total": round(saving, 4), "percentage": percentage}
        if "savings" in keywords
        else None,
        "consumption": {"total": round(totals["used"] / 1000.0, 3)}
        if "consumption" in keywords
        else None,
        "heat_pump": None,
        "electric_vehicle": None,
        "inverter": None,
    }
    if device.kind == "heat-pumps":
        item["heat_pump"] = {"estimated_consumption_wh": round(totals["used"], 1)}
    elif isinstance(device, ElectricVehicle):
        hours = totals["charging_s"] / 3600.0
        sessions = [
            *device.all_sessions(),
            *([device.session] if device.session else []),
        ]
        item["electric_vehicle"] = {
            "estimated_consumption_wh": round(totals["used"], 1),
            "charge_session_count": sum(
                1 for s in sessions if span[0] <= s.plug_ts < span[1]
            ),
            "average_charge_power_w": round(totals["used"] / hours) if hours > 0 else 0,
        }
    else:
        item["inverter"] = {
            "solar_production_wh": round(totals["pv"], 1),
            "grid_export_wh": round(totals["export"], 1),
        }
    return item


def savings(
    device: Device, start: float, end: float, resolution: str, now: float
) -> list[dict[str, Any]]:
    """One item per period of ``resolution`` overlapping [start, end)."""
    return [
        _item(
            device,
            resolution,
            (p_start, p_end),
            (max(p_start, start), min(p_end, end, now)),
            STATISTICS_KEYWORDS,
        )
        for p_start, p_end in periods(start, end, resolution, MAX_PERIODS)
    ]


def statistics(
    device: Device, resolutions: list[str], keywords: tuple[str, ...], now: float
) -> list[dict[str, Any]]:
    """For each resolution, the period containing now (to date)."""
    out = []
    for resolution in resolutions:
        start = period_start(now, resolution)
        period = (start, period_end(start, resolution))
        out.append(_item(device, resolution, period, (start, now), keywords))
    return out


def metadata(now: float, query: dict[str, Any]) -> dict[str, Any]:
    """StatisticsMetadata with the units used."""
    return {"requested_at": iso_ts(now), "query": query, "units": UNITS, "error": None}
