"""Owner-level charging configuration: mode availability, thresholds, live status."""

from __future__ import annotations

from typing import Any

from .devices.base import Device
from .devices.electric_vehicle import ElectricVehicle
from .devices.inverter import Inverter
from .devices.wallbox import Wallbox
from .history import integral
from .people import SMART_CHARGING_MODES, User
from .timeutil import iso_ts
from .validation import (
    FieldError,
    ValidationFailed,
    enum,
    error_item,
    integer,
    nullable,
    validate_fields,
)
from .world import World

THRESHOLD = integer(0, 50000)
SPEC = {
    "smart_charging_mode": nullable(enum(SMART_CHARGING_MODES)),
    "hems_min_export_to_start_w": THRESHOLD,
    "hems_max_import_before_stopping_w": THRESHOLD,
}


def _devices(
    world: World, user: User
) -> tuple[list[Device], list[Device], list[Device]]:
    evs = world.owned(user.id, ElectricVehicle.kind)
    wallboxes = world.owned(user.id, Wallbox.kind)
    inverters = world.owned(user.id, Inverter.kind)
    return evs, wallboxes, inverters


def mode_reasons(world: World, user: User) -> dict[str, list[str]]:
    """Why each mode is unavailable (empty list = available)."""
    evs, wallboxes, inverters = _devices(world, user)
    actuator: list[str] = []
    if not evs and not wallboxes:
        actuator.append("no_ev")
    elif not any(
        device.common.get("is_authenticated") is True for device in [*evs, *wallboxes]
    ):
        actuator.append("no_actuator")
    if (
        evs
        and not wallboxes
        and all(
            isinstance(ev, ElectricVehicle) and ev.capacity_kwh is None for ev in evs
        )
    ):
        actuator.append("no_battery_capacity")
    hems = list(actuator)
    if not inverters:
        hems.append("no_inverter")
    elif not any(inv.common.get("is_authenticated") is True for inv in inverters):
        hems.append("inverter_no_export_data")
    if (
        wallboxes
        and not evs
        and all(isinstance(box, Wallbox) and box.max_w < 1380 for box in wallboxes)
    ):
        hems.append("wallbox_not_modulating")
    return {
        "none": [],
        "spot": actuator,
        "hems": hems,
        "hems_and_spot": sorted(set(actuator) | set(hems), key=hems.index),
    }


def payload(world: World, user: User, now: float) -> dict[str, Any]:
    """Render the charging-config object (GET and PUT response)."""
    evs, wallboxes, inverters = _devices(world, user)
    reasons = mode_reasons(world, user)
    settings = user.charging
    charging = [*wallboxes, *evs]
    world.sync([*charging, *inverters], now)
    primary = charging[0].id if charging else None
    local_midnight = None
    solar_wh = 0.0
    for inverter in inverters:
        assert inverter.site is not None
        local_midnight = inverter.site.climate.local.midnight(now)
        solar_wh += (
            integral(inverter, "solar_to_charging", local_midnight, now) / 3600.0
        )
    return {
        "smart_charging_mode": settings.mode,
        "mode_conflict": False,
        "config_divergence": False,
        "devices": [
            {
                "device_id": device.id,
                "device_type": device.short_name,
                "is_primary_actuator": device.id == primary,
            }
            for device in charging
        ],
        "available_modes": [
            {"mode": mode, "available": not reasons[mode], "reasons": reasons[mode]}
            for mode in SMART_CHARGING_MODES
        ],
        "hems_eligible": not reasons["hems"],
        "hems_ineligible_reasons": reasons["hems"],
        "thresholds": {
            "hems_min_export_to_start_w": settings.min_export_to_start_w,
            "hems_max_import_before_stopping_w": settings.max_import_before_stopping_w,
            "min_band_w": settings.min_band_w,
        },
        "health_warning": None,
        "status": {
            "charge_power_w": round(sum(device.power_w for device in charging)),
            "solar_kwh_today": round(solar_wh / 1000.0, 3),
            "as_of": iso_ts(now),
        },
    }


def update(world: World, user: User, body: dict[str, Any]) -> list[str]:
    """Validate and apply a PUT body; returns ignored keys or raises ``ValidationFailed``."""
    clean, errors, ignored = validate_fields(body, SPEC)
    settings = user.charging
    mode = clean.get("smart_charging_mode")
    if mode is not None:
        reasons = mode_reasons(world, user)[mode]
        if reasons:
            problem = FieldError(
                "value_error",
                f"Value error, mode '{mode}' is not available: {', '.join(reasons)}",
                {"reasons": reasons},
            )
            errors.append(error_item(("body", "smart_charging_mode"), problem, mode))
    start = clean.get("hems_min_export_to_start_w", settings.min_export_to_start_w)
    stop = clean.get(
        "hems_max_import_before_stopping_w", settings.max_import_before_stopping_w
    )
    touched = [
        key
        for key in ("hems_min_export_to_start_w", "hems_max_import_before_stopping_w")
        if key in clean
    ]
    if touched and start + stop < settings.min_band_w:
        problem = FieldError(
            "value_error",
            f"Value error, hems_min_export_to_start_w + hems_max_import_before_stopping_w "
            f"must be at least min_band_w ({settings.min_band_w})",
            {"min_band_w": settings.min_band_w},
        )
        errors.extend(error_item(("body", key), problem, clean[key]) for key in touched)
    if errors:
        raise ValidationFailed(errors)
    if mode is not None:
        settings.mode = mode
    settings.min_export_to_start_w = start
    settings.max_import_before_stopping_w = stop
    return ignored
