"""What a loaded config entry keeps at runtime: the client and its coordinators."""

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from .api import Device, PoderoClient
from .coordinator import ChargingConfigCoordinator, DeviceCoordinators
from .energy import EnergyCoordinator
from .pause import PauseScheduler


@dataclass(slots=True)
class PoderoRuntimeData:
    """The coordinators by cadence, the pause schedule, and the client they share."""

    client: PoderoClient
    devices: DeviceCoordinators
    charging: ChargingConfigCoordinator
    energy: EnergyCoordinator
    pauses: PauseScheduler

    @property
    def account_id(self) -> str:
        """Identifier of the service device that carries the owner-level settings."""
        return self.charging.account_id

    def all_devices(self) -> dict[str, Device]:
        """Return every device currently listed, by id."""
        return {
            device_id: device
            for coordinator in self.devices.values()
            for device_id, device in coordinator.devices.items()
        }

    def device_ids(self) -> set[str]:
        """Return the identifiers of every registry device the entry should have now."""
        ids = set(self.all_devices())
        if self.charging.applies:
            ids.add(self.account_id)
        return ids


type PoderoConfigEntry = ConfigEntry[PoderoRuntimeData]
