"""The coordinator: one per config entry, polling the device lists of one Podero user.

A refresh asks each device list the account has once, concurrently; no device is read on its
own, so the cost of a refresh does not grow with the number of devices. Device types the account
does not have, and the owner-level charging configuration, are read on a slower cadence.

Failures are isolated per device type: a type whose list fails goes unavailable while the others
stay up. Only when every type the account has fails does the refresh as a whole fail (Home
Assistant then logs it once). A 429 keeps the last data of that type and silences its endpoint
until Retry-After has passed.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any, override

from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import (
    DEVICE_MODELS,
    BoostState,
    ChargingConfig,
    Device,
    DeviceKind,
    ElectricVehicle,
    PoderoAuthenticationError,
    PoderoClient,
    PoderoConnectionError,
    PoderoError,
    PoderoForbiddenError,
    PoderoMalformedResponseError,
    PoderoRateLimitError,
    PoderoServerError,
    Wallbox,
)
from .const import (
    BOOST_POLL_INTERVAL,
    BOOST_POLL_TIMEOUT,
    DEFAULT_RETRY_AFTER,
    DEFAULT_SCAN_INTERVAL,
    DISCOVERY_INTERVAL,
    DOMAIN,
    LOGGER,
    MAX_RETRY_AFTER,
)
from .data import DeviceEnergy, PoderoConfigEntry, PoderoData
from .errors import translated_error

CHARGING_CONFIG = "charging-config"

type Endpoint = DeviceKind | str
type Outcome = list[Device] | ChargingConfig | BaseException
# Failures after which a write may or may not have reached Podero.
_OUTCOME_UNKNOWN = (
    PoderoConnectionError,
    PoderoMalformedResponseError,
    PoderoServerError,
)


class PoderoCoordinator(DataUpdateCoordinator[PoderoData]):
    """Keeps the devices and charging configuration of one Podero user."""

    config_entry: PoderoConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        config_entry: PoderoConfigEntry,
        client: PoderoClient,
        update_interval: timedelta = DEFAULT_SCAN_INTERVAL,
    ) -> None:
        """Set up the coordinator; nothing is fetched until the first refresh."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=config_entry,
            name=DOMAIN,
            update_interval=update_interval,
            always_update=False,
        )
        self.client = client
        self._quiet_until: dict[Endpoint, datetime] = {}
        self._next_discovery: datetime | None = None
        self._charging_config_due = True
        self._failing: set[Endpoint] = set()
        # Types whose list could not be read yet: asked again at every refresh, not only at
        # the next discovery, so a type that failed during start-up does not stay missing.
        self._unknown_kinds: set[DeviceKind] = set()
        self._whole_refresh_failing = False
        self._boost_deadlines: dict[DeviceKind, datetime] = {}
        self._boost_timers: dict[DeviceKind, CALLBACK_TYPE] = {}
        self._registry_ids: frozenset[str] | None = None
        self._target_listeners: dict[str, set[CALLBACK_TYPE]] = {}
        # Write sequence numbers: a list read before a write must not undo that write.
        self._writes = 0
        self._written_at: dict[str, int] = {}

    @property
    def account_id(self) -> str:
        """Identifier of the service device that carries the owner-level settings."""
        return f"{self.client.user_id}_account"

    # --- refresh ----------------------------------------------------------------------------

    @override
    async def _async_update_data(self) -> PoderoData:
        # Typed non-optional by HA, but None until the first refresh has succeeded.
        previous: PoderoData | None = self.data
        now = dt_util.utcnow()
        discovery = self._next_discovery is None or now >= self._next_discovery
        present = previous.kinds_present if previous else frozenset()
        kinds = [
            kind
            for kind in DeviceKind
            if (discovery or kind in present or kind in self._unknown_kinds)
            and not self._is_quiet(kind, now)
        ]
        want_config = (
            previous is not None
            and previous.has_charging_devices
            and (discovery or self._charging_config_due)
            and not self._is_quiet(CHARGING_CONFIG, now)
        )
        mark = self._writes
        outcomes: list[Outcome] = await asyncio.gather(  # type: ignore[assignment]
            *(self.client.list_devices(DEVICE_MODELS[kind]) for kind in kinds),
            *([self.client.get_charging_config()] if want_config else []),
            return_exceptions=True,
        )
        written = self._written_since(mark)
        by_kind = dict(zip(kinds, outcomes, strict=False))
        _raise_unexpected(outcomes)
        _raise_for_auth(outcomes)

        # The refresh fails as a whole only when no type the account has could be read; an
        # empty answer for a type the account never had proves nothing about the outage.
        failures = {
            kind: outcome
            for kind, outcome in by_kind.items()
            if isinstance(outcome, PoderoError)
            and not isinstance(outcome, PoderoRateLimitError)
        }
        read_any = any(
            isinstance(outcome, list)
            and (previous is None or kind in present or outcome)
            for kind, outcome in by_kind.items()
        )
        if by_kind and not read_any and (previous is None or failures):
            for kind in failures:
                self._failing.add(kind)
                if kind not in present:
                    self._unknown_kinds.add(kind)
            self._whole_refresh_failing = True
            raise _update_failed(list(by_kind.values()))
        was_whole = self._whole_refresh_failing
        self._whole_refresh_failing = False

        # Writes, the energy history and boost follow-ups may have changed the data while
        # the lists were in flight: build on what is there now, not on the snapshot.
        current: PoderoData | None = self.data
        devices = dict(current.devices) if current else {}
        unavailable = set(current.unavailable) if current else set()
        for kind, outcome in by_kind.items():
            if isinstance(outcome, list):
                devices[kind] = _merge_read(devices.get(kind, {}), outcome, written)
                unavailable.discard(kind)
                self._unknown_kinds.discard(kind)
                self._recovered(kind, quiet=was_whole)
                continue
            if not devices.get(kind) and not isinstance(outcome, PoderoForbiddenError):
                self._unknown_kinds.add(kind)
            if isinstance(outcome, PoderoRateLimitError):
                self._quiet(kind, outcome, now)
            elif isinstance(outcome, PoderoError):
                if devices.get(kind):
                    unavailable.add(kind)
                self._failed(kind, outcome)
        if discovery:
            self._next_discovery = now + DISCOVERY_INTERVAL

        kept_config = current.charging_config if current else None
        # A configuration written during the read is shown as the write answered.
        data = PoderoData(
            energy=current.energy if current else {},
            devices=devices,
            unavailable=frozenset(unavailable),
            # Devices written while their type's list failed still show what the write
            # returned; the next successful list supersedes them.
            fresh=frozenset(
                device_id
                for kind in unavailable
                for device_id in devices.get(kind, {})
                if device_id in written
            ),
            charging_config=self._take_charging_config(outcomes[-1], now, kept_config)
            if want_config and self.account_id not in written
            else kept_config,
        )
        if previous is None and data.has_charging_devices:
            data = replace(data, charging_config=await self._first_charging_config(now))
        self._remove_stale_devices(data)
        return data

    def _take_charging_config(
        self, outcome: Outcome, now: datetime, kept: ChargingConfig | None
    ) -> ChargingConfig | None:
        """Use a freshly read charging configuration, or decide what a failure leaves."""
        if isinstance(outcome, ChargingConfig):
            self._charging_config_due = False
            self._recovered(CHARGING_CONFIG)
            return outcome
        self._charging_config_due = True
        if isinstance(outcome, PoderoRateLimitError):
            self._quiet(CHARGING_CONFIG, outcome, now)
            return kept
        if isinstance(outcome, PoderoError):
            self._failed(CHARGING_CONFIG, outcome)
        return None

    async def _first_charging_config(self, now: datetime) -> ChargingConfig | None:
        """Read the charging configuration right after the first device lists arrived."""
        try:
            config = await self.client.get_charging_config()
        except PoderoAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except PoderoError as err:
            return self._take_charging_config(err, now, None)
        return self._take_charging_config(config, now, None)

    # --- per-endpoint bookkeeping ------------------------------------------------------------

    def _is_quiet(self, endpoint: Endpoint, now: datetime) -> bool:
        until = self._quiet_until.get(endpoint)
        return until is not None and now < until

    def _quiet(
        self, endpoint: Endpoint, err: PoderoRateLimitError, now: datetime
    ) -> None:
        """Honour a 429: no request to this endpoint before Retry-After has passed."""
        wait = (
            DEFAULT_RETRY_AFTER
            if err.retry_after is None
            else timedelta(
                seconds=min(err.retry_after, MAX_RETRY_AFTER.total_seconds())
            )
        )
        self._quiet_until[endpoint] = now + wait
        if endpoint not in self._failing:
            self._failing.add(endpoint)
            LOGGER.info(
                "Podero asked to wait %s before asking for %s again", wait, endpoint
            )

    def _failed(self, endpoint: Endpoint, err: PoderoError) -> None:
        """Log a failing endpoint once, not on every refresh."""
        if endpoint not in self._failing:
            self._failing.add(endpoint)
            LOGGER.warning("Fetching %s from Podero failed: %s", endpoint, err)

    def _recovered(self, endpoint: Endpoint, *, quiet: bool = False) -> None:
        """Log once that a failing endpoint answers again (unless HA logs the recovery)."""
        if endpoint in self._failing:
            self._failing.discard(endpoint)
            if not quiet:
                LOGGER.info("Fetching %s from Podero recovered", endpoint)

    # --- device registry --------------------------------------------------------------------

    @callback
    def _remove_stale_devices(self, data: PoderoData) -> None:
        """Remove devices Podero no longer lists, once every device type has been read."""
        if data.unavailable or not set(DeviceKind) <= data.devices.keys():
            return
        expected = frozenset(
            device_id for devices in data.devices.values() for device_id in devices
        ) | ({self.account_id} if data.has_charging_devices else frozenset())
        if expected == self._registry_ids:
            return
        self._registry_ids = expected
        registry = dr.async_get(self.hass)
        for entry in dr.async_entries_for_config_entry(
            registry, self.config_entry.entry_id
        ):
            identifiers = {
                value for domain, value in entry.identifiers if domain == DOMAIN
            }
            if identifiers.isdisjoint(expected):
                LOGGER.debug(
                    "Removing device %s: Podero no longer lists it", entry.name
                )
                registry.async_remove_device(entry.id)

    # --- writes -----------------------------------------------------------------------------

    async def async_call[R](
        self, request: Awaitable[R], read_back: Endpoint | None = None
    ) -> R:
        """Await an API call made for the user; failures become translated errors.

        A rejected credential also starts reauthentication, since no retry can fix it.
        When the answer to a write got lost (timeout, 5xx, garbled), Podero may have
        applied it anyway: the `read_back` endpoint is read again in the background, so
        entities show what Podero has rather than what they showed before.
        """
        try:
            return await request
        except PoderoError as err:
            if isinstance(err, PoderoAuthenticationError):
                self.config_entry.async_start_reauth(self.hass)
            elif read_back is not None and isinstance(err, _OUTCOME_UNKNOWN):
                self.config_entry.async_create_background_task(
                    self.hass,
                    self._async_read_back(read_back),
                    f"{DOMAIN} read back {read_back}",
                )
            raise translated_error(err) from err

    async def _async_read_back(self, endpoint: Endpoint) -> None:
        """Read one endpoint after a write whose outcome is unknown."""
        if isinstance(endpoint, DeviceKind):
            await self._async_read_kind(endpoint)
        elif (
            config := await self._read_outside_refresh(
                endpoint, self.client.get_charging_config
            )
        ) is not None:
            await self._apply(
                self.account_id, lambda data: replace(data, charging_config=config)
            )

    async def _read_outside_refresh[R](
        self, endpoint: Endpoint, read: Callable[[], Awaitable[R]]
    ) -> R | None:
        """Read one endpoint between refreshes, honouring Retry-After; None if unreadable."""
        now = dt_util.utcnow()
        if self._is_quiet(endpoint, now):
            return None
        try:
            return await read()
        except PoderoRateLimitError as err:
            self._quiet(endpoint, err, now)
        except PoderoError as err:
            LOGGER.debug("Reading %s outside a refresh failed: %s", endpoint, err)
        return None

    async def async_update_device(
        self, model: type[Device], device_id: str, changes: Mapping[str, Any]
    ) -> None:
        """Write device fields and show the device as the API returned it, without a poll."""
        updated = await self.async_call(
            self.client.update_device(model, device_id, changes), model.kind
        )
        await self._apply(device_id, lambda data: _with_device(data, updated))

    async def async_update_charging_config(self, changes: Mapping[str, Any]) -> None:
        """Write owner-level charging settings and show what the API returned."""
        config = await self.async_call(
            self.client.update_charging_config(**changes), CHARGING_CONFIG
        )
        await self._apply(
            self.account_id, lambda data: replace(data, charging_config=config)
        )

    async def async_start_boost(
        self, model: type[ElectricVehicle | Wallbox], device_id: str
    ) -> None:
        """Ask Podero to charge now, then follow the boost until it has started."""
        await self.async_call(self.client.start_boost(model, device_id), model.kind)
        self.async_watch_boost(model.kind)

    async def async_cancel_boost(
        self, model: type[ElectricVehicle | Wallbox], device_id: str
    ) -> None:
        """Cancel an armed (and, for wallboxes, a live) boost, then follow the device."""
        await self.async_call(self.client.cancel_boost(model, device_id), model.kind)
        self.async_watch_boost(model.kind)

    @callback
    def async_add_target_listener(
        self, target: str, update: CALLBACK_TYPE
    ) -> CALLBACK_TYPE:
        """Call `update` when a write changed this target (a device id or the account)."""
        self._target_listeners.setdefault(target, set()).add(update)

        @callback
        def remove() -> None:
            self._target_listeners[target].discard(update)

        return remove

    async def _apply(
        self, target: str, change: Callable[[PoderoData], PoderoData]
    ) -> None:
        """Put a write's result into the data and notify that target's entities at once.

        Only the written device's entities are told: on a large account, waking every
        entity for one switch would cost more than the request itself.
        """
        self._writes += 1
        self._written_at[target] = self._writes
        if self.last_update_success:
            self.data = change(self.data)
            for update in list(self._target_listeners.get(target, ())):
                update()
            return
        # The last refresh failed as a whole, so the rest of the data is stale: keep the
        # change, but let a refresh (not the write) decide what is available again.
        self.data = change(self.data)
        await self.async_request_refresh()

    def _written_since(self, mark: int) -> frozenset[str]:
        """Targets written after `mark` (a value of the write sequence)."""
        return frozenset(
            target for target, seq in self._written_at.items() if seq > mark
        )

    @callback
    def async_set_energy(self, energy: Mapping[str, DeviceEnergy]) -> None:
        """Store devices' sessions and savings (by device id) and update their entities."""
        changed = {
            device_id: value
            for device_id, value in energy.items()
            if self.data.energy.get(device_id) != value
        }
        if not changed:
            return
        self.data = replace(self.data, energy={**self.data.energy, **changed})
        # New energy targets need their entities created; the others update in place. One
        # notification per batch: each walks every target, so one per device is quadratic.
        self.async_update_listeners()

    # --- boost follow-up --------------------------------------------------------------------

    @callback
    def async_watch_boost(self, kind: DeviceKind) -> None:
        """Poll one device type every few seconds while a boost is `requested` (max 60 s)."""
        self._boost_deadlines[kind] = dt_util.utcnow() + BOOST_POLL_TIMEOUT
        if kind not in self._boost_timers:
            self._schedule_boost_poll(kind)

    def _schedule_boost_poll(self, kind: DeviceKind) -> None:
        self._boost_timers[kind] = async_call_later(
            self.hass,
            BOOST_POLL_INTERVAL,
            HassJob(partial(self._boost_poll_due, kind), cancel_on_shutdown=True),
        )

    @callback
    def _boost_poll_due(self, kind: DeviceKind, _now: datetime) -> None:
        self._boost_timers.pop(kind, None)
        self.config_entry.async_create_background_task(
            self.hass,
            self._async_boost_poll(kind),
            f"{DOMAIN} boost follow-up {kind.value}",
        )

    async def _async_read_kind(self, kind: DeviceKind) -> list[Device] | None:
        """Read one device list outside a refresh and show it; None if unreadable."""
        mark = self._writes
        devices = await self._read_outside_refresh(
            kind, partial(self.client.list_devices, DEVICE_MODELS[kind])
        )
        if devices is None:
            return None
        self.data = replace(
            self.data,
            devices={
                **self.data.devices,
                kind: _merge_read(
                    self.data.devices.get(kind, {}),
                    devices,
                    self._written_since(mark),
                ),
            },
            unavailable=self.data.unavailable - {kind},
        )
        self.async_update_listeners()
        return devices

    async def _async_boost_poll(self, kind: DeviceKind) -> None:
        devices = await self._async_read_kind(kind)
        pending = devices is None or any(
            getattr(device, "boost_state", None) is BoostState.REQUESTED
            for device in devices
        )
        deadline = self._boost_deadlines.get(kind)
        if (
            pending
            and deadline is not None
            and dt_util.utcnow() + BOOST_POLL_INTERVAL <= deadline
            and kind not in self._boost_timers
        ):
            self._schedule_boost_poll(kind)
        elif not pending:
            self._boost_deadlines.pop(kind, None)

    @override
    async def async_shutdown(self) -> None:
        """Stop boost follow-ups along with the regular polling."""
        for unsub in self._boost_timers.values():
            unsub()
        self._boost_timers.clear()
        await super().async_shutdown()


