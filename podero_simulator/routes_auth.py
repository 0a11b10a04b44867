"""Token endpoints: OAuth2 client credentials and the Partner API password/refresh grant."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from typing import Any

from aiohttp import web

from .api import (
    PREFIX,
    ApiError,
    json_response,
    read_object,
    simulator,
    validation_error,
)
from .auth import Token
from .validation import FieldError, enum, error_item, nullable, string, validate_fields

OAUTH_PATH = "/oauth2/token/"
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _token_body(token: Token, lifetime: float) -> dict[str, Any]:
    return {
        "access_token": token.value,
        "expires_in": int(lifetime),
        "token_type": "Bearer",
        "scope": "read write",
    }


def _basic_credentials(request: web.Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except binascii.Error, UnicodeDecodeError:
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


async def _oauth_form(request: web.Request) -> dict[str, Any]:
    # django-oauth-toolkit reads form bodies; JSON is what Podero's docs show.
    if request.content_type == "application/json":
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}
    return dict(await request.post())


async def oauth_token(request: web.Request) -> web.Response:
    """``POST /oauth2/token/`` with ``grant_type=client_credentials``."""
    sim = simulator(request)
    form = await _oauth_form(request)
    grant = form.get("grant_type")
    if not grant:
        return json_response(
            {
                "error": "invalid_request",
                "error_description": "Request is missing grant type.",
            },
            400,
            _NO_STORE,
        )
    if grant != "client_credentials":
        return json_response({"error": "unsupported_grant_type"}, 400, _NO_STORE)
    credentials = _basic_credentials(request)
    if credentials is None and "client_id" in form:
        credentials = (str(form.get("client_id")), str(form.get("client_secret", "")))
    valid = credentials is not None and (
        hmac.compare_digest(credentials[0], sim.client_id)
        and hmac.compare_digest(credentials[1], sim.client_secret)
    )
    if not valid:
        return json_response({"error": "invalid_client"}, 401, _NO_STORE)
    token = sim.tokens.issue("client_credentials", sim.org_id, None, sim.now_ts())
    return json_response(_token_body(token, sim.tokens.lifetime_s), headers=_NO_STORE)


_TOKEN_INPUT = {
    "grant_type": nullable(enum(("password", "refresh_token"))),
    "username": nullable(string()),
    "password": nullable(string()),
    "refresh_token": nullable(string()),
}


async def partner_token(request: web.Request) -> web.Response:
    """``POST /auth/token``: password and refresh_token grants, with refresh tokens."""
    sim = simulator(request)
    body = await read_object(request)
    clean, errors, _ignored = validate_fields(body, _TOKEN_INPUT)
    if "grant_type" not in body:
        errors.append(
            error_item(
                ("body", "grant_type"), FieldError("missing", "Field required"), body
            )
        )
    elif clean.get("grant_type") is None and not errors:
        problem = FieldError(
            "value_error",
            "Value error, grant_type must be 'password' or 'refresh_token'",
        )
        errors.append(error_item(("body", "grant_type"), problem, None))
    if errors:
        raise validation_error(errors)
    now = sim.now_ts()
    if clean["grant_type"] == "password":
        username = (clean.get("username") or "").lower()
        user = next(
            (
                candidate
                for candidate in sim.world.users.values()
                if candidate.email.lower() == username
                and candidate.password is not None
                and candidate.deleted_at is None
            ),
            None,
        )
        if user is None or not hmac.compare_digest(
            user.password or "", clean.get("password") or ""
        ):
            raise ApiError(401, {"detail": "Invalid username or password."})
        org_id, user_id = user.org_id, user.id
    else:
        refresh = sim.tokens.use_refresh(clean.get("refresh_token") or "")
        if refresh is None:
            raise ApiError(401, {"detail": "Invalid refresh token."})
        org_id, user_id = refresh.org_id, refresh.user_id
    token = sim.tokens.issue("password", org_id, user_id, now)
    out = _token_body(token, sim.tokens.lifetime_s)
    out["refresh_token"] = sim.tokens.issue_refresh(org_id, user_id).value
    return json_response(out, headers=_NO_STORE)


def add_routes(router: web.UrlDispatcher) -> None:
    """Register the token endpoints."""
    router.add_post(OAUTH_PATH, oauth_token)
    router.add_post(PREFIX + "/auth/token", partner_token)
