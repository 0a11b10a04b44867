"""Savings and heat-pump statistics."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from podero_simulator import Simulator

from .helpers import START, Api, device_id

UNITS = {
    "savings.total": "EUR",
    "savings.percentage": "%",
    "consumption.total": "kWh",
    "estimated_consumption_wh": "Wh",
    "average_charge_power_w": "W",
    "solar_production_wh": "Wh",
    "grid_export_wh": "Wh",
}


async def savings(
    api: Api, sim: Simulator, kind: str, query: dict[str, Any], status: int = 200
) -> Any:
    """GET ``/savings`` of the demo device."""
    return await api.get(f"{kind}/{device_id(sim, kind)}/savings", status, params=query)


async def test_monthly_heat_pump_savings(api: Api, sim: Simulator) -> None:
    """Monthly items with periods, totals and the heat-pump section; units in metadata."""
    body = await savings(
        api, sim, "heat-pumps", {"from": "2025-11-01", "to": "2026-01-15T11:00:00Z"}
    )
    assert body["metadata"]["units"] == UNITS
    assert body["metadata"]["error"] is None
    assert [item["period"]["start_period"] for item in body["data"]] == [
        "2025-11-01T00:00:00Z",
        "2025-12-01T00:00:00Z",
        "2026-01-01T00:00:00Z",
    ]
    december = body["data"][1]
    assert december["resolution"] == "1MONTH"
    assert december["consumption"]["total"] == pytest.approx(
        december["heat_pump"]["estimated_consumption_wh"] / 1000, abs=0.001
    )
    assert december["savings"]["total"] > 0
    assert 0 < december["savings"]["percentage"] < 50
    assert december["electric_vehicle"] is None


async def test_consumption_matches_the_time_series(api: Api, sim: Simulator) -> None:
    """A day's consumption equals the day's ``/data`` energy."""
    day = {
        "from": "2026-01-10T00:00:00Z",
        "to": "2026-01-11T00:00:00Z",
        "resolution": "1DAY",
    }
    total = (await savings(api, sim, "heat-pumps", day))["data"][0]["consumption"][
        "total"
    ]
    points = await api.get(
        f"heat-pumps/{device_id(sim, 'heat-pumps')}/data",
        params={
            "from_datetime": day["from"],
            "to_datetime": day["to"],
            "resolution": "1DAY",
        },
    )
    assert total == pytest.approx(
        points["data"][0]["estimated_consumption"] / 1000, abs=0.001
    )


async def test_ev_savings_count_sessions(api: Api, sim: Simulator) -> None:
    """The EV section counts sessions and reports the average charge power."""
    body = await savings(
        api,
        sim,
        "electric-vehicles",
        {"from": "2026-01-01", "to": "2026-01-08", "resolution": "1WEEK"},
    )
    sections = [item["electric_vehicle"] for item in body["data"]]
    assert sum(section["charge_session_count"] for section in sections) >= 4
    assert {section["average_charge_power_w"] for section in sections} == {7400}


async def test_inverter_savings_report_production_and_export(
    api: Api, sim: Simulator
) -> None:
    """The inverter section carries production and export energy."""
    body = await savings(
        api,
        sim,
        "inverters",
        {"from": "2025-12-01", "to": "2026-01-01", "resolution": "1QUARTER"},
    )
    section = body["data"][0]["inverter"]
    assert section["solar_production_wh"] > 0
    assert section["grid_export_wh"] >= 0


async def test_savings_need_from_and_to(api: Api, sim: Simulator) -> None:
    """Both bounds are required."""
    body = await savings(api, sim, "heat-pumps", {"to": "2026-01-01"}, 422)
    assert body["detail"][0]["loc"] == ["query", "from"]
    body = await savings(api, sim, "heat-pumps", {"from": "2026-01-01"}, 422)
    assert body["detail"][0]["loc"] == ["query", "to"]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"from": "2026-01-02", "to": "2026-01-01"}, "from"),
        (
            {"from": "2026-01-01", "to": "2026-01-02", "resolution": "1HOUR"},
            "resolution",
        ),
        ({"from": "soon", "to": "2026-01-02"}, "from"),
        ({"from": "2000-01-01", "to": "2026-01-02", "resolution": "1DAY"}, "to"),
    ],
)
async def test_bad_savings_query_is_422(
    api: Api, sim: Simulator, params: dict[str, Any], name: str
) -> None:
    """Order, resolution, format and size checks."""
    body = await savings(api, sim, "heat-pumps", params, 422)
    assert body["detail"][0]["loc"] == ["query", name]


async def test_statistics_report_current_periods(api: Api, sim: Simulator) -> None:
    """One item per requested resolution, for the period containing now."""
    body = await api.get(
        f"heat-pumps/{device_id(sim, 'heat-pumps')}/statistics",
        params={"resolution": "1DAY,1MONTH,1YEAR"},
    )
    periods = [
        (item["resolution"], item["period"]["start_period"]) for item in body["data"]
    ]
    assert periods == [
        ("1DAY", "2026-01-15T00:00:00Z"),
        ("1MONTH", "2026-01-01T00:00:00Z"),
        ("1YEAR", "2026-01-01T00:00:00Z"),
    ]
    assert (
        body["data"][2]["consumption"]["total"]
        >= body["data"][1]["consumption"]["total"]
    )
    assert body["metadata"]["units"] == UNITS


async def test_statistics_default_to_today_with_both_keywords(
    api: Api, sim: Simulator
) -> None:
    """Defaults: ``1DAY`` and both keywords."""
    body = await api.get(f"heat-pumps/{device_id(sim, 'heat-pumps')}/statistics")
    assert len(body["data"]) == 1
    assert body["data"][0]["savings"] is not None
    assert body["data"][0]["consumption"] is not None


async def test_statistics_keywords_select_sections(api: Api, sim: Simulator) -> None:
    """``keywords=consumption`` leaves ``savings`` null."""
    body = await api.get(
        f"heat-pumps/{device_id(sim, 'heat-pumps')}/statistics",
        params={"keywords": "consumption"},
    )
    assert body["data"][0]["savings"] is None
    assert body["data"][0]["consumption"]["total"] > 0


async def test_statistics_reject_unknown_resolution(api: Api, sim: Simulator) -> None:
    """Only 1DAY..1YEAR."""
    body = await api.get(
        f"heat-pumps/{device_id(sim, 'heat-pumps')}/statistics",
        422,
        params={"resolution": "1DAY,15MIN"},
    )
    assert body["detail"][0]["loc"] == ["query", "resolution"]


async def test_statistics_include_live_consumption(api: Api, sim: Simulator) -> None:
    """Today's total grows as simulated time passes."""
    path = f"heat-pumps/{device_id(sim, 'heat-pumps')}/statistics"
    before = (await api.get(path))["data"][0]["consumption"]["total"]
    sim.advance(timedelta(hours=2).total_seconds())
    after = (await api.get(path))["data"][0]["consumption"]["total"]
    assert after > before
    assert START.hour == 11
