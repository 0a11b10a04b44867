"""The Podero integration: heat pumps, EVs, inverters and wallboxes optimised by Podero."""

from datetime import timedelta

from homeassistant.const import CONF_SCAN_INTERVAL, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.device_registry import DeviceEntry
from homeassistant.helpers.storage import Store
from homeassistant.helpers.typing import ConfigType

from .connection import create_client
from .const import CONF_BACKFILL_DAYS, DEFAULT_BACKFILL, DEFAULT_SCAN_INTERVAL, DOMAIN
from .coordinator import PoderoCoordinator
from .data import PoderoConfigEntry, PoderoRuntimeData
from .history import EnergyHistory, async_remove_statistics
from .issues import async_track_reconnect_issues
from .pause import STORAGE_VERSION, PauseScheduler, storage_key
from .services import async_setup_services

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
    """Connect to Podero, read the account once, then set up the platforms."""
    client = create_client(hass, entry.data)
    interval = timedelta(
        seconds=entry.options.get(
            CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL.total_seconds()
        )
    )
    coordinator = PoderoCoordinator(hass, entry, client, interval)
    await coordinator.async_config_entry_first_refresh()

    pauses = PauseScheduler(hass, entry.entry_id, coordinator)
    await pauses.async_load()
    entry.async_on_unload(pauses.async_stop)

    backfill = timedelta(
        days=entry.options.get(CONF_BACKFILL_DAYS, DEFAULT_BACKFILL.days)
    )
    history = EnergyHistory(hass, entry.entry_id, coordinator, backfill)

    entry.runtime_data = PoderoRuntimeData(
        client=client, coordinator=coordinator, pauses=pauses, history=history
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # The energy history never delays setup: its first import runs in the background.
    await history.async_start()
    entry.async_on_unload(history.async_stop)
    async_track_reconnect_issues(hass, coordinator)
    # Returning a bool keeps Home Assistant 2026.10 happy; 2026.11 accepts it too.
    return True


async def async_unload_entry(hass: HomeAssistant, entry: PoderoConfigEntry) -> bool:
    """Unload the platforms; the coordinator and timers stop with the entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: PoderoConfigEntry) -> None:
    """Forget scheduled resumes and delete imported statistics when the entry is deleted."""
    await async_remove_statistics(hass, entry.entry_id)
    await Store[dict[str, object]](
        hass, STORAGE_VERSION, storage_key(entry.entry_id)
    ).async_remove()


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: PoderoConfigEntry, device_entry: DeviceEntry
) -> bool:
    """Let the user delete a device only when Podero no longer lists it."""
    coordinator = entry.runtime_data.coordinator
    current = {
        device_id
        for devices in coordinator.data.devices.values()
        for device_id in devices
    } | ({coordinator.account_id} if coordinator.data.has_charging_devices else set())
    return not any(
        domain == DOMAIN and identifier in current
        for domain, identifier in device_entry.identifiers
    )
