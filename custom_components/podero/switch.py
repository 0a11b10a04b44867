"""Switches: smart optimisation of every device, and an EV's charge policy."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.switch import (
    SwitchDeviceClass,
    SwitchEntity,
    SwitchEntityDescription,
)
from homeassistant.const import EntityCategory

from .api import Device, DeviceKind, DeviceUpdate, ElectricVehicle
from .entity import (
    PoderoEntity,
    PoderoEntityDescription,
    SetFn,
    Source,
    platform_setup,
    write_device,
)

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class PoderoSwitchDescription[T](PoderoEntityDescription[T], SwitchEntityDescription):
    """A switch mirroring one boolean setting of its subject."""

    value_fn: Callable[[T], bool | None]
    set_fn: SetFn[T, bool]


SMART_OPTIMIZATION = PoderoSwitchDescription[Device](
    key="smart_optimization",
    device_class=SwitchDeviceClass.SWITCH,
    value_fn=lambda device: device.is_smart_optimization_active,
    set_fn=write_device(lambda on: DeviceUpdate(is_smart_optimization_active=on)),
)

CHARGE_POLICY = PoderoSwitchDescription[ElectricVehicle](
    key="charge_policy",
    device_class=SwitchDeviceClass.SWITCH,
    entity_category=EntityCategory.CONFIG,
    value_fn=lambda vehicle: vehicle.is_charge_policy_enabled,
    set_fn=write_device(lambda on: DeviceUpdate(is_charge_policy_enabled=on)),
)

SWITCHES: Mapping[Source, tuple[PoderoSwitchDescription[Any], ...]] = {
    DeviceKind.HEAT_PUMP: (SMART_OPTIMIZATION,),
    DeviceKind.ELECTRIC_VEHICLE: (SMART_OPTIMIZATION, CHARGE_POLICY),
    DeviceKind.SOLAR_INVERTER: (SMART_OPTIMIZATION,),
    DeviceKind.WALLBOX: (SMART_OPTIMIZATION,),
}


class PoderoSwitch(PoderoEntity[Any], SwitchEntity):
    """A Podero setting that is on or off."""

    entity_description: PoderoSwitchDescription[Any]

    @property
    @override
    def is_on(self) -> bool | None:
        return self.read(self.entity_description.value_fn)

    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        await self.async_set(self.entity_description.set_fn, True)

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        await self.async_set(self.entity_description.set_fn, False)


async_setup_entry = platform_setup(SWITCHES, PoderoSwitch)
