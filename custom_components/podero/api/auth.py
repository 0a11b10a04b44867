"""Ways to obtain the Bearer token for the Partner API.

Each strategy hands out a token and, where the credentials allow it, a fresh one after the API
rejected the current one. Renewals are serialised by a lock, so a burst of concurrent requests
that all saw the same expired token triggers one token request, not one each.
"""

from abc import ABC, abstractmethod
import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
import json
import logging
import time
from typing import Any, ClassVar, override
from urllib.parse import quote_plus

import aiohttp

from .errors import (
    PoderoAuthenticationError,
    PoderoConnectionError,
    PoderoMalformedResponseError,
    PoderoServerError,
    PoderoTimeoutError,
)
from .parsing import as_float, as_str

_LOGGER = logging.getLogger(__package__)

TOKEN_PATH = "/oauth2/token/"
PASSWORD_TOKEN_PATH = "/api/partners/v2.0/auth/token"
# Renew this long before the announced expiry, so a token never dies in flight.
EXPIRY_MARGIN_S = 60.0
DEFAULT_TOKEN_TIMEOUT_S = 20.0
MIN_LIFETIME_S, MAX_LIFETIME_S = 60.0, 86400.0


@dataclass(frozen=True, slots=True)
class AccessToken:
    """A Bearer token and the monotonic time after which it must not be used."""

    value: str = field(repr=False)
    renew_at: float


class PoderoAuth(ABC):
    """Supplies the Bearer token for API requests."""

    # Whether a rejected token can be replaced without the user's help.
    can_renew: ClassVar[bool] = False

    @property
    @abstractmethod
    def secrets(self) -> tuple[str, ...]:
        """Every credential this strategy holds, to scrub from error texts."""

    @abstractmethod
    async def token(self, session: aiohttp.ClientSession, base_url: str) -> str:
        """Return a token believed to be valid."""

    async def renew(
        self, session: aiohttp.ClientSession, base_url: str, rejected: str
    ) -> str:
        """Return a token other than `rejected`, fetching one if needed."""
        raise PoderoAuthenticationError(401, "The API token was rejected")


class StaticTokenAuth(PoderoAuth):
    """A long-lived API token the user pasted; it cannot be renewed by us."""

    def __init__(self, token: str) -> None:
        """Keep the token."""
        self._token = token

    @property
    @override
    def secrets(self) -> tuple[str, ...]:
        return (self._token,)

    @override
    async def token(self, session: aiohttp.ClientSession, base_url: str) -> str:
        return self._token


