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
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .api import (
    BoostState,
    ChargingSession,
    Device,
    DeviceKind,
    DeviceStatus,
    ElectricVehicle,
    HeatPump,
    SolarInverter,
    Wallbox,
    WallboxConnection,
    WallboxMode,
)
from .const import EUR
from .data import PoderoConfigEntry
from .energy import DeviceEnergy
from .entity import (
    EnergyOf,
    PoderoEntity,
    PoderoEntityDescription,
    Source,
    async_setup_platform_entities,
)

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class PoderoSensorDescription[T](PoderoEntityDescription[T], SensorEntityDescription):
    """A sensor reading one value of its subject."""

    value_fn: Callable[[T], StateType | datetime]
    # For totals that restart (a session, a month): when the current total began.
    last_reset_fn: Callable[[T], datetime | None] | None = None
    attributes_fn: Callable[[T], Mapping[str, Any] | None] | None = None


def _enum_state[E: StrEnum](
    states: Mapping[E, str],
) -> Callable[[E | None], str | None]:
    """Map API enum members to sensor states; unknown or missing values become unknown."""
    return lambda member: None if member is None else states.get(member)


# Sensor states must not read "unknown" or "unavailable" (Home Assistant's own states), so
# those API values map to "not_available" or to an unknown state.
_DEVICE_STATUS = {
    DeviceStatus.OK: "ok",
    DeviceStatus.WARNING: "warning",
    DeviceStatus.ERROR: "error",
}
_BOOST_STATE = {
    BoostState.AVAILABLE: "available",
    BoostState.REQUESTED: "requested",
    BoostState.ONGOING: "ongoing",
    BoostState.UNAVAILABLE: "not_available",
}
_WALLBOX_MODE = {
    WallboxMode.READY: "ready",
    WallboxMode.PLUGGED_IN: "plugged_in",
    WallboxMode.CHARGING: "charging",
    WallboxMode.UNAVAILABLE: "not_available",
}
_WALLBOX_CONNECTION = {member: member.value for member in WallboxConnection}
HEAT_PUMP_MODES = ["not_optimizing", "min", "low", "mid", "max"]

device_status = _enum_state(_DEVICE_STATUS)
boost_state = _enum_state(_BOOST_STATE)
wallbox_mode = _enum_state(_WALLBOX_MODE)
wallbox_connection = _enum_state(_WALLBOX_CONNECTION)


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


def _status(
    key: str, value_fn: Callable[[Device], DeviceStatus | None]
) -> PoderoSensorDescription[Device]:
    return PoderoSensorDescription[Device](
        key=key,
        device_class=SensorDeviceClass.ENUM,
        options=list(_DEVICE_STATUS.values()),
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda device: device_status(value_fn(device)),
    )


COMMON: tuple[PoderoSensorDescription[Any], ...] = (
    _status("connection_status", lambda device: device.connection_status),
    _status("monitoring_status", lambda device: device.monitoring_status),
    _status("steering_status", lambda device: device.steering_status),
    PoderoSensorDescription[Device](
        key="last_update",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda device: device.current_state_last_updated_at,
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
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda pump: pump.indoor_target_temperature_offset,
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
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda vehicle: vehicle.battery_capacity_kwh,
    ),
    PoderoSensorDescription[ElectricVehicle](
        key="charge_limit",
        native_unit_of_measurement=PERCENTAGE,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda vehicle: vehicle.charge_target_max,
    ),
    PoderoSensorDescription[ElectricVehicle](
        key="boost_state",
        device_class=SensorDeviceClass.ENUM,
        options=list(_BOOST_STATE.values()),
        value_fn=lambda vehicle: boost_state(vehicle.boost_state),
    ),
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
    PoderoSensorDescription[Wallbox](
        key="mode",
        device_class=SensorDeviceClass.ENUM,
        options=list(_WALLBOX_MODE.values()),
        value_fn=lambda wallbox: wallbox_mode(wallbox.mode),
    ),
    PoderoSensorDescription[Wallbox](
        key="connection",
        device_class=SensorDeviceClass.ENUM,
        options=list(_WALLBOX_CONNECTION.values()),
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda wallbox: wallbox_connection(wallbox.connection),
    ),
    PoderoSensorDescription[Wallbox](
        key="boost_state",
        device_class=SensorDeviceClass.ENUM,
        options=list(_BOOST_STATE.values()),
        value_fn=lambda wallbox: boost_state(wallbox.boost_state),
    ),
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


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PoderoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the sensors, now and as devices appear."""
    async_setup_platform_entities(entry, async_add_entities, SENSORS, PoderoSensor)


class PoderoSensor(PoderoEntity[Any], SensorEntity):
    """A reading from a Podero device."""

    entity_description: PoderoSensorDescription[Any]

    @property
    @override
    def native_value(self) -> StateType | datetime:
        subject = self.subject
        return None if subject is None else self.entity_description.value_fn(subject)

    @property
    @override
    def last_reset(self) -> datetime | None:
        subject = self.subject
        reset = self.entity_description.last_reset_fn
        return None if subject is None or reset is None else reset(subject)

    @property
    @override
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        subject = self.subject
        attributes = self.entity_description.attributes_fn
        return None if subject is None or attributes is None else attributes(subject)
