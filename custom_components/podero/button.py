"""Buttons: charge an EV or a wallbox now (boost), or cancel a boost."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription

from .api import DeviceKind
from .coordinator import DeviceCoordinator
from .entity import PoderoEntity, PoderoEntityDescription, Source, platform_setup

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class PoderoButtonDescription(PoderoEntityDescription[Any], ButtonEntityDescription):
    """A boost command: start one (`start`) or cancel an armed or live one.

    A boost pressed while already charging or full is answered by Podero with a 409, which
    becomes a friendly message; the button itself stays pressable.
    """

    start: bool


BOOST = PoderoButtonDescription(key="boost", start=True)
# Rarely needed (a boost ends by itself), so not on dashboards by default.
CANCEL_BOOST = PoderoButtonDescription(
    key="cancel_boost", start=False, entity_registry_enabled_default=False
)

BUTTONS: Mapping[Source, tuple[PoderoButtonDescription, ...]] = {
    DeviceKind.ELECTRIC_VEHICLE: (BOOST, CANCEL_BOOST),
    DeviceKind.WALLBOX: (BOOST, CANCEL_BOOST),
}


class PoderoButton(PoderoEntity[Any], ButtonEntity):
    """A one-shot command to a Podero charging device."""

    entity_description: PoderoButtonDescription

    @override
    async def async_press(self) -> None:
        coordinator: DeviceCoordinator = self.coordinator  # type: ignore[assignment]
        await coordinator.async_boost(
            self.subject_id, start=self.entity_description.start
        )


async_setup_entry = platform_setup(BUTTONS, PoderoButton)
