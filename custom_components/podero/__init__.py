"""The Podero integration: heat pumps, EVs, inverters and wallboxes optimised by Podero."""

import asyncio
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from homeassistant.const import CONF_SCAN_INTERVAL, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.device_registry import DeviceEntry
from homeassistant.helpers.typing import ConfigType

from .api import DEVICE_MODELS, PoderoForbiddenError
from .connection import create_client
from .const import (
    CONF_BACKFILL_DAYS,
    DEFAULT_BACKFILL,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
)
from .coordinator import ChargingConfigCoordinator, DeviceCoordinator, PoderoCoordinator
from .data import PoderoConfigEntry, PoderoRuntimeData
from .energy import EnergyCoordinator
from .entity import async_remove_stale_devices
from .issues import async_track_reconnect_issues
from .pause import PauseScheduler
from .services import async_setup_services
from .statistics import async_clear_statistics
from .storage import async_remove_stores

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TIME,
]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions (once, independent of config entries)."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: PoderoConfigEntry) -> bool:
    """Read every device type once, then set up the platforms and the background jobs."""
    client = create_client(hass, entry.data)
    interval = timedelta(
        seconds=entry.options.get(
            CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL.total_seconds()
        )
    )
    devices = {
        kind: DeviceCoordinator(hass, entry, client, model, interval)
        for kind, model in DEVICE_MODELS.items()
    }
    await _async_first_refresh(devices.values(), required=True)
    charging = ChargingConfigCoordinator(hass, entry, client, devices, interval)
    await _async_first_refresh([charging], required=False)
    backfill = timedelta(
        days=entry.options.get(CONF_BACKFILL_DAYS, DEFAULT_BACKFILL.days)
    )
    energy = EnergyCoordinator(hass, entry, client, devices, backfill)
    pauses = PauseScheduler(hass, entry, devices)
    entry.runtime_data = PoderoRuntimeData(
        client=client,
        devices=devices,
        charging=charging,
        energy=energy,
        pauses=pauses,
    )
    await pauses.async_load()
    # Before the platforms: stale devices must be gone when they look for new entities.
    async_remove_stale_devices(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    energy.async_start()
    async_track_reconnect_issues(hass, entry)
    # Returning a bool keeps Home Assistant 2026.10 happy; 2026.11 accepts it too.
    return True


async def _async_first_refresh(
    coordinators: Iterable[PoderoCoordinator[Any]], *, required: bool
) -> None:
    """Read each coordinator once; a failed one is logged here and retried on its cadence.

    Setup fails (HA retries it) only if no required coordinator could be read, and asks for
    new credentials if Podero rejected them, or refused every device list.
    """
    pending = list(coordinators)
    results = await asyncio.gather(
        *(coordinator.async_config_entry_first_refresh() for coordinator in pending),
        return_exceptions=True,
    )
    failed = {c: error for c, error in zip(pending, results, strict=True) if error}
    for error in failed.values():
        if not isinstance(error, ConfigEntryNotReady):
            raise error  # rejected credentials, or a bug
    if required and len(failed) == len(pending):
        # ConfigEntryNotReady <- UpdateFailed <- the client's error
        causes = [
            getattr(error.__cause__, "__cause__", None) for error in failed.values()
        ]
        if all(isinstance(cause, PoderoForbiddenError) for cause in causes):
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from causes[0]
        raise next(iter(failed.values()))
    for coordinator, error in failed.items():
        LOGGER.warning(
            "Reading %s failed at start-up, retrying: %s", coordinator.name, error
        )


async def async_unload_entry(hass: HomeAssistant, entry: PoderoConfigEntry) -> bool:
    """Unload the platforms; the coordinators and timers stop with the entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: PoderoConfigEntry) -> None:
    """Delete imported statistics and the entry's stores (scheduled resumes included)."""
    await async_clear_statistics(hass, entry.entry_id)
    await async_remove_stores(hass, entry.entry_id)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: PoderoConfigEntry, device_entry: DeviceEntry
) -> bool:
    """Let the user delete a device only when Podero no longer lists it."""
    current = entry.runtime_data.device_ids()
    return not any(
        domain == DOMAIN and identifier in current
        for domain, identifier in device_entry.identifiers
    )
