"""HTTP plumbing of the client: one request, its token, its timeout and its typed failure."""

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
import logging
import math
from typing import Any, Final

import aiohttp

from .auth import PoderoAuth
from .errors import (
    PoderoAuthenticationError,
    PoderoConflictError,
    PoderoConnectionError,
    PoderoForbiddenError,
    PoderoMalformedResponseError,
    PoderoNotFoundError,
    PoderoRateLimitError,
    PoderoResponseError,
    PoderoServerError,
    PoderoTimeoutError,
    PoderoValidationError,
)
from .parsing import as_mapping, as_str

_LOGGER = logging.getLogger(__package__)

API_PREFIX: Final = "/api/partners/v2.0"
DEFAULT_REQUEST_TIMEOUT_S: Final = 15.0
_MAX_MESSAGE_LENGTH = 300

type JsonLoads = Callable[[bytes], Any]


_PLAIN_ERRORS: dict[int, type[PoderoResponseError]] = {
    401: PoderoAuthenticationError,
    403: PoderoForbiddenError,
    404: PoderoNotFoundError,
}


@dataclass(frozen=True, slots=True)
class _Response:
    status: int
    body: bytes
    retry_after: str | None


class Transport:
    """Sends API requests with a Bearer token, renewing it once when the API rejects it."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        auth: PoderoAuth,
        *,
        timeout: float,
        json_loads: JsonLoads,
    ) -> None:
        """Bind to a session and an API origin (already validated)."""
        self.session = session
        self.base_url = base_url
        self.auth = auth
        self.timeout = timeout
        self.json_loads = json_loads

    async def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Send one API request and decode the answer; every failure is a PoderoError."""
        options = {"json": body, "params": params, "headers": headers}
        token = await self.auth.token(self.session, self.base_url)
        response = await self._send(method, path, options, token)
        if response.status == 401 and self.auth.can_renew:
            token = await self.auth.renew(self.session, self.base_url, token)
            response = await self._send(method, path, options, token)
        if 200 <= response.status < 300:
            if not response.body.strip():
                return None
            try:
                return self.json_loads(response.body)
            except (ValueError, RecursionError) as err:  # deep nesting, for json.loads
                raise PoderoMalformedResponseError(
                    f"{method} {_short(path)} answered with invalid JSON"
                ) from err
        raise self._error(response)

    async def _send(
        self, method: str, path: str, options: Mapping[str, Any], token: str
    ) -> _Response:
        headers = {
            **(options["headers"] or {}),
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
        }
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            async with asyncio.timeout(self.timeout):
                async with self.session.request(
                    method,
                    self.base_url + path,
                    json=options["json"],
                    params=options["params"],
                    headers=headers,
                    allow_redirects=False,
                ) as response:
                    result = _Response(
                        response.status,
                        await response.read(),
                        response.headers.get("Retry-After"),
                    )
        except TimeoutError as err:
            _LOGGER.debug("%s %s timed out after %.0f s", method, path, self.timeout)
            raise PoderoTimeoutError(
                f"{method} {_short(path)} timed out after {self.timeout:.0f} s"
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
            (loop.time() - started) * 1000,
        )
        return result

    def _error(self, response: _Response) -> PoderoResponseError:
        """Map an error status to its typed exception, with the server's explanation."""
        status = response.status
        try:
            body: Any = self.json_loads(response.body) if response.body else None
        except ValueError, RecursionError:
            body = None
        message = self.scrub(_describe(body) or f"HTTP {status}")
        if plain := _PLAIN_ERRORS.get(status):
            return plain(status, message)
        if status == 409:
            conflict = _conflict_body(body)
            state, reason = (
                as_str(conflict.get("state")),
                as_str(conflict.get("reason")),
            )
            # Unknown reasons are shown to users, so they are scrubbed like the message.
            return PoderoConflictError(
                status,
                message,
                state=state and self.scrub(state),
                reason=reason and self.scrub(reason),
            )
        if status in (400, 422):
            fields = tuple(self.scrub(field) for field in _invalid_fields(body))
            return PoderoValidationError(status, message, fields=fields)
        if status == 429:
            return PoderoRateLimitError(
                status, message, retry_after=_retry_after_seconds(response.retry_after)
            )
        return PoderoServerError(status, message)

    def scrub(self, text: str) -> str:
        """Remove any credential a server might echo back, and cap the length."""
        for secret in self.auth.secrets:
            if secret:
                text = text.replace(secret, "**REDACTED**")
        return text[:_MAX_MESSAGE_LENGTH]


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


def _short(path: str) -> str:
    """Return the resource part of a path, for messages (ids are noise there)."""
    return path.removeprefix(API_PREFIX)
