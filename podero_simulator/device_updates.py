"""Partial PUT of devices: which fields are writable, their rules, cross-field checks."""

from __future__ import annotations

from typing import Any

from .devices.base import Device, num
from .devices.heat_pump import OPTIMIZATION_LEVELS
from .validation import (
    ValidationFailed,
    Validator,
    boolean,
    datetime_text,
    enum,
    hhmm,
    integer,
    nullable,
    number,
    order_error,
    string,
    uuid_text,
    validate_fields,
)

PRICE_ZONES = (
    "AT", "AT_HOURLY", "BE", "CH", "EE", "DE_LU", "HU", "IT_CNOR", "IT_CSUD", "IT_NORD", "IT_PUN",
    "IT_SARD", "IT_SICI", "IT_SUD", "PT", "RO", "SE_1", "SE_2", "SE_3", "SE_4", "UK",
)  # fmt: skip

PERCENT = integer(0, 100)

COMMON: dict[str, Validator] = {
    "is_smart_optimization_active": boolean,
    "is_pause_power_active": boolean,
    "pause_power_until": nullable(datetime_text),
    "comment": nullable(string(300)),
    "price_zone": enum(PRICE_ZONES),
    "deleted_at": nullable(datetime_text),
    "lifecycle_state": string(20),
    "lifecycle_error": nullable(string(255)),
    "building_id": nullable(uuid_text),
    "optimization_score": nullable(number()),
    "external_device_id": string(255),
    "is_inverter_forced_mode_enabled": boolean,
    "is_trading_enabled": boolean,
    "actual_steering_state": string(20),
}

SPECIFIC: dict[str, dict[str, Validator]] = {
    "heat-pumps": {
        "indoor_target_temperature_offset": number(-10, 10),
        "dhw_standard_temperature": number(10, 80),
        "is_hot_water_heating_enabled": boolean,
        "is_space_heating_enabled": boolean,
        "is_pool_heating_enabled": boolean,
        "is_space_cooling_enabled": boolean,
        "heating_policy_name": nullable(string(100)),
        "maximum_temperature_limit": number(5, 35),
        "minimum_temperature_limit": number(5, 35),
        "minimum_dhw_temperature_limit": number(10, 80),
        "is_heating_policy_enabled": boolean,
        "away_mode_start": nullable(datetime_text),
        "away_mode_end": nullable(datetime_text),
        "is_away_mode_enabled": boolean,
        "away_mode_minimum_temperature_limit": nullable(number(5, 35)),
        "optimization_level": enum(OPTIMIZATION_LEVELS),
    },
    "electric-vehicles": {
        "charge_target_min": PERCENT,
        "is_charge_policy_enabled": boolean,
        "charge_deadline_at": hhmm,
        "minimum_charge_limit": PERCENT,
    },
    "inverters": {
        "solar_power_rating_kw": number(0, 1000),
        "battery_capacity_kwh": nullable(number(0, 1000)),
        "is_battery_connected": boolean,
        "min_battery_charge": number(0, 100),
        "max_battery_charge": number(0, 100),
    },
    "wallboxes": {
        "charge_target_min": PERCENT,
        "charge_target_max": PERCENT,
        "charge_power_max_w": integer(0, 22000),
        "is_charge_policy_enabled": boolean,
        "minimum_charge_limit": PERCENT,
        "charge_deadline_at": nullable(datetime_text),
        "is_over_charge_allowed": boolean,
    },
}

# Pairs that must stay ordered after the update: (low field, high field).
ORDERED: dict[str, tuple[tuple[str, str], ...]] = {
    "heat-pumps": (("minimum_temperature_limit", "maximum_temperature_limit"),),
    "electric-vehicles": (),
    "inverters": (("min_battery_charge", "max_battery_charge"),),
    "wallboxes": (("charge_target_min", "charge_target_max"),),
}

# Fields whose change counts as a charge-policy update.
POLICY_FIELDS = frozenset(
    {"is_charge_policy_enabled", "charge_deadline_at", "minimum_charge_limit"}
)


def writable_fields(kind: str) -> dict[str, Validator]:
    """All fields a PUT of ``kind`` may change."""
    return {**COMMON, **SPECIFIC[kind]}


def validate_update(
    device: Device, body: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Clean values and ignored keys of a PUT body, or raise ``ValidationFailed``.

    Unknown and read-only keys are ignored, as pydantic does by default.
    """
    clean, errors, ignored = validate_fields(body, writable_fields(device.kind))
    for low, high in ORDERED[device.kind]:
        if low in clean or high in clean:
            low_value = clean.get(low, device.settings.get(low))
            high_value = clean.get(high, device.settings.get(high))
            if (
                low_value is not None
                and high_value is not None
                and num(low_value, 0) > num(high_value, 0)
            ):
                field = low if low in clean else high
                errors.append(order_error(("body", field), low, high, clean[field]))
    if errors:
        raise ValidationFailed(errors)
    return clean, ignored
