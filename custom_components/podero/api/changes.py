"""Typed changes for the API's partial PUTs, serialised in one place.

A change names the fields to set; fields left at None are not sent, so the server keeps them.
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import time
from enum import StrEnum
from typing import Any

from .enums import OptimizationLevel, SmartChargingMode, Weekday
from .models import DayChargePolicy


def format_time_of_day(value: time) -> str:
    """Render a time of day the way the API expects it ("HH:MM")."""
    return value.strftime("%H:%M")


def to_wire(value: Any) -> Any:
    """Render a change (or a value inside one) as the JSON the API expects."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, time):
        return format_time_of_day(value)
    if isinstance(value, Mapping):
        return {to_wire(key): to_wire(item) for key, item in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return {
            item.name: to_wire(field_value)
            for item in fields(value)
            if (field_value := getattr(value, item.name)) is not None
        }
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceUpdate:
    """Writable device settings (each applies to the device types that have it)."""

    is_smart_optimization_active: bool | None = None
    optimization_level: OptimizationLevel | None = None
    is_charge_policy_enabled: bool | None = None
    charge_deadline_at: time | None = None
    minimum_charge_limit: int | None = None
    min_battery_charge: int | None = None
    max_battery_charge: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChargingConfigUpdate:
    """Writable owner-level charging settings."""

    smart_charging_mode: SmartChargingMode | None = None
    hems_min_export_to_start_w: int | None = None
    hems_max_import_before_stopping_w: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChargePolicyUpdate:
    """Some weekdays of an EV's weekly policy (others keep their values), and its zone."""

    days: Mapping[Weekday, DayChargePolicy]
    timezone: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Render the body: the weekdays are top-level keys, next to the time zone."""
        body: dict[str, Any] = to_wire(self.days)
        if self.timezone is not None:
            body["timezone"] = self.timezone
        return body
