"""Data shared between the coordinator, the platforms and the actions."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

from .api import ChargingConfig, ChargingSession, Device, DeviceKind, PoderoClient

if TYPE_CHECKING:
    from .coordinator import PoderoCoordinator
    from .history import EnergyHistory
    from .pause import PauseScheduler

CHARGING_KINDS = frozenset({DeviceKind.ELECTRIC_VEHICLE, DeviceKind.WALLBOX})


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceEnergy:
    """Energy figures of one device that do not come with the device list."""

    current_session: ChargingSession | None = None
    last_session: ChargingSession | None = None
    savings_this_month: float | None = None
    month_start: datetime | None = None


@dataclass(frozen=True, slots=True)
class PoderoData:
    """One consistent picture of the account, as the coordinator last assembled it.

    `devices` holds, per device type, the devices of the last successful fetch of that type.
    Types in `unavailable` failed their last fetch: their devices are kept (so entities keep their
    identity) but are not served to entities, which then show as unavailable - except devices in
    `fresh`, whose state a successful write returned after that failure.
    """

    devices: Mapping[DeviceKind, Mapping[str, Device]]
    unavailable: frozenset[DeviceKind]
    charging_config: ChargingConfig | None
    # Charging sessions and savings per device id, read hourly by the energy history job.
    energy: Mapping[str, DeviceEnergy] = field(default_factory=dict)
    fresh: frozenset[str] = frozenset()

    def device(self, kind: DeviceKind, device_id: str) -> Device | None:
        """Return the device if its data is current, else None."""
        if kind in self.unavailable and device_id not in self.fresh:
            return None
        return self.devices.get(kind, {}).get(device_id)

    @property
    def kinds_present(self) -> frozenset[DeviceKind]:
        """Device types the account has at least one device of."""
        return frozenset(kind for kind, devices in self.devices.items() if devices)

    @property
    def has_charging_devices(self) -> bool:
        """Whether the owner-level charging configuration applies (EV or wallbox)."""
        return not CHARGING_KINDS.isdisjoint(self.kinds_present)


@dataclass(slots=True)
class PoderoRuntimeData:
    """What a loaded config entry keeps at runtime."""

    client: PoderoClient
    coordinator: PoderoCoordinator
    pauses: PauseScheduler
    history: EnergyHistory


type PoderoConfigEntry = ConfigEntry[PoderoRuntimeData]
