"""The soak test's only window into the Podero integration's internals.

The rest of the soak sees the integration as a user would: through Home Assistant's states,
entity and device registries, actions, config entry state and flows, and the simulator behind
it. What Home Assistant does not expose (a poll counter, a forced refresh, why entities are
down) comes from here, so a change to the integration's coordinators only touches this module.
"""

from collections.abc import Callable

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from custom_components.podero.const import DEFAULT_SCAN_INTERVAL
from custom_components.podero.coordinator import PoderoCoordinator
from custom_components.podero.data import PoderoData

# One soak cycle is one polling interval.
SCAN_S = DEFAULT_SCAN_INTERVAL.total_seconds()


class Integration:
    """Hooks into the integration behind one loaded config entry."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Bind to the entry's runtime objects (the entry must be loaded)."""
        self.hass = hass
        self.entry = entry
        self._coordinator: PoderoCoordinator = entry.runtime_data.coordinator

    def count_refreshes(self, callback: Callable[[], None]) -> None:
        """Call `callback` as each poll starts (Home Assistant has no public counter)."""
        update = self._coordinator._async_update_data  # noqa: SLF001

        async def counted() -> PoderoData:
            callback()
            return await update()

        self._coordinator._async_update_data = counted  # type: ignore[method-assign]  # noqa: SLF001

    async def async_request_refresh(self) -> None:
        """Ask for a refresh as the update action or an automation would (debounced)."""
        await self._coordinator.async_request_refresh()

    async def async_refresh_all(self) -> None:
        """Refresh everything now, whether or not polling is still scheduled."""
        await self._coordinator.async_refresh()

    def refresh_ok(self) -> bool:
        """Tell whether the last refresh succeeded as a whole."""
        return self._coordinator.last_update_success

    def describe_down(self) -> str:
        """Say which parts of the account the integration currently has no data for."""
        data = self._coordinator.data
        return (
            f"types down: {sorted(str(kind) for kind in data.unavailable)}, "
            f"charging config: {data.charging_config is not None}"
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
