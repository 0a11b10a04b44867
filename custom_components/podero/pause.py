"""Timed pauses of smart optimisation that survive Home Assistant restarts.

`podero.pause_optimization` with `until` turns optimisation off now and must turn it back on at
`until`, even if Home Assistant restarts in between. Pending resumes are kept in a Store per
config entry and re-armed on setup; a resume that falls due while Home Assistant was down runs
right after start. A resume that fails is retried every minute until it succeeds, the user
resumes by hand, or Podero no longer knows the device.
"""

from datetime import datetime, timedelta
from typing import Any, TypedDict

from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_call_later, async_track_point_in_utc_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .api import DEVICE_MODELS, DeviceKind
from .const import DOMAIN, LOGGER
from .coordinator import PoderoCoordinator

STORAGE_VERSION = 1
RESUME_RETRY = timedelta(minutes=1)
OPTIMIZATION_FIELD = "is_smart_optimization_active"


class _StoredPause(TypedDict):
    kind: str
    until: str


def storage_key(entry_id: str) -> str:
    """Name of the Store holding one config entry's pending resumes."""
    return f"{DOMAIN}.{entry_id}.pauses"


class PauseScheduler:
    """Pauses and resumes smart optimisation of the devices of one config entry."""

    def __init__(
        self, hass: HomeAssistant, entry_id: str, coordinator: PoderoCoordinator
    ) -> None:
        """Prepare an empty schedule; `async_load` restores the persisted one."""
        self._hass = hass
        self._coordinator = coordinator
        self._store: Store[dict[str, _StoredPause]] = Store(
            hass, STORAGE_VERSION, storage_key(entry_id)
        )
        self._pauses: dict[str, tuple[DeviceKind, datetime]] = {}
        self._timers: dict[str, CALLBACK_TYPE] = {}
        self._failed_resumes: set[str] = set()

    def paused_until(self, device_id: str) -> datetime | None:
        """When a paused device resumes, or None if no resume is scheduled."""
        pause = self._pauses.get(device_id)
        return pause[1] if pause else None

    async def async_load(self) -> None:
        """Re-arm the resumes persisted before Home Assistant stopped."""
        stored: dict[str, Any] = await self._store.async_load() or {}
        for device_id, record in stored.items():
            until = dt_util.parse_datetime(str(record.get("until")))
            try:
                kind = DeviceKind(record.get("kind"))
            except ValueError:
                kind = None
            if until is None or kind is None:
                LOGGER.warning(
                    "Dropping an unreadable scheduled resume for %s", device_id
                )
                continue
            self._pauses[device_id] = (kind, until)
            self._arm(device_id, until)

    async def async_pause(
        self, kind: DeviceKind, device_id: str, until: datetime | None
    ) -> None:
        """Turn optimisation off now; with `until`, schedule turning it back on."""
        await self._coordinator.async_update_device(
            DEVICE_MODELS[kind], device_id, {OPTIMIZATION_FIELD: False}
        )
        self._disarm(device_id)
        if until is not None:
            self._pauses[device_id] = (kind, until)
            self._arm(device_id, until)
        else:
            self._pauses.pop(device_id, None)
        self._save()

    async def async_resume(self, kind: DeviceKind, device_id: str) -> None:
        """Turn optimisation back on now and forget any scheduled resume."""
        await self._coordinator.async_update_device(
            DEVICE_MODELS[kind], device_id, {OPTIMIZATION_FIELD: True}
        )
        self.async_forget(device_id)

    @callback
    def async_forget(self, device_id: str) -> None:
        """Drop a scheduled resume (the user switched optimisation by hand)."""
        if device_id in self._pauses:
            self._disarm(device_id)
            del self._pauses[device_id]
            self._save()

    @callback
    def async_stop(self) -> None:
        """Cancel all timers; the persisted schedule stays for the next start."""
        for unsub in self._timers.values():
            unsub()
        self._timers.clear()

    def _arm(self, device_id: str, when: datetime) -> None:
        job = HassJob(lambda _now: self._due(device_id), cancel_on_shutdown=True)
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
    def _due(self, device_id: str) -> None:
        self._timers.pop(device_id, None)
        self._coordinator.config_entry.async_create_background_task(
            self._hass,
            self._async_resume_due(device_id),
            f"{DOMAIN} resume {device_id}",
        )

    async def _async_resume_due(self, device_id: str) -> None:
        if (pause := self._pauses.get(device_id)) is None:
            return
        kind = pause[0]
        try:
            await self._coordinator.async_update_device(
                DEVICE_MODELS[kind], device_id, {OPTIMIZATION_FIELD: True}
            )
        except HomeAssistantError as err:
            if getattr(err, "translation_key", None) == "not_found":
                LOGGER.warning(
                    "Not resuming optimisation of %s: Podero no longer lists it",
                    device_id,
                )
                self.async_forget(device_id)
                return
            if device_id not in self._failed_resumes:
                LOGGER.warning(
                    "Resuming smart optimisation of %s failed, retrying every minute: %s",
                    device_id,
                    err,
                )
                self._failed_resumes.add(device_id)
            self._timers[device_id] = async_call_later(
                self._hass,
                RESUME_RETRY,
                HassJob(lambda _now: self._due(device_id), cancel_on_shutdown=True),
            )
            return
        if device_id in self._failed_resumes:
            self._failed_resumes.discard(device_id)
            LOGGER.info("Resumed smart optimisation of %s", device_id)
        self.async_forget(device_id)

    def _save(self) -> None:
        self._store.async_delay_save(self._serialise, 0)

    def _serialise(self) -> dict[str, _StoredPause]:
        return {
            device_id: {"kind": kind.value, "until": until.isoformat()}
            for device_id, (kind, until) in self._pauses.items()
        }