class _GrantAuth(PoderoAuth):
    """Shared caching and renewal for the OAuth grants."""

    can_renew = True

    def __init__(
        self, *, timeout: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Start without a token; the first request fetches one."""
        self._timeout = timeout
        self._clock = clock
        self._current: AccessToken | None = None
        self._lock = asyncio.Lock()

    @override
    async def token(self, session: aiohttp.ClientSession, base_url: str) -> str:
        current = self._current
        if current is not None and self._clock() < current.renew_at:
            return current.value
        async with self._lock:
            current = self._current
            if current is None or self._clock() >= current.renew_at:
                current = self._current = await self._fetch(session, base_url)
            return current.value

    @override
    async def renew(
        self, session: aiohttp.ClientSession, base_url: str, rejected: str
    ) -> str:
        async with self._lock:
            current = self._current
            if current is None or current.value == rejected:
                _LOGGER.debug("Access token rejected; requesting a new one")
                current = self._current = await self._fetch(session, base_url)
            return current.value

    @abstractmethod
    async def _fetch(
        self, session: aiohttp.ClientSession, base_url: str
    ) -> AccessToken:
        """Request a new token from the authorisation server."""

    async def _post_token(
        self,
        session: aiohttp.ClientSession,
        url: str,
        body: Mapping[str, Any],
        *,
        authorization: str | None = None,
    ) -> tuple[AccessToken, Mapping[str, Any]]:
        """POST a token request; return the token to cache and the whole answer."""
        headers = {"Cache-Control": "no-cache"}
        if authorization is not None:
            headers["Authorization"] = authorization
        try:
            async with asyncio.timeout(self._timeout):
                async with session.post(url, json=body, headers=headers) as response:
                    status = response.status
                    payload = await response.read()
        except TimeoutError as err:
            raise PoderoTimeoutError("Timed out requesting an access token") from err
        except aiohttp.ClientError as err:
            raise PoderoConnectionError(
                f"Could not reach the token endpoint: {type(err).__name__}"
            ) from err
        if status in (400, 401, 403):
            # OAuth servers answer invalid_client/invalid_grant with 400 or 401.
            raise PoderoAuthenticationError(status, "The credentials were rejected")
        if status >= 300:
            raise PoderoServerError(status, f"Token endpoint answered HTTP {status}")
        try:
            # Bytes, not response.text(): a body that is not UTF-8 must not escape as a
            # UnicodeDecodeError (json.loads raises it as a ValueError here); deep nesting
            # raises RecursionError.
            data = json.loads(payload)
        except (ValueError, RecursionError) as err:
            raise PoderoMalformedResponseError(
                "Token endpoint sent invalid JSON"
            ) from err
        if not isinstance(data, Mapping) or not as_str(data.get("access_token")):
            raise PoderoMalformedResponseError("Token endpoint sent no access_token")
        # Without `expires_in`, assume the documented 10 h; keep absurd ones within reason.
        lifetime = as_float(data.get("expires_in")) or 36000.0
        lifetime = min(max(lifetime, MIN_LIFETIME_S), MAX_LIFETIME_S)
        margin = min(EXPIRY_MARGIN_S, lifetime / 10)
        token = AccessToken(
            value=data["access_token"], renew_at=self._clock() + lifetime - margin
        )
        return token, data


class ClientCredentialsAuth(_GrantAuth):
    """OAuth2 client credentials (the documented server-to-server flow)."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        timeout: float = DEFAULT_TOKEN_TIMEOUT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Keep the client credentials."""
        super().__init__(timeout=timeout, clock=clock)
        self._client_id = client_id
        self._client_secret = client_secret

    @property
    @override
    def secrets(self) -> tuple[str, ...]:
        tokens = (self._current.value,) if self._current else ()
        return (self._client_secret, *tokens)

    @override
    async def _fetch(
        self, session: aiohttp.ClientSession, base_url: str
    ) -> AccessToken:
        token, _ = await self._post_token(
            session,
            base_url + TOKEN_PATH,
            {"grant_type": "client_credentials"},
            # RFC 6749 2.3.1: form-encode both before Basic encoding (django-oauth-toolkit
            # decodes them again), so a ":" or non-ASCII character cannot break the header.
            authorization=aiohttp.encode_basic_auth(
                quote_plus(self._client_id), quote_plus(self._client_secret)
            ),
        )
        return token


class PasswordAuth(_GrantAuth):
    """The Partner API's password grant, renewed with its refresh token."""

    def __init__(
        self,
        username: str,
        password: str,
        *,
        timeout: float = DEFAULT_TOKEN_TIMEOUT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Keep the login; the refresh token arrives with the first access token."""
        super().__init__(timeout=timeout, clock=clock)
        self._username = username
        self._password = password
        self._refresh_token: str | None = None

    @property
    @override
    def secrets(self) -> tuple[str, ...]:
        held = (self._current.value if self._current else None, self._refresh_token)
        return (self._password, *(value for value in held if value))

    @override
    async def _fetch(
        self, session: aiohttp.ClientSession, base_url: str
    ) -> AccessToken:
        url = base_url + PASSWORD_TOKEN_PATH
        answer: tuple[AccessToken, Mapping[str, Any]] | None = None
        if refresh := self._refresh_token:
            body = {"grant_type": "refresh_token", "refresh_token": refresh}
            try:
                answer = await self._post_token(session, url, body)
            except PoderoAuthenticationError:
                # A spent or revoked refresh token: fall back to the password once.
                self._refresh_token = None
        if answer is None:
            body = {"grant_type": "password", "username": self._username}
            answer = await self._post_token(
                session, url, {**body, "password": self._password}
            )
        self._refresh_token = as_str(answer[1].get("refresh_token"))
        return answer[0]
