"""What every device shares: the common API block, lazy history and raw overrides."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import math
from typing import TYPE_CHECKING, Any, ClassVar

from podero_simulator.history import SeriesStore
from podero_simulator.ids import stable_uuid
from podero_simulator.people import User
from podero_simulator.timeutil import BUCKET_S, bucket_of, iso_ts, parse_datetime, to_ts

if TYPE_CHECKING:
    from podero_simulator.site import Site

STATE_REPORT_S = 300
"""Devices report state every five minutes; ``current_state_last_updated_at`` steps by that."""


@dataclass(frozen=True)
class DeviceModel:
    """Manufacturer/model block (``device_model``) of a device."""

    manufacturer: str
    model: str
    year: int | None
    cloud_service: str

    def payload(self, short_name: str, long_name: str) -> dict[str, Any]:
        """Render the ``device_model`` object."""
        return {
            "device_type": {"short_name": short_name, "long_name": long_name},
            "manufacturer": self.manufacturer,
            "model": self.model,
            "cloud_service_instructions": None,
            "cloud_service_signup_link": None,
            "year": self.year,
            "cloud_service": self.cloud_service,
        }


@dataclass(frozen=True, slots=True)
class Env:
    """Time-dependent inputs shared by all devices of a site for one step."""

    ts: float
    bucket: int
    outdoor_temp: float
    pv_fraction: float
    base_load_w: float


@dataclass(slots=True)
class StepContext:
    """Site balance built up while the devices of a site compute one step."""

    pv_w: float = 0.0
    load_w: float = 0.0
    charging_w: float = 0.0

    @property
    def export_w(self) -> float:
        """Grid export the loads computed so far leave (negative = import)."""
        return self.pv_w - self.load_w


def _common_defaults(price_zone: str, building: str | None) -> dict[str, Any]:
    return {
        "connection_status": "ok",
        "monitoring_status": "ok",
        "steering_status": "ok",
        "price_zone": price_zone,
        "deleted_at": None,
        "lifecycle_state": "authenticated",
        "lifecycle_error": None,
        "building": building,
        "pause_power_until": None,
        "is_pause_power_active": False,
        "external_device_id": "",
        "is_authenticated": True,
        "is_smart_optimization_active": True,
        "optimization_score": None,
        "comment": None,
        "is_inverter_forced_mode_enabled": False,
        "is_inverter_forced_mode_active": False,
        "inverter_forced_mode_since": "0001-01-01T00:00:00Z",
        "is_trading_enabled": False,
        "actual_steering_state": "unknown",
    }


def same_json_type(old: Any, new: Any) -> bool:
    """Tell whether ``new`` can replace ``old`` without confusing the physics."""
    if old is None or new is None:
        return True
    if isinstance(old, bool) or isinstance(new, bool):
        return isinstance(old, bool) and isinstance(new, bool)
    if isinstance(old, int | float):
        return isinstance(new, int | float) and math.isfinite(new)
    return type(old) is type(new)


def parse_optional_ts(value: Any) -> float | None:
    """Epoch seconds of an ISO string, None for anything unparsable."""
    if not isinstance(value, str):
        return None
    try:
        return to_ts(parse_datetime(value))
    except ValueError:
        return None


class Device:
    """Base class of the four device types.

    Subclasses provide the physics (``compute``/``integrate``/``next_event``), the
    pre-start history generator (``history_values``) and the type-specific payload.
    """

    kind: ClassVar[str]
    short_name: ClassVar[str]
    long_name: ClassVar[str]
    series: ClassVar[tuple[str, ...]]
    order: ClassVar[int]

    def __init__(
        self,
        *,
        device_id: str,
        owner: User,
        model: DeviceModel,
        price_zone: str,
        building: str | None,
        created_ts: float,
        seed: int,
        settings: dict[str, Any] | None = None,
    ) -> None:
        """Create a device; it starts simulating when attached to a site."""
        self.id = device_id
        self.owner = owner
        self.model = model
        self.seed = seed
        self.created_ts = created_ts
        self.updated_ts = created_ts
        self.common = _common_defaults(price_zone, building)
        self.settings: dict[str, Any] = self.default_settings()
        self.settings.update(settings or {})
        self.overrides: dict[str, Any] = {}
        self.site: Site | None = None
        self.t0 = created_ts
        self.store = SeriesStore(self.series, bucket_of(created_ts))
        self.power_w = 0.0
        self.pause_until_ts: float | None = None
        self.cue_id = stable_uuid(seed, "cue", device_id)
        self._payload_template: dict[str, Any] | None = None
        self.settings_changed()

    # -- lifecycle -------------------------------------------------------------------

    def default_settings(self) -> dict[str, Any]:
        """Writable type-specific settings with their initial values."""
        return {}

    def attach(self, site: Site, t0: float) -> None:
        """Start live simulation at ``t0``; earlier buckets come from the generator."""
        self.site = site
        self.t0 = t0
        self.store = SeriesStore(self.series, bucket_of(t0))
        self.start_live(t0)

    def start_live(self, t0: float) -> None:
        """Initialise live state at ``t0`` (hook)."""

    def settings_changed(self) -> None:
        """Re-derive cached values after settings changed (PUT or raw PATCH)."""
        self.pause_until_ts = parse_optional_ts(self.common.get("pause_power_until"))
        self._payload_template = None

    # -- physics interface (overridden per type) ---------------------------------------

    def apply_due(self, t: float) -> None:
        """Apply instantaneous transitions due at ``t`` (e.g. boost requested → ongoing)."""

    def compute(self, t: float, env: Env, ctx: StepContext) -> None:
        """Set the readings and ``power_w`` for the state at ``t``."""
        raise NotImplementedError

    def pv_power(self, env: Env) -> float:
        """PV production this device feeds into the site (inverters only)."""
        return 0.0

    def next_event(self, t: float) -> float | None:
        """Earliest future time where the current power would change (step split)."""
        return None

    def integrate(self, t: float, dt: float, env: Env) -> None:
        """Advance the state over ``dt`` with the powers set by ``compute``."""
        raise NotImplementedError

    def history_values(self, bucket: int) -> Sequence[float]:
        """Bucket averages of ``series`` before the simulation started (generator)."""
        raise NotImplementedError

    # -- shared helpers ---------------------------------------------------------------

    @property
    def smart(self) -> bool:
        """Smart optimisation switch (tolerates raw-patched junk as off)."""
        return self.common.get("is_smart_optimization_active") is True

    def paused(self, t: float) -> bool:
        """Tell whether a manual power pause is active."""
        if self.common.get("is_pause_power_active") is not True:
            return False
        return self.pause_until_ts is None or t < self.pause_until_ts

    @property
    def deleted(self) -> bool:
        """Soft-deleted devices are hidden unless ``include_deleted``."""
        return self.common.get("deleted_at") is not None

    def bucket(self, index: int) -> tuple[float, Sequence[float]] | None:
        """Covered seconds and integrals of a bucket: generator before t0, store after.

        The bucket containing t0 combines both, so it is complete.
        """
        base = self.store.base
        if index > base:
            return self.store.get(index)
        if index < bucket_of(self.created_ts):
            return None
        if index < base:
            return BUCKET_S, [value * BUCKET_S for value in self.history_values(index)]
        live = self.store.get(index)
        head = self.t0 - max(self.created_ts, index * BUCKET_S)
        if head <= 0:
            return live
        values = self.history_values(index)
        if live is None:
            return head, [value * head for value in values]
        return head + live[0], [
            v * head + i for v, i in zip(values, live[1], strict=True)
        ]

    def price(self, bucket: int) -> float:
        """Spot price for this device's price zone."""
        assert self.site is not None
        zone = self.common.get("price_zone")
        return self.site.prices.price(zone if isinstance(zone, str) else "AT", bucket)

    def record(self, t: float, dt: float, values: Sequence[float]) -> None:
        """Store one step's values (bucket chosen by the step midpoint)."""
        self.store.add(bucket_of(t + dt / 2), dt, values)

    # -- API payload ------------------------------------------------------------------

    def current_mode(self) -> str | None:
        """``current_mode``: only heat pumps define it (min/low/mid/max)."""
        return None

    def specific(self) -> dict[str, Any]:
        """Type-specific keys of the device object (settings and live readings)."""
        raise NotImplementedError

    def actions(self) -> list[dict[str, Any]]:
        """Pending actions; a lapsed OEM link yields a ``reauthenticate`` cue."""
        if self.common.get("is_authenticated") is not False:
            return []
        return [
            {
                "id": self.cue_id,
                "code": "reauthenticate",
                "resolution_link": {
                    "url": f"https://app.podero.com/api/partners/v2.0/cues/{self.cue_id}/resolve?secret=simulated",
                    "required_parameters": ["successUrl", "cancelUrl"],
                },
            }
        ]

    def state_ts(self, now: float) -> float:
        """Time of the last state report (every five simulated minutes)."""
        return max(self.t0, math.floor(now / STATE_REPORT_S) * STATE_REPORT_S)

    def _template(self) -> dict[str, Any]:
        """Build (once per change) the common block without the live values.

        Live keys hold placeholders so that assigning them keeps the documented order.
        """
        if self._payload_template is not None:
            return self._payload_template
        common = self.common
        template: dict[str, Any] = {
            "connection_status": common["connection_status"],
            "monitoring_status": common["monitoring_status"],
            "steering_status": common["steering_status"],
            "device_model": self.model.payload(self.short_name, self.long_name),
            "owner": self.owner.owner_summary(),
            "created_at": iso_ts(self.created_ts),
            "updated_at": iso_ts(self.updated_ts),
            "price_zone": common["price_zone"],
            "id": self.id,
            "deleted_at": common["deleted_at"],
            "lifecycle_state": common["lifecycle_state"],
            "lifecycle_error": common["lifecycle_error"],
            "building": common["building"],
            "pause_power_until": common["pause_power_until"],
            "is_pause_power_active": common["is_pause_power_active"],
            "external_device_id": common["external_device_id"],
            "is_authenticated": common["is_authenticated"],
            "is_smart_optimization_active": common["is_smart_optimization_active"],
            "optimization_score": common["optimization_score"],
            "current_mode": None,
            "comment": common["comment"],
            "current_state_last_updated_at": None,
            "last_monitoring_executed_at": None,
            "is_inverter_forced_mode_enabled": common[
                "is_inverter_forced_mode_enabled"
            ],
            "is_inverter_forced_mode_active": common["is_inverter_forced_mode_active"],
            "inverter_forced_mode_since": common["inverter_forced_mode_since"],
            "is_trading_enabled": common["is_trading_enabled"],
            "actual_steering_state": common["actual_steering_state"],
        }
        self._payload_template = template
        return template

    def payload(self, now: float, *, detail: bool = False) -> dict[str, Any]:
        """Render the device object as the device GET endpoints return it.

        Nested objects are shared with a cached template: serialise, do not mutate.
        """
        reported = self.state_ts(now)
        out = self._template().copy()
        out["current_mode"] = self.current_mode()
        out["current_state_last_updated_at"] = iso_ts(reported)
        out["last_monitoring_executed_at"] = iso_ts(reported + 5)
        out.update(self.specific())
        actions = self.actions()
        out["action_needed"] = bool(actions)
        if detail:
            out["actions"] = actions
        if self.overrides:
            out.update(self.overrides)
        return out

    # -- mutation ---------------------------------------------------------------------

    def apply_update(self, values: dict[str, Any], now: float) -> None:
        """Apply validated PUT values (common or type-specific)."""
        for key, value in values.items():
            if key == "building_id":
                self.common["building"] = value
            elif key in self.common:
                self.common[key] = value
            else:
                self.settings[key] = value
        self.updated_ts = now
        self.settings_changed()

    def patch_state(self, key: str, value: Any) -> bool:
        """Apply a raw PATCH of live state (battery level, plug...); True if handled."""
        return False

    def patch_raw(self, fields: dict[str, Any], now: float) -> None:
        """Overwrite fields without validation (admin PATCH for client-tolerance tests).

        Known fields change the model when the JSON type fits the physics; anything
        else (unknown keys, wrong types, odd enum values) is forced into the output.
        """
        for key, value in fields.items():
            if key in self.common and same_json_type(self.common[key], value):
                self.common[key] = value
                self.overrides.pop(key, None)
            elif key in self.settings and same_json_type(self.settings[key], value):
                self.settings[key] = value
                self.overrides.pop(key, None)
            elif self.patch_state(key, value):
                self.overrides.pop(key, None)
            else:
                self.overrides[key] = value
        self.updated_ts = now
        self.settings_changed()

    def dump(self, now: float) -> dict[str, Any]:
        """Full state for ``/_sim/state``."""
        return {
            "kind": self.kind,
            "user_id": self.owner.id,
            "t0": iso_ts(self.t0),
            "payload": self.payload(now, detail=True),
            "overrides": dict(self.overrides),
        }


def num(value: Any, default: float) -> float:
    """Read a finite number from a setting, else ``default`` (raw PATCH may leave None)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
    ):
        return default
    return float(value)


def clamp(value: float, low: float, high: float) -> float:
    """Limit ``value`` to [low, high]."""
    return low if value < low else min(value, high)
