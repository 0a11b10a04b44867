"""The ``fleet`` scenario for load tests."""

from typing import Any

import pytest

from podero_simulator import SIMULATOR, create_app
from podero_simulator.scenarios import fleet_counts

from .helpers import EV, INV, KINDS, Api, ManualClock

SPLITS = [
    (0, (0, 0, 0, 0)), (1, (1, 0, 0, 0)), (3, (1, 1, 1, 0)), (4, (1, 1, 1, 1)),
    (5, (2, 1, 1, 1)), (7, (3, 2, 1, 1)), (10, (4, 3, 2, 1)), (1000, (400, 250, 200, 150)),
]  # fmt: skip


@pytest.mark.parametrize(("total", "expected"), SPLITS)
def test_fleet_split_covers_types_first(total: int, expected: tuple[int, ...]) -> None:
    """40/25/20/15 %, but small fleets get one of each type in order first."""
    counts = fleet_counts(total)
    assert tuple(counts[kind] for kind in KINDS) == expected
    assert sum(counts.values()) == total


def test_fleet_is_deterministic_per_seed(clock: ManualClock) -> None:
    """Same seed → same ids and initial readings; another seed → other ids."""
    first, second, other = (
        create_app("fleet", devices=20, seed=seed, clock=clock)[SIMULATOR]
        for seed in (9, 9, 10)
    )
    payloads = [[s.device_payload(d.id) for d in s.devices()] for s in (first, second)]
    assert payloads[0] == payloads[1]
    assert [d.id for d in first.devices()] != [d.id for d in other.devices()]


def test_fleet_defaults_to_100_devices(clock: ManualClock) -> None:
    """Without ``devices`` the fleet has 100."""
    assert len(create_app("fleet", clock=clock)[SIMULATOR].devices()) == 100


@pytest.mark.parametrize("app_options", [{"scenario": "fleet", "devices": 1000}])
async def test_thousand_devices_list_sizes(
    api: Api, app_options: dict[str, Any]
) -> None:
    """1000 devices: each list endpoint returns its share."""
    sizes = [len(await api.get(kind)) for kind in KINDS]
    assert sizes == [400, 250, 200, 150]


@pytest.mark.parametrize("app_options", [{"scenario": "fleet", "devices": 40}])
async def test_fleet_devices_have_varied_models_and_data(
    api: Api, app_options: dict[str, Any]
) -> None:
    """Fleet devices differ (EV makes, battery-less inverters) and their history works."""
    evs = await api.get(EV)
    assert len({ev["device_model"]["manufacturer"] for ev in evs}) > 1
    inverters = await api.get(INV)
    assert any(inv["battery_charge_level_percent"] is None for inv in inverters)
    body = await api.get(f"{INV}/{inverters[0]['id']}/data")
    assert len(body["data"]) == 96


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"scenario": "mansion"}, "unknown scenario"),
        ({"scenario": "fleet", "devices": -1}, "devices"),
        ({"speed": 0}, "speed"),
    ],
)
def test_unknown_scenario_and_bad_options_raise(
    clock: ManualClock, options: dict[str, Any], message: str
) -> None:
    """Misconfiguration fails early."""
    with pytest.raises(ValueError, match=message):
        create_app(clock=clock, **options)
