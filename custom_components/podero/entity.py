"""The base entity and the machinery that creates entities as devices come and go.

An entity is bound to a *target*: one Podero device, or the user's account (owner-level
charging settings). The target knows how to find its current data in the coordinator's snapshot
and how to write changes, so each platform needs one entity class driven by its descriptions.
"""

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, override

from homeassistant.core import callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import ChargingConfig, Device, DeviceKind
from .const import DOMAIN
from .coordinator import PoderoCoordinator
from .data import DeviceEnergy, PoderoConfigEntry, PoderoData

ACCOUNT: Literal["account"] = "account"
type TargetKind = DeviceKind | Literal["account"] | EnergyOf

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

    def __init__(self, device: Device, *, ambiguous: bool = False) -> None:
        """Describe the device for the device registry (see `_device_info`)."""
        self.model = type(device)
        self.device_id = device.id
        self.unique_prefix = device.id
        self.device_info = _device_info(device, ambiguous=ambiguous)

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


class EnergyTarget(Target[DeviceEnergy]):
    """A device's sessions and savings (read hourly), shown on the device itself."""

    def __init__(self, device: Device, *, ambiguous: bool = False) -> None:
        """Attach to the same registry device as the device's other entities."""
        self.device_id = device.id
        self.unique_prefix = device.id
        self.device_info = _device_info(device, ambiguous=ambiguous)

    @override
    def lookup(self, data: PoderoData) -> DeviceEnergy | None:
        return data.energy.get(self.device_id)

    @override
    async def async_write(
        self, coordinator: PoderoCoordinator, changes: Mapping[str, Any]
    ) -> None:
        raise NotImplementedError  # pragma: no cover  # energy figures are read-only


@dataclass(frozen=True, slots=True)
class EnergyOf:
    """Descriptions key for the energy figures of one device type."""

    kind: DeviceKind


def _base_name(device: Device) -> tuple[str, str, str]:
    """Return the name translation key and its placeholders, before disambiguation."""
    model = device.device_model
    name_key = _DEVICE_NAME_KEYS[device.kind]
    if not model.manufacturer or (
        device.kind is DeviceKind.ELECTRIC_VEHICLE and not model.model
    ):
        name_key = f"{name_key}_generic"
    return name_key, model.manufacturer or "", model.model or ""


def _device_info(device: Device, *, ambiguous: bool) -> DeviceInfo:
    """Register a device by make and model: "<make> heat pump", "<make> <model>", ...

    When several devices of the account would get the same name, each name ends with the
    start of the device id: users can tell them apart, and entity ids do not collide.
    """
    model = device.device_model
    name_key, manufacturer, model_name = _base_name(device)
    if ambiguous:
        name_key = f"{name_key}_distinct"
    return DeviceInfo(
        identifiers={(DOMAIN, device.id)},
        manufacturer=model.manufacturer,
        model=f"{model.model} ({model.year})"
        if model.model and model.year
        else model.model,
        model_id=model.type_name,
        translation_key=name_key,
        translation_placeholders={
            "manufacturer": manufacturer,
            "model": model_name,
            "suffix": device.id[:6],
        },
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

    @override
    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.async_add_target_listener(
                self.target.unique_prefix, self._handle_coordinator_update
            )
        )

    async def async_write(self, changes: Mapping[str, Any]) -> None:
        """Write changes to the target and show the API's answer."""
        await self.target.async_write(self.coordinator, changes)


type EntityFactory[T] = Callable[[PoderoCoordinator, Target[T], Any], PoderoEntity[T]]


def _subjects(
    coordinator: PoderoCoordinator,
) -> Iterator[tuple[TargetKind, str, Any, Callable[[], Target[Any]]]]:
    """Yield (descriptions key, unique prefix, data, target factory) for every target."""
    data = coordinator.data
    names = Counter(
        _base_name(device)
        for devices in data.devices.values()
        for device in devices.values()
    )
    for kind, devices in data.devices.items():
        if kind in data.unavailable:
            continue
        for device_id, device in devices.items():
            ambiguous = names[_base_name(device)] > 1
            yield (
                kind,
                device_id,
                device,
                partial(DeviceTarget, device, ambiguous=ambiguous),
            )
            if (energy := data.energy.get(device_id)) is not None:
                yield (
                    EnergyOf(kind),
                    device_id,
                    energy,
                    partial(EnergyTarget, device, ambiguous=ambiguous),
                )
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

    Each entity is created once per target (Home Assistant keeps the ones the user disabled
    out by itself). When the coordinator has removed a vanished device from the device
    registry, its entities are gone too, so the target is forgotten and a device that comes
    back gets its entities again - never twice.
    """
    coordinator = entry.runtime_data.coordinator
    registry = dr.async_get(coordinator.hass)
    # Unique ids created per target, and the data object each target was last examined with:
    # an unchanged object cannot need new entities.
    created: dict[tuple[TargetKind, str], set[str]] = {}
    examined: dict[tuple[TargetKind, str], Any] = {}

    @callback
    def add_new_entities() -> None:
        new: list[PoderoEntity[Any]] = []
        present: set[tuple[TargetKind, str]] = set()
        for kind, prefix, subject, make_target in _subjects(coordinator):
            key = (kind, prefix)
            present.add(key)
            if examined.get(key) is subject:
                continue
            examined[key] = subject
            done = created.setdefault(key, set())
            target: Target[Any] | None = None
            for description in descriptions.get(kind, ()):
                if description.key in done or not description.exists_fn(subject):
                    continue
                target = target or make_target()
                done.add(description.key)
                new.append(factory(coordinator, target, description))
        for key in [key for key in examined if key not in present]:
            if not registry.async_get_device_by_identifier(
                (DOMAIN, key[1]), entry.entry_id
            ):
                del examined[key]
                created.pop(key, None)
        if new:
            async_add_entities(new)

    add_new_entities()
    entry.async_on_unload(coordinator.async_add_listener(add_new_entities))
