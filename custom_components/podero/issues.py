"""Repair issues for what only the user can fix: reconnecting a device's manufacturer login.

Raised while Podero reports the owner's manufacturer login lapsed; withdrawn as soon as Podero
reports the device connected again (or no longer lists it).
"""

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .api import Device
from .const import DOMAIN
from .data import PoderoConfigEntry
from .naming import device_display_name

REAUTHENTICATE = "reauthenticate"


def needs_reconnect(device: Device) -> bool:
    """Whether the owner must log in to the manufacturer's cloud again."""
    return device.is_authenticated is False or any(
        action.code == REAUTHENTICATE for action in device.actions
    )


def issue_id(device_id: str) -> str:
    """Return the id of one device's repair issue."""
    return f"reconnect_{device_id}"


@callback
def async_track_reconnect_issues(hass: HomeAssistant, entry: PoderoConfigEntry) -> None:
    """Keep one repair issue per device that needs reconnecting, for the entry's lifetime."""
    coordinators = entry.runtime_data.devices
    raised: set[str] = set()
    seen: dict[str, Device] = {}

    @callback
    def update() -> None:
        wanted: dict[str, Device] = {}
        for coordinator in coordinators.values():
            devices = coordinator.devices
            if not coordinator.last_update_success:
                # Unknown right now: keep what is raised for this type.
                wanted.update({i: d for i, d in devices.items() if i in raised})
                continue
            wanted.update({i: d for i, d in devices.items() if needs_reconnect(d)})
        for device_id, device in wanted.items():
            if device_id in raised and seen.get(device_id) is device:
                continue
            seen[device_id] = device
            raised.add(device_id)
            ir.async_create_issue(
                hass,
                DOMAIN,
                issue_id(device_id),
                is_fixable=False,
                is_persistent=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="device_reconnect",
                translation_placeholders={
                    "device": device_display_name(hass, entry.entry_id, device)
                },
                learn_more_url="https://github.com/podero-ha/podero-homeassistant/blob/main/docs/troubleshooting.md#a-device-needs-to-be-reconnected",
            )
        for device_id in raised - wanted.keys():
            raised.discard(device_id)
            seen.pop(device_id, None)
            ir.async_delete_issue(hass, DOMAIN, issue_id(device_id))

    @callback
    def withdraw_all() -> None:
        for device_id in raised:
            ir.async_delete_issue(hass, DOMAIN, issue_id(device_id))
        raised.clear()

    update()
    for coordinator in coordinators.values():
        entry.async_on_unload(coordinator.async_add_listener(update))
    entry.async_on_unload(withdraw_all)
