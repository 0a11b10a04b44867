"""Diagnostics: what Podero sent us, with credentials and personal data removed."""

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry

from .api import PERSONAL_FIELDS
from .const import (
    CONF_API_TOKEN,
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_ORG_ID,
    CONF_USER_ID,
    DOMAIN,
)
from .coordinator import PoderoCoordinator
from .data import PoderoConfigEntry

# Credentials, account identity, personal data and signed links. Device ids stay: they are
# needed to match a report to a device and identify nobody on their own.
TO_REDACT = {
    CONF_API_TOKEN,
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_ORG_ID,
    CONF_USER_ID,
    "title",
    "unique_id",
    *PERSONAL_FIELDS,
}


def _account(entry: PoderoConfigEntry) -> dict[str, Any]:
    runtime = entry.runtime_data
    config = runtime.charging.data
    coordinators: list[PoderoCoordinator[Any]] = [
        *runtime.devices.values(),
        runtime.charging,
    ]
    return {
        "devices": {
            kind.value: [dict(device.raw) for device in coordinator.devices.values()]
            for kind, coordinator in runtime.devices.items()
        },
        "unavailable": sorted(
            kind.value
            for kind, coordinator in runtime.devices.items()
            if not coordinator.last_update_success
        ),
        "charging_config": dict(config.raw) if config else None,
        "last_update_success": {c.name: c.last_update_success for c in coordinators},
        "paused_until": {
            device_id: until.isoformat()
            for device_id in runtime.all_devices()
            if (until := runtime.pauses.paused_until(device_id)) is not None
        },
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: PoderoConfigEntry
) -> dict[str, Any]:
    """Return the entry (redacted) and everything the coordinators hold."""
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT),
        "data": async_redact_data(_account(entry), TO_REDACT),
    }


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: PoderoConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """Return what Podero reports for one device (redacted)."""
    runtime = entry.runtime_data
    identifiers = {value for domain, value in device.identifiers if domain == DOMAIN}
    devices = runtime.all_devices()
    payloads = [dict(devices[i].raw) for i in identifiers if i in devices]
    # The account device carries the owner-level charging settings; a device Podero no
    # longer lists has nothing to show.
    config = runtime.charging.data
    if runtime.account_id in identifiers and config is not None:
        payloads = [dict(config.raw)]
    return async_redact_data({"device": payloads[0] if payloads else None}, TO_REDACT)
