"""Binary sensors: plug and charge state, boost arming, cloud link and pending actions."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory

from .api import Device, DeviceKind, ElectricVehicle, Wallbox
from .entity import PoderoEntity, PoderoEntityDescription, Source, platform_setup

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class PoderoBinarySensorDescription[T](
    PoderoEntityDescription[T], BinarySensorEntityDescription
):
    """A binary sensor reading one flag of its subject."""

    value_fn: Callable[[T], bool | None]
    attributes_fn: Callable[[T], Mapping[str, Any] | None] = lambda _: None


COMMON: tuple[PoderoBinarySensorDescription[Any], ...] = (
    # Podero loses the link to the manufacturer's cloud when the owner's login there lapses.
    PoderoBinarySensorDescription[Device](
        key="cloud_connection",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda device: device.is_authenticated,
    ),
    PoderoBinarySensorDescription[Device](
        key="action_needed",
        device_class=BinarySensorDeviceClass.PROBLEM,
        # Listed actions prove that something is needed; otherwise trust the flag, and
        # show unknown (not "no problem") when Podero did not send it.
        value_fn=lambda device: True if device.actions else device.action_needed,
        # Only the action codes: resolution links carry signed secrets.
        attributes_fn=lambda device: {
            "actions": [action.code for action in device.actions]
        },
    ),
)


def _plug_and_charge() -> tuple[
    PoderoBinarySensorDescription[ElectricVehicle | Wallbox], ...
]:
    return (
        PoderoBinarySensorDescription[ElectricVehicle | Wallbox](
            key="plugged_in",
            device_class=BinarySensorDeviceClass.PLUG,
            value_fn=lambda device: device.is_plugged_in,
        ),
        PoderoBinarySensorDescription[ElectricVehicle | Wallbox](
            key="charging",
            device_class=BinarySensorDeviceClass.BATTERY_CHARGING,
            value_fn=lambda device: device.is_charging,
        ),
    )


ELECTRIC_VEHICLE: tuple[PoderoBinarySensorDescription[Any], ...] = (
    *_plug_and_charge(),
    PoderoBinarySensorDescription[ElectricVehicle](
        key="fully_charged",
        entity_registry_enabled_default=False,
        value_fn=lambda vehicle: vehicle.is_fully_charged,
    ),
    PoderoBinarySensorDescription[ElectricVehicle](
        key="boost_armed",
        entity_registry_enabled_default=False,
        value_fn=lambda vehicle: vehicle.boost_for_next_session,
    ),
)

BINARY_SENSORS: Mapping[Source, tuple[PoderoBinarySensorDescription[Any], ...]] = {
    DeviceKind.HEAT_PUMP: COMMON,
    DeviceKind.ELECTRIC_VEHICLE: (*ELECTRIC_VEHICLE, *COMMON),
    DeviceKind.SOLAR_INVERTER: COMMON,
    DeviceKind.WALLBOX: (*_plug_and_charge(), *COMMON),
}


class PoderoBinarySensor(PoderoEntity[Any], BinarySensorEntity):
    """A yes/no reading from a Podero device."""

    entity_description: PoderoBinarySensorDescription[Any]

    @property
    @override
    def is_on(self) -> bool | None:
        return self.read(self.entity_description.value_fn)

    @property
    @override
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        return self.read(self.entity_description.attributes_fn)


async_setup_entry = platform_setup(BINARY_SENSORS, PoderoBinarySensor)
