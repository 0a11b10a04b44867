"""The soak test's only window into the Podero integration's internals.

The rest of the soak sees the integration as a user would: through Home Assistant's states,
entity and device registries, actions, config entry state and flows, and the simulator behind
it. What Home Assistant does not expose (a poll counter, a forced refresh, why entities are
down) comes from here, so a change to the integration's coordinators only touches this module.

The integration polls with one coordinator per device type; a soak cycle is one scan interval,
so it counts poll rounds: a round is complete once every device type the account has was
polled. The charging settings and the energy job run on slower cadences and are not counted.
"""

import asyncio
from collections.abc import Callable
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from custom_components.podero.api import Device, DeviceKind
from custom_components.podero.const import DEFAULT_SCAN_INTERVAL
from custom_components.podero.coordinator import DeviceCoordinator, PoderoCoordinator
from custom_components.podero.data import PoderoRuntimeData

# One soak cycle is one polling interval.
SCAN_S = DEFAULT_SCAN_INTERVAL.total_seconds()


class Integration:
    """Hooks into the integration behind one loaded config entry."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Bind to the entry's runtime objects (the entry must be loaded)."""
        self.hass = hass
        self.entry = entry
        self._data: PoderoRuntimeData = entry.runtime_data
        self._polled: set[DeviceKind] = set()

    def _coordinators(self) -> list[PoderoCoordinator[Any]]:
        """The device-type coordinators and the charging settings' one."""
        return [*self._data.devices.values(), self._data.charging]

    def count_refreshes(self, callback: Callable[[], None]) -> None:
        """Call `callback` as each poll round starts its last poll.

        Home Assistant has no public counter. The round's member types are those listing
        devices when a poll starts; types the account lacks are looked for on the slow
        discovery cadence and would otherwise stretch a round to half an hour.
        """
        for kind, coordinator in self._data.devices.items():
            self._count(kind, coordinator, callback)

    def _count(
        self,
        kind: DeviceKind,
        coordinator: DeviceCoordinator,
        callback: Callable[[], None],
    ) -> None:
        update = coordinator._async_update_data  # noqa: SLF001

        async def counted() -> dict[str, Device]:
            self._polled.add(kind)
            present = {k for k, c in self._data.devices.items() if c.devices}
            if self._polled >= present:
                self._polled.clear()
                callback()
            return await update()

        coordinator._async_update_data = counted  # type: ignore[method-assign]  # noqa: SLF001

    async def async_request_refresh(self) -> None:
        """Ask for a refresh as the update action or an automation would (debounced)."""
        await asyncio.gather(
            *(
                coordinator.async_request_refresh()
                for coordinator in self._coordinators()
            )
        )

    async def async_refresh_all(self) -> None:
        """Refresh everything now, whether or not polling is still scheduled."""
        await asyncio.gather(
            *(coordinator.async_refresh() for coordinator in self._coordinators())
        )

    def refresh_ok(self) -> bool:
        """Tell whether every coordinator's last update succeeded (or was only throttled)."""
        return all(
            coordinator.last_update_success or coordinator.throttled
            for coordinator in self._coordinators()
        )

    def describe_down(self) -> str:
        """Say which coordinators' last update failed, and whether it was a 429."""
        failing = [
            coordinator.name
            for coordinator in self._coordinators()
            if not coordinator.last_update_success and not coordinator.throttled
        ]
        throttled = [
            coordinator.name
            for coordinator in self._coordinators()
            if coordinator.throttled
        ]
        return (
            f"failing: {failing}, throttled: {throttled}, "
            f"charging config: {self._data.charging.data is not None}"
        )

    def account_prefix(self) -> str:
        """Unique-id prefix of the account's entities: the identifier of its service device."""
        registry = dr.async_get(self.hass)
        for device in dr.async_entries_for_config_entry(registry, self.entry.entry_id):
            if device.entry_type is dr.DeviceEntryType.SERVICE:
                for domain, identifier in device.identifiers:
                    if domain == self.entry.domain:
                        return identifier
        raise LookupError("the config entry has no account (service) device")
