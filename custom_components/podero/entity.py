"""The base entity, and the one place where devices and their entities come and go.

An entity shows one *subject* of its coordinator: a device, the owner's charging settings (the
account device) or a device's sessions and savings. Descriptions keyed by `Source` say which.
"""

from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import Any, Literal, override

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import ChargingConfig, Device, DeviceKind, DeviceUpdate, PoderoClient
from .const import DOMAIN, LOGGER
from .coordinator import PoderoCoordinator
from .data import PoderoConfigEntry, PoderoRuntimeData

ACCOUNT: Literal["account"] = "account"

# Device-name translation keys per device type ("{manufacturer} heat pump" and so on).
_DEVICE_NAME_KEYS = {
    DeviceKind.HEAT_PUMP: "heat_pump",
    DeviceKind.ELECTRIC_VEHICLE: "electric_vehicle",
    DeviceKind.SOLAR_INVERTER: "solar_inverter",
    DeviceKind.WALLBOX: "wallbox",
}


@dataclass(frozen=True, slots=True)
class EnergyOf:
    """Descriptions key for the sessions and savings of one device type."""

    kind: DeviceKind


type Source = DeviceKind | Literal["account"] | EnergyOf
type SetFn[T, V] = Callable[[PoderoClient, T, V], Awaitable[T]]


def write_device[V](update: Callable[[V], DeviceUpdate]) -> SetFn[Any, V]:
    """Build a `set_fn` that writes one device setting with a typed update."""
    return lambda client, device, value: client.update_device(
        type(device), device.id, update(value)
    )


@dataclass(frozen=True, kw_only=True)
class PoderoEntityDescription[T](EntityDescription):
    """What every Podero entity description adds: when the entity exists and is usable."""

    exists_fn: Callable[[T], bool] = lambda _: True
    available_fn: Callable[[T], bool] = lambda _: True


class PoderoEntity[T](CoordinatorEntity[PoderoCoordinator[Any]]):
    """Base of every Podero entity: identity, availability and writes."""

    _attr_has_entity_name = True
    entity_description: PoderoEntityDescription[T]

    def __init__(
        self,
        coordinator: PoderoCoordinator[Any],
        subject_id: str,
        description: PoderoEntityDescription[T],
        device_info: DeviceInfo,
    ) -> None:
        """Bind the entity to its subject; translation key and unique id derive from the key."""
        super().__init__(coordinator)
        self.entity_description = description
        self.subject_id = subject_id
        self._attr_unique_id = f"{subject_id}_{description.key}"
        self._attr_translation_key = description.translation_key or description.key
        self._attr_device_info = device_info
        self._written: tuple[T | None, bool] | None = None

    @property
    def subject(self) -> T | None:
        """The subject's current data (a device, the settings, or energy figures)."""
        subject: T | None = self.coordinator.subject(self.subject_id)
        return subject

    def read[R](self, fn: Callable[[T], R] | None) -> R | None:
        """Apply a description's function to the subject (None without either)."""
        subject = self.subject
        return None if subject is None or fn is None else fn(subject)

    @property
    @override
    def available(self) -> bool:
        subject = self.subject
        return (
            self.coordinator.shows(self.subject_id)
            and subject is not None
            and self.entity_description.available_fn(subject)
        )

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        # The coordinator reuses unchanged objects, so identity tells whether anything this
        # entity shows can have changed; skipping saves thousands of writes on large accounts.
        written = (self.subject, self.coordinator.shows(self.subject_id))
        if (
            self._written
            and written[0] is self._written[0]
            and written[1] == self._written[1]
        ):
            return
        self._written = written
        self.async_write_ha_state()

    async def async_set[V](self, set_fn: SetFn[T, V], value: V) -> None:
        """Write through the client and show Podero's answer at once."""
        if (subject := self.subject) is None:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="not_found"
            )
        await self.coordinator.async_write(
            set_fn(self.coordinator.client, subject, value)
        )


def _base_name(device: Device) -> tuple[str, str, str]:
    """Return the name translation key and its placeholders, before disambiguation."""
    model = device.device_model
    name_key = _DEVICE_NAME_KEYS[device.kind]
    if not model.manufacturer or (
        device.kind is DeviceKind.ELECTRIC_VEHICLE and not model.model
    ):
        name_key = f"{name_key}_generic"
    return name_key, model.manufacturer or "", model.model or ""


def device_info(device: Device, *, ambiguous: bool) -> DeviceInfo:
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


