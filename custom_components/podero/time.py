"""Time entities: the daily time by which an EV must have reached its minimum charge."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any, override

from homeassistant.components.time import TimeEntity, TimeEntityDescription

from .api import DeviceKind, DeviceUpdate, ElectricVehicle
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
class PoderoTimeDescription[T](PoderoEntityDescription[T], TimeEntityDescription):
    """A time of day mirroring one setting of its subject."""

    value_fn: Callable[[T], time | None]
    set_fn: SetFn[T, time]


CHARGE_DEADLINE = PoderoTimeDescription[ElectricVehicle](
    key="charge_deadline",
    value_fn=lambda vehicle: vehicle.charge_deadline_at,
    set_fn=write_device(lambda value: DeviceUpdate(charge_deadline_at=value)),
)

TIMES: Mapping[Source, tuple[PoderoTimeDescription[Any], ...]] = {
    DeviceKind.ELECTRIC_VEHICLE: (CHARGE_DEADLINE,),
}


class PoderoTime(PoderoEntity[Any], TimeEntity):
    """A Podero time-of-day setting (minutes resolution)."""

    entity_description: PoderoTimeDescription[Any]

    @property
    @override
    def native_value(self) -> time | None:
        return self.read(self.entity_description.value_fn)

    @override
    async def async_set_value(self, value: time) -> None:
        await self.async_set(self.entity_description.set_fn, value)


async_setup_entry = platform_setup(TIMES, PoderoTime)
