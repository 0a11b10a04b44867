"""Coordinators by cadence: one per device type, one for the owner-level charging settings.

Each update is one request, so Home Assistant's machinery logs failure and recovery once per
coordinator, honours Retry-After and handles availability per device type (the energy job has
its own coordinator, energy.py). Decided once for all: a 429 fails the update with
`UpdateFailed(retry_after=...)` (capped at an hour) while entities keep showing the last data.
"""

from collections.abc import Awaitable, Mapping
from datetime import datetime, timedelta
from typing import Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import (
    BoostState,
    ChargingConfig,
    Device,
    DeviceKind,
    DeviceUpdate,
    ElectricVehicle,
    PoderoAuthenticationError,
    PoderoClient,
    PoderoConnectionError,
    PoderoError,
    PoderoMalformedResponseError,
    PoderoRateLimitError,
    PoderoServerError,
    Wallbox,
)
from .const import (
    BOOST_POLL_INTERVAL,
    BOOST_POLL_TIMEOUT,
    DEFAULT_RETRY_AFTER,
    DISCOVERY_INTERVAL,
    DOMAIN,
    LOGGER,
    MAX_RETRY_AFTER,
)
from .errors import translated_error

CHARGING_KINDS = frozenset({DeviceKind.ELECTRIC_VEHICLE, DeviceKind.WALLBOX})
# Failures after which a write may or may not have reached Podero.
_OUTCOME_UNKNOWN = (
    PoderoConnectionError,
    PoderoMalformedResponseError,
    PoderoServerError,
)


def update_failed(err: PoderoError) -> UpdateFailed:
    """Build the translated failure of an update; a 429 carries its (capped) Retry-After."""
    translated = translated_error(err)
    placeholders, retry_after = translated.translation_placeholders, None
    if isinstance(err, PoderoRateLimitError):
        wait = (
            DEFAULT_RETRY_AFTER.total_seconds()
            if err.retry_after is None
            else err.retry_after
        )
        retry_after = min(wait, MAX_RETRY_AFTER.total_seconds())
        placeholders = {"retry_after": f"{retry_after:.0f}"}
    failed = UpdateFailed(
        translation_domain=DOMAIN,
        translation_key=translated.translation_key,
        translation_placeholders=placeholders,
        retry_after=retry_after,
    )
    failed.__cause__ = err
    return failed


class PoderoCoordinator[T](DataUpdateCoordinator[T]):
    """What every Podero coordinator shares: error mapping, writes, the write sequence."""

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: PoderoClient,
        name: str,
        interval: timedelta,
    ) -> None:
        """Nothing is fetched until the first refresh."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {name}",
            update_interval=interval,
            always_update=False,
        )
        self.client = client
        self.interval = interval
        # Write sequence: a read that started before a write returned must not undo it, and
        # while reads fail, a subject written during the last read still shows that answer.
        self._writes = 0
        self._written: dict[str, int] = {}
        self._read_mark = 0
        self._shown: tuple[bool, frozenset[str]] = (False, frozenset())

    @override
    async def _async_update_data(self) -> T:
        mark = self._read_mark = self._writes
        try:
            data = await self._async_fetch(mark)
        except PoderoAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except PoderoError as err:
            raise update_failed(err) from err
        return data

    async def _async_fetch(self, mark: int) -> T:
        raise NotImplementedError

    @callback
    @override
    def _async_refresh_finished(self) -> None:
        # HA tells nobody when one failed update follows another, but what entities may show
        # can change all the same: a 429 turned into a 5xx (or back), a write's answer aged.
        if self._shown != (shown := self._showing()):
            self._shown = shown
            if not self.last_update_success:
                self.async_update_listeners()

    def _showing(self) -> tuple[bool, frozenset[str]]:
        return self.throttled, self._written_since(self._read_mark)

    def subject(self, subject_id: str) -> Any:
        """Return what the entities of one subject show; None if it is absent."""
        raise NotImplementedError

    def _async_store(self, answer: Any) -> None:
        raise NotImplementedError

    @property
    def throttled(self) -> bool:
        """Whether the last update failed only because Podero asked to wait."""
        cause = getattr(self.last_exception, "__cause__", None)
        return not self.last_update_success and isinstance(cause, PoderoRateLimitError)

    def shows(self, subject_id: str) -> bool:
        """Whether entities may show a subject: data current, throttled or written since."""
        if self.data is None:
            return False
        return (
            self.last_update_success
            or self.throttled
            or self._written.get(subject_id, 0) > self._read_mark
        )

    async def async_call[R](self, request: Awaitable[R]) -> R:
        """Await an API call made for the user; failures become translated errors.

        A rejected credential starts reauth. A write whose answer got lost (timeout, 5xx,
        garbled) may have been applied anyway: the coordinator reads again.
        """
        try:
            return await request
        except PoderoError as err:
            if isinstance(err, PoderoAuthenticationError):
                self.config_entry.async_start_reauth(self.hass)
            elif isinstance(err, _OUTCOME_UNKNOWN):
                self.config_entry.async_create_background_task(
                    self.hass, self.async_request_refresh(), f"{self.name} read back"
                )
            raise translated_error(err) from err

    async def async_write(self, request: Awaitable[Any]) -> Any:
        """Send a write and show Podero's answer at once."""
        answer = await self.async_call(request)
        self._async_store(answer)
        return answer

    @callback
    def _async_show(self, key: str, data: T) -> None:
        """Show data a write returned (it refreshes one item: the polling goes on as planned)."""
        self._writes += 1
        self._written[key] = self._writes
        self.data = data
        self._shown = self._showing()
        self.async_update_listeners()

    def _written_since(self, mark: int) -> frozenset[str]:
        return frozenset(key for key, seq in self._written.items() if seq > mark)


