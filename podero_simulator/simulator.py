"""The ``Simulator``: world, clock, tokens, faults and log, plus the in-process admin API."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
import copy
from datetime import datetime
from typing import Any

from . import scenarios
from .auth import TokenStore
from .clock import SimClock
from .device_updates import POLICY_FIELDS
from .devices.base import Device
from .devices.charging import cancel_boost, request_boost
from .devices.electric_vehicle import ElectricVehicle
from .devices.wallbox import Wallbox
from .faults import FaultController, FaultSettings
from .history import integral
from .ids import stable_token
from .prices import PriceModel
from .requestlog import RequestLog
from .timeseries import series_for_field
from .timeutil import iso_ts, to_ts
from .world import World


class Simulator:
    """State of one simulated Podero backend.

    Everything the admin HTTP API can do is a method here, so tests can drive the
    simulator directly. Times are simulated time; see :class:`SimClock`.
    """

    org_id = scenarios.ORG_ID
    user_id = scenarios.USER_ID
    second_user_id = scenarios.SECOND_USER_ID
    deleted_user_id = scenarios.DELETED_USER_ID
    other_org_id = scenarios.OTHER_ORG_ID
    other_org_user_id = scenarios.OTHER_ORG_USER_ID

    def __init__(
        self,
        scenario: str = "demo",
        *,
        devices: int | None = None,
        seed: int = 0,
        speed: float = 1.0,
        token_lifetime: float = 36000,
        faults: FaultSettings | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """Build the scenario at the current (simulated) time."""
        if scenario not in scenarios.SCENARIOS:
            raise ValueError(
                f"unknown scenario {scenario!r}; choose one of {', '.join(scenarios.SCENARIOS)}"
            )
        if devices is not None and devices < 0:
            raise ValueError("devices must not be negative")
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.scenario = scenario
        self.device_count = devices
        self.seed = seed
        self._base_clock = clock
        self.clock = SimClock(clock, speed)
        self.prices = PriceModel(seed)
        self.tokens = TokenStore(token_lifetime)
        self.faults = FaultController(faults or FaultSettings(seed=seed))
        self.log = RequestLog()
        self.static_token = stable_token(seed, "static-token")
        self.client_id = stable_token(seed, "client-id", 40)
        self.client_secret = stable_token(seed, "client-secret", 64)
        self.username = (
            scenarios.USERNAME if scenario == "demo" else "fleet@example.com"
        )
        self.password = scenarios.PASSWORD
        self._runtime_devices = 0
        self.world = self._build()

    def _build(self) -> World:
        self.tokens = TokenStore(self.tokens.lifetime_s)
        self.tokens.add_static(self.static_token, self.org_id)
        return scenarios.build(
            self.scenario, self.seed, self.clock.ts(), self.prices, self.device_count
        )

    # -- time -------------------------------------------------------------------------

    def now(self) -> datetime:
        """Return simulated now."""
        return self.clock.now()

    def now_ts(self) -> float:
        """Return simulated now in epoch seconds."""
        return self.clock.ts()

    def advance(self, seconds: float) -> datetime:
        """Move simulated time forward; physics catch up lazily on the next look."""
        self.clock.advance(seconds)
        return self.now()

    def set_speed(self, speed: float) -> None:
        """Change how fast simulated time runs."""
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.clock.set_speed(speed)

    # -- lifecycle --------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the scenario's initial state: world, clock, tokens, faults and log.

        The static token and client credentials stay valid; issued tokens do not.
        """
        self.clock = SimClock(self._base_clock, self.clock.speed)
        self.faults.reset()
        self.log.clear()
        self._runtime_devices = 0
        self.world = self._build()

    # -- devices ----------------------------------------------------------------------

    def device(self, device_id: str) -> Device:
        """Look up a device by id (KeyError if unknown)."""
        return self.world.devices[device_id]

    def devices(
        self, kind: str | None = None, user_id: str | None = None
    ) -> list[Device]:
        """Devices, optionally of one kind and/or owner (soft-deleted included)."""
        return [
            device
            for device in self.world.devices.values()
            if (kind is None or device.kind == kind)
            and (user_id is None or device.owner.id == user_id)
        ]

    def sync(
        self, devices: Iterable[Device] | None = None, *, exact: bool = False
    ) -> None:
        """Integrate the physics of ``devices`` (default: all) up to now."""
        now = self.now_ts()
        if devices is None:
            self.world.sync_all(now)
        else:
            self.world.sync(devices, now, exact=exact)

    @contextmanager
    def changing(self, device: Device) -> Iterator[float]:
        """Bracket a change: integrate exactly to now first, refresh readings after."""
        self.sync([device], exact=True)
        yield self.now_ts()
        self.world.refresh([device])

    def device_payload(self, device_id: str, *, detail: bool = True) -> dict[str, Any]:
        """Return the device object as the API would now."""
        device = self.device(device_id)
        self.sync([device])
        # A private copy: the payload shares nested objects with a cached template.
        return copy.deepcopy(device.payload(self.now_ts(), detail=detail))

    def add_device(
        self,
        kind: str,
        user_id: str | None = None,
        *,
        fields: dict[str, Any] | None = None,
        new_site: bool = False,
    ) -> Device:
        """Add a device of ``kind`` to a user (default: the household user).

        It joins the user's first building unless ``new_site``; it has no history
        before now. ``fields`` are applied like a raw PATCH.
        """
        if kind not in scenarios.KIND_CLASSES:
            raise ValueError(
                f"unknown device type {kind!r}; choose one of {', '.join(scenarios.KINDS)}"
            )
        owner = self.world.users[user_id or self.user_id]
        site = None
        if not new_site:
            for existing in self.world.devices.values():
                if existing.owner is owner:
                    site = self.world.site_of(existing)
                    break
        self._runtime_devices += 1
        device = scenarios.new_device(
            kind=kind,
            world=self.world,
            owner=owner,
            now=self.now_ts(),
            seed=self.seed,
            index=self._runtime_devices,
            site=site,
        )
        if fields:
            with self.changing(device) as now:
                device.patch_raw(fields, now)
        return device

    def remove_device(self, device_id: str, *, soft: bool = False) -> None:
        """Delete a device: gone (404) or, with ``soft``, marked ``deleted_at`` now."""
        device = self.device(device_id)
        if not soft:
            self.world.remove_device(device)
            return
        with self.changing(device) as now:
            device.common["deleted_at"] = iso_ts(now)
            device.updated_ts = now
            device.settings_changed()

    def update_device(self, device_id: str, values: dict[str, Any]) -> None:
        """Apply already validated PUT values (see ``device_updates.validate_update``)."""
        device = self.device(device_id)
        with self.changing(device) as now:
            device.apply_update(values, now)
            if isinstance(device, ElectricVehicle) and POLICY_FIELDS & values.keys():
                device.touch_policy(now)

    def patch_device(self, device_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Overwrite raw fields (no validation; unknown keys/values show up in the output)."""
        device = self.device(device_id)
        with self.changing(device) as now:
            device.patch_raw(fields, now)
        return self.device_payload(device_id)

    def clear_overrides(self, device_id: str) -> None:
        """Drop raw output overrides set by :meth:`patch_device`."""
        self.device(device_id).overrides.clear()

    def _charger(self, device_id: str) -> ElectricVehicle | Wallbox:
        device = self.device(device_id)
        if not isinstance(device, ElectricVehicle | Wallbox):
            raise TypeError("only electric vehicles and wallboxes charge")
        return device

    def set_plugged_in(self, device_id: str, plugged_in: bool) -> dict[str, Any]:
        """Plug a vehicle in or out (EV or wallbox)."""
        device = self._charger(device_id)
        with self.changing(device) as now:
            device.set_plugged(plugged_in, now)
        return self.device_payload(device_id)

    def boost(self, device_id: str) -> tuple[int, dict[str, str] | None]:
        """POST boost semantics: (204, None) or (409, {state, reason})."""
        device = self._charger(device_id)
        with self.changing(device) as now:
            return request_boost(device, now)

    def cancel_boost(self, device_id: str) -> None:
        """DELETE boost semantics (EV: disarm only; wallbox: also stop a live boost)."""
        device = self._charger(device_id)
        with self.changing(device):
            cancel_boost(device, stop_live=isinstance(device, Wallbox))

    # -- truth for tests ----------------------------------------------------------------

    def energy_wh(
        self, device_id: str, series: str, start: datetime, end: datetime
    ) -> float:
        """Integral of a simulated power series in Wh over [start, end).

        ``series`` is an API field (``estimated_consumption``, ``solar_production_w``,
        ...) or an internal series name (``power``, ``pv``, ``grid``...). Exact on
        15-minute boundaries; partial buckets count pro rata.
        """
        device = self.device(device_id)
        self.sync([device])
        name = series_for_field(device.kind, series)
        return integral(device, name, to_ts(start), to_ts(end)) / 3600.0

    # -- tokens -----------------------------------------------------------------------

    def issue_token(self, *, user_id: str | None = None) -> str:
        """Issue an OAuth access token (organisation-wide, or scoped to ``user_id``)."""
        kind = "client_credentials" if user_id is None else "password"
        return self.tokens.issue(kind, self.org_id, user_id, self.now_ts()).value

    def revoke_tokens(self, token: str | None = None) -> int:
        """Revoke one token or all (the static one included); revoked tokens get 401."""
        return self.tokens.revoke(token)

    def expire_tokens(self) -> int:
        """Let every issued access token expire now."""
        return self.tokens.expire(self.now_ts())

    # -- introspection ----------------------------------------------------------------

    def requests(self) -> list[dict[str, Any]]:
        """Return logged API requests, oldest first."""
        return self.log.list()

    def counters(self) -> dict[str, int]:
        """Request counts per ``"METHOD route-template"``."""
        return dict(self.log.counters)

    def credentials(self) -> dict[str, Any]:
        """Return what a client needs to connect (the CLI adds the URLs)."""
        return {
            "org_id": self.org_id,
            "user_id": self.user_id,
            "token": self.static_token,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "username": self.username,
            "password": self.password,
        }

    def state(self) -> dict[str, Any]:
        """Full dump for ``GET /_sim/state``."""
        self.sync()
        now = self.now_ts()
        world = self.world
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "now": iso_ts(now),
            "speed": self.clock.speed,
            "started_at": iso_ts(world.t0),
            "credentials": self.credentials(),
            "orgs": [{"id": org.id, "name": org.name} for org in world.orgs.values()],
            "users": [
                {
                    **user.payload(),
                    "org_id": user.org_id,
                    "charging": vars(user.charging),
                }
                for user in world.users.values()
            ],
            "devices": {
                device.id: device.dump(now) for device in world.devices.values()
            },
            "tokens": self.tokens.dump(now),
            "faults": self.faults.dump(),
            "request_count": sum(self.log.counters.values()),
        }
