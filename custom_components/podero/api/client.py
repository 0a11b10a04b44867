"""Async client for the Podero Partner API v2.0.

One client is bound to one organisation and (optionally) one user. It owns no session: the caller
injects an `aiohttp.ClientSession` and closes it. All ids are checked to be UUIDs before they are
put into a URL, every request has a timeout, and every failure surfaces as a typed `PoderoError`.
"""

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime
import json
import logging
import math
from typing import Any, Final

import aiohttp

from .auth import PoderoAuth
from .errors import (
    PoderoAuthenticationError,
    PoderoConflictError,
    PoderoConnectionError,
    PoderoError,
    PoderoForbiddenError,
    PoderoMalformedResponseError,
    PoderoNotFoundError,
    PoderoRateLimitError,
    PoderoResponseError,
    PoderoServerError,
    PoderoTimeoutError,
    PoderoValidationError,
)
from .models import (
    ChargingConfig,
    ChargingSession,
    DataPoint,
    DayChargePolicy,
    Device,
    ElectricVehicle,
    HeatPump,
    OrganisationUser,
    SavingsPeriod,
    SmartChargingMode,
    SolarInverter,
    Wallbox,
    Weekday,
    WeeklyChargePolicy,
)
from .parsing import as_int, as_mapping, as_str, parse_noting_unknown
from .validation import normalize_base_url, validate_uuid

_LOGGER = logging.getLogger(__package__)

API_PREFIX: Final = "/api/partners/v2.0"
DEFAULT_REQUEST_TIMEOUT_S: Final = 15.0
_MAX_MESSAGE_LENGTH = 300

type JsonLoads = Callable[[bytes], Any]


@dataclass(frozen=True, slots=True)
class _Request:
    method: str
    path: str
    body: Any
    params: Mapping[str, str] | None
    headers: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class _Response:
    status: int
    body: bytes
    retry_after: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionPage:
    """One page of completed charging sessions."""

    total: int
    items: tuple[ChargingSession, ...]