class DeviceCoordinator(PoderoCoordinator[dict[str, Device]]):
    """The devices of one type: one list request per update (absent types: slow cadence)."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: PoderoClient,
        model: type[Device],
        interval: timedelta,
    ) -> None:
        """Poll `model`'s list every `interval` while the account has such devices."""
        super().__init__(hass, entry, client, model.kind.value, interval)
        self.model = model
        self._boost_until: datetime | None = None

    @property
    def devices(self) -> Mapping[str, Device]:
        """The devices of the last successful read (none before the first)."""
        return self.data or {}

    @override
    def subject(self, subject_id: str) -> Device | None:
        """Return one device, if listed."""
        return self.devices.get(subject_id)

    @override
    async def _async_fetch(self, mark: int) -> dict[str, Device]:
        # Until this read succeeds, ask again on the regular cadence.
        self.update_interval = self._next_interval(has_devices=True)
        listed = await self.client.list_devices(self.model)
        written, current = self._written_since(mark), self.devices
        devices: dict[str, Device] = {}
        for device in listed:
            kept = current.get(device.id)
            # A device written during the read keeps the write's answer; an unchanged one
            # keeps its object, so its entities can skip writing the same state.
            fresh = device.id not in written and kept != device
            devices[device.id] = device if fresh or kept is None else kept
        if not any(
            isinstance(device, ElectricVehicle | Wallbox)
            and device.boost_state is BoostState.REQUESTED
            for device in devices.values()
        ):
            self._boost_until = None
        self.update_interval = self._next_interval(has_devices=bool(devices))
        return devices

    def _next_interval(self, *, has_devices: bool) -> timedelta:
        if self._boost_until is not None and dt_util.utcnow() < self._boost_until:
            return BOOST_POLL_INTERVAL
        return self.interval if has_devices else DISCOVERY_INTERVAL

    async def async_update_device(self, device_id: str, update: DeviceUpdate) -> Device:
        """Write device settings and show the device as Podero answered, without a poll."""
        device: Device = await self.async_write(
            self.client.update_device(self.model, device_id, update)
        )
        return device

    @override
    def _async_store(self, answer: Device) -> None:
        self._async_show(answer.id, {**self.devices, answer.id: answer})

    async def async_boost(self, device_id: str, *, start: bool) -> None:
        """Start (or cancel) a boost, then follow the type until the boost has started."""
        boost = self.client.start_boost if start else self.client.cancel_boost
        await self.async_call(boost(self.model, device_id))  # type: ignore[arg-type]
        self._boost_until = dt_util.utcnow() + BOOST_POLL_TIMEOUT
        if not self.throttled:  # else the read after Retry-After comes first
            self.update_interval = BOOST_POLL_INTERVAL
            self._schedule_refresh()


class ChargingConfigCoordinator(PoderoCoordinator[ChargingConfig | None]):
    """The owner-level smart-charging settings, read while the account has an EV or wallbox."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: PoderoClient,
        devices: Mapping[DeviceKind, DeviceCoordinator],
        retry_interval: timedelta,
    ) -> None:
        """Read on the slow cadence; a failed read is retried on the regular one."""
        super().__init__(hass, entry, client, "charging-config", DISCOVERY_INTERVAL)
        self._devices = devices
        self._retry_interval = retry_interval
        self.account_id = f"{client.user_id}_account"

    @property
    def applies(self) -> bool:
        """Whether the account has a device the settings are for."""
        return any(self._devices[kind].devices for kind in CHARGING_KINDS)

    @override
    def subject(self, subject_id: str) -> ChargingConfig | None:
        """Return the settings (there is one set per account)."""
        return self.data if self.applies else None

    @override
    async def _async_fetch(self, mark: int) -> ChargingConfig | None:
        if not self.applies:
            return None
        self.update_interval = self._retry_interval
        config = await self.client.get_charging_config()
        self.update_interval = DISCOVERY_INTERVAL
        # Settings written while the read was in flight are newer than what it returned.
        return self.data if self._written_since(mark) else config

    @override
    def _async_store(self, answer: ChargingConfig) -> None:
        self._async_show(self.account_id, answer)


type DeviceCoordinators = Mapping[DeviceKind, DeviceCoordinator]