def _subjects(
    runtime: PoderoRuntimeData, source: Source
) -> tuple[PoderoCoordinator[Any], Mapping[str, Any]]:
    """Return the coordinator behind a source, and its current subjects by id."""
    match source:
        case EnergyOf(kind=kind):
            listed = runtime.devices[kind].devices
            energy = runtime.energy.data or {}
            return runtime.energy, {i: e for i, e in energy.items() if i in listed}
        case "account":
            config: ChargingConfig | None = runtime.charging.subject(runtime.account_id)
            subjects = {} if config is None else {runtime.account_id: config}
            return runtime.charging, subjects
        case _:
            coordinator = runtime.devices[source]
            return coordinator, coordinator.devices


type Descriptions = Mapping[Source, Sequence[PoderoEntityDescription[Any]]]
type SetupEntry = Callable[
    [HomeAssistant, PoderoConfigEntry, AddConfigEntryEntitiesCallback],
    Coroutine[Any, Any, None],
]


def platform_setup(
    descriptions: Descriptions, entity_class: type[PoderoEntity[Any]]
) -> SetupEntry:
    """Build a platform's `async_setup_entry`: its entities now and as subjects appear."""

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: PoderoConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        # Each entity is created once per subject (HA keeps the ones the user disabled out
        # by itself). A vanished device's entities go with its registry device, so the
        # subject is then forgotten: a device that comes back gets them again, never twice.
        _add_entities(entry, async_add_entities, descriptions, entity_class)

    return async_setup_entry


def _add_entities(
    entry: PoderoConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    descriptions: Descriptions,
    entity_class: type[PoderoEntity[Any]],
) -> None:
    runtime = entry.runtime_data
    registry = dr.async_get(runtime.charging.hass)
    # Keys created per subject, and the data object each subject was last examined with:
    # an unchanged object cannot need new entities.
    created: dict[tuple[Source, str], set[str]] = {}
    examined: dict[tuple[Source, str], Any] = {}

    @callback
    def add_new_entities(source: Source) -> None:
        coordinator, subjects = _subjects(runtime, source)
        # Counted once per pass, and only when a device gets new entities.
        names = cache(lambda: Counter(map(_base_name, runtime.all_devices().values())))
        new: list[PoderoEntity[Any]] = []
        for subject_id, subject in subjects.items():
            key = (source, subject_id)
            if examined.get(key) is subject:
                continue
            examined[key] = subject
            done = created.setdefault(key, set())
            for description in descriptions[source]:
                if description.key in done or not description.exists_fn(subject):
                    continue
                if source == ACCOUNT:
                    info = DeviceInfo(
                        identifiers={(DOMAIN, subject_id)},
                        entry_type=DeviceEntryType.SERVICE,
                        manufacturer="Podero",
                        translation_key="account",
                    )
                elif isinstance(source, EnergyOf):
                    # The device itself is registered by its own entities.
                    info = DeviceInfo(identifiers={(DOMAIN, subject_id)})
                else:
                    ambiguous = names()[_base_name(subject)] > 1
                    info = device_info(subject, ambiguous=ambiguous)
                done.add(description.key)
                new.append(entity_class(coordinator, subject_id, description, info))
        for key in [k for k in examined if k[0] == source and k[1] not in subjects]:
            if not registry.async_get_device_by_identifier(
                (DOMAIN, key[1]), entry.entry_id
            ):
                del examined[key]
                created.pop(key, None)
        if new:
            async_add_entities(new)

    for source in descriptions:
        add_new_entities(source)
        entry.async_on_unload(
            _subjects(runtime, source)[0].async_add_listener(
                partial(add_new_entities, source)
            )
        )


@callback
def async_remove_stale_devices(hass: HomeAssistant, entry: PoderoConfigEntry) -> None:
    """Remove registry devices Podero no longer lists, once every device type was read."""
    runtime = entry.runtime_data
    registry = dr.async_get(hass)
    known: frozenset[str] | None = None

    @callback
    def check() -> None:
        nonlocal known
        if not all(
            coordinator.last_update_success and coordinator.data is not None
            for coordinator in runtime.devices.values()
        ):
            return
        expected = frozenset(runtime.device_ids())
        if expected == known:
            return
        known = expected
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
            ids = {value for domain, value in device.identifiers if domain == DOMAIN}
            if ids.isdisjoint(expected):
                LOGGER.debug(
                    "Removing device %s: Podero no longer lists it", device.name
                )
                registry.async_remove_device(device.id)

    check()
    watched: list[PoderoCoordinator[Any]] = [
        *runtime.devices.values(),
        runtime.charging,
    ]
    for coordinator in watched:
        entry.async_on_unload(coordinator.async_add_listener(check))
