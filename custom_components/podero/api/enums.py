"""The value sets of the Partner API (enums grow: parsing maps unknown values to None)."""

from enum import StrEnum
from typing import Self


class DeviceKind(StrEnum):
    """The device families of the Partner API, valued by their URL path segment."""

    HEAT_PUMP = "heat-pumps"
    ELECTRIC_VEHICLE = "electric-vehicles"
    SOLAR_INVERTER = "inverters"
    WALLBOX = "wallboxes"


class DeviceStatus(StrEnum):
    """Health of one aspect of a device (connection, monitoring, steering)."""

    OK = "ok"
    WARNING = "warning"
    ERROR = "error"
    UNKNOWN = "unknown"


class OptimizationLevel(StrEnum):
    """How aggressively a heat pump chases cheap hours (wire values are capitalised)."""

    LOW = "Low"
    MID = "Mid"
    MAX = "Max"

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        # Older docs use lower case; accept any casing of a known level.
        if isinstance(value, str):
            for member in cls:
                if member.value.lower() == value.lower():
                    return member
        return None


class HeatPumpMode(StrEnum):
    """The optimisation mode a heat pump currently runs in."""

    MIN = "min"
    LOW = "low"
    MID = "mid"
    MAX = "max"


class BoostState(StrEnum):
    """Whether "charge now" can be requested for an EV or wallbox."""

    AVAILABLE = "available"
    REQUESTED = "requested"
    ONGOING = "ongoing"
    UNAVAILABLE = "unavailable"


class WallboxMode(StrEnum):
    """User-facing wallbox status."""

    READY = "READY"
    PLUGGED_IN = "PLUGGED_IN"
    CHARGING = "CHARGING"
    UNAVAILABLE = "UNAVAILABLE"
    UNKNOWN = "UNKNOWN"


class WallboxConnection(StrEnum):
    """Presence of the wallbox's OCPP connection."""

    ONLINE = "online"
    OFFLINE = "offline"
    NEVER_CONNECTED = "never_connected"


class SmartChargingMode(StrEnum):
    """Owner-level steering mode for all of a user's charging devices."""

    NONE = "none"
    SPOT = "spot"
    HEMS = "hems"
    HEMS_AND_SPOT = "hems_and_spot"


class Weekday(StrEnum):
    """Keys of the weekly charge policy, Monday first."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"
