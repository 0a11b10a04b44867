"""Every 422 rule of the device PUT endpoints."""

from typing import Any

import pytest

from .helpers import EV, HP, INV, WB, Api, loc_fields


async def put_invalid(api: Api, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """PUT expecting 422 and check nothing changed."""
    before = await api.get(api.device(kind))
    result: dict[str, Any] = await api.put(api.device(kind), body, 422)
    after = await api.get(api.device(kind))
    assert after == before
    return result


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        (EV, {"minimum_charge_limit": 80.0}),
        (INV, {"min_battery_charge": 92, "max_battery_charge": 95}),
    ],
    ids=["integral-float", "both-limits"],
)
async def test_valid_edge_values_are_stored(
    api: Api, kind: str, body: dict[str, Any]
) -> None:
    """``80.0`` is a valid integer percentage; both battery limits may move at once."""
    assert (await api.put(api.device(kind), body)).items() >= body.items()


async def test_wallbox_deadline_accepts_datetime_and_null(api: Api) -> None:
    """Wallbox ``charge_deadline_at`` is an ISO datetime or null."""
    for value in ("2026-01-16T07:00:00Z", None):
        body = await api.put(api.device(WB), {"charge_deadline_at": value})
        assert body["charge_deadline_at"] == value


@pytest.mark.parametrize("value", ["max", "MID", "High", 2, None])
async def test_unknown_optimization_level_is_422(api: Api, value: object) -> None:
    """``optimization_level`` must be one of Low, Mid, Max."""
    body = await put_invalid(api, HP, {"optimization_level": value})
    assert body["detail"][0]["type"] == "enum"
    assert body["detail"][0]["ctx"]["expected"] == "'Low', 'Mid' or 'Max'"


@pytest.mark.parametrize(
    ("kind", "field", "value", "error"),
    [
        (EV, "minimum_charge_limit", 101, "less_than_equal"),
        (EV, "minimum_charge_limit", -1, "greater_than_equal"),
        (EV, "charge_target_min", 150, "less_than_equal"),
        (INV, "min_battery_charge", -5, "greater_than_equal"),
        (INV, "max_battery_charge", 100.5, "less_than_equal"),
        (WB, "charge_target_max", 101, "less_than_equal"),
        (WB, "minimum_charge_limit", -3, "greater_than_equal"),
        (EV, "charge_deadline_at", "7:00", "string_pattern_mismatch"),
        (EV, "charge_deadline_at", "24:00", "string_pattern_mismatch"),
        (EV, "charge_deadline_at", "07:60", "string_pattern_mismatch"),
        (EV, "charge_deadline_at", "0700", "string_pattern_mismatch"),
        (EV, "charge_deadline_at", "07:00:00", "string_pattern_mismatch"),
        (EV, "charge_deadline_at", 700, "string_type"),
        (WB, "charge_deadline_at", "07:00", "datetime_from_date_parsing"),
        (WB, "charge_deadline_at", "tomorrow", "datetime_from_date_parsing"),
        (WB, "charge_deadline_at", 7, "datetime_type"),
        (HP, "is_smart_optimization_active", "true", "bool_type"),
        (HP, "is_smart_optimization_active", 1, "bool_type"),
        (EV, "minimum_charge_limit", "80", "int_type"),
        (EV, "minimum_charge_limit", 80.5, "int_type"),
        (EV, "minimum_charge_limit", True, "int_type"),
        (INV, "max_battery_charge", "90", "float_type"),
        (HP, "comment", 5, "string_type"),
        (HP, "pause_power_until", 12, "datetime_type"),
        (HP, "building_id", "nope", "uuid_parsing"),
        (HP, "comment", "x" * 301, "string_too_long"),
        (HP, "price_zone", "XX", "enum"),
    ],
)
async def test_invalid_field_value_is_422(
    api: Api, kind: str, field: str, value: object, error: str
) -> None:
    """Percent 0..100, EV ``HH:MM``, wallbox datetime, strict types (no coercion), zones."""
    body = await put_invalid(api, kind, {field: value})
    assert (loc_fields(body), body["detail"][0]["type"]) == ([field], error)


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        (INV, "min_battery_charge", 95),
        (INV, "max_battery_charge", 10),
        (HP, "minimum_temperature_limit", 25),
        (WB, "charge_target_min", 90),
    ],
)
async def test_limits_out_of_order_are_422(
    api: Api, kind: str, field: str, value: float
) -> None:
    """A minimum may not exceed its stored maximum, nor a maximum drop under its minimum."""
    body = await put_invalid(api, kind, {field: value})
    assert loc_fields(body) == [field]
    assert body["detail"][0]["type"] == "value_error"


async def test_all_errors_are_reported_at_once(api: Api) -> None:
    """Several bad fields → several items, nothing applied."""
    bad = {"min_battery_charge": "x", "is_battery_connected": "yes"}
    bad["solar_power_rating_kw"] = -1
    assert sorted(loc_fields(await put_invalid(api, INV, bad))) == sorted(bad)


async def test_valid_fields_are_not_applied_when_another_fails(api: Api) -> None:
    """Updates are atomic: a valid field is not applied beside an invalid one."""
    await put_invalid(api, HP, {"comment": "kept?", "optimization_level": "Turbo"})
