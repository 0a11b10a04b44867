"""The hourly energy job: statistics import, and each device's sessions and savings as its data.

A minute after setup, then hourly; a device whose history cannot be read keeps its figures
(logged once). An EV's session is also read when it is plugged in or out, or (stops) charging.
"""

import asyncio
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
import logging
from typing import override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .api import (
    ChargingSession,
    Device,
    DeviceKind,
    ElectricVehicle,
    PoderoClient,
    PoderoError,
    PoderoRateLimitError,
)
from .const import (
    DOMAIN,
    HISTORY_FIRST_RUN,
    HISTORY_INTERVAL,
    HISTORY_PARALLEL_DEVICES,
    LOGGER,
)
from .coordinator import DeviceCoordinators, PoderoCoordinator
from .naming import device_display_name
from .statistics import MODELS, async_import_statistics, records_statistics
from .storage import STATISTICS, entry_store


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceEnergy:
    """Energy figures of one device that do not come with the device list."""

    current_session: ChargingSession | None = None
    last_session: ChargingSession | None = None
    savings_this_month: float | None = None
    month_start: datetime | None = None


def _month_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


class EnergyCoordinator(PoderoCoordinator[dict[str, DeviceEnergy]]):
    """Imports statistics and reads sessions and savings, per device with a history."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: PoderoClient,
        devices: DeviceCoordinators,
        backfill: timedelta,
    ) -> None:
        """Prepare the job; it runs once something listens (see `async_start`)."""
        super().__init__(hass, entry, client, "energy", HISTORY_FIRST_RUN)
        self._devices = devices
        self._backfill = backfill
        self._store: Store[dict[str, list[str]]] = entry_store(
            hass, entry.entry_id, STATISTICS
        )
        self._failing: set[str] = set()
        self._charging_states: dict[str, tuple[bool | None, bool | None]] = {}

    @override
    def subject(self, subject_id: str) -> DeviceEnergy | None:
        return (self.data or {}).get(subject_id)

    @callback
    def async_start(self) -> None:
        """Run on schedule even without entities (the recorder consumes the statistics)."""
        self.config_entry.async_on_unload(self.async_add_listener(lambda: None))
        ev = self._devices[DeviceKind.ELECTRIC_VEHICLE]
        self.config_entry.async_on_unload(ev.async_add_listener(self._check_sessions))
        self._check_sessions()  # what "changed" is measured against

    @override
    async def _async_fetch(self, mark: int) -> dict[str, DeviceEnergy]:
        self.update_interval = HISTORY_INTERVAL
        now = dt_util.utcnow()
        devices = [
            device for kind in MODELS for device in self._devices[kind].devices.values()
        ]
        imported = set((await self._store.async_load() or {}).get("statistic_ids", []))
        before = set(imported)
        limit = asyncio.Semaphore(HISTORY_PARALLEL_DEVICES)

        async def one(device: Device) -> DeviceEnergy | None:
            async with limit:
                return await self._device_cycle(device, now, imported)

        energies = await asyncio.gather(*(one(device) for device in devices))
        if imported != before:
            await self._store.async_save({"statistic_ids": sorted(imported)})
        known = self.data or {}
        return {
            device.id: energy if energy is not None else known[device.id]
            for device, energy in zip(devices, energies, strict=True)
            if energy is not None or device.id in known
        }

    async def _device_cycle(
        self, device: Device, now: datetime, imported: set[str]
    ) -> DeviceEnergy | None:
        """Import one device's statistics; its sessions and savings, None if unreadable."""
        try:
            if records_statistics(self.hass):
                name = device_display_name(
                    self.hass, self.config_entry.entry_id, device
                )
                imported |= await async_import_statistics(
                    self.hass,
                    self.client,
                    kind=device.kind,
                    device_id=device.id,
                    name=name,
                    now=now,
                    backfill=self._backfill,
                )
            energy = await self._read_energy(device, now)
        except PoderoError as err:
            if device.id not in self._failing:
                self._failing.add(device.id)
                LOGGER.log(
                    logging.DEBUG
                    if isinstance(err, PoderoRateLimitError)
                    else logging.WARNING,
                    "Reading the energy history of %s failed: %s",
                    device.id,
                    err,
                )
            return None
        if device.id in self._failing:
            self._failing.discard(device.id)
            LOGGER.info("Reading the energy history of %s recovered", device.id)
        return energy

    async def _read_energy(self, device: Device, now: datetime) -> DeviceEnergy:
        month_start = _month_start(now)
        savings = await self.client.get_savings(
            MODELS[device.kind], device.id, month_start, now
        )
        total = next(
            (p.savings_total for p in savings if p.savings_total is not None), None
        )
        current = last = None
        if device.kind is DeviceKind.ELECTRIC_VEHICLE:
            current = await self.client.get_current_session(device.id)
            page = await self.client.list_sessions(
                device.id, (now - timedelta(days=31)).date(), now.date(), limit=1
            )
            last = next((s for s in page.items if s.unplug_time is not None), None)
        return DeviceEnergy(
            current_session=current,
            last_session=last,
            savings_this_month=total,
            month_start=month_start,
        )

    @callback
    def _check_sessions(self) -> None:
        """Read an EV's current session when it is plugged in or out, or starts or stops."""
        for device in self._devices[DeviceKind.ELECTRIC_VEHICLE].devices.values():
            if not isinstance(device, ElectricVehicle):
                continue
            state = (device.is_plugged_in, device.is_charging)
            previous = self._charging_states.get(device.id)
            self._charging_states[device.id] = state
            if previous is not None and previous != state:
                self.config_entry.async_create_background_task(
                    self.hass,
                    self._refresh_session(device.id),
                    f"{DOMAIN} session {device.id}",
                )

    async def _refresh_session(self, vehicle_id: str) -> None:
        try:
            session = await self.client.get_current_session(vehicle_id)
        except PoderoError as err:
            LOGGER.debug(
                "Reading the charging session of %s failed: %s", vehicle_id, err
            )
            return
        known = self.data or {}
        energy = replace(known.get(vehicle_id, DeviceEnergy()), current_session=session)
        self._async_show(vehicle_id, {**known, vehicle_id: energy})
