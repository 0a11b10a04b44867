"""The simulated world: organisations, users, sites and devices, with lookups."""

from __future__ import annotations

from collections.abc import Iterable

from .devices.base import Device
from .people import Org, User
from .prices import PriceModel
from .site import Site


class World:
    """Everything a scenario builds; replaced wholesale on reset."""

    def __init__(self, t0: float, prices: PriceModel) -> None:
        """Create an empty world whose simulation starts at ``t0``."""
        self.t0 = t0
        self.prices = prices
        self.orgs: dict[str, Org] = {}
        self.users: dict[str, User] = {}
        self.sites: dict[str, Site] = {}
        self.devices: dict[str, Device] = {}
        self._by_owner: dict[tuple[str, str], list[Device]] = {}
        self._device_site: dict[str, Site] = {}

    def add_org(self, org: Org) -> Org:
        """Register an organisation."""
        self.orgs[org.id] = org
        return org

    def add_user(self, user: User) -> User:
        """Register a user."""
        self.users[user.id] = user
        return user

    def add_site(self, site: Site) -> Site:
        """Register a site (building)."""
        self.sites[site.id] = site
        return site

    def add_device(self, device: Device, site: Site) -> Device:
        """Attach a device to a site and index it under its owner."""
        site.add(device)
        self.devices[device.id] = device
        self._device_site[device.id] = site
        self._by_owner.setdefault((device.owner.id, device.kind), []).append(device)
        return device

    def remove_device(self, device: Device) -> None:
        """Hard-delete a device."""
        self._device_site.pop(device.id).remove(device)
        del self.devices[device.id]
        self._by_owner[(device.owner.id, device.kind)].remove(device)

    def site_of(self, device: Device) -> Site:
        """Return the site a device belongs to."""
        return self._device_site[device.id]

    def owned(
        self, user_id: str, kind: str, *, include_deleted: bool = False
    ) -> list[Device]:
        """List a user's devices of one kind in creation order."""
        devices = self._by_owner.get((user_id, kind), [])
        if include_deleted:
            return list(devices)
        return [device for device in devices if not device.deleted]

    def org_users(self, org_id: str) -> list[User]:
        """Users of an organisation."""
        return [user for user in self.users.values() if user.org_id == org_id]

    def _sites(self, devices: Iterable[Device]) -> list[Site]:
        sites: dict[str, Site] = {}
        for device in devices:
            site = self._device_site[device.id]
            sites.setdefault(site.id, site)
        return list(sites.values())

    def sync(
        self, devices: Iterable[Device], now: float, *, exact: bool = False
    ) -> None:
        """Integrate the sites of ``devices`` up to ``now`` (each site once)."""
        for site in self._sites(devices):
            site.advance(now, exact=exact)

    def refresh(self, devices: Iterable[Device]) -> None:
        """Recompute readings of the sites of ``devices`` after a change."""
        for site in self._sites(devices):
            site.settle()

    def sync_all(self, now: float) -> None:
        """Integrate every site up to ``now``."""
        for site in self.sites.values():
            site.advance(now)
