"""Typed models of the Podero Partner API payloads, each field declared once (see `parsing`).

Devices and the charging configuration keep their payload in `raw` (not compared), so nothing is
lost for diagnostics while two refreshes with the same readings give equal objects.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any, ClassVar

from .enums import (
    BoostState,
    DeviceKind,
    DeviceStatus,
    HeatPumpMode,
    OptimizationLevel,
    SmartChargingMode,
    WallboxConnection,
    WallboxMode,
    Weekday,
)
from .parsing import Model, raw_field, wire


def _type_name(value: object) -> str | None:
    """Return the device type's long name, else its short one."""
    if not isinstance(value, Mapping):
        return None
    long_name, short_name = value.get("long_name"), value.get("short_name")
    return (long_name if isinstance(long_name, str) and long_name else None) or (
        short_name if isinstance(short_name, str) else None
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceModel(Model):
    """Make and model of a device as Podero knows it."""

    manufacturer: str | None
    model: str | None
    year: int | None
    type_name: str | None = wire("device_type", read=_type_name)


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingAction(Model):
    """Something the device owner must do, e.g. reconnect the manufacturer account."""

    code: str = wire(required=True)
    resolution_url: str | None = wire("resolution_link.url")


@dataclass(frozen=True, slots=True, kw_only=True)
class Device(Model):
    """Fields every Podero device shares."""

    kind: ClassVar[DeviceKind]

    id: str = wire(required=True)
    device_model: DeviceModel
    connection_status: DeviceStatus | None
    monitoring_status: DeviceStatus | None
    steering_status: DeviceStatus | None
    lifecycle_state: str | None
    is_authenticated: bool | None
    is_smart_optimization_active: bool | None
    is_pause_power_active: bool | None
    pause_power_until: datetime | None
    action_needed: bool | None
    actions: tuple[PendingAction, ...]
    price_zone: str | None
    current_state_last_updated_at: datetime | None
    updated_at: datetime | None
    deleted_at: datetime | None
    raw: Mapping[str, Any] = raw_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class HeatPump(Device):
    """A heat pump and its latest readings."""

    kind: ClassVar[DeviceKind] = DeviceKind.HEAT_PUMP

    optimization_level: OptimizationLevel | None
    current_mode: HeatPumpMode | None
    current_power_consumption_w: float | None
    outdoor_temperature: float | None
    indoor_actual_temperature: float | None
    indoor_target_temperature: float | None
    indoor_target_temperature_offset: float | None
    inlet_temperature: float | None
    outlet_temperature: float | None
    dhw_temperature: float | None
    dhw_target_temperature: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ElectricVehicle(Device):
    """An electric vehicle, its charge settings and its latest readings."""

    kind: ClassVar[DeviceKind] = DeviceKind.ELECTRIC_VEHICLE

    charge_target_min: int | None
    charge_target_max: int | None
    is_charge_policy_enabled: bool | None
    charge_deadline_at: time | None
    minimum_charge_limit: int | None
    is_plugged_in: bool | None
    is_charging: bool | None
    is_fully_charged: bool | None
    charge_rate_w: float | None
    battery_level: float | None
    battery_capacity_kwh: float | None
    driving_range: float | None
    boost_state: BoostState | None
    boost_for_next_session: bool | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SolarInverter(Device):
    """A solar inverter, optionally with a home battery."""

    kind: ClassVar[DeviceKind] = DeviceKind.SOLAR_INVERTER

    solar_power_rating_kw: float | None
    is_battery_connected: bool | None
    battery_capacity_kwh: float | None
    min_battery_charge: float | None
    max_battery_charge: float | None
    current_solar_production_w: float | None
    current_power_to_grid_w: float | None
    household_consumption_w: float | None
    solar_surplus_w: float | None
    battery_charge_level_percent: float | None
    battery_charge_discharge_power_w: float | None

    @property
    def has_battery(self) -> bool:
        """A battery is assumed unless Podero says none is connected."""
        return self.is_battery_connected is not False


@dataclass(frozen=True, slots=True, kw_only=True)
class Wallbox(Device):
    """An OCPP wallbox steered by Podero."""

    kind: ClassVar[DeviceKind] = DeviceKind.WALLBOX

    charge_power_max_w: float | None
    is_plugged_in: bool | None
    is_charging: bool | None
    is_ocpp_connected: bool | None
    mode: WallboxMode | None
    connection: WallboxConnection | None
    boost_state: BoostState | None
    boost_for_next_session: bool | None


DEVICE_MODELS: Mapping[DeviceKind, type[Device]] = {
    model.kind: model for model in (HeatPump, ElectricVehicle, SolarInverter, Wallbox)
}


@dataclass(frozen=True, slots=True, kw_only=True)
class DayChargePolicy(Model):
    """What an EV must reach by when, on one weekday."""

    charge_percentage: int | None
    charge_deadline: time | None


@dataclass(frozen=True, slots=True, kw_only=True)
class WeeklyChargePolicy(Model):
    """An EV's charge targets per weekday, in the policy's time zone."""

    mon: DayChargePolicy | None
    tue: DayChargePolicy | None
    wed: DayChargePolicy | None
    thu: DayChargePolicy | None
    fri: DayChargePolicy | None
    sat: DayChargePolicy | None
    sun: DayChargePolicy | None
    timezone: str | None

    @property
    def days(self) -> Mapping[Weekday, DayChargePolicy]:
        """The weekdays the policy has, Monday first."""
        return {
            day: policy
            for day in Weekday
            if (policy := getattr(self, day.value)) is not None
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ModeAvailability(Model):
    """Whether a smart-charging mode can be chosen, and why not."""

    mode: SmartChargingMode | None
    available: bool | None
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChargingConfig(Model):
    """The owner-level smart-charging configuration of a user."""

    smart_charging_mode: SmartChargingMode | None
    available_modes: tuple[ModeAvailability, ...]
    hems_eligible: bool | None
    hems_ineligible_reasons: tuple[str, ...]
    hems_min_export_to_start_w: int | None = wire(
        "thresholds.hems_min_export_to_start_w"
    )
    hems_max_import_before_stopping_w: int | None = wire(
        "thresholds.hems_max_import_before_stopping_w"
    )
    min_band_w: int | None = wire("thresholds.min_band_w")
    mode_conflict: bool | None
    config_divergence: bool | None
    health_warning_since: datetime | None = wire("health_warning.since")
    has_health_warning: bool = wire(
        "health_warning", read=lambda value: value is not None
    )
    charge_power_w: float | None = wire("status.charge_power_w")
    solar_kwh_today: float | None = wire("status.solar_kwh_today")
    raw: Mapping[str, Any] = raw_field()

    @property
    def selectable_modes(self) -> tuple[SmartChargingMode, ...]:
        """Modes the user may switch to now; `none` is always allowed."""
        modes = [
            entry.mode
            for entry in self.available_modes
            if entry.available and entry.mode
        ]
        if SmartChargingMode.NONE not in modes:
            modes.insert(0, SmartChargingMode.NONE)
        return tuple(modes)


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganisationUser(Model):
    """A user of the partner organisation (for picking whose devices to show)."""

    id: str = wire(required=True)
    email: str | None
    first_name: str | None
    last_name: str | None
    role: str | None
    deleted_at: datetime | None

    @property
    def display_name(self) -> str:
        """Name and e-mail as a person would recognise the account."""
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        if name and self.email:
            return f"{name} <{self.email}>"
        return name or self.email or self.id


@dataclass(frozen=True, slots=True, kw_only=True)
class ChargingSession(Model):
    """One EV charging session (the current one or a completed one)."""

    id: str | None
    plug_in_time: datetime | None
    unplug_time: datetime | None
    charge_deadline: datetime | None
    target_soc_pct: float | None
    initial_soc_pct: float | None
    final_soc_pct: float | None
    energy_charged_kwh: float | None
    avg_charge_power_kw: float | None
    peak_charge_power_kw: float | None
    actual_cost_eur: float | None
    expected_savings_eur: float | None
    actual_savings_eur: float | None
    is_at_home: bool | None
    session_outcome: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DataPoint(Model):
    """One period of a device's time series: consumption in Wh, `*_w` mean W, price EUR/MWh."""

    time: datetime = wire(required=True)
    price: float | None
    estimated_consumption: float | None
    unoptimized_consumption: float | None
    solar_production_w: float | None
    export_power_to_grid_w: float | None
    household_consumption_w: float | None
    battery_charge_discharge_power_w: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SavingsPeriod(Model):
    """What optimisation saved in one period (the API reports EUR and kWh)."""

    start: datetime | None = wire("period.start_period")
    end: datetime | None = wire("period.end_period")
    savings_total: float | None = wire("savings.total")
    savings_percentage: float | None = wire("savings.percentage")
    consumption_total: float | None = wire("consumption.total")


# Payload fields that identify a person or a place, or carry a signed link: diagnostics
# redact them wherever they occur.
PERSONAL_FIELDS = frozenset(
    [
        "owner",
        "email",
        "first_name",
        "last_name",
        "external_id",
        "external_user_id",
        "external_device_id",
        "street_and_number",
        "street_add_info",
        "zip_code",
        "town",
        "latitude",
        "longitude",
        "building",
        "resolution_link",
        "url",
        "user_id",
    ]
)
