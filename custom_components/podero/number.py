"""Numbers: EV minimum charge, home battery limits and the owner's solar-charging thresholds."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
import math
from typing import Any, override

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfPower
from homeassistant.exceptions import ServiceValidationError

from .api import (
    ChargingConfig,
    ChargingConfigUpdate,
    DeviceKind,
    DeviceUpdate,
    ElectricVehicle,
    SolarInverter,
)
from .const import DOMAIN
from .entity import (
    ACCOUNT,
    PoderoEntity,
    PoderoEntityDescription,
    SetFn,
    Source,
    platform_setup,
    write_device,
)

PARALLEL_UPDATES = 1

# Podero's documented range for the HEMS thresholds.
HEMS_THRESHOLD_MAX_W = 50000


@dataclass(frozen=True, kw_only=True)
class PoderoNumberDescription[T](PoderoEntityDescription[T], NumberEntityDescription):
    """A number mirroring one numeric field of its target."""

    value_fn: Callable[[T], float | None]
    set_fn: SetFn[T, int]
    # Checks a new value against the rest of the subject before anything is sent.
    validate_fn: Callable[[T, int], None] = lambda _subject, _value: None


def _invalid(key: str, **placeholders: object) -> ServiceValidationError:
    texts = {name: str(value) for name, value in placeholders.items()}
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=texts
    )


def _check_min_battery(inverter: SolarInverter, value: int) -> None:
    if inverter.max_battery_charge is not None and value > inverter.max_battery_charge:
        raise _invalid(
            "battery_min_above_max", value=value, max=f"{inverter.max_battery_charge:g}"
        )


def _check_max_battery(inverter: SolarInverter, value: int) -> None:
    if inverter.min_battery_charge is not None and value < inverter.min_battery_charge:
        raise _invalid(
            "battery_max_below_min", value=value, min=f"{inverter.min_battery_charge:g}"
        )


def _check_band(start: int | None, stop: int | None, band: int | None) -> None:
    """Podero rejects thresholds closer together than the devices' hysteresis band."""
    if band and start is not None and stop is not None and start + stop < band:
        raise _invalid("hems_band_too_narrow", band=band, start=start, stop=stop)


def _write_config(update: Callable[[int], ChargingConfigUpdate]) -> SetFn[Any, int]:
    return lambda client, _config, value: client.update_charging_config(update(value))


_PERCENT: dict[str, Any] = {
    "native_min_value": 0,
    "native_max_value": 100,
    "native_step": 1,
    "native_unit_of_measurement": PERCENTAGE,
    "mode": NumberMode.SLIDER,
}
_BATTERY_LIMIT: dict[str, Any] = {
    **_PERCENT,
    "device_class": NumberDeviceClass.BATTERY,
    "entity_category": EntityCategory.CONFIG,
    # Battery limits exist with a battery, and go unavailable while it is disconnected.
    "exists_fn": lambda inverter: inverter.has_battery,
    "available_fn": lambda inverter: inverter.has_battery,
}
_HEMS_THRESHOLD: dict[str, Any] = {
    "device_class": NumberDeviceClass.POWER,
    "entity_category": EntityCategory.CONFIG,
    "native_min_value": 0,
    "native_max_value": HEMS_THRESHOLD_MAX_W,
    "native_step": 10,
    "native_unit_of_measurement": UnitOfPower.WATT,
    "mode": NumberMode.BOX,
}

MINIMUM_CHARGE_LIMIT = PoderoNumberDescription[ElectricVehicle](
    key="minimum_charge_limit",
    value_fn=lambda vehicle: vehicle.minimum_charge_limit,
    set_fn=write_device(lambda value: DeviceUpdate(minimum_charge_limit=value)),
    **_PERCENT,
)
MIN_BATTERY_CHARGE = PoderoNumberDescription[SolarInverter](
    key="min_battery_charge",
    value_fn=lambda inverter: inverter.min_battery_charge,
    set_fn=write_device(lambda value: DeviceUpdate(min_battery_charge=value)),
    validate_fn=_check_min_battery,
    **_BATTERY_LIMIT,
)
MAX_BATTERY_CHARGE = PoderoNumberDescription[SolarInverter](
    key="max_battery_charge",
    value_fn=lambda inverter: inverter.max_battery_charge,
    set_fn=write_device(lambda value: DeviceUpdate(max_battery_charge=value)),
    validate_fn=_check_max_battery,
    **_BATTERY_LIMIT,
)
HEMS_MIN_EXPORT = PoderoNumberDescription[ChargingConfig](
    key="hems_min_export_to_start",
    value_fn=lambda config: config.hems_min_export_to_start_w,
    set_fn=_write_config(
        lambda value: ChargingConfigUpdate(hems_min_export_to_start_w=value)
    ),
    validate_fn=lambda config, value: _check_band(
        value, config.hems_max_import_before_stopping_w, config.min_band_w
    ),
    **_HEMS_THRESHOLD,
)
HEMS_MAX_IMPORT = PoderoNumberDescription[ChargingConfig](
    key="hems_max_import_before_stopping",
    value_fn=lambda config: config.hems_max_import_before_stopping_w,
    set_fn=_write_config(
        lambda value: ChargingConfigUpdate(hems_max_import_before_stopping_w=value)
    ),
    validate_fn=lambda config, value: _check_band(
        config.hems_min_export_to_start_w, value, config.min_band_w
    ),
    **_HEMS_THRESHOLD,
)

NUMBERS: Mapping[Source, tuple[PoderoNumberDescription[Any], ...]] = {
    DeviceKind.ELECTRIC_VEHICLE: (MINIMUM_CHARGE_LIMIT,),
    DeviceKind.SOLAR_INVERTER: (MIN_BATTERY_CHARGE, MAX_BATTERY_CHARGE),
    ACCOUNT: (HEMS_MIN_EXPORT, HEMS_MAX_IMPORT),
}


class PoderoNumber(PoderoEntity[Any], NumberEntity):
    """A numeric Podero setting."""

    entity_description: PoderoNumberDescription[Any]

    @property
    @override
    def native_value(self) -> float | None:
        return self.read(self.entity_description.value_fn)

    @override
    async def async_set_native_value(self, value: float) -> None:
        # Every Podero number is whole (percent or watts); Home Assistant already checked
        # the range against min/max before calling us.
        if not math.isfinite(value):  # NaN passes Home Assistant's range check
            raise _invalid("invalid_number", value=value)
        whole = round(value)
        if (subject := self.subject) is not None:
            self.entity_description.validate_fn(subject, whole)
        await self.async_set(self.entity_description.set_fn, whole)


async_setup_entry = platform_setup(NUMBERS, PoderoNumber)
