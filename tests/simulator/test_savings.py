"""Savings and heat-pump statistics."""

from typing import Any

import pytest

from podero_simulator import Simulator

from .helpers import EV, HP, INV, Api

UNITS = {
    "savings.total": "EUR", "savings.percentage": "%", "consumption.total": "kWh",
    "estimated_consumption_wh": "Wh", "average_charge_power_w": "W",
    "solar_production_wh": "Wh", "grid_export_wh": "Wh",
}  # fmt: skip


async def savings(api: Api, kind: str, status: int = 200, **params: Any) -> Any:
    """GET ``/savings`` of the demo device of ``kind``."""
    return await api.get(api.device(kind, "/savings"), status, params=params)


async def statistics(api: Api, status: int = 200, **params: Any) -> Any:
    """GET ``/statistics`` of the demo heat pump."""
    return await api.get(api.device(HP, "/statistics"), status, params=params)


def span(start: str, end: str, **extra: str) -> dict[str, str]:
    """``from``/``to`` (and e.g. ``resolution``) query parameters."""
    return {"from": start, "to": end, **extra}


async def test_monthly_heat_pump_savings(api: Api) -> None:
    """Monthly items with periods, totals and the heat-pump section; units in metadata."""
    body = await savings(api, HP, **span("2025-11-01", "2026-01-15T11:00:00Z"))
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


async def test_consumption_matches_the_time_series(api: Api) -> None:
    """A day's consumption equals the day's ``/data`` energy."""
    start, end = "2026-01-10T00:00:00Z", "2026-01-11T00:00:00Z"
    day = (await savings(api, HP, **span(start, end, resolution="1DAY")))["data"][0]
    query = {"from_datetime": start, "to_datetime": end, "resolution": "1DAY"}
    point = (await api.get(api.device(HP, "/data"), params=query))["data"][0]
    expected = point["estimated_consumption"] / 1000
    assert day["consumption"]["total"] == pytest.approx(expected, abs=0.001)


async def test_ev_savings_count_sessions(api: Api) -> None:
    """The EV section counts sessions and reports the average charge power."""
    body = await savings(
        api, EV, **span("2026-01-01", "2026-01-08", resolution="1WEEK")
    )
    sections = [item["electric_vehicle"] for item in body["data"]]
    assert sum(section["charge_session_count"] for section in sections) >= 4
    assert {section["average_charge_power_w"] for section in sections} == {7400}


async def test_inverter_savings_report_production_and_export(api: Api) -> None:
    """The inverter section carries production and export energy."""
    body = await savings(
        api, INV, **span("2025-12-01", "2026-01-01", resolution="1QUARTER")
    )
    section = body["data"][0]["inverter"]
    assert section["solar_production_wh"] > 0
    assert section["grid_export_wh"] >= 0


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"to": "2026-01-01"}, "from"),
        ({"from": "2026-01-01"}, "to"),
        (span("2026-01-02", "2026-01-01"), "from"),
        (span("2026-01-01", "2026-01-02", resolution="1HOUR"), "resolution"),
        (span("soon", "2026-01-02"), "from"),
        (span("2000-01-01", "2026-01-02", resolution="1DAY"), "to"),
    ],
)
async def test_bad_savings_query_is_422(
    api: Api, params: dict[str, Any], name: str
) -> None:
    """Both bounds are required; order, resolution, format and size are checked."""
    body = await savings(api, HP, 422, **params)
    assert body["detail"][0]["loc"] == ["query", name]


async def test_statistics_report_current_periods(api: Api) -> None:
    """One item per requested resolution, for the period containing now."""
    body = await statistics(api, resolution="1DAY,1MONTH,1YEAR")
    periods = [(i["resolution"], i["period"]["start_period"]) for i in body["data"]]
    assert periods == [
        ("1DAY", "2026-01-15T00:00:00Z"),
        ("1MONTH", "2026-01-01T00:00:00Z"),
        ("1YEAR", "2026-01-01T00:00:00Z"),
    ]
    month, year = (item["consumption"]["total"] for item in body["data"][1:])
    assert year >= month
    assert body["metadata"]["units"] == UNITS


@pytest.mark.parametrize(
    ("params", "has_savings"), [({}, True), ({"keywords": "consumption"}, False)]
)
async def test_statistics_keywords_select_sections(
    api: Api, params: dict[str, str], has_savings: bool
) -> None:
    """By default today's item has both sections; ``keywords=consumption`` nulls savings."""
    body = await statistics(api, **params)
    assert len(body["data"]) == 1
    assert (body["data"][0]["savings"] is not None) is has_savings
    assert body["data"][0]["consumption"]["total"] > 0


async def test_statistics_reject_unknown_resolution(api: Api) -> None:
    """Only 1DAY..1YEAR."""
    body = await statistics(api, 422, resolution="1DAY,15MIN")
    assert body["detail"][0]["loc"] == ["query", "resolution"]


async def test_statistics_include_live_consumption(api: Api, sim: Simulator) -> None:
    """Today's total grows as simulated time passes."""
    before = (await statistics(api))["data"][0]["consumption"]["total"]
    sim.advance(2 * 3600)
    assert (await statistics(api))["data"][0]["consumption"]["total"] > before
