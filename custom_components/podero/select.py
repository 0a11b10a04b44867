"""Selects: a heat pump's optimisation level and the owner's smart-charging mode."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.select import SelectEntity, SelectEntityDescription

from .api import (
    ChargingConfig,
    ChargingConfigUpdate,
    DeviceKind,
    DeviceUpdate,
    HeatPump,
    OptimizationLevel,
    SmartChargingMode,
)
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


@dataclass(frozen=True, kw_only=True)
class PoderoSelectDescription[T](PoderoEntityDescription[T], SelectEntityDescription):
    """A select over one enum field of its target."""

    options_fn: Callable[[T], list[str]]
    # Shown while the target is unavailable, so the entity keeps a sensible option list.
    fallback_options: tuple[str, ...]
    value_fn: Callable[[T], str | None]
    set_fn: SetFn[T, str]


def _charging_modes(config: ChargingConfig) -> list[str]:
    """Modes that can be chosen now, plus the current one so it can be shown."""
    modes = [mode.value for mode in config.selectable_modes]
    current = config.smart_charging_mode
    if current is not None and current.value not in modes:
        modes.append(current.value)
    return modes


OPTIMIZATION_LEVEL = PoderoSelectDescription[HeatPump](
    key="optimization_level",
    options_fn=lambda _: [level.value.lower() for level in OptimizationLevel],
    fallback_options=tuple(level.value.lower() for level in OptimizationLevel),
    value_fn=lambda pump: (
        pump.optimization_level.value.lower() if pump.optimization_level else None
    ),
    set_fn=write_device(
        lambda option: DeviceUpdate(optimization_level=OptimizationLevel(option))
    ),
)

SMART_CHARGING_MODE = PoderoSelectDescription[ChargingConfig](
    key="smart_charging_mode",
    options_fn=_charging_modes,
    fallback_options=tuple(mode.value for mode in SmartChargingMode),
    value_fn=lambda config: (
        config.smart_charging_mode.value if config.smart_charging_mode else None
    ),
    set_fn=lambda client, _config, option: client.update_charging_config(
        ChargingConfigUpdate(smart_charging_mode=SmartChargingMode(option))
    ),
)

SELECTS: Mapping[Source, tuple[PoderoSelectDescription[Any], ...]] = {
    DeviceKind.HEAT_PUMP: (OPTIMIZATION_LEVEL,),
    ACCOUNT: (SMART_CHARGING_MODE,),
}


class PoderoSelect(PoderoEntity[Any], SelectEntity):
    """A Podero setting with a fixed set of choices."""

    entity_description: PoderoSelectDescription[Any]

    @property
    @override
    def options(self) -> list[str]:
        options = self.read(self.entity_description.options_fn)
        return (
            list(self.entity_description.fallback_options)
            if options is None
            else options
        )

    @property
    @override
    def current_option(self) -> str | None:
        return self.read(self.entity_description.value_fn)

    @override
    async def async_select_option(self, option: str) -> None:
        await self.async_set(self.entity_description.set_fn, option)


async_setup_entry = platform_setup(SELECTS, PoderoSelect)
