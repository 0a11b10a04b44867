"""Buttons: charge an EV or a wallbox now (boost), or cancel a boost."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import override

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Device, DeviceKind, ElectricVehicle, Wallbox
from .coordinator import PoderoCoordinator
from .data import PoderoConfigEntry
from .entity import (
    PoderoEntity,
    PoderoEntityDescription,
    TargetKind,
    async_setup_platform_entities,
)

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class PoderoButtonDescription(PoderoEntityDescription[Device], ButtonEntityDescription):
    """A command sent to one device; `press_fn` gets the coordinator and the device id."""

    press_fn: Callable[[PoderoCoordinator, str], Awaitable[None]]


def _boost_buttons(
    model: type[ElectricVehicle | Wallbox],
) -> tuple[PoderoButtonDescription, PoderoButtonDescription]:
    """Charge-now and cancel buttons for one kind of charging device.

    A boost pressed while already charging or full is answered by Podero with a 409, which
    becomes a friendly message; the button itself stays pressable.
    """
    return (
        PoderoButtonDescription(
            key="boost",
            press_fn=lambda coordinator, device_id: coordinator.async_start_boost(
                model, device_id
            ),
        ),
        PoderoButtonDescription(
            key="cancel_boost",
            # Rarely needed (a boost ends by itself), so not on dashboards by default.
            entity_registry_enabled_default=False,
            press_fn=lambda coordinator, device_id: coordinator.async_cancel_boost(
                model, device_id
            ),
        ),
    )


BUTTONS: Mapping[TargetKind, tuple[PoderoButtonDescription, ...]] = {
    DeviceKind.ELECTRIC_VEHICLE: _boost_buttons(ElectricVehicle),
    DeviceKind.WALLBOX: _boost_buttons(Wallbox),
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PoderoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the buttons, now and as devices appear."""
    async_setup_platform_entities(entry, async_add_entities, BUTTONS, PoderoButton)


class PoderoButton(PoderoEntity[Device], ButtonEntity):
    """A one-shot command to a Podero charging device."""

    entity_description: PoderoButtonDescription

    @override
    async def async_press(self) -> None:
        await self.entity_description.press_fn(
            self.coordinator, self.target.unique_prefix
        )
