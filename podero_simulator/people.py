"""Organisations, users and the owner-level charging settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SMART_CHARGING_MODES = ("none", "spot", "hems", "hems_and_spot")


@dataclass
class ChargingSettings:
    """Owner-level smart-charging mode and HEMS thresholds (one per user)."""

    mode: str = "none"
    min_export_to_start_w: int = 1400
    max_import_before_stopping_w: int = 300
    min_band_w: int = 1000


@dataclass
class Org:
    """A partner organisation."""

    id: str
    name: str


@dataclass
class User:
    """A user of an organisation; the API object is :meth:`payload`."""

    id: str
    org_id: str
    email: str
    first_name: str | None = None
    last_name: str | None = None
    role: str = "user"
    external_user_id: str | None = None
    password: str | None = None
    deleted_at: str | None = None
    address: dict[str, Any] = field(default_factory=dict)
    charging: ChargingSettings = field(default_factory=ChargingSettings)

    def payload(self) -> dict[str, Any]:
        """User object as the Users endpoints return it."""
        return {
            "id": self.id,
            "external_user_id": self.external_user_id,
            "role": self.role,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "street_and_number": self.address.get("street_and_number"),
            "street_add_info": self.address.get("street_add_info"),
            "zip_code": self.address.get("zip_code"),
            "town": self.address.get("town"),
            "country": self.address.get("country"),
            "latitude": self.address.get("latitude"),
            "longitude": self.address.get("longitude"),
            "location_last_updated": self.address.get("location_last_updated"),
            "deleted_at": self.deleted_at,
        }

    def owner_summary(self) -> dict[str, Any]:
        """Render the ``owner`` block of device objects (note ``external_id``)."""
        return {
            "id": self.id,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "external_id": self.external_user_id,
        }
