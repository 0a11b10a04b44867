"""Time series: resolutions, fill-missing, keywords, and energy = integral of power."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from podero_simulator import SIMULATOR, Simulator, create_app

from .helpers import EV, HP, INV, START, WB, Api, ManualClock, device_id

NEXT_DAY = START + timedelta(days=1)
# (device, field, factor to Wh per 15-minute point): energies as they are, powers × 1/4 h.
LIVE_SERIES = [
    (HP, "estimated_consumption", 1.0), (EV, "estimated_consumption", 1.0),
    (INV, "estimated_consumption", 1.0), (INV, "solar_production_w", 0.25),
    (INV, "household_consumption_w", 0.25),
]  # fmt: skip
HP_SERIES = (
    "price", "inlet_temp_act", "hot_water_temp", "estimated_consumption",
    "simulated_consumption", "unoptimized_consumption", "estimated_consumption_filtered",
)  # fmt: skip


def window(start: datetime, end: datetime, **extra: Any) -> dict[str, Any]:
    """Query parameters for a range."""
    return {"from_datetime": start.isoformat(), "to_datetime": end.isoformat(), **extra}


async def data(
    api: Api, kind: str, status: int = 200, fill: str | None = None, **params: Any
) -> Any:
    """GET the ``/data`` of the demo device of ``kind`` (``fill``: the header)."""
    headers = {} if fill is None else {"fill-missing": fill}
    path = api.device(kind, "/data")
    return await api.get(path, status, params=params, headers=headers)


async def points(
    api: Api, kind: str, start: datetime, end: datetime, **extra: Any
) -> Any:
    """The points of ``/data`` over a range."""
    return (await data(api, kind, **window(start, end, **extra)))["data"]


def total(points: list[dict[str, Any]], field: str, scale: float = 1.0) -> float:
    """Sum of a field over the points that have it."""
    return float(sum(p[field] * scale for p in points if p[field] is not None))


async def test_default_is_the_last_day_in_15_minute_buckets(api: Api) -> None:
    """No parameters: 24 h before now, 15MIN, 96 points."""
    body = await data(api, HP)
    assert len(body["data"]) == 96
    assert body["data"][0]["time"] == "2026-01-14T11:00:00Z"
    assert body["metadata"]["resolution"] == "15MIN"


@pytest.mark.parametrize(
    ("resolution", "count"),
    [("15MIN", 96), ("1HOUR", 24), ("1DAY", 1), ("1WEEK", 1), ("1MONTH", 1)],
)
async def test_resolutions_bucket_the_range(
    api: Api, resolution: str, count: int
) -> None:
    """Each resolution yields one point per (UTC) period of the range."""
    day = datetime(2026, 1, 13, tzinfo=UTC)
    found = await points(api, HP, day, day + timedelta(days=1), resolution=resolution)
    assert len(found) == count


@pytest.mark.parametrize("kind", [HP, EV, INV])
async def test_history_reaches_back_at_least_60_days(api: Api, kind: str) -> None:
    """Pre-start history exists 60 days back for every data device."""
    start = START - timedelta(days=60)
    assert len(await points(api, kind, start, start + timedelta(hours=1))) == 4


@pytest.mark.parametrize("fill", [None, "false"])
async def test_no_data_without_fill_missing_is_400(api: Api, fill: str | None) -> None:
    """A range with no data at all → 400 unless ``fill-missing`` (a boolean) is true."""
    rng = window(NEXT_DAY, NEXT_DAY + timedelta(days=1))
    assert "detail" in await data(api, HP, 400, fill, **rng)


async def test_no_data_with_fill_missing_is_one_null_point(api: Api) -> None:
    """``fill-missing: true`` and nothing recorded → one all-null point at ``from``."""
    rng = window(NEXT_DAY, NEXT_DAY + timedelta(days=1))
    body = await data(api, HP, fill="true", **rng)
    assert body["data"] == [{"time": "2026-01-16T11:00:00Z"} | dict.fromkeys(HP_SERIES)]


async def test_partial_range_is_filled_with_nulls(api: Api) -> None:
    """The half of the range after now is null with ``fill-missing``, absent without."""
    rng = window(START - timedelta(hours=1), START + timedelta(hours=1))
    filled = (await data(api, HP, fill="true", **rng))["data"]
    empty = [point["estimated_consumption"] is None for point in filled]
    assert empty == [False] * 4 + [True] * 4
    assert (await data(api, HP, **rng))["data"] == filled[:4]


async def test_keywords_select_columns(api: Api) -> None:
    """``keywords`` limits each point to ``time`` plus the chosen fields."""
    keywords = "battery_level,is_charging"
    found = await points(api, EV, START - timedelta(hours=1), START, keywords=keywords)
    assert set(found[0]) == {"time", "battery_level", "is_charging"}


@pytest.mark.parametrize(
    ("params", "fill", "loc"),
    [
        ({"resolution": "5MIN"}, None, ["query", "resolution"]),
        ({"keywords": "battery_level"}, None, ["query", "keywords"]),
        ({"from_datetime": "yesterday"}, None, ["query", "from_datetime"]),
        (window(START + timedelta(hours=1), START), None, ["query", "from_datetime"]),
        ({"from_datetime": "2020-01-01T00:00:00Z"}, None, ["query", "to_datetime"]),
        ({}, "perhaps", ["header", "fill-missing"]),
    ],
)
async def test_bad_query_is_422(
    api: Api, params: dict[str, Any], fill: str | None, loc: list[str]
) -> None:
    """Enum, keyword, datetime, ordering, size and boolean-header checks."""
    body = await data(api, HP, 422, fill, **params)
    assert body["detail"][0]["loc"] == loc


async def test_wallbox_has_no_data_endpoint(api: Api) -> None:
    """The wallbox has no documented time series."""
    assert await api.status("GET", api.device(WB, "/data")) == 404


async def test_history_energy_equals_the_integral(api: Api, sim: Simulator) -> None:
    """Pre-start: the 15-minute series sums to the simulator's energy within 0.1 %."""
    start, end = START - timedelta(days=2), START
    truth = sim.energy_wh(api.id(HP), "estimated_consumption", start, end)
    assert truth > 10_000
    found = await points(api, HP, start, end)
    assert total(found, "estimated_consumption") == pytest.approx(truth, rel=1e-3)


