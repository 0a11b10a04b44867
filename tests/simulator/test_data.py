"""Time series: resolutions, fill-missing, keywords, and energy = integral of power."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from podero_simulator import SIMULATOR, Simulator, create_app

from .helpers import START, Api, ManualClock, device_id

HP = "heat-pumps"
EV = "electric-vehicles"
INV = "inverters"


def window(start: datetime, end: datetime, **extra: Any) -> dict[str, Any]:
    """Query parameters for a range."""
    return {"from_datetime": start.isoformat(), "to_datetime": end.isoformat(), **extra}


async def data(
    api: Api,
    sim: Simulator,
    kind: str,
    status: int = 200,
    fill: bool = False,
    **params: Any,
) -> Any:
    """GET the ``/data`` of the demo device of ``kind``."""
    headers = {"fill-missing": "true"} if fill else {}
    return await api.get(
        f"{kind}/{device_id(sim, kind)}/data", status, params=params, headers=headers
    )


async def test_default_is_the_last_day_in_15_minute_buckets(
    api: Api, sim: Simulator
) -> None:
    """No parameters: 24 h before now, 15MIN, 96 points."""
    body = await data(api, sim, HP)
    assert len(body["data"]) == 96
    assert body["data"][0]["time"] == "2026-01-14T11:00:00Z"
    assert body["metadata"]["resolution"] == "15MIN"


@pytest.mark.parametrize(
    ("resolution", "count"),
    [("15MIN", 96), ("1HOUR", 24), ("1DAY", 1), ("1WEEK", 1), ("1MONTH", 1)],
)
async def test_resolutions_bucket_the_range(
    api: Api, sim: Simulator, resolution: str, count: int
) -> None:
    """Each resolution yields one point per (UTC) period of the range."""
    day = datetime(2026, 1, 13, tzinfo=UTC)
    body = await data(
        api, sim, HP, **window(day, day + timedelta(days=1), resolution=resolution)
    )
    assert len(body["data"]) == count


async def test_history_reaches_back_at_least_60_days(api: Api, sim: Simulator) -> None:
    """Pre-start history exists 60 days back for every data device."""
    start = START - timedelta(days=60)
    for kind in (HP, EV, INV):
        body = await data(api, sim, kind, **window(start, start + timedelta(hours=1)))
        assert len(body["data"]) == 4


async def test_no_data_without_fill_missing_is_400(api: Api, sim: Simulator) -> None:
    """A range with no data at all → 400 unless ``fill-missing``."""
    body = await data(
        api,
        sim,
        HP,
        400,
        **window(START + timedelta(days=1), START + timedelta(days=2)),
    )
    assert "detail" in body


async def test_no_data_with_fill_missing_is_one_null_point(
    api: Api, sim: Simulator
) -> None:
    """``fill-missing: true`` and nothing recorded → one all-null point at ``from``."""
    start = START + timedelta(days=1)
    body = await data(
        api, sim, HP, fill=True, **window(start, start + timedelta(days=1))
    )
    assert body["data"] == [
        {
            "time": "2026-01-16T11:00:00Z",
            "price": None,
            "inlet_temp_act": None,
            "hot_water_temp": None,
            "estimated_consumption": None,
            "simulated_consumption": None,
            "unoptimized_consumption": None,
            "estimated_consumption_filtered": None,
        }
    ]


async def test_partial_range_is_filled_with_nulls(api: Api, sim: Simulator) -> None:
    """Half the range after now: the missing half is null with ``fill-missing``, absent without."""
    rng = window(START - timedelta(hours=1), START + timedelta(hours=1))
    filled = await data(api, sim, HP, fill=True, **rng)
    plain = await data(api, sim, HP, **rng)
    assert len(filled["data"]) == 8
    assert [point["estimated_consumption"] is None for point in filled["data"]] == [
        False
    ] * 4 + [True] * 4
    assert plain["data"] == filled["data"][:4]


async def test_fill_missing_false_behaves_like_absent(api: Api, sim: Simulator) -> None:
    """The header parses as a boolean."""
    response = await api.request(
        "GET",
        f"{HP}/{device_id(sim, HP)}/data",
        headers={"fill-missing": "false"},
        params=window(START + timedelta(days=1), START + timedelta(days=2)),
    )
    assert response.status == 400


async def test_keywords_select_columns(api: Api, sim: Simulator) -> None:
    """``keywords`` limits each point to ``time`` plus the chosen fields."""
    body = await data(
        api,
        sim,
        EV,
        **window(
            START - timedelta(hours=1), START, keywords="battery_level,is_charging"
        ),
    )
    assert set(body["data"][0]) == {"time", "battery_level", "is_charging"}


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"resolution": "5MIN"}, "resolution"),
        ({"keywords": "battery_level"}, "keywords"),
        ({"from_datetime": "yesterday"}, "from_datetime"),
        (
            {
                "from_datetime": "2026-01-15T12:00:00Z",
                "to_datetime": "2026-01-15T11:00:00Z",
            },
            "from_datetime",
        ),
        ({"from_datetime": "2020-01-01T00:00:00Z"}, "to_datetime"),
    ],
)
async def test_bad_query_is_422(
    api: Api, sim: Simulator, params: dict[str, Any], name: str
) -> None:
    """Enum, keyword, datetime, ordering and size checks."""
    body = await data(api, sim, HP, 422, **params)
    assert body["detail"][0]["loc"] == ["query", name]


async def test_bad_fill_missing_header_is_422(api: Api, sim: Simulator) -> None:
    """A non-boolean header fails validation."""
    response = await api.request(
        "GET", f"{HP}/{device_id(sim, HP)}/data", headers={"fill-missing": "perhaps"}
    )
    assert response.status == 422
    assert (await response.json())["detail"][0]["loc"] == ["header", "fill-missing"]


async def test_wallbox_has_no_data_endpoint(api: Api, sim: Simulator) -> None:
    """The wallbox has no documented time series."""
    response = await api.request("GET", f"wallboxes/{device_id(sim, 'wallboxes')}/data")
    assert response.status == 404


def _sum(points: list[dict[str, Any]], field: str, scale: float = 1.0) -> float:
    return float(
        sum(point[field] * scale for point in points if point[field] is not None)
    )


async def test_history_energy_equals_the_integral(api: Api, sim: Simulator) -> None:
    """Pre-start: the 15-minute series sums to the simulator's energy within 0.1 %."""
    start, end = START - timedelta(days=2), START
    points = (await data(api, sim, HP, **window(start, end)))["data"]
    truth = sim.energy_wh(device_id(sim, HP), "estimated_consumption", start, end)
    assert truth > 10_000
    assert _sum(points, "estimated_consumption") == pytest.approx(truth, rel=1e-3)


