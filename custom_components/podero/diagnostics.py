"""Diagnostics: what Podero sent us, with credentials and personal data removed."""

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry

from .const import (
    CONF_API_TOKEN,
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_ORG_ID,
    CONF_USER_ID,
    DOMAIN,
)
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
    "owner",
    "email",
    "first_name",
    "last_name",
    "external_id",
    "external_user_id",
    "external_device_id",
    "street_and_number",
    "street_add_info",
    "zip_code",
    "town",
    "latitude",
    "longitude",
    "building",
    "resolution_link",
    "url",
    "user_id",
}


def _account(entry: PoderoConfigEntry) -> dict[str, Any]:
    runtime = entry.runtime_data
    data = runtime.coordinator.data
    return {
        "devices": {
            kind.value: [dict(device.raw) for device in devices.values()]
            for kind, devices in data.devices.items()
        },
        "unavailable": sorted(kind.value for kind in data.unavailable),
        "charging_config": dict(data.charging_config.raw)
        if data.charging_config
        else None,
        "last_update_success": runtime.coordinator.last_update_success,
        "paused_until": {
            device_id: until.isoformat()
            for devices in data.devices.values()
            for device_id in devices
            if (until := runtime.pauses.paused_until(device_id)) is not None
        },
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: PoderoConfigEntry
) -> dict[str, Any]:
    """Return the entry (redacted) and everything the coordinator holds."""
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT),
        "data": async_redact_data(_account(entry), TO_REDACT),
    }


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: PoderoConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """Return what Podero reports for one device (redacted)."""
    identifiers = {value for domain, value in device.identifiers if domain == DOMAIN}
    coordinator = entry.runtime_data.coordinator
    data = coordinator.data
    payloads = [
        dict(podero_device.raw)
        for devices in data.devices.values()
        for device_id, podero_device in devices.items()
        if device_id in identifiers
    ]
    # The account device carries the owner-level charging settings; a device Podero no
    # longer lists has nothing to show.
    if coordinator.account_id in identifiers and data.charging_config is not None:
        payloads = [dict(data.charging_config.raw)]
    return async_redact_data({"device": payloads[0] if payloads else None}, TO_REDACT)
