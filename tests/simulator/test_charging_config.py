"""Owner-level charging configuration."""

from __future__ import annotations

from typing import Any

import pytest

from podero_simulator import Simulator

from .helpers import PREFIX, Api, device_id, loc_fields


def modes(body: dict[str, Any]) -> dict[str, list[str]]:
    """Mode → reasons it is unavailable."""
    return {item["mode"]: item["reasons"] for item in body["available_modes"]}


async def test_demo_household_has_every_mode(api: Api, sim: Simulator) -> None:
    """EV + wallbox + inverter: all four modes available, HEMS eligible."""
    body = await api.get("charging-config")
    assert body["smart_charging_mode"] == "hems_and_spot"
    assert modes(body) == {"none": [], "spot": [], "hems": [], "hems_and_spot": []}
    assert body["hems_eligible"] is True
    assert body["thresholds"] == {
        "hems_min_export_to_start_w": 1400,
        "hems_max_import_before_stopping_w": 300,
        "min_band_w": 1000,
    }


async def test_devices_are_the_chargers_with_the_wallbox_primary(
    api: Api, sim: Simulator
) -> None:
    """``devices`` lists wallbox and EV; the wallbox actuates."""
    body = await api.get("charging-config")
    assert body["devices"] == [
        {
            "device_id": device_id(sim, "wallboxes"),
            "device_type": "wb",
            "is_primary_actuator": True,
        },
        {
            "device_id": device_id(sim, "electric-vehicles"),
            "device_type": "ev",
            "is_primary_actuator": False,
        },
    ]


async def test_without_inverter_hems_is_unavailable(api: Api, sim: Simulator) -> None:
    """Removing the inverter locks the HEMS modes with ``no_inverter``."""
    sim.remove_device(device_id(sim, "inverters"))
    body = await api.get("charging-config")
    assert modes(body)["hems"] == ["no_inverter"]
    assert modes(body)["hems_and_spot"] == ["no_inverter"]
    assert body["hems_ineligible_reasons"] == ["no_inverter"]
    assert body["hems_eligible"] is False


async def test_unauthenticated_inverter_has_no_export_data(
    api: Api, sim: Simulator
) -> None:
    """An inverter without OEM link cannot feed HEMS."""
    sim.patch_device(device_id(sim, "inverters"), {"is_authenticated": False})
    assert modes(await api.get("charging-config"))["hems"] == [
        "inverter_no_export_data"
    ]


async def test_unauthenticated_chargers_are_no_actuator(
    api: Api, sim: Simulator
) -> None:
    """No reachable EV or wallbox → ``no_actuator`` for every smart mode."""
    for kind in ("electric-vehicles", "wallboxes"):
        sim.patch_device(device_id(sim, kind), {"is_authenticated": False})
    assert modes(await api.get("charging-config"))["spot"] == ["no_actuator"]


async def test_ev_without_battery_capacity(api: Api, sim: Simulator) -> None:
    """An EV-only user whose capacity is unknown gets ``no_battery_capacity``."""
    sim.remove_device(device_id(sim, "wallboxes"))
    sim.patch_device(
        device_id(sim, "electric-vehicles"), {"battery_capacity_kwh": None}
    )
    assert "no_battery_capacity" in modes(await api.get("charging-config"))["spot"]


async def test_weak_wallbox_alone_is_not_modulating(api: Api, sim: Simulator) -> None:
    """A wallbox-only user whose box cannot go down to 6 A."""
    sim.remove_device(device_id(sim, "electric-vehicles"))
    sim.patch_device(device_id(sim, "wallboxes"), {"charge_power_max_w": 1000})
    assert "wallbox_not_modulating" in modes(await api.get("charging-config"))["hems"]


async def test_user_without_chargers_only_has_none(api: Api, sim: Simulator) -> None:
    """No EV and no wallbox: 200, mode ``none``, no devices, ``no_ev`` everywhere else."""
    path = f"{PREFIX}/org/{sim.org_id}/users/{sim.second_user_id}/charging-config"
    body = await api.get(path)
    assert body["smart_charging_mode"] == "none"
    assert body["devices"] == []
    assert modes(body)["spot"] == ["no_ev"]
    assert modes(body)["hems"] == ["no_ev", "no_inverter"]
    assert body["status"]["charge_power_w"] == 0
    body = await api.put(path, {"smart_charging_mode": "spot"}, 422)
    assert loc_fields(body) == ["smart_charging_mode"]


async def test_put_mode_returns_the_updated_object(api: Api) -> None:
    """PUT → 200 with the same shape as GET."""
    body = await api.put("charging-config", {"smart_charging_mode": "spot"})
    assert body["smart_charging_mode"] == "spot"
    assert body == await api.get("charging-config")


async def test_put_unavailable_mode_is_422(api: Api, sim: Simulator) -> None:
    """A mode that is not available is rejected with its reasons."""
    sim.remove_device(device_id(sim, "inverters"))
    body = await api.put("charging-config", {"smart_charging_mode": "hems"}, 422)
    assert body["detail"][0]["ctx"]["reasons"] == ["no_inverter"]


async def test_put_none_is_always_allowed(api: Api) -> None:
    """``none`` needs nothing."""
    assert (await api.put("charging-config", {"smart_charging_mode": "none"}))[
        "smart_charging_mode"
    ] == "none"


async def test_put_null_mode_changes_nothing(api: Api) -> None:
    """``smart_charging_mode: null`` leaves the mode as it is."""
    assert (await api.put("charging-config", {"smart_charging_mode": None}))[
        "smart_charging_mode"
    ] == "hems_and_spot"


async def test_put_thresholds(api: Api) -> None:
    """Thresholds within 0..50000 and the band rule are stored."""
    body = await api.put(
        "charging-config",
        {"hems_min_export_to_start_w": 2000, "hems_max_import_before_stopping_w": 0},
    )
    assert body["thresholds"]["hems_min_export_to_start_w"] == 2000
    assert body["thresholds"]["hems_max_import_before_stopping_w"] == 0


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
    result = await api.put("charging-config", body, 422)
    assert loc_fields(result) == list(body)


async def test_band_rule_is_422(api: Api) -> None:
    """``min_export + max_import`` below ``min_band_w`` is rejected."""
    body = await api.put(
        "charging-config",
        {"hems_min_export_to_start_w": 500, "hems_max_import_before_stopping_w": 400},
        422,
    )
    assert sorted(loc_fields(body)) == [
        "hems_max_import_before_stopping_w",
        "hems_min_export_to_start_w",
    ]
    assert (await api.get("charging-config"))["thresholds"][
        "hems_min_export_to_start_w"
    ] == 1400


async def test_status_reports_live_charging_power(api: Api, sim: Simulator) -> None:
    """``status.charge_power_w`` is the sum of the chargers' power."""
    await api.put("charging-config", {"smart_charging_mode": "none"})
    body = await api.get("charging-config")
    assert body["status"]["charge_power_w"] == 7400 + 7000
    assert body["status"]["as_of"] == "2026-01-15T11:00:00Z"


async def test_solar_kwh_today_counts_pv_going_into_vehicles(
    api: Api, sim: Simulator
) -> None:
    """Charging at noon from PV (left over by the house) accumulates ``solar_kwh_today``."""
    await api.put(
        f"heat-pumps/{device_id(sim, 'heat-pumps')}", {"is_pause_power_active": True}
    )
    await api.put("charging-config", {"smart_charging_mode": "none"})
    assert (await api.get("charging-config"))["status"]["solar_kwh_today"] == 0
    sim.advance(3600)
    assert (await api.get("charging-config"))["status"]["solar_kwh_today"] > 0
