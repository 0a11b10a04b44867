"""Sensors: readings, states and health of every Podero device."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfEnergy,
    UnitOfLength,
    UnitOfPower,
    UnitOfTemperature,
)
from homeassistant.helpers.typing import StateType

from .api import (
    BoostState,
    ChargingSession,
    Device,
    DeviceKind,
    DeviceStatus,
    ElectricVehicle,
    HeatPump,
    HeatPumpMode,
    SolarInverter,
    WallboxConnection,
    WallboxMode,
)
from .const import EUR
from .energy import DeviceEnergy
from .entity import (
    EnergyOf,
    PoderoEntity,
    PoderoEntityDescription,
    Source,
    platform_setup,
)

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class PoderoSensorDescription[T](PoderoEntityDescription[T], SensorEntityDescription):
    """A sensor reading one value of its subject."""

    value_fn: Callable[[T], StateType | datetime]
    # For totals that restart (a session, a month): when the current total began.
    last_reset_fn: Callable[[T], datetime | None] | None = None
    attributes_fn: Callable[[T], Mapping[str, Any] | None] | None = None


def _state(member: StrEnum | None) -> str | None:
    """Map an API enum member to a sensor state (lower case).

    Sensor states must not read "unknown" or "unavailable" (Home Assistant's own states):
    Podero's "unknown" is an unknown state, its "unavailable" reads "not_available".
    """
    if member is None or (value := member.value.lower()) == "unknown":
        return None
    return "not_available" if value == "unavailable" else value


def _enum(
    key: str, enum: type[StrEnum], read: Callable[[Any], StrEnum | None], **extra: Any
) -> PoderoSensorDescription[Any]:
    return PoderoSensorDescription(
        key=key,
        device_class=SensorDeviceClass.ENUM,
        options=[state for member in enum if (state := _state(member))],
        value_fn=lambda subject: _state(read(subject)),
        **extra,
    )


HEAT_PUMP_MODES = ["not_optimizing", *(mode.value for mode in HeatPumpMode)]


def _heat_pump_mode(pump: HeatPump) -> str | None:
    """Podero reports a mode only while it optimises; otherwise say so."""
    if pump.is_smart_optimization_active is False:
        return "not_optimizing"
    return pump.current_mode.value if pump.current_mode else None


def _power(
    key: str, value_fn: Callable[[Any], float | None], **extra: Any
) -> PoderoSensorDescription[Any]:
    return PoderoSensorDescription(
        key=key,
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
        value_fn=value_fn,
        **extra,
    )


def _temperature(
    key: str, value_fn: Callable[[HeatPump], float | None], *, enabled: bool = True
) -> PoderoSensorDescription[HeatPump]:
    return PoderoSensorDescription[HeatPump](
        key=key,
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        suggested_display_precision=1,
        entity_registry_enabled_default=enabled,
        value_fn=value_fn,
    )


_DIAGNOSTIC: dict[str, Any] = {
    "entity_category": EntityCategory.DIAGNOSTIC,
    "entity_registry_enabled_default": False,
}


COMMON: tuple[PoderoSensorDescription[Any], ...] = (
    _enum(
        "connection_status", DeviceStatus, lambda d: d.connection_status, **_DIAGNOSTIC
    ),
    _enum(
        "monitoring_status", DeviceStatus, lambda d: d.monitoring_status, **_DIAGNOSTIC
    ),
    _enum("steering_status", DeviceStatus, lambda d: d.steering_status, **_DIAGNOSTIC),
    PoderoSensorDescription[Device](
        key="last_update",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda device: device.current_state_last_updated_at,
        **_DIAGNOSTIC,
    ),
)

HEAT_PUMP: tuple[PoderoSensorDescription[Any], ...] = (
    _power("power", lambda pump: pump.current_power_consumption_w),
    _temperature("outdoor_temperature", lambda pump: pump.outdoor_temperature),
    _temperature("indoor_temperature", lambda pump: pump.indoor_actual_temperature),
    _temperature(
        "indoor_target_temperature", lambda pump: pump.indoor_target_temperature
    ),
    PoderoSensorDescription[HeatPump](
        key="indoor_target_temperature_offset",
        device_class=SensorDeviceClass.TEMPERATURE_DELTA,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.KELVIN,
        suggested_display_precision=1,
        value_fn=lambda pump: pump.indoor_target_temperature_offset,
        **_DIAGNOSTIC,
    ),
    _temperature(
        "inlet_temperature", lambda pump: pump.inlet_temperature, enabled=False
    ),
    _temperature(
        "outlet_temperature", lambda pump: pump.outlet_temperature, enabled=False
    ),
    _temperature("hot_water_temperature", lambda pump: pump.dhw_temperature),
    _temperature(
        "hot_water_target_temperature", lambda pump: pump.dhw_target_temperature
    ),
    PoderoSensorDescription[HeatPump](
        key="current_mode",
        device_class=SensorDeviceClass.ENUM,
        options=HEAT_PUMP_MODES,
        value_fn=_heat_pump_mode,
    ),
)

ELECTRIC_VEHICLE: tuple[PoderoSensorDescription[Any], ...] = (
    PoderoSensorDescription[ElectricVehicle](
        key="battery_level",
        device_class=SensorDeviceClass.BATTERY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
        value_fn=lambda vehicle: vehicle.battery_level,
    ),
    _power("charge_rate", lambda vehicle: vehicle.charge_rate_w),
    PoderoSensorDescription[ElectricVehicle](
        key="range",
        device_class=SensorDeviceClass.DISTANCE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfLength.KILOMETERS,
        suggested_display_precision=0,
        value_fn=lambda vehicle: vehicle.driving_range,
    ),
    PoderoSensorDescription[ElectricVehicle](
        key="battery_capacity",
        device_class=SensorDeviceClass.ENERGY_STORAGE,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=1,
        value_fn=lambda vehicle: vehicle.battery_capacity_kwh,
        **_DIAGNOSTIC,
    ),
    PoderoSensorDescription[ElectricVehicle](
        key="charge_limit",
        native_unit_of_measurement=PERCENTAGE,
        value_fn=lambda vehicle: vehicle.charge_target_max,
        **_DIAGNOSTIC,
    ),
    _enum("boost_state", BoostState, lambda vehicle: vehicle.boost_state),
)


SOLAR_INVERTER: tuple[PoderoSensorDescription[Any], ...] = (
    _power("solar_power", lambda inverter: inverter.current_solar_production_w),
    _power("grid_power", lambda inverter: inverter.current_power_to_grid_w),
    _power("household_power", lambda inverter: inverter.household_consumption_w),
    _power(
        "solar_surplus",
        lambda inverter: inverter.solar_surplus_w,
        entity_registry_enabled_default=False,
    ),
    _power(
        "battery_power",
        lambda inverter: inverter.battery_charge_discharge_power_w,
        # Battery readings exist with a battery, and go unavailable while it is disconnected.
        exists_fn=lambda inverter: inverter.has_battery,
        available_fn=lambda inverter: inverter.has_battery,
    ),
    PoderoSensorDescription[SolarInverter](
        key="battery_level",
        device_class=SensorDeviceClass.BATTERY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
        # Battery readings exist with a battery, and go unavailable while it is disconnected.
        exists_fn=lambda inverter: inverter.has_battery,
        available_fn=lambda inverter: inverter.has_battery,
        value_fn=lambda inverter: inverter.battery_charge_level_percent,
    ),
)

WALLBOX: tuple[PoderoSensorDescription[Any], ...] = (
    _enum("mode", WallboxMode, lambda wallbox: wallbox.mode),
    _enum("connection", WallboxConnection, lambda w: w.connection, **_DIAGNOSTIC),
    _enum("boost_state", BoostState, lambda wallbox: wallbox.boost_state),
)


def _session_value(
    read: Callable[[ChargingSession], float | None],
) -> Callable[[DeviceEnergy], float | None]:
    """Read a figure of the current session; without a session there is none."""
    return lambda energy: (
        read(energy.current_session) if energy.current_session else None
    )


def _euro(
    key: str,
    value_fn: Callable[[DeviceEnergy], float | None],
    last_reset_fn: Callable[[DeviceEnergy], datetime | None],
) -> PoderoSensorDescription[DeviceEnergy]:
    return PoderoSensorDescription[DeviceEnergy](
        key=key,
        device_class=SensorDeviceClass.MONETARY,
        state_class=SensorStateClass.TOTAL,
        native_unit_of_measurement=EUR,
        suggested_display_precision=2,
        value_fn=value_fn,
        last_reset_fn=last_reset_fn,
    )


def _session_start(energy: DeviceEnergy) -> datetime | None:
    return energy.current_session.plug_in_time if energy.current_session else None


def _last_session(energy: DeviceEnergy) -> Mapping[str, Any] | None:
    session = energy.last_session
    if session is None:
        return None
    return {
        "plugged_in": session.plug_in_time,
        "unplugged": session.unplug_time,
        "cost": session.actual_cost_eur,
        "savings": session.actual_savings_eur,
        "battery_level": session.final_soc_pct,
    }


SAVINGS_THIS_MONTH = _euro(
    "savings_this_month",
    lambda energy: energy.savings_this_month,
    lambda energy: energy.month_start,
)

VEHICLE_ENERGY: tuple[PoderoSensorDescription[Any], ...] = (
    PoderoSensorDescription[DeviceEnergy](
        key="session_energy",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=_session_value(lambda session: session.energy_charged_kwh),
    ),
    _euro(
        "session_cost",
        _session_value(lambda session: session.actual_cost_eur),
        _session_start,
    ),
    _euro(
        "session_expected_savings",
        _session_value(lambda session: session.expected_savings_eur),
        _session_start,
    ),
    PoderoSensorDescription[DeviceEnergy](
        key="last_session_energy",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda energy: (
            energy.last_session.energy_charged_kwh if energy.last_session else None
        ),
        attributes_fn=_last_session,
    ),
    SAVINGS_THIS_MONTH,
)

SENSORS: Mapping[Source, tuple[PoderoSensorDescription[Any], ...]] = {
    DeviceKind.HEAT_PUMP: (*HEAT_PUMP, *COMMON),
    DeviceKind.ELECTRIC_VEHICLE: (*ELECTRIC_VEHICLE, *COMMON),
    DeviceKind.SOLAR_INVERTER: (*SOLAR_INVERTER, *COMMON),
    DeviceKind.WALLBOX: (*WALLBOX, *COMMON),
    EnergyOf(DeviceKind.HEAT_PUMP): (SAVINGS_THIS_MONTH,),
    EnergyOf(DeviceKind.ELECTRIC_VEHICLE): VEHICLE_ENERGY,
    EnergyOf(DeviceKind.SOLAR_INVERTER): (SAVINGS_THIS_MONTH,),
}


class PoderoSensor(PoderoEntity[Any], SensorEntity):
    """A reading from a Podero device."""

    entity_description: PoderoSensorDescription[Any]

    @property
    @override
    def native_value(self) -> StateType | datetime:
        return self.read(self.entity_description.value_fn)

    @property
    @override
    def last_reset(self) -> datetime | None:
        return self.read(self.entity_description.last_reset_fn)

    @property
    @override
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        return self.read(self.entity_description.attributes_fn)


async_setup_entry = platform_setup(SENSORS, PoderoSensor)