async def test_live_energy_equals_the_integral(api: Api, sim: Simulator) -> None:
    """Across the start and live toggles, energy and average power agree with the truth."""
    await api.request("POST", f"{EV}/{device_id(sim, EV)}/boost")
    sim.advance(3 * 3600)
    await api.put(f"{HP}/{device_id(sim, HP)}", {"is_smart_optimization_active": False})
    sim.advance(5 * 3600 + 420)
    start, end = START - timedelta(hours=6), START + timedelta(hours=8)
    for kind, field, scale in (
        (HP, "estimated_consumption", 1.0),
        (EV, "estimated_consumption", 1.0),
        (INV, "estimated_consumption", 1.0),
        (INV, "solar_production_w", 0.25),
        (INV, "household_consumption_w", 0.25),
    ):
        points = (await data(api, sim, kind, **window(start, end)))["data"]
        truth = sim.energy_wh(device_id(sim, kind), field, start, end)
        assert _sum(points, field, scale) == pytest.approx(truth, rel=1e-3, abs=0.5), (
            kind,
            field,
        )


async def test_coarser_resolutions_sum_the_same_energy(
    api: Api, sim: Simulator
) -> None:
    """1HOUR and 1DAY points hold the same energy as the 15MIN ones."""
    start, end = START - timedelta(days=3), START - timedelta(days=1)
    fine = _sum(
        (await data(api, sim, HP, **window(start, end)))["data"],
        "estimated_consumption",
    )
    for resolution in ("1HOUR", "1DAY"):
        coarse = (
            await data(api, sim, HP, **window(start, end, resolution=resolution))
        )["data"]
        assert _sum(coarse, "estimated_consumption") == pytest.approx(fine, rel=1e-6)


