"""Typed models of the Podero Partner API payloads.

Every model keeps the payload it came from in `raw` (excluded from equality), so nothing the API
sends is lost for diagnostics, while equality compares only the fields we interpret: two refreshes
with the same readings produce equal objects and need no state writes.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum
from typing import Any, ClassVar, Self

from .parsing import (
    Json,
    as_bool,
    as_datetime,
    as_enum,
    as_float,
    as_int,
    as_mapping,
    as_str,
    as_str_tuple,
    as_time_of_day,
)


class DeviceKind(StrEnum):
    """The device families of the Partner API, valued by their URL path segment."""

    HEAT_PUMP = "heat-pumps"
    ELECTRIC_VEHICLE = "electric-vehicles"
    SOLAR_INVERTER = "inverters"
    WALLBOX = "wallboxes"


class DeviceStatus(StrEnum):
    """Health of one aspect of a device (connection, monitoring, steering)."""

    OK = "ok"
    WARNING = "warning"
    ERROR = "error"
    UNKNOWN = "unknown"


class OptimizationLevel(StrEnum):
    """How aggressively a heat pump chases cheap hours (wire values are capitalised)."""

    LOW = "Low"
    MID = "Mid"
    MAX = "Max"

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        # Older docs use lower case; accept any casing of a known level.
        if isinstance(value, str):
            for member in cls:
                if member.value.lower() == value.lower():
                    return member
        return None


class HeatPumpMode(StrEnum):
    """The optimisation mode a heat pump currently runs in."""

    MIN = "min"
    LOW = "low"
    MID = "mid"
    MAX = "max"


class BoostState(StrEnum):
    """Whether "charge now" can be requested for an EV or wallbox."""

    AVAILABLE = "available"
    REQUESTED = "requested"
    ONGOING = "ongoing"
    UNAVAILABLE = "unavailable"


class WallboxMode(StrEnum):
    """User-facing wallbox status."""

    READY = "READY"
    PLUGGED_IN = "PLUGGED_IN"
    CHARGING = "CHARGING"
    UNAVAILABLE = "UNAVAILABLE"
    UNKNOWN = "UNKNOWN"


class WallboxConnection(StrEnum):
    """Presence of the wallbox's OCPP connection."""

    ONLINE = "online"
    OFFLINE = "offline"
    NEVER_CONNECTED = "never_connected"


class SmartChargingMode(StrEnum):
    """Owner-level steering mode for all of a user's charging devices."""

    NONE = "none"
    SPOT = "spot"
    HEMS = "hems"
    HEMS_AND_SPOT = "hems_and_spot"


