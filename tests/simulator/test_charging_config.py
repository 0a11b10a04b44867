"""Owner-level charging configuration."""

from typing import Any

import pytest

from podero_simulator import Simulator

from .helpers import EV, HP, INV, WB, Api, loc_fields

CONFIG = "charging-config"
UNLINKED = {"is_authenticated": False}
Patches = dict[str, dict[str, Any]]


def modes(body: dict[str, Any]) -> dict[str, list[str]]:
    """Mode → reasons it is unavailable."""
    return {item["mode"]: item["reasons"] for item in body["available_modes"]}


async def test_demo_household_has_every_mode(api: Api) -> None:
    """EV + wallbox + inverter: all four modes available, HEMS eligible."""
    body = await api.get(CONFIG)
    assert body["smart_charging_mode"] == "hems_and_spot"
    assert modes(body) == {"none": [], "spot": [], "hems": [], "hems_and_spot": []}
    assert body["hems_eligible"] is True
    assert body["thresholds"] == {
        "hems_min_export_to_start_w": 1400, "hems_max_import_before_stopping_w": 300,
        "min_band_w": 1000,
    }  # fmt: skip


async def test_devices_are_the_chargers_with_the_wallbox_primary(api: Api) -> None:
    """``devices`` lists wallbox and EV; the wallbox actuates."""
    devices = (await api.get(CONFIG))["devices"]
    assert devices == [
        {"device_id": api.id(WB), "device_type": "wb", "is_primary_actuator": True},
        {"device_id": api.id(EV), "device_type": "ev", "is_primary_actuator": False},
    ]


async def test_without_inverter_hems_is_unavailable(api: Api, sim: Simulator) -> None:
    """Removing the inverter locks the HEMS modes with ``no_inverter``; PUT → 422."""
    sim.remove_device(api.id(INV))
    body = await api.get(CONFIG)
    assert modes(body)["hems"] == modes(body)["hems_and_spot"] == ["no_inverter"]
    assert body["hems_ineligible_reasons"] == ["no_inverter"]
    assert body["hems_eligible"] is False
    body = await api.put(CONFIG, {"smart_charging_mode": "hems"}, 422)
    assert body["detail"][0]["ctx"]["reasons"] == ["no_inverter"]


@pytest.mark.parametrize(
    ("removed", "patches", "mode", "reason"),
    [
        ((), {INV: UNLINKED}, "hems", "inverter_no_export_data"),
        ((), {EV: UNLINKED, WB: UNLINKED}, "spot", "no_actuator"),
        ((WB,), {EV: {"battery_capacity_kwh": None}}, "spot", "no_battery_capacity"),
        ((EV,), {WB: {"charge_power_max_w": 1000}}, "hems", "wallbox_not_modulating"),
    ],
    ids=["unlinked-inverter", "unreachable-chargers", "ev-no-capacity", "weak-wallbox"],
)
async def test_device_state_makes_a_mode_unavailable(
    api: Api, removed: tuple[str, ...], patches: Patches, mode: str, reason: str
) -> None:
    """Unlinked inverter, unreachable chargers, unknown capacity, sub-6 A wallbox."""
    for kind in removed:
        api.sim.remove_device(api.id(kind))
    for kind, fields in patches.items():
        api.sim.patch_device(api.id(kind), fields)
    assert modes(await api.get(CONFIG))[mode] == [reason]


async def test_user_without_chargers_only_has_none(api: Api, sim: Simulator) -> None:
    """No EV and no wallbox: no devices, ``no_ev`` everywhere, only ``none`` settable."""
    path = api.path(f"/{CONFIG}", sim.second_user_id)
    body = await api.get(path)
    assert body["smart_charging_mode"] == "none"
    assert body["devices"] == []
    assert modes(body)["spot"] == ["no_ev"]
    assert modes(body)["hems"] == ["no_ev", "no_inverter"]
    assert body["status"]["charge_power_w"] == 0
    body = await api.put(path, {"smart_charging_mode": "spot"}, 422)
    assert loc_fields(body) == ["smart_charging_mode"]
    await api.put(path, {"smart_charging_mode": "none"})


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("spot", "spot"), ("none", "none"), (None, "hems_and_spot")],
)
async def test_put_mode_returns_the_updated_object(
    api: Api, sent: str | None, stored: str
) -> None:
    """PUT → 200 with the same shape as GET; a null mode changes nothing."""
    body = await api.put(CONFIG, {"smart_charging_mode": sent})
    assert body["smart_charging_mode"] == stored
    assert body == await api.get(CONFIG)


async def test_put_thresholds(api: Api) -> None:
    """Thresholds within 0..50000 and the band rule are stored."""
    sent = {"hems_min_export_to_start_w": 2000, "hems_max_import_before_stopping_w": 0}
    assert (await api.put(CONFIG, sent))["thresholds"].items() >= sent.items()


@pytest.mark.parametrize(
    "body",
    [
        {"hems_min_export_to_start_w": 50001},
        {"hems_max_import_before_stopping_w": -1},
        {"hems_min_export_to_start_w": "1400"},
        {"smart_charging_mode": "turbo"},
    ],
)
async def test_out_of_range_or_wrong_type_is_422(
    api: Api, body: dict[str, Any]
) -> None:
    """Range, type and enum checks."""
    assert loc_fields(await api.put(CONFIG, body, 422)) == list(body)


async def test_band_rule_is_422(api: Api) -> None:
    """``min_export + max_import`` below ``min_band_w`` is rejected."""
    sent = {"hems_min_export_to_start_w": 500, "hems_max_import_before_stopping_w": 400}
    body = await api.put(CONFIG, sent, 422)
    assert sorted(loc_fields(body)) == sorted(sent)
    thresholds = (await api.get(CONFIG))["thresholds"]
    assert thresholds["hems_min_export_to_start_w"] == 1400


async def test_status_reports_live_charging_power(api: Api) -> None:
    """``status.charge_power_w`` is the sum of the chargers' power."""
    await api.put(CONFIG, {"smart_charging_mode": "none"})
    status = (await api.get(CONFIG))["status"]
    assert status["charge_power_w"] == 7400 + 7000
    assert status["as_of"] == "2026-01-15T11:00:00Z"


async def test_solar_kwh_today_counts_pv_going_into_vehicles(api: Api) -> None:
    """Charging at noon from PV (left over by the house) accumulates ``solar_kwh_today``."""
    await api.put(api.device(HP), {"is_pause_power_active": True})
    await api.put(CONFIG, {"smart_charging_mode": "none"})
    assert (await api.get(CONFIG))["status"]["solar_kwh_today"] == 0
    api.sim.advance(3600)
    assert (await api.get(CONFIG))["status"]["solar_kwh_today"] > 0