async def test_boost_shows_up_in_ev_history(api: Api, sim: Simulator) -> None:
    """One boosted hour at 7.4 kW is 7400 Wh in the EV series and the truth."""
    await api.put("charging-config", {"smart_charging_mode": "spot"})
    await api.put(
        f"{EV}/{device_id(sim, EV)}",
        {"is_charge_policy_enabled": False, "minimum_charge_limit": 50},
    )
    await api.request("POST", f"{EV}/{device_id(sim, EV)}/boost")
    sim.advance(3606)
    sim.set_plugged_in(device_id(sim, EV), False)
    sim.advance(3600)
    points = (await data(api, sim, EV, **window(START, START + timedelta(hours=2))))[
        "data"
    ]
    assert _sum(points, "estimated_consumption") == pytest.approx(7400, abs=0.01)
    truth = sim.energy_wh(
        device_id(sim, EV), "power", START, START + timedelta(hours=2)
    )
    assert truth == pytest.approx(7400)
    assert points[0]["is_charging"] is True
    assert points[0]["is_plugged_in"] is True


async def test_prices_are_eur_per_mwh(api: Api, sim: Simulator) -> None:
    """Prices are plausible spot prices in EUR/MWh and vary over the day."""
    points = (
        await data(
            api, sim, HP, **window(START - timedelta(days=1), START, resolution="1HOUR")
        )
    )["data"]
    prices = [point["price"] for point in points]
    assert 0 < min(prices) < max(prices) < 400
    assert body_units(await data(api, sim, HP))["price"] == "EUR/MWh"


def body_units(body: dict[str, Any]) -> dict[str, str]:
    """Units block of a ``/data`` response."""
    units: dict[str, str] = body["metadata"]["units"]
    return units


async def test_history_is_deterministic_per_seed(clock: ManualClock) -> None:
    """Equal seeds give equal history; another seed differs."""
    values = []
    for seed in (3, 3, 4):
        other = create_app(seed=seed, clock=clock)[SIMULATOR]
        device = other.device(device_id(other, HP))
        values.append(device.bucket(device.store.base - 500))
    assert values[0] == values[1]
    assert values[0] != values[2]


async def test_energy_truth_before_creation_is_zero(sim: Simulator) -> None:
    """Nothing exists before the device was created."""
    assert (
        sim.energy_wh(
            device_id(sim, HP),
            "power",
            START - timedelta(days=400),
            START - timedelta(days=300),
        )
        == 0
    )


async def test_energy_truth_handles_partial_buckets_pro_rata(sim: Simulator) -> None:
    """Half a bucket counts half its energy; an empty range counts nothing."""
    hp = device_id(sim, HP)
    start = START - timedelta(hours=2)
    whole = sim.energy_wh(hp, "power", start, start + timedelta(minutes=15))
    half = sim.energy_wh(hp, "power", start, start + timedelta(minutes=7, seconds=30))
    assert half == pytest.approx(whole / 2)
    assert sim.energy_wh(hp, "power", start, start) == 0


async def test_start_bucket_joins_history_and_live_data(clock: ManualClock) -> None:
    """A start in mid-bucket: that bucket holds the generated head plus the live tail."""
    clock.tick(450)
    sim = create_app(clock=clock)[SIMULATOR]
    hp = sim.device(device_id(sim, HP))
    first = hp.bucket(hp.store.base)
    assert first is not None
    assert first[0] == 450
    sim.advance(900)
    sim.sync()
    whole = hp.bucket(hp.store.base)
    assert whole is not None
    assert whole[0] == pytest.approx(900)
    truth = sim.energy_wh(hp.id, "power", START, START + timedelta(minutes=15))
    assert truth == pytest.approx(whole[1][0] / 3600)
