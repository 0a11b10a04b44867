"""Async client for the Podero Partner API v2.0, bound to one organisation and user.

It owns no session (the caller injects one), checks every id to be a UUID before it goes into a
URL, times out every request, and raises every failure as a typed `PoderoError`.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
import json
from typing import Any

import aiohttp

from .auth import PoderoAuth
from .changes import ChargePolicyUpdate, ChargingConfigUpdate, DeviceUpdate, to_wire
from .errors import PoderoError, PoderoMalformedResponseError
from .models import (
    ChargingConfig,
    ChargingSession,
    DataPoint,
    Device,
    ElectricVehicle,
    HeatPump,
    OrganisationUser,
    SavingsPeriod,
    SolarInverter,
    Wallbox,
    WeeklyChargePolicy,
)
from .parsing import Model, Notes, as_int, as_mapping
from .transport import API_PREFIX, DEFAULT_REQUEST_TIMEOUT_S, JsonLoads, Transport
from .validation import normalize_base_url, validate_uuid

type HistoryDevice = HeatPump | ElectricVehicle | SolarInverter


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionPage:
    """One page of completed charging sessions."""

    total: int
    items: tuple[ChargingSession, ...]


class PoderoClient:
    """Talks to the Partner API on behalf of one organisation user."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        auth: PoderoAuth,
        org_id: str,
        user_id: str | None = None,
        *,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT_S,
        json_loads: JsonLoads = json.loads,
    ) -> None:
        """Bind the client; raises PoderoInvalidUrlError / PoderoInvalidIdError on bad input."""
        self._transport = transport = Transport(
            session,
            normalize_base_url(base_url),
            auth,
            timeout=request_timeout,
            json_loads=json_loads,
        )
        self._org_id = validate_uuid(org_id, "organisation id")
        self._user_id = None if user_id is None else validate_uuid(user_id, "user id")
        self._notes = Notes()
        self._request = transport.request

    @property
    def base_url(self) -> str:
        """The API origin, e.g. https://app.podero.com."""
        return self._transport.base_url

    @property
    def org_id(self) -> str:
        """The organisation this client acts in."""
        return self._org_id

    @property
    def user_id(self) -> str | None:
        """The user whose devices this client reads and steers."""
        return self._user_id

    def for_user(self, user_id: str) -> PoderoClient:
        """Return a client for another user of the same organisation (sharing auth)."""
        transport = self._transport
        return PoderoClient(
            transport.session,
            transport.base_url,
            transport.auth,
            self._org_id,
            user_id,
            request_timeout=transport.timeout,
            json_loads=transport.json_loads,
        )

    # --- organisation -----------------------------------------------------------------------

    async def list_users(
        self, *, include_deleted: bool = False
    ) -> list[OrganisationUser]:
        """List the organisation's users (needs admin or staff rights)."""
        params = {"include_deleted": "true"} if include_deleted else None
        items = await self._list(f"{API_PREFIX}/org/{self._org_id}/users", params)
        return self._parse_all(OrganisationUser, items, identified=True)

    # --- devices ----------------------------------------------------------------------------

    async def list_devices[D: Device](self, model: type[D]) -> list[D]:
        """List the user's devices of one kind (soft-deleted ones are left out)."""
        items = await self._list(self._user_path(model.kind.value), None)
        devices = self._parse_all(model, items, identified=True)
        return [device for device in devices if device.deleted_at is None]

    async def get_device[D: Device](self, model: type[D], device_id: str) -> D:
        """Read one device, including the `actions` only the detail view carries."""
        path = self._device_path(model, device_id)
        return self._parse_one(
            model, await self._request("GET", path), _device(model), identified=True
        )

    async def update_device[D: Device](
        self, model: type[D], device_id: str, update: DeviceUpdate
    ) -> D:
        """Change some settings of a device (partial PUT) and return the updated device."""
        path = self._device_path(model, device_id)
        answer = await self._request("PUT", path, body=to_wire(update))
        return self._parse_one(model, answer, _device(model), identified=True)

    async def start_boost(
        self, model: type[ElectricVehicle | Wallbox], device_id: str
    ) -> None:
        """Charge now (or arm a boost for the next plug-in); a 409 says why it cannot."""
        await self._request("POST", self._device_path(model, device_id, "boost"))

    async def cancel_boost(
        self, model: type[ElectricVehicle | Wallbox], device_id: str
    ) -> None:
        """Disarm a boost armed for the next session (wallboxes also stop a live boost)."""
        await self._request("DELETE", self._device_path(model, device_id, "boost"))

    # --- EV charge policy and sessions ------------------------------------------------------

    async def get_charge_policy(self, vehicle_id: str) -> WeeklyChargePolicy:
        """Read an EV's weekly charge policy."""
        path = self._device_path(ElectricVehicle, vehicle_id, "charge-policy")
        answer = as_mapping(await self._request("GET", path))
        return self._parse_one(
            WeeklyChargePolicy, answer.get("data"), "a charge policy"
        )

    async def update_charge_policy(
        self, vehicle_id: str, update: ChargePolicyUpdate
    ) -> WeeklyChargePolicy:
        """Change some weekdays of an EV's weekly policy; days not given keep their values."""
        path = self._device_path(ElectricVehicle, vehicle_id, "charge-policy")
        answer = as_mapping(await self._request("PUT", path, body=update.to_json()))
        return self._parse_one(
            WeeklyChargePolicy, answer.get("data"), "a charge policy"
        )

    async def get_current_session(self, vehicle_id: str) -> ChargingSession | None:
        """Return the EV's active charging session, or None when it is not in one."""
        path = self._device_path(ElectricVehicle, vehicle_id, "sessions", "current")
        answer = as_mapping(await self._request("GET", path))
        return ChargingSession.parse(answer.get("session"), self._notes)

    async def list_sessions(
        self,
        vehicle_id: str,
        start: date,
        end: date,
        *,
        limit: int = 50,
        offset: int = 0,
    ) -> SessionPage:
        """Completed charging sessions between two UTC days (inclusive)."""
        path = self._device_path(ElectricVehicle, vehicle_id, "sessions")
        params = {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "limit": str(limit),
            "offset": str(offset),
        }
        data = await self._request("GET", path, params=params)
        if not isinstance(data, Mapping) or not isinstance(data.get("items"), list):
            raise PoderoMalformedResponseError("Expected a page of sessions")
        items = tuple(self._parse_all(ChargingSession, data["items"]))
        return SessionPage(total=as_int(data.get("total")) or len(items), items=items)

    # --- energy history ------------------------------------------------------------------

    async def get_time_series(
        self,
        model: type[HistoryDevice],
        device_id: str,
        start: datetime,
        end: datetime,
        *,
        resolution: str = "15MIN",
        keywords: Iterable[str] | None = None,
    ) -> list[DataPoint]:
        """Read a device's time series (`fill-missing`: a range without data is no 400)."""
        params = {
            "from_datetime": _utc_iso(start),
            "to_datetime": _utc_iso(end),
            "resolution": resolution,
        }
        if keywords:
            params["keywords"] = ",".join(keywords)
        data = await self._request(
            "GET",
            self._device_path(model, device_id, "data"),
            params=params,
            headers={"fill-missing": "true"},
        )
        points = as_mapping(data).get("data")
        if not isinstance(points, list):
            raise PoderoMalformedResponseError("Expected a time series")
        return self._parse_all(DataPoint, points)

    async def get_savings(
        self,
        model: type[HistoryDevice],
        device_id: str,
        start: datetime,
        end: datetime,
        *,
        resolution: str = "1MONTH",
    ) -> list[SavingsPeriod]:
        """Read what optimisation saved per period (`savings.total` in EUR per the API)."""
        params = {
            "from": _utc_iso(start),
            "to": _utc_iso(end),
            "resolution": resolution,
        }
        data = await self._request(
            "GET", self._device_path(model, device_id, "savings"), params=params
        )
        periods = as_mapping(data).get("data")
        if not isinstance(periods, list):
            raise PoderoMalformedResponseError("Expected savings data")
        return self._parse_all(SavingsPeriod, periods)

    # --- owner-level charging configuration -------------------------------------------------

    async def get_charging_config(self) -> ChargingConfig:
        """Read the user's smart-charging mode, HEMS thresholds and live status."""
        path = self._user_path("charging-config")
        return self._parse_one(
            ChargingConfig, await self._request("GET", path), "a charging configuration"
        )

    async def update_charging_config(
        self, update: ChargingConfigUpdate
    ) -> ChargingConfig:
        """Change the mode and/or thresholds for all of the user's charging devices."""
        path = self._user_path("charging-config")
        answer = await self._request("PUT", path, body=to_wire(update))
        return self._parse_one(ChargingConfig, answer, "a charging configuration")

    # --- plumbing ---------------------------------------------------------------------------

    def _user_path(self, *segments: str) -> str:
        if self._user_id is None:
            raise PoderoError("This client is not bound to a user")
        return "/".join(
            (f"{API_PREFIX}/org/{self._org_id}/users/{self._user_id}", *segments)
        )

    def _device_path(self, model: type[Device], device_id: str, *segments: str) -> str:
        device = validate_uuid(device_id, f"{model.kind.value} id")
        return self._user_path(model.kind.value, device, *segments)

    async def _list(self, path: str, params: Mapping[str, str] | None) -> list[Any]:
        data = await self._request("GET", path, params=params)
        if not isinstance(data, list):
            raise PoderoMalformedResponseError("Expected a JSON array")
        return data

    def _parse_all[M: Model](
        self, model: type[M], items: list[Any], *, identified: bool = False
    ) -> list[M]:
        """Parse the readable items of a list; with `identified`, only those with a UUID id."""
        parsed = [model.parse(item, self._notes) for item in items]
        kept = [
            item
            for item in parsed
            if item is not None and (not identified or _has_uuid(item))
        ]
        if len(kept) < len(items):
            name = model.__name__
            self._notes.once(
                (name, "ignored"), "Ignoring a %s without a valid id", name
            )
        return kept

    def _parse_one[M: Model](
        self, model: type[M], data: Any, what: str, *, identified: bool = False
    ) -> M:
        """Parse an answer that must be one `model` (with a UUID id if `identified`)."""
        parsed = model.parse(data, self._notes)
        if parsed is None or (identified and not _has_uuid(parsed)):
            raise PoderoMalformedResponseError(f"Expected {what}")
        return parsed


def _device(model: type[Device]) -> str:
    return f"a {model.kind.value} object"


def _has_uuid(item: Any) -> bool:
    """Whether a parsed item carries a usable id; items without one cannot be tracked."""
    try:
        validate_uuid(item.id, type(item).__name__)
    except PoderoError:
        return False
    return True


def _utc_iso(moment: datetime) -> str:
    """Render an instant as the API's ISO-8601 UTC form."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
