"""The ``fleet`` scenario for load tests."""

from __future__ import annotations

from typing import Any

import pytest

from podero_simulator import SIMULATOR, create_app
from podero_simulator.scenarios import fleet_counts

from .helpers import Api, ManualClock

KINDS = ("heat-pumps", "electric-vehicles", "inverters", "wallboxes")


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (0, (0, 0, 0, 0)),
        (1, (1, 0, 0, 0)),
        (3, (1, 1, 1, 0)),
        (4, (1, 1, 1, 1)),
        (5, (2, 1, 1, 1)),
        (10, (4, 3, 2, 1)),
        (1000, (400, 250, 200, 150)),
        (7, (3, 2, 1, 1)),
    ],
)
def test_fleet_split_covers_types_first(total: int, expected: tuple[int, ...]) -> None:
    """40/25/20/15 %, but small fleets get one of each type in order first."""
    counts = fleet_counts(total)
    assert tuple(counts[kind] for kind in KINDS) == expected
    assert sum(counts.values()) == total


def test_fleet_is_deterministic_per_seed(clock: ManualClock) -> None:
    """Same seed → same ids and initial readings."""
    first = create_app("fleet", devices=20, seed=9, clock=clock)[SIMULATOR]
    second = create_app("fleet", devices=20, seed=9, clock=clock)[SIMULATOR]
    other = create_app("fleet", devices=20, seed=10, clock=clock)[SIMULATOR]
    assert [d.id for d in first.devices()] == [d.id for d in second.devices()]
    assert first.device_payload(first.devices()[0].id) == second.device_payload(
        second.devices()[0].id
    )
    assert [d.id for d in first.devices()] != [d.id for d in other.devices()]


def test_fleet_defaults_to_100_devices(clock: ManualClock) -> None:
    """Without ``devices`` the fleet has 100."""
    assert len(create_app("fleet", clock=clock)[SIMULATOR].devices()) == 100


@pytest.mark.parametrize("app_options", [{"scenario": "fleet", "devices": 1000}])
async def test_thousand_devices_list_sizes(
    api: Api, app_options: dict[str, Any]
) -> None:
    """1000 devices: each list endpoint returns its share."""
    sizes = {kind: len(await api.get(kind)) for kind in KINDS}
    assert sizes == {
        "heat-pumps": 400,
        "electric-vehicles": 250,
        "inverters": 200,
        "wallboxes": 150,
    }


@pytest.mark.parametrize("app_options", [{"scenario": "fleet", "devices": 40}])
async def test_fleet_devices_have_varied_models_and_data(
    api: Api, app_options: dict[str, Any]
) -> None:
    """Fleet devices differ and their history works."""
    evs = await api.get("electric-vehicles")
    assert len({ev["device_model"]["manufacturer"] for ev in evs}) > 1
    inverters = await api.get("inverters")
    assert (
        any(inv["battery_charge_level_percent"] is None for inv in inverters)
        or len(inverters) < 4
    )
    body = await api.get(f"inverters/{inverters[0]['id']}/data")
    assert len(body["data"]) == 96


def test_unknown_scenario_and_bad_options_raise(clock: ManualClock) -> None:
    """Misconfiguration fails early."""
    with pytest.raises(ValueError, match="unknown scenario"):
        create_app("mansion", clock=clock)
    with pytest.raises(ValueError, match="devices"):
        create_app("fleet", devices=-1, clock=clock)
    with pytest.raises(ValueError, match="speed"):
        create_app(speed=0, clock=clock)
