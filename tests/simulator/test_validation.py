"""Every 422 rule of the device PUT endpoints."""

from __future__ import annotations

from typing import Any

import pytest

from podero_simulator import Simulator

from .helpers import Api, device_id, loc_fields


async def put_invalid(
    api: Api, sim: Simulator, kind: str, body: dict[str, Any]
) -> dict[str, Any]:
    """PUT expecting 422 and check nothing changed."""
    device = device_id(sim, kind)
    before = await api.get(f"{kind}/{device}")
    result: dict[str, Any] = await api.put(f"{kind}/{device}", body, 422)
    after = await api.get(f"{kind}/{device}")
    for key in body:
        assert after.get(key) == before.get(key)
    return result


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("electric-vehicles", "minimum_charge_limit", 101),
        ("electric-vehicles", "minimum_charge_limit", -1),
        ("electric-vehicles", "charge_target_min", 150),
        ("inverters", "min_battery_charge", -5),
        ("inverters", "max_battery_charge", 100.5),
        ("wallboxes", "charge_target_max", 101),
        ("wallboxes", "minimum_charge_limit", -3),
    ],
)
async def test_percent_outside_0_to_100_is_422(
    api: Api, sim: Simulator, kind: str, field: str, value: float
) -> None:
    """Percent fields accept 0..100 only."""
    body = await put_invalid(api, sim, kind, {field: value})
    assert body["detail"][0]["loc"] == ["body", field]
    assert body["detail"][0]["type"] in {"less_than_equal", "greater_than_equal"}


@pytest.mark.parametrize("value", ["7:00", "24:00", "07:60", "0700", "07:00:00", 700])
async def test_ev_deadline_must_be_hh_mm(
    api: Api, sim: Simulator, value: object
) -> None:
    """EV ``charge_deadline_at`` is a 24-hour ``HH:MM`` string."""
    body = await put_invalid(
        api, sim, "electric-vehicles", {"charge_deadline_at": value}
    )
    assert loc_fields(body) == ["charge_deadline_at"]


async def test_wallbox_deadline_accepts_datetime_and_null(
    api: Api, sim: Simulator
) -> None:
    """Wallbox ``charge_deadline_at`` is an ISO datetime or null."""
    wb = device_id(sim, "wallboxes")
    body = await api.put(
        f"wallboxes/{wb}", {"charge_deadline_at": "2026-01-16T07:00:00Z"}
    )
    assert body["charge_deadline_at"] == "2026-01-16T07:00:00Z"
    body = await api.put(f"wallboxes/{wb}", {"charge_deadline_at": None})
    assert body["charge_deadline_at"] is None


@pytest.mark.parametrize("value", ["07:00", "tomorrow", 7])
async def test_wallbox_deadline_rejects_times_and_junk(
    api: Api, sim: Simulator, value: object
) -> None:
    """A bare ``HH:MM`` is not a datetime for the wallbox."""
    body = await put_invalid(api, sim, "wallboxes", {"charge_deadline_at": value})
    assert loc_fields(body) == ["charge_deadline_at"]


@pytest.mark.parametrize("value", ["max", "MID", "High", 2, None])
async def test_unknown_optimization_level_is_422(
    api: Api, sim: Simulator, value: object
) -> None:
    """``optimization_level`` must be one of Low, Mid, Max."""
    body = await put_invalid(api, sim, "heat-pumps", {"optimization_level": value})
    assert body["detail"][0]["type"] == "enum"
    assert body["detail"][0]["ctx"]["expected"] == "'Low', 'Mid' or 'Max'"


async def test_unknown_price_zone_is_422(api: Api, sim: Simulator) -> None:
    """``price_zone`` must be a known zone."""
    body = await put_invalid(api, sim, "heat-pumps", {"price_zone": "XX"})
    assert loc_fields(body) == ["price_zone"]


