"""Timed pauses of smart optimisation that survive restarts (docs/actions.md has the rules).

A pause with `until` turns optimisation off now and schedules turning it on, in a Store per
config entry re-armed at setup; a pause without `until` drops an earlier schedule. A failed
resume is retried every minute (warned once); a device Podero no longer knows drops it.
Optimisation turned on by anyone after the pause (by Podero's `updated_at`, so a poll answer
already under way cannot count) ends the pause.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, NotRequired, TypedDict

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_call_later, async_track_point_in_utc_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .api import DeviceKind, DeviceUpdate, PoderoNotFoundError
from .const import DOMAIN, LOGGER
from .coordinator import DeviceCoordinators
from .storage import PAUSES, entry_store

RESUME_RETRY = timedelta(minutes=1)
_OFF = DeviceUpdate(is_smart_optimization_active=False)
_ON = DeviceUpdate(is_smart_optimization_active=True)


class _StoredPause(TypedDict):
    kind: str
    until: str
    since: NotRequired[str | None]


@dataclass(frozen=True, slots=True)
class _Pause:
    """A scheduled resume: when, and Podero's `updated_at` of the device once paused."""

    kind: DeviceKind
    until: datetime
    since: datetime | None


class PauseScheduler:
    """Pauses and resumes smart optimisation of the devices of one config entry."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, devices: DeviceCoordinators
    ) -> None:
        """Prepare an empty schedule; `async_load` restores the persisted one."""
        self._hass = hass
        self._entry = entry
        self._devices = devices
        self._store: Store[dict[str, _StoredPause]] = entry_store(
            hass, entry.entry_id, PAUSES
        )
        self._pauses: dict[str, _Pause] = {}
        self._timers: dict[str, CALLBACK_TYPE] = {}
        self._failing: set[str] = set()

    def paused_until(self, device_id: str) -> datetime | None:
        """When a paused device resumes, or None if no resume is scheduled."""
        pause = self._pauses.get(device_id)
        return pause.until if pause else None

    async def async_load(self) -> None:
        """Re-arm the resumes persisted before Home Assistant stopped."""
        stored: Mapping[str, Any] = await self._store.async_load() or {}
        for device_id, record in stored.items():
            pause = _parse_record(record)
            if pause is None:
                LOGGER.warning(
                    "Dropping an unreadable scheduled resume for %s", device_id
                )
                continue
            self._pauses[device_id] = pause
            self._arm(device_id, pause.until)
        # Writes notify their coordinator's listeners too, so this also hears the switch.
        for coordinator in self._devices.values():
            self._entry.async_on_unload(
                coordinator.async_add_listener(self._async_devices_updated)
            )
        self._entry.async_on_unload(self._async_stop)
        # Optimisation may have been turned on elsewhere while Home Assistant was down.
        self._async_devices_updated()

    async def async_pause(
        self, kind: DeviceKind, device_id: str, until: datetime | None
    ) -> None:
        """Turn optimisation off now; with `until`, schedule turning it back on."""
        device = await self._devices[kind].async_update_device(device_id, _OFF)
        self._disarm(device_id)
        self._failing.discard(device_id)
        if until is not None:
            self._pauses[device_id] = _Pause(kind, until, device.updated_at)
            self._arm(device_id, until)
        else:
            self._pauses.pop(device_id, None)
        await self._store.async_save(self._serialise())

    async def async_resume(self, kind: DeviceKind, device_id: str) -> None:
        """Turn optimisation back on now and forget any scheduled resume."""
        await self._devices[kind].async_update_device(device_id, _ON)
        self.async_forget(device_id)

    @callback
    def async_forget(self, device_id: str) -> None:
        """Drop a scheduled resume (the pause has ended some other way)."""
        self._failing.discard(device_id)
        if device_id in self._pauses:
            self._disarm(device_id)
            del self._pauses[device_id]
            self._save()

    @callback
    def _async_stop(self) -> None:
        """Cancel all timers; the persisted schedule stays for the next start."""
        for unsub in self._timers.values():
            unsub()
        self._timers.clear()

    @callback
    def _async_devices_updated(self) -> None:
        """End pauses of devices whose optimisation was turned on since they were paused."""
        for device_id, pause in list(self._pauses.items()):
            device = self._devices[pause.kind].subject(device_id)
            if device is None or device.is_smart_optimization_active is not True:
                continue
            changed = device.updated_at
            if pause.since is not None and (changed is None or changed <= pause.since):
                continue  # a reading from before the pause
            LOGGER.debug(
                "Smart optimisation of %s was turned on; dropping its scheduled resume",
                device_id,
            )
            self.async_forget(device_id)

    def _arm(self, device_id: str, when: datetime) -> None:
        job = HassJob(partial(self._due, device_id), cancel_on_shutdown=True)
        if when <= dt_util.utcnow():
            self._timers[device_id] = async_call_later(self._hass, 0, job)
        else:
            self._timers[device_id] = async_track_point_in_utc_time(
                self._hass, job, when
            )

    def _disarm(self, device_id: str) -> None:
        if (unsub := self._timers.pop(device_id, None)) is not None:
            unsub()

    @callback
    def _due(self, device_id: str, _now: datetime) -> None:
        self._timers.pop(device_id, None)
        self._entry.async_create_background_task(
            self._hass,
            self._async_resume_due(device_id),
            f"{DOMAIN} resume {device_id}",
        )

    async def _async_resume_due(self, device_id: str) -> None:
        if (pause := self._pauses.get(device_id)) is None:
            return
        was_failing = device_id in self._failing
        try:
            await self._devices[pause.kind].async_update_device(device_id, _ON)
        except HomeAssistantError as err:
            if self._pauses.get(device_id) is not pause:
                return  # paused again or resumed while the request was under way
            if isinstance(err.__cause__, PoderoNotFoundError):
                LOGGER.warning(
                    "Not resuming smart optimisation of %s: Podero no longer lists it",
                    device_id,
                )
                self.async_forget(device_id)
                return
            if device_id not in self._failing:
                LOGGER.warning(
                    "Resuming smart optimisation of %s failed, retrying every minute: %s",
                    device_id,
                    err,
                )
                self._failing.add(device_id)
            self._timers[device_id] = async_call_later(
                self._hass,
                RESUME_RETRY,
                HassJob(partial(self._due, device_id), cancel_on_shutdown=True),
            )
            return
        if was_failing:
            LOGGER.info("Resumed smart optimisation of %s", device_id)
        self._failing.discard(device_id)
        if self._pauses.get(device_id) is pause:
            self.async_forget(device_id)

    def _save(self) -> None:
        """Write the schedule now, in a task the entry waits for when it unloads.

        A delayed save could land after `async_remove_entry` deleted the Store and bring
        the file back; a task of the entry is finished before the entry is removed.
        """
        self._entry.async_create_task(
            self._hass,
            self._store.async_save(self._serialise()),
            f"{DOMAIN} save scheduled resumes",
        )

    def _serialise(self) -> dict[str, _StoredPause]:
        return {
            device_id: {
                "kind": pause.kind.value,
                "until": pause.until.isoformat(),
                "since": pause.since.isoformat() if pause.since else None,
            }
            for device_id, pause in self._pauses.items()
        }


def _parse_record(record: Any) -> _Pause | None:
    """Read one persisted pause, or None if it cannot be understood."""
    record = record if isinstance(record, Mapping) else {}
    until = dt_util.parse_datetime(str(record.get("until") or ""))
    since = dt_util.parse_datetime(str(record.get("since") or ""))
    if (
        until is None
        or until.tzinfo is None
        or record.get("kind") not in set(DeviceKind)
    ):
        return None
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=dt_util.UTC)
    return _Pause(DeviceKind(record["kind"]), until, since)
