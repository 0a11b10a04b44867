"""The base entity and the machinery that creates entities as devices come and go.

An entity is bound to a *target*: one Podero device, or the user's account (owner-level
charging settings). The target knows how to find its current data in the coordinator's snapshot
and how to write changes, so each platform needs one entity class driven by its descriptions.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, override

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import ChargingConfig, Device, DeviceKind
from .const import DOMAIN
from .coordinator import PoderoCoordinator
from .data import PoderoConfigEntry, PoderoData

ACCOUNT: Literal["account"] = "account"
type TargetKind = DeviceKind | Literal["account"]

# Device-name translation keys per device type ("{manufacturer} heat pump" and so on).
_DEVICE_NAME_KEYS = {
    DeviceKind.HEAT_PUMP: "heat_pump",
    DeviceKind.ELECTRIC_VEHICLE: "electric_vehicle",
    DeviceKind.SOLAR_INVERTER: "solar_inverter",
    DeviceKind.WALLBOX: "wallbox",
}


@dataclass(frozen=True, kw_only=True)
class PoderoEntityDescription[T](EntityDescription):
    """What every Podero entity description adds: when the entity exists and is usable."""

    exists_fn: Callable[[T], bool] = lambda _: True
    available_fn: Callable[[T], bool] = lambda _: True


class Target[T](ABC):
    """Something entities are attached to: a Podero device or the owner account."""

    unique_prefix: str
    device_info: DeviceInfo

    @abstractmethod
    def lookup(self, data: PoderoData) -> T | None:
        """Return the target's current data, or None if it is unavailable or gone."""

    @abstractmethod
    async def async_write(
        self, coordinator: PoderoCoordinator, changes: Mapping[str, Any]
    ) -> None:
        """Write changes through the API and show the result."""


class DeviceTarget(Target[Device]):
    """One Podero device."""

    def __init__(self, device: Device) -> None:
        """Describe the device for the device registry."""
        self.model = type(device)
        self.device_id = device.id
        self.unique_prefix = device.id
        self.device_info = _device_info(device)

    @override
    def lookup(self, data: PoderoData) -> Device | None:
        return data.device(self.model.kind, self.device_id)

    @override
    async def async_write(
        self, coordinator: PoderoCoordinator, changes: Mapping[str, Any]
    ) -> None:
        await coordinator.async_update_device(self.model, self.device_id, changes)


class AccountTarget(Target[ChargingConfig]):
    """The user's account at Podero, holding settings for all charging devices."""

    def __init__(self, coordinator: PoderoCoordinator) -> None:
        """Describe the account as a service device."""
        self.unique_prefix = coordinator.account_id
        self.device_info = DeviceInfo(
            identifiers={(DOMAIN, coordinator.account_id)},
            entry_type=DeviceEntryType.SERVICE,
            manufacturer="Podero",
            translation_key="account",
        )

    @override
    def lookup(self, data: PoderoData) -> ChargingConfig | None:
        return data.charging_config

    @override
    async def async_write(
        self, coordinator: PoderoCoordinator, changes: Mapping[str, Any]
    ) -> None:
        await coordinator.async_update_charging_config(changes)


def _device_info(device: Device) -> DeviceInfo:
    """Register a device by make and model; named "<make> heat pump", "<make> <model>", ..."""
    model = device.device_model
    name_key = _DEVICE_NAME_KEYS[device.kind]
    placeholders = {
        "manufacturer": model.manufacturer or "",
        "model": model.model or "",
    }
    if not model.manufacturer or (
        device.kind is DeviceKind.ELECTRIC_VEHICLE and not model.model
    ):
        name_key = f"{name_key}_generic"
    return DeviceInfo(
        identifiers={(DOMAIN, device.id)},
        manufacturer=model.manufacturer,
        model=f"{model.model} ({model.year})"
        if model.model and model.year
        else model.model,
        model_id=model.type_name,
        translation_key=name_key,
        translation_placeholders=placeholders,
    )