class Weekday(StrEnum):
    """Keys of the weekly charge policy, Monday first."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceModel:
    """Make and model of a device as Podero knows it."""

    manufacturer: str | None
    model: str | None
    year: int | None
    type_name: str | None

    @classmethod
    def from_json(cls, data: Json) -> Self:
        """Parse the `device_model` object."""
        device_type = as_mapping(data.get("device_type"))
        return cls(
            manufacturer=as_str(data.get("manufacturer")),
            model=as_str(data.get("model")),
            year=as_int(data.get("year")),
            type_name=as_str(device_type.get("long_name"))
            or as_str(device_type.get("short_name")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingAction:
    """Something the device owner must do, e.g. reconnect the manufacturer account."""

    code: str
    resolution_url: str | None

    @classmethod
    def from_json(cls, data: Json) -> Self | None:
        """Parse one item of `actions`; items without a code are meaningless."""
        code = as_str(data.get("code"))
        if code is None:
            return None
        link = as_mapping(data.get("resolution_link"))
        return cls(code=code, resolution_url=as_str(link.get("url")))


@dataclass(frozen=True, slots=True, kw_only=True)
class Device:
    """Fields every Podero device shares."""

    kind: ClassVar[DeviceKind]

    id: str
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
    deleted_at: datetime | None
    raw: Mapping[str, Any] = field(compare=False, repr=False)

    @staticmethod
    def common_fields(data: Json) -> dict[str, Any]:
        """Parse the common block; subclasses add their own fields."""
        actions = data.get("actions")
        parsed_actions = (
            tuple(
                action
                for item in actions
                if (action := PendingAction.from_json(as_mapping(item))) is not None
            )
            if isinstance(actions, list)
            else ()
        )
        return {
            "id": data["id"],
            "device_model": DeviceModel.from_json(as_mapping(data.get("device_model"))),
            "connection_status": as_enum(
                DeviceStatus, data.get("connection_status"), "connection_status"
            ),
            "monitoring_status": as_enum(
                DeviceStatus, data.get("monitoring_status"), "monitoring_status"
            ),
            "steering_status": as_enum(
                DeviceStatus, data.get("steering_status"), "steering_status"
            ),
            "lifecycle_state": as_str(data.get("lifecycle_state")),
            "is_authenticated": as_bool(data.get("is_authenticated")),
            "is_smart_optimization_active": as_bool(
                data.get("is_smart_optimization_active")
            ),
            "is_pause_power_active": as_bool(data.get("is_pause_power_active")),
            "pause_power_until": as_datetime(data.get("pause_power_until")),
            "action_needed": as_bool(data.get("action_needed")),
            "actions": parsed_actions,
            "price_zone": as_str(data.get("price_zone")),
            "current_state_last_updated_at": as_datetime(
                data.get("current_state_last_updated_at")
            ),
            "deleted_at": as_datetime(data.get("deleted_at")),
            "raw": data,
        }

    @classmethod
    def from_json(cls, data: Json) -> Self:
        """Parse a device object; the caller has checked that `id` is present."""
        return cls(**cls.common_fields(data))


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

    @classmethod
    def from_json(cls, data: Json) -> Self:
        """Parse a heat pump object."""
        return cls(
            **cls.common_fields(data),
            optimization_level=as_enum(
                OptimizationLevel, data.get("optimization_level"), "optimization_level"
            ),
            current_mode=as_enum(
                HeatPumpMode, data.get("current_mode"), "current_mode"
            ),
            current_power_consumption_w=as_float(
                data.get("current_power_consumption_w")
            ),
            outdoor_temperature=as_float(data.get("outdoor_temperature")),
            indoor_actual_temperature=as_float(data.get("indoor_actual_temperature")),
            indoor_target_temperature=as_float(data.get("indoor_target_temperature")),
            indoor_target_temperature_offset=as_float(
                data.get("indoor_target_temperature_offset")
            ),
            inlet_temperature=as_float(data.get("inlet_temperature")),
            outlet_temperature=as_float(data.get("outlet_temperature")),
            dhw_temperature=as_float(data.get("dhw_temperature")),
            dhw_target_temperature=as_float(data.get("dhw_target_temperature")),
        )


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

    @classmethod
    def from_json(cls, data: Json) -> Self:
        """Parse an electric vehicle object."""
        return cls(
            **cls.common_fields(data),
            charge_target_min=as_int(data.get("charge_target_min")),
            charge_target_max=as_int(data.get("charge_target_max")),
            is_charge_policy_enabled=as_bool(data.get("is_charge_policy_enabled")),
            charge_deadline_at=as_time_of_day(data.get("charge_deadline_at")),
            minimum_charge_limit=as_int(data.get("minimum_charge_limit")),
            is_plugged_in=as_bool(data.get("is_plugged_in")),
            is_charging=as_bool(data.get("is_charging")),
            is_fully_charged=as_bool(data.get("is_fully_charged")),
            charge_rate_w=as_float(data.get("charge_rate_w")),
            battery_level=as_float(data.get("battery_level")),
            battery_capacity_kwh=as_float(data.get("battery_capacity_kwh")),
            driving_range=as_float(data.get("driving_range")),
            boost_state=as_enum(BoostState, data.get("boost_state"), "boost_state"),
            boost_for_next_session=as_bool(data.get("boost_for_next_session")),
        )


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

    @classmethod
    def from_json(cls, data: Json) -> Self:
        """Parse a solar inverter object."""
        return cls(
            **cls.common_fields(data),
            solar_power_rating_kw=as_float(data.get("solar_power_rating_kw")),
            is_battery_connected=as_bool(data.get("is_battery_connected")),
            battery_capacity_kwh=as_float(data.get("battery_capacity_kwh")),
            min_battery_charge=as_float(data.get("min_battery_charge")),
            max_battery_charge=as_float(data.get("max_battery_charge")),
            current_solar_production_w=as_float(data.get("current_solar_production_w")),
            current_power_to_grid_w=as_float(data.get("current_power_to_grid_w")),
            household_consumption_w=as_float(data.get("household_consumption_w")),
            solar_surplus_w=as_float(data.get("solar_surplus_w")),
            battery_charge_level_percent=as_float(
                data.get("battery_charge_level_percent")
            ),
            battery_charge_discharge_power_w=as_float(
                data.get("battery_charge_discharge_power_w")
            ),
        )


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

    @classmethod
    def from_json(cls, data: Json) -> Self:
        """Parse a wallbox object."""
        return cls(
            **cls.common_fields(data),
            charge_power_max_w=as_float(data.get("charge_power_max_w")),
            is_plugged_in=as_bool(data.get("is_plugged_in")),
            is_charging=as_bool(data.get("is_charging")),
            is_ocpp_connected=as_bool(data.get("is_ocpp_connected")),
            mode=as_enum(WallboxMode, data.get("mode"), "mode"),
            connection=as_enum(WallboxConnection, data.get("connection"), "connection"),
            boost_state=as_enum(BoostState, data.get("boost_state"), "boost_state"),
            boost_for_next_session=as_bool(data.get("boost_for_next_session")),
        )


DEVICE_MODELS: Mapping[DeviceKind, type[Device]] = {
    model.kind: model for model in (HeatPump, ElectricVehicle, SolarInverter, Wallbox)
}


@dataclass(frozen=True, slots=True, kw_only=True)
class DayChargePolicy:
    """What an EV must reach by when, on one weekday."""

    charge_percentage: int | None
    charge_deadline: time | None

    @classmethod
    def from_json(cls, data: Json) -> Self:
        """Parse one weekday of the policy."""
        return cls(
            charge_percentage=as_int(data.get("charge_percentage")),
            charge_deadline=as_time_of_day(data.get("charge_deadline")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class WeeklyChargePolicy:
    """An EV's charge targets per weekday, in the policy's time zone."""

    days: Mapping[Weekday, DayChargePolicy]
    timezone: str | None

    @classmethod
    def from_json(cls, data: Json) -> Self:
        """Parse the `data` object of the charge-policy envelope."""
        return cls(
            days={
                day: DayChargePolicy.from_json(as_mapping(data[day.value]))
                for day in Weekday
                if isinstance(data.get(day.value), Mapping)
            },
            timezone=as_str(data.get("timezone")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ModeAvailability:
    """Whether a smart-charging mode can be chosen, and why not."""

    mode: SmartChargingMode | None
    available: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChargingConfig:
    """The owner-level smart-charging configuration of a user."""

    smart_charging_mode: SmartChargingMode | None
    available_modes: tuple[ModeAvailability, ...]
    hems_eligible: bool | None
    hems_ineligible_reasons: tuple[str, ...]
    hems_min_export_to_start_w: int | None
    hems_max_import_before_stopping_w: int | None
    min_band_w: int | None
    mode_conflict: bool | None
    config_divergence: bool | None
    health_warning_since: datetime | None
    has_health_warning: bool
    charge_power_w: float | None
    solar_kwh_today: float | None
    raw: Mapping[str, Any] = field(compare=False, repr=False)

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

    @classmethod
    def from_json(cls, data: Json) -> Self:
        """Parse the charging-config object."""
        thresholds = as_mapping(data.get("thresholds"))
        status = as_mapping(data.get("status"))
        warning = data.get("health_warning")
        modes = data.get("available_modes")
        return cls(
            smart_charging_mode=as_enum(
                SmartChargingMode,
                data.get("smart_charging_mode"),
                "smart_charging_mode",
            ),
            available_modes=tuple(
                ModeAvailability(
                    mode=as_enum(
                        SmartChargingMode, item.get("mode"), "available_modes.mode"
                    ),
                    available=as_bool(item.get("available")) is True,
                    reasons=as_str_tuple(item.get("reasons")),
                )
                for item in (as_mapping(entry) for entry in modes)
            )
            if isinstance(modes, list)
            else (),
            hems_eligible=as_bool(data.get("hems_eligible")),
            hems_ineligible_reasons=as_str_tuple(data.get("hems_ineligible_reasons")),
            hems_min_export_to_start_w=as_int(
                thresholds.get("hems_min_export_to_start_w")
            ),
            hems_max_import_before_stopping_w=as_int(
                thresholds.get("hems_max_import_before_stopping_w")
            ),
            min_band_w=as_int(thresholds.get("min_band_w")),
            mode_conflict=as_bool(data.get("mode_conflict")),
            config_divergence=as_bool(data.get("config_divergence")),
            health_warning_since=as_datetime(as_mapping(warning).get("since")),
            has_health_warning=warning is not None,
            charge_power_w=as_float(status.get("charge_power_w")),
            solar_kwh_today=as_float(status.get("solar_kwh_today")),
            raw=data,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganisationUser:
    """A user of the partner organisation (for picking whose devices to show)."""

    id: str
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

    @classmethod
    def from_json(cls, data: Json) -> Self:
        """Parse a user object; the caller has checked that `id` is present."""
        return cls(
            id=data["id"],
            email=as_str(data.get("email")),
            first_name=as_str(data.get("first_name")),
            last_name=as_str(data.get("last_name")),
            role=as_str(data.get("role")),
            deleted_at=as_datetime(data.get("deleted_at")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ChargingSession:
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

    @classmethod
    def from_json(cls, data: Json) -> Self:
        """Parse a SessionItem."""
        return cls(
            id=as_str(data.get("id")),
            plug_in_time=as_datetime(data.get("plug_in_time")),
            unplug_time=as_datetime(data.get("unplug_time")),
            charge_deadline=as_datetime(data.get("charge_deadline")),
            target_soc_pct=as_float(data.get("target_soc_pct")),
            initial_soc_pct=as_float(data.get("initial_soc_pct")),
            final_soc_pct=as_float(data.get("final_soc_pct")),
            energy_charged_kwh=as_float(data.get("energy_charged_kwh")),
            avg_charge_power_kw=as_float(data.get("avg_charge_power_kw")),
            peak_charge_power_kw=as_float(data.get("peak_charge_power_kw")),
            actual_cost_eur=as_float(data.get("actual_cost_eur")),
            expected_savings_eur=as_float(data.get("expected_savings_eur")),
            actual_savings_eur=as_float(data.get("actual_savings_eur")),
            is_at_home=as_bool(data.get("is_at_home")),
            session_outcome=as_str(data.get("session_outcome")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DataPoint:
    """One period of a device's time series: its start and the numeric values reported.

    Per the API, consumption fields are Wh per period, `*_w` fields average W over the
    period and `price` EUR/MWh; values the API sent as null are left out of `values`.
    """

    time: datetime
    values: Mapping[str, float]

    @classmethod
    def from_json(cls, data: Json) -> Self | None:
        """Parse one point; a point without a readable time is dropped."""
        time = as_datetime(data.get("time"))
        if time is None:
            return None
        values = {
            key: number
            for key, value in data.items()
            if key != "time" and (number := as_float(value)) is not None
        }
        return cls(time=time, values=values)


@dataclass(frozen=True, slots=True, kw_only=True)
class SavingsPeriod:
    """What optimisation saved in one period (the API reports EUR and kWh)."""

    start: datetime | None
    end: datetime | None
    savings_total: float | None
    savings_percentage: float | None
    consumption_total: float | None

    @classmethod
    def from_json(cls, data: Json) -> Self:
        """Parse one item of the savings `data` array."""
        period = as_mapping(data.get("period"))
        savings = as_mapping(data.get("savings"))
        return cls(
            start=as_datetime(period.get("start_period")),
            end=as_datetime(period.get("end_period")),
            savings_total=as_float(savings.get("total")),
            savings_percentage=as_float(savings.get("percentage")),
            consumption_total=as_float(
                as_mapping(data.get("consumption")).get("total")
            ),
        )