@pytest.mark.parametrize(
    "case",
    [
        ("heat-pumps", "is_smart_optimization_active", "true", "bool_type"),
        ("heat-pumps", "is_smart_optimization_active", 1, "bool_type"),
        ("electric-vehicles", "minimum_charge_limit", "80", "int_type"),
        ("electric-vehicles", "minimum_charge_limit", 80.5, "int_type"),
        ("electric-vehicles", "minimum_charge_limit", True, "int_type"),
        ("inverters", "max_battery_charge", "90", "float_type"),
        ("heat-pumps", "comment", 5, "string_type"),
        ("heat-pumps", "pause_power_until", 12, "datetime_type"),
        ("heat-pumps", "building_id", "nope", "uuid_parsing"),
        ("heat-pumps", "comment", "x" * 301, "string_too_long"),
    ],
)
async def test_wrong_json_types_are_422(
    api: Api, sim: Simulator, case: tuple[str, str, object, str]
) -> None:
    """Types are checked strictly (no string-to-number coercion)."""
    kind, field, value, error = case
    body = await put_invalid(api, sim, kind, {field: value})
    assert body["detail"][0]["type"] == error


async def test_integral_float_is_accepted_as_integer(api: Api, sim: Simulator) -> None:
    """``80.0`` is a valid integer percentage."""
    body = await api.put(
        f"electric-vehicles/{device_id(sim, 'electric-vehicles')}",
        {"minimum_charge_limit": 80.0},
    )
    assert body["minimum_charge_limit"] == 80


async def test_min_battery_above_max_is_422(api: Api, sim: Simulator) -> None:
    """``min_battery_charge > max_battery_charge`` after the update is rejected."""
    body = await put_invalid(api, sim, "inverters", {"min_battery_charge": 95})
    assert loc_fields(body) == ["min_battery_charge"]
    assert body["detail"][0]["type"] == "value_error"


async def test_max_battery_below_min_is_422(api: Api, sim: Simulator) -> None:
    """Lowering the maximum under the stored minimum is rejected too."""
    body = await put_invalid(api, sim, "inverters", {"max_battery_charge": 10})
    assert loc_fields(body) == ["max_battery_charge"]


async def test_battery_limits_can_move_together(api: Api, sim: Simulator) -> None:
    """Both limits in one body are checked against each other."""
    body = await api.put(
        f"inverters/{device_id(sim, 'inverters')}",
        {"min_battery_charge": 92, "max_battery_charge": 95},
    )
    assert (body["min_battery_charge"], body["max_battery_charge"]) == (92, 95)


async def test_heat_pump_temperature_limits_must_be_ordered(
    api: Api, sim: Simulator
) -> None:
    """``minimum_temperature_limit`` may not exceed ``maximum_temperature_limit``."""
    body = await put_invalid(api, sim, "heat-pumps", {"minimum_temperature_limit": 25})
    assert loc_fields(body) == ["minimum_temperature_limit"]


async def test_wallbox_targets_must_be_ordered(api: Api, sim: Simulator) -> None:
    """``charge_target_min`` may not exceed ``charge_target_max``."""
    body = await put_invalid(api, sim, "wallboxes", {"charge_target_min": 90})
    assert loc_fields(body) == ["charge_target_min"]


async def test_all_errors_are_reported_at_once(api: Api, sim: Simulator) -> None:
    """Several bad fields → several items, nothing applied."""
    body = await put_invalid(
        api,
        sim,
        "inverters",
        {
            "min_battery_charge": "x",
            "is_battery_connected": "yes",
            "solar_power_rating_kw": -1,
        },
    )
    assert sorted(loc_fields(body)) == [
        "is_battery_connected",
        "min_battery_charge",
        "solar_power_rating_kw",
    ]


async def test_valid_fields_are_not_applied_when_another_fails(
    api: Api, sim: Simulator
) -> None:
    """Updates are atomic."""
    hp = device_id(sim, "heat-pumps")
    await api.put(
        f"heat-pumps/{hp}", {"comment": "kept?", "optimization_level": "Turbo"}, 422
    )
    assert (await api.get(f"heat-pumps/{hp}"))["comment"] is None