def format_time_of_day(value: time) -> str:
    """Render a time of day the way the API expects it ("HH:MM")."""
    return value.strftime("%H:%M")


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
        self._session = session
        self._base_url = normalize_base_url(base_url)
        self._auth = auth
        self._org_id = validate_uuid(org_id, "organisation id")
        self._user_id = None if user_id is None else validate_uuid(user_id, "user id")
        self._timeout = request_timeout
        self._json_loads = json_loads

    @property
    def base_url(self) -> str:
        """The API origin, e.g. https://app.podero.com."""
        return self._base_url

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
        return PoderoClient(
            self._session,
            self._base_url,
            self._auth,
            self._org_id,
            user_id,
            request_timeout=self._timeout,
            json_loads=self._json_loads,
        )

    # --- organisation -----------------------------------------------------------------------

    async def list_users(
        self, *, include_deleted: bool = False
    ) -> list[OrganisationUser]:
        """List the organisation's users (needs admin or staff rights)."""
        params = {"include_deleted": "true"} if include_deleted else None
        items = await self._request_list(
            "GET", f"{API_PREFIX}/org/{self._org_id}/users", params
        )
        return [
            OrganisationUser.from_json(item)
            for item in items
            if _has_uuid_id(item, "user")
        ]

    # --- devices ----------------------------------------------------------------------------

    async def list_devices[D: Device](self, model: type[D]) -> list[D]:
        """List the user's devices of one kind (soft-deleted ones are left out)."""
        items = await self._request_list("GET", self._user_path(model.kind.value), None)
        return [
            parse_noting_unknown(model.from_json, model.__name__, item)
            for item in items
            if _has_uuid_id(item, model.kind.value) and item.get("deleted_at") is None
        ]

    async def get_device[D: Device](self, model: type[D], device_id: str) -> D:
        """Read one device, including the `actions` only the detail view carries."""
        path = self._device_path(model, device_id)
        return _parse_device(model, await self._request("GET", path))

    async def update_device[D: Device](
        self, model: type[D], device_id: str, changes: Mapping[str, Any]
    ) -> D:
        """Change some fields of a device (partial PUT) and return the updated device."""
        path = self._device_path(model, device_id)
        return _parse_device(
            model, await self._request("PUT", path, json=dict(changes))
        )

    async def start_boost(
        self, model: type[ElectricVehicle | Wallbox], device_id: str
    ) -> None:
        """Charge now, or arm a boost for the next session if unplugged.

        Raises PoderoConflictError (reason `already_charging`, `fully_charged`, ...) when the
        device cannot boost in its current state.
        """
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
        return _parse_policy(await self._request("GET", path))

    async def update_charge_policy(
        self,
        vehicle_id: str,
        *,
        days: Mapping[Weekday, DayChargePolicy],
        timezone: str | None = None,
    ) -> WeeklyChargePolicy:
        """Change some weekdays of an EV's weekly policy; days not given keep their values."""
        body: dict[str, Any] = {}
        for day, policy in days.items():
            entry: dict[str, Any] = {}
            if policy.charge_percentage is not None:
                entry["charge_percentage"] = policy.charge_percentage
            if policy.charge_deadline is not None:
                entry["charge_deadline"] = format_time_of_day(policy.charge_deadline)
            body[day.value] = entry
        if timezone is not None:
            body["timezone"] = timezone
        path = self._device_path(ElectricVehicle, vehicle_id, "charge-policy")
        return _parse_policy(await self._request("PUT", path, json=body))

    async def get_current_session(self, vehicle_id: str) -> ChargingSession | None:
        """Return the EV's active charging session, or None when it is not in one."""
        path = self._device_path(ElectricVehicle, vehicle_id, "sessions", "current")
        session = as_mapping(await self._request("GET", path)).get("session")
        return (
            ChargingSession.from_json(session) if isinstance(session, Mapping) else None
        )

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
        items = tuple(
            ChargingSession.from_json(item)
            for item in data["items"]
            if isinstance(item, Mapping)
        )
        return SessionPage(total=as_int(data.get("total")) or len(items), items=items)

    # --- energy history ------------------------------------------------------------------

    async def get_time_series(
        self,
        model: type[HeatPump | ElectricVehicle | SolarInverter],
        device_id: str,
        start: datetime,
        end: datetime,
        *,
        resolution: str = "15MIN",
        keywords: Iterable[str] | None = None,
    ) -> list[DataPoint]:
        """Read a device's time series between two instants (`fill-missing` always on).

        Without `fill-missing` the API answers 400 for a range without data; with it, periods
        without data come back with null values, which the caller can skip.
        """
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
        return [
            point
            for item in points
            if (point := DataPoint.from_json(as_mapping(item))) is not None
        ]

    async def get_savings(
        self,
        model: type[HeatPump | ElectricVehicle | SolarInverter],
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
        return [SavingsPeriod.from_json(as_mapping(item)) for item in periods]

    # --- owner-level charging configuration -------------------------------------------------

    async def get_charging_config(self) -> ChargingConfig:
        """Read the user's smart-charging mode, HEMS thresholds and live status."""
        return _parse_charging_config(
            await self._request("GET", self._user_path("charging-config"))
        )

    async def update_charging_config(
        self,
        *,
        smart_charging_mode: SmartChargingMode | None = None,
        hems_min_export_to_start_w: int | None = None,
        hems_max_import_before_stopping_w: int | None = None,
    ) -> ChargingConfig:
        """Change the mode and/or thresholds for all of the user's charging devices."""
        body: dict[str, Any] = {}
        if smart_charging_mode is not None:
            body["smart_charging_mode"] = smart_charging_mode.value
        if hems_min_export_to_start_w is not None:
            body["hems_min_export_to_start_w"] = hems_min_export_to_start_w
        if hems_max_import_before_stopping_w is not None:
            body["hems_max_import_before_stopping_w"] = (
                hems_max_import_before_stopping_w
            )
        data = await self._request("PUT", self._user_path("charging-config"), json=body)
        return _parse_charging_config(data)

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

    async def _request_list(
        self, method: str, path: str, params: Mapping[str, str] | None
    ) -> list[Mapping[str, Any]]:
        data = await self._request(method, path, params=params)
        if not isinstance(data, list):
            raise PoderoMalformedResponseError("Expected a JSON array")
        return [item for item in data if isinstance(item, Mapping)]

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Send one API request (renewing the token once on 401) and decode the answer."""
        token = await self._auth.token(self._session, self._base_url)
        request = _Request(method, path, json, params, headers)
        response = await self._send(request, token)
        if response.status == 401 and self._auth.can_renew:
            token = await self._auth.renew(self._session, self._base_url, token)
            response = await self._send(request, token)
        if 200 <= response.status < 300:
            if not response.body.strip():
                return None
            try:
                return self._json_loads(response.body)
            except ValueError as err:
                raise PoderoMalformedResponseError(
                    f"{method} {_short(path)} answered with invalid JSON"
                ) from err
        raise self._error(response)

    async def _send(self, request: _Request, token: str) -> _Response:
        method, path = request.method, request.path
        headers = {
            **(request.headers or {}),
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
        }
        started = asyncio.get_running_loop().time()
        try:
            async with asyncio.timeout(self._timeout):
                async with self._session.request(
                    method,
                    self._base_url + path,
                    json=request.body,
                    params=request.params,
                    headers=headers,
                    allow_redirects=False,
                ) as response:
                    result = _Response(
                        response.status,
                        await response.read(),
                        response.headers.get("Retry-After"),
                    )
        except TimeoutError as err:
            _LOGGER.debug("%s %s timed out after %.0f s", method, path, self._timeout)
            raise PoderoTimeoutError(
                f"{method} {_short(path)} timed out after {self._timeout:.0f} s"
            ) from err
        except aiohttp.ClientError as err:
            _LOGGER.debug("%s %s failed: %s", method, path, type(err).__name__)
            raise PoderoConnectionError(
                f"{method} {_short(path)} failed: {type(err).__name__}"
            ) from err
        _LOGGER.debug(
            "%s %s -> %s in %.0f ms",
            method,
            path,
            result.status,
            (asyncio.get_running_loop().time() - started) * 1000,
        )
        return result

    def _error(self, response: _Response) -> PoderoResponseError:
        """Map an error status to its typed exception, with the server's explanation."""
        status = response.status
        try:
            body: Any = json.loads(response.body) if response.body else None
        except ValueError:
            body = None
        message = self._scrub(_describe(body) or f"HTTP {status}")
        if status == 401:
            return PoderoAuthenticationError(status, message)
        if status == 403:
            return PoderoForbiddenError(status, message)
        if status == 404:
            return PoderoNotFoundError(status, message)
        if status == 409:
            conflict = _conflict_body(body)
            # Unknown reasons are shown to users, so they are scrubbed like the message.
            return PoderoConflictError(
                status,
                message,
                state=self._scrub_optional(as_str(conflict.get("state"))),
                reason=self._scrub_optional(as_str(conflict.get("reason"))),
            )
        if status in (400, 422):
            return PoderoValidationError(status, message, fields=_invalid_fields(body))
        if status == 429:
            return PoderoRateLimitError(
                status, message, retry_after=_retry_after_seconds(response.retry_after)
            )
        return PoderoServerError(status, message)

    def _scrub(self, text: str) -> str:
        """Remove any credential a server might echo back, and cap the length."""
        for secret in self._auth.secrets:
            if secret:
                text = text.replace(secret, "**REDACTED**")
        return text[:_MAX_MESSAGE_LENGTH]

    def _scrub_optional(self, text: str | None) -> str | None:
        return None if text is None else self._scrub(text)


def _has_uuid_id(item: Mapping[str, Any], what: str) -> bool:
    """Whether a list item carries a usable id; items without one cannot be tracked."""
    try:
        validate_uuid(item.get("id"), what)
    except PoderoError:
        _LOGGER.debug("Ignoring a %s entry without a valid id", what)
        return False
    return True


def _parse_device[D: Device](model: type[D], data: Any) -> D:
    if not isinstance(data, Mapping) or not _has_uuid_id(data, model.kind.value):
        raise PoderoMalformedResponseError(f"Expected a {model.kind.value} object")
    return parse_noting_unknown(model.from_json, model.__name__, data)


def _parse_policy(data: Any) -> WeeklyChargePolicy:
    policy = as_mapping(data).get("data")
    if not isinstance(policy, Mapping):
        raise PoderoMalformedResponseError("Expected a charge policy")
    return WeeklyChargePolicy.from_json(policy)


def _parse_charging_config(data: Any) -> ChargingConfig:
    if not isinstance(data, Mapping):
        raise PoderoMalformedResponseError("Expected a charging configuration")
    return parse_noting_unknown(ChargingConfig.from_json, "ChargingConfig", data)


def _describe(body: Any) -> str | None:
    """Turn an error body (Django Ninja `detail`, OAuth `error`, 409 `reason`) into text."""
    if not isinstance(body, Mapping):
        return None
    detail = body.get("detail")
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        parts = []
        for item in detail:
            entry = as_mapping(item)
            location = entry.get("loc")
            field = location[-1] if isinstance(location, list) and location else None
            msg = as_str(entry.get("msg")) or "invalid"
            parts.append(f"{field}: {msg}" if field is not None else msg)
        return "; ".join(parts) or None
    for key in ("reason", "error_description", "error", "message"):
        if text := as_str(body.get(key)):
            return text
    return as_str(as_mapping(detail).get("reason"))


def _conflict_body(body: Any) -> Mapping[str, Any]:
    """Return the 409 payload, which may come bare or wrapped in `detail`."""
    data = as_mapping(body)
    return (
        data if "reason" in data or "state" in data else as_mapping(data.get("detail"))
    )


def _invalid_fields(body: Any) -> tuple[str, ...]:
    detail = as_mapping(body).get("detail")
    if not isinstance(detail, list):
        return ()
    fields = []
    for item in detail:
        location = as_mapping(item).get("loc")
        if isinstance(location, list) and location and isinstance(location[-1], str):
            fields.append(location[-1])
    return tuple(fields)


def _retry_after_seconds(value: str | None) -> float | None:
    """Parse Retry-After as delta-seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        # "inf"/"nan" parse as floats but are no delay anyone can wait for.
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except TypeError, ValueError:
        return None
    if when.tzinfo is None:
        # "-0000" yields a naive result; HTTP dates are always UTC (RFC 9110).
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _utc_iso(moment: datetime) -> str:
    """Render an instant as the API's ISO-8601 UTC form."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _short(path: str) -> str:
    """Return the resource part of a path, for messages (ids are noise there)."""
    return path.removeprefix(API_PREFIX)