class PoderoEntity[T](CoordinatorEntity[PoderoCoordinator]):
    """Base of every Podero entity: identity, availability and write plumbing."""

    _attr_has_entity_name = True
    entity_description: PoderoEntityDescription[T]

    def __init__(
        self,
        coordinator: PoderoCoordinator,
        target: Target[T],
        description: PoderoEntityDescription[T],
    ) -> None:
        """Bind the entity to its target; translation key and unique id derive from the key."""
        super().__init__(coordinator)
        self.entity_description = description
        self.target = target
        self._attr_unique_id = f"{target.unique_prefix}_{description.key}"
        self._attr_translation_key = description.translation_key or description.key
        self._attr_device_info = target.device_info
        self._written: tuple[T | None, bool] | None = None

    @property
    def subject(self) -> T | None:
        """The target's current data (a device or the charging configuration)."""
        return self.target.lookup(self.coordinator.data)

    @property
    @override
    def available(self) -> bool:
        subject = self.subject
        return (
            super().available
            and subject is not None
            and self.entity_description.available_fn(subject)
        )

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        # The coordinator reuses unchanged objects, so identity tells whether anything this
        # entity shows can have changed; skipping saves thousands of writes on large accounts.
        written = (self.subject, self.available)
        if (
            self._written is not None
            and written[0] is self._written[0]
            and written[1] == self._written[1]
        ):
            return
        self._written = written
        self.async_write_ha_state()

    async def async_write(self, changes: Mapping[str, Any]) -> None:
        """Write changes to the target and show the API's answer."""
        await self.target.async_write(self.coordinator, changes)


type EntityFactory[T] = Callable[[PoderoCoordinator, Target[T], Any], PoderoEntity[T]]


def _subjects(
    coordinator: PoderoCoordinator,
) -> Iterator[tuple[TargetKind, str, Any, Callable[[], Target[Any]]]]:
    """Yield (kind, unique prefix, data, target factory) for everything entities can bind to."""
    data = coordinator.data
    for kind, devices in data.devices.items():
        if kind in data.unavailable:
            continue
        for device_id, device in devices.items():
            yield kind, device_id, device, partial(DeviceTarget, device)
    if data.charging_config is not None and data.has_charging_devices:
        yield (
            ACCOUNT,
            coordinator.account_id,
            data.charging_config,
            partial(AccountTarget, coordinator),
        )


@callback
def async_setup_platform_entities(
    entry: PoderoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    descriptions: Mapping[TargetKind, Sequence[PoderoEntityDescription[Any]]],
    factory: EntityFactory[Any],
) -> None:
    """Add entities for every target now, and for targets that appear later.

    An entity forgets itself from the known set when Home Assistant removes it (for example
    because its device disappeared), so a device that comes back gets its entities again,
    and never twice.
    """
    coordinator = entry.runtime_data.coordinator
    known: set[str] = set()
    # Data objects already examined: an unchanged object cannot need new entities.
    examined: dict[str, Any] = {}

    @callback
    def add_new_entities() -> None:
        new: list[PoderoEntity[Any]] = []
        for kind, prefix, subject, make_target in _subjects(coordinator):
            if examined.get(prefix) is subject:
                continue
            examined[prefix] = subject
            target: Target[Any] | None = None
            for description in descriptions.get(kind, ()):
                unique_id = f"{prefix}_{description.key}"
                if unique_id in known or not description.exists_fn(subject):
                    continue
                target = target or make_target()
                entity = factory(coordinator, target, description)
                known.add(unique_id)
                entity.async_on_remove(
                    partial(_forget, known, examined, unique_id, prefix)
                )
                new.append(entity)
        if new:
            async_add_entities(new)

    add_new_entities()
    entry.async_on_unload(coordinator.async_add_listener(add_new_entities))


def _forget(
    known: set[str], examined: dict[str, Any], unique_id: str, prefix: str
) -> None:
    """Let a removed entity be created again if its target shows up again."""
    known.discard(unique_id)
    examined.pop(prefix, None)