async def test_live_energy_equals_the_integral(api: Api, sim: Simulator) -> None:
    """Across the start and live toggles, energy and average power agree with the truth."""
    await api.request("POST", api.device(EV, "/boost"))
    sim.advance(3 * 3600)
    await api.put(api.device(HP), {"is_smart_optimization_active": False})
    sim.advance(5 * 3600 + 420)
    start, end = START - timedelta(hours=6), START + timedelta(hours=8)
    for kind, field, scale in LIVE_SERIES:
        found = total(await points(api, kind, start, end), field, scale)
        truth = sim.energy_wh(api.id(kind), field, start, end)
        assert found == pytest.approx(truth, rel=1e-3, abs=0.5), (kind, field)


@pytest.mark.parametrize("resolution", ["1HOUR", "1DAY"])
async def test_coarser_resolutions_sum_the_same_energy(
    api: Api, resolution: str
) -> None:
    """1HOUR and 1DAY points hold the same energy as the 15MIN ones."""
    start, end = START - timedelta(days=3), START - timedelta(days=1)
    fine = total(await points(api, HP, start, end), "estimated_consumption")
    coarse = await points(api, HP, start, end, resolution=resolution)
    assert total(coarse, "estimated_consumption") == pytest.approx(fine, rel=1e-6)


async def test_boost_shows_up_in_ev_history(api: Api, sim: Simulator) -> None:
    """One boosted hour at 7.4 kW is 7400 Wh in the EV series and the truth."""
    await api.put("charging-config", {"smart_charging_mode": "spot"})
    quiet = {"is_charge_policy_enabled": False, "minimum_charge_limit": 50}
    await api.put(api.device(EV), quiet)
    await api.request("POST", api.device(EV, "/boost"))
    sim.advance(3606)
    sim.set_plugged_in(api.id(EV), False)
    sim.advance(3600)
    end = START + timedelta(hours=2)
    found = await points(api, EV, START, end)
    assert total(found, "estimated_consumption") == pytest.approx(7400, abs=0.01)
    assert sim.energy_wh(api.id(EV), "power", START, end) == pytest.approx(7400)
    assert (found[0]["is_charging"], found[0]["is_plugged_in"]) == (True, True)


async def test_prices_are_eur_per_mwh(api: Api) -> None:
    """Prices are plausible spot prices in EUR/MWh and vary over the day."""
    body = await data(
        api, HP, **window(START - timedelta(days=1), START, resolution="1HOUR")
    )
    prices = [point["price"] for point in body["data"]]
    assert 0 < min(prices) < max(prices) < 400
    assert body["metadata"]["units"]["price"] == "EUR/MWh"


def test_history_is_deterministic_per_seed(clock: ManualClock) -> None:
    """Equal seeds give equal history; another seed differs."""
    values = []
    for seed in (3, 3, 4):
        other = create_app(seed=seed, clock=clock)[SIMULATOR]
        device = other.device(device_id(other, HP))
        values.append(device.bucket(device.store.base - 500))
    assert values[0] == values[1]
    assert values[0] != values[2]


def test_energy_truth_before_creation_is_zero(sim: Simulator) -> None:
    """Nothing exists before the device was created."""
    start = START - timedelta(days=400)
    hp = device_id(sim, HP)
    assert sim.energy_wh(hp, "power", start, start + timedelta(days=100)) == 0


def test_energy_truth_handles_partial_buckets_pro_rata(sim: Simulator) -> None:
    """Half a bucket counts half its energy; an empty range counts nothing."""
    hp = device_id(sim, HP)
    start = START - timedelta(hours=2)
    whole = sim.energy_wh(hp, "power", start, start + timedelta(minutes=15))
    half = sim.energy_wh(hp, "power", start, start + timedelta(minutes=7, seconds=30))
    assert half == pytest.approx(whole / 2)
    assert sim.energy_wh(hp, "power", start, start) == 0


def test_start_bucket_joins_history_and_live_data(clock: ManualClock) -> None:
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