def _merge(old: Mapping[str, Device], fresh: Iterable[Device]) -> dict[str, Device]:
    """Index a fresh list, reusing unchanged objects so entities can skip identical writes."""
    return {
        device.id: kept if (kept := old.get(device.id)) == device else device
        for device in fresh
    }


def _merge_read(
    current: Mapping[str, Device], read: Iterable[Device], written: frozenset[str]
) -> dict[str, Device]:
    """Merge a list read from Podero, keeping devices written while it was in flight.

    The list may have been produced before the write reached Podero; the write's own answer,
    already in `current`, is the newer state.
    """
    return _merge(
        current,
        (
            current[device.id]
            if device.id in written and device.id in current
            else device
            for device in read
        ),
    )


def _with_device(data: PoderoData, device: Device) -> PoderoData:
    """Put a device as a write returned it; current even if its type's last read failed."""
    kind_devices = {**data.devices.get(device.kind, {}), device.id: device}
    return replace(
        data,
        devices={**data.devices, device.kind: kind_devices},
        fresh=data.fresh | {device.id}
        if device.kind in data.unavailable
        else data.fresh,
    )


def _raise_unexpected(outcomes: list[Outcome]) -> None:
    """Let programming errors surface instead of passing them off as API failures."""
    for outcome in outcomes:
        if isinstance(outcome, BaseException) and not isinstance(outcome, PoderoError):
            raise outcome


def _raise_for_auth(outcomes: list[Outcome]) -> None:
    """Start reauth when credentials are rejected (after the client's own renewal)."""
    errors = [outcome for outcome in outcomes if isinstance(outcome, PoderoError)]
    rejected = any(isinstance(err, PoderoAuthenticationError) for err in errors) or (
        bool(errors)
        and len(errors) == len(outcomes)
        and all(isinstance(err, PoderoForbiddenError) for err in errors)
    )
    if rejected:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="auth_failed"
        ) from errors[0]


def _update_failed(outcomes: list[Outcome]) -> UpdateFailed:
    """Build the error of a refresh in which no device list could be read."""
    errors = [outcome for outcome in outcomes if isinstance(outcome, PoderoError)]
    waits = [
        err.retry_after
        for err in errors
        if isinstance(err, PoderoRateLimitError) and err.retry_after is not None
    ]
    translated = translated_error(errors[0])
    failed = UpdateFailed(
        translation_domain=DOMAIN,
        translation_key=translated.translation_key,
        translation_placeholders=translated.translation_placeholders,
        retry_after=min(max(waits), MAX_RETRY_AFTER.total_seconds())
        if waits and len(waits) == len(errors)
        else None,
    )
    failed.__cause__ = errors[0]
    return failed
