"""Authentication and authorisation: tokens, 401, 403, 404 and 422 on path ids."""

from __future__ import annotations

import base64
from typing import Any

from aiohttp.test_utils import TestClient
import pytest

from podero_simulator import Simulator

from .helpers import PREFIX, Api

OAUTH = "/oauth2/token/"
PARTNER_TOKEN = PREFIX + "/auth/token"


def basic(client_id: str, secret: str) -> dict[str, str]:
    """Build a Basic auth header."""
    return {
        "Authorization": "Basic "
        + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    }


async def client_token(client: TestClient[Any, Any], sim: Simulator) -> str:
    """Fetch a client-credentials token."""
    response = await client.post(
        OAUTH,
        json={"grant_type": "client_credentials"},
        headers=basic(sim.client_id, sim.client_secret),
    )
    assert response.status == 200
    return str((await response.json())["access_token"])


async def password_login(
    client: TestClient[Any, Any], sim: Simulator
) -> dict[str, Any]:
    """Log in with the household user's password."""
    response = await client.post(
        PARTNER_TOKEN,
        json={
            "grant_type": "password",
            "username": sim.username,
            "password": sim.password,
        },
    )
    assert response.status == 200
    body: dict[str, Any] = await response.json()
    return body


async def test_static_token_is_accepted(api: Api) -> None:
    """The API token from the start line works without any token exchange."""
    await api.get("heat-pumps")


async def test_missing_authorization_is_401(api: Api) -> None:
    """No header → 401 with a ``detail``."""
    response = await api.client.get(api.path("/heat-pumps"))
    assert response.status == 401
    assert "detail" in await response.json()


async def test_unknown_token_is_401(api: Api) -> None:
    """A token the simulator never issued → 401."""
    body = await api.get("heat-pumps", 401, token="not-a-token")
    assert body == {"detail": "Invalid token."}


async def test_client_credentials_grant_returns_a_bearer_token(
    client: TestClient[Any, Any], sim: Simulator
) -> None:
    """Basic auth + JSON body → access token, lifetime, Bearer, scope."""
    response = await client.post(
        OAUTH,
        json={"grant_type": "client_credentials"},
        headers=basic(sim.client_id, sim.client_secret),
    )
    body = await response.json()
    assert response.status == 200
    assert body["expires_in"] == 36000
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "read write"
    assert "refresh_token" not in body


async def test_client_credentials_token_works_on_the_api(
    api: Api, client: TestClient[Any, Any], sim: Simulator
) -> None:
    """The issued token authorises API calls."""
    token = await client_token(client, sim)
    await api.get("heat-pumps", token=token)


async def test_client_credentials_accepts_form_encoding(
    client: TestClient[Any, Any], sim: Simulator
) -> None:
    """A form-encoded body works as with django-oauth-toolkit."""
    response = await client.post(
        OAUTH,
        data={"grant_type": "client_credentials"},
        headers=basic(sim.client_id, sim.client_secret),
    )
    assert response.status == 200


async def test_client_credentials_in_the_body_are_accepted(
    client: TestClient[Any, Any], sim: Simulator
) -> None:
    """RFC 6749 also allows client_id/client_secret as form fields."""
    form = {
        "grant_type": "client_credentials",
        "client_id": sim.client_id,
        "client_secret": sim.client_secret,
    }
    response = await client.post(OAUTH, data=form)
    assert response.status == 200


async def test_wrong_client_secret_is_invalid_client(
    client: TestClient[Any, Any], sim: Simulator
) -> None:
    """Bad credentials → 401 ``invalid_client``."""
    response = await client.post(
        OAUTH,
        json={"grant_type": "client_credentials"},
        headers=basic(sim.client_id, "wrong"),
    )
    assert response.status == 401
    assert await response.json() == {"error": "invalid_client"}


async def test_malformed_basic_header_is_invalid_client(
    client: TestClient[Any, Any],
) -> None:
    """Undecodable Basic credentials count as no credentials."""
    response = await client.post(
        OAUTH,
        json={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic !!!"},
    )
    assert response.status == 401


async def test_unsupported_grant_is_400(
    client: TestClient[Any, Any], sim: Simulator
) -> None:
    """Another grant type → 400 ``unsupported_grant_type``."""
    response = await client.post(
        OAUTH,
        json={"grant_type": "password"},
        headers=basic(sim.client_id, sim.client_secret),
    )
    assert response.status == 400
    assert await response.json() == {"error": "unsupported_grant_type"}


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("{}", "application/json"),
        ("[1]", "application/json"),
        ("{", "application/json"),
        ("", "application/x-www-form-urlencoded"),
    ],
)
async def test_missing_grant_is_invalid_request(
    client: TestClient[Any, Any], data: str, content_type: str
) -> None:
    """No grant type (empty, non-object or broken body) → 400 ``invalid_request``."""
    response = await client.post(
        OAUTH, data=data, headers={"Content-Type": content_type}
    )
    assert response.status == 400
    assert (await response.json())["error"] == "invalid_request"


async def test_client_token_expires_after_its_lifetime(
    api: Api, client: TestClient[Any, Any], sim: Simulator
) -> None:
    """After ``expires_in`` simulated seconds the token is rejected."""
    token = await client_token(client, sim)
    sim.advance(35999)
    await api.get("heat-pumps", token=token)
    sim.advance(1)
    body = await api.get("heat-pumps", 401, token=token)
    assert body == {"detail": "Token has expired."}


async def test_admin_expire_ends_issued_tokens_only(
    api: Api, client: TestClient[Any, Any], sim: Simulator
) -> None:
    """Expiring tokens leaves the static token working."""
    token = await client_token(client, sim)
    assert sim.expire_tokens() == 1
    await api.get("heat-pumps", 401, token=token)
    await api.get("heat-pumps")


async def test_revoked_token_is_401(
    api: Api, client: TestClient[Any, Any], sim: Simulator
) -> None:
    """A revoked token → 401 ``Token has been revoked.``."""
    token = await client_token(client, sim)
    assert sim.revoke_tokens(token) == 1
    body = await api.get("heat-pumps", 401, token=token)
    assert body == {"detail": "Token has been revoked."}


async def test_revoking_all_includes_the_static_token(api: Api, sim: Simulator) -> None:
    """Revoke without a token revokes every token."""
    sim.revoke_tokens()
    await api.get("heat-pumps", 401)


async def test_revoking_an_unknown_token_changes_nothing(sim: Simulator) -> None:
    """Revoking a value nobody holds reports zero."""
    assert sim.revoke_tokens("nobody") == 0


async def test_password_grant_returns_access_and_refresh_token(
    client: TestClient[Any, Any], sim: Simulator
) -> None:
    """Password login yields TokenOutput with a refresh token."""
    body = await password_login(client, sim)
    assert set(body) == {
        "access_token",
        "expires_in",
        "token_type",
        "scope",
        "refresh_token",
    }


async def test_password_token_sees_its_own_user(
    api: Api, client: TestClient[Any, Any], sim: Simulator
) -> None:
    """The end-user token can read its own devices."""
    body = await password_login(client, sim)
    await api.get("electric-vehicles", token=body["access_token"])


async def test_password_token_is_forbidden_for_other_users(
    api: Api, client: TestClient[Any, Any], sim: Simulator
) -> None:
    """An end-user token on another user's path → 403."""
    body = await password_login(client, sim)
    other = f"{PREFIX}/org/{sim.org_id}/users/{sim.second_user_id}/heat-pumps"
    assert (await api.get(other, 403, token=body["access_token"]))["detail"]


async def test_password_token_lists_only_itself(
    api: Api, client: TestClient[Any, Any], sim: Simulator
) -> None:
    """``GET /users`` with an end-user token returns that user only."""
    body = await password_login(client, sim)
    users = await api.get(
        f"{PREFIX}/org/{sim.org_id}/users", token=body["access_token"]
    )
    assert [user["id"] for user in users] == [sim.user_id]


async def test_wrong_password_is_401(
    client: TestClient[Any, Any], sim: Simulator
) -> None:
    """Bad password → 401."""
    response = await client.post(
        PARTNER_TOKEN,
        json={"grant_type": "password", "username": sim.username, "password": "nope"},
    )
    assert response.status == 401


async def test_refresh_grant_rotates_the_refresh_token(
    api: Api, client: TestClient[Any, Any], sim: Simulator
) -> None:
    """A refresh gives new tokens; the old refresh token is spent."""
    first = await password_login(client, sim)
    response = await client.post(
        PARTNER_TOKEN,
        json={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
    )
    second = await response.json()
    assert response.status == 200
    assert second["refresh_token"] != first["refresh_token"]
    await api.get("heat-pumps", token=second["access_token"])
    again = await client.post(
        PARTNER_TOKEN,
        json={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
    )
    assert again.status == 401


async def test_token_input_validation_is_422(client: TestClient[Any, Any]) -> None:
    """Missing, null or unknown grant types are validation errors."""
    for body in ({}, {"grant_type": None}, {"grant_type": "magic"}):
        response = await client.post(PARTNER_TOKEN, json=body)
        assert response.status == 422, body
        assert (await response.json())["detail"][0]["loc"] == ["body", "grant_type"]


async def test_other_org_path_is_403(api: Api, sim: Simulator) -> None:
    """A valid token on another organisation's path → 403."""
    path = f"{PREFIX}/org/{sim.other_org_id}/users/{sim.other_org_user_id}/heat-pumps"
    assert await api.get(path, 403) == {
        "detail": "You do not have permission to perform this action."
    }


async def test_other_org_user_list_is_403(api: Api, sim: Simulator) -> None:
    """Listing another organisation's users → 403."""
    await api.get(f"{PREFIX}/org/{sim.other_org_id}/users", 403)


async def test_unknown_user_is_404(api: Api, sim: Simulator) -> None:
    """A well-formed but unknown user id → 404 ``Not Found``."""
    path = f"{PREFIX}/org/{sim.org_id}/users/00000000-0000-4000-8000-000000000000/heat-pumps"
    assert await api.get(path, 404) == {"detail": "Not Found"}


async def test_non_uuid_path_id_is_422(api: Api, sim: Simulator) -> None:
    """Non-UUID path ids → 422 naming each parameter (Django Ninja style)."""
    body = await api.get(f"{PREFIX}/org/not-a-uuid/users/also-not/heat-pumps", 422)
    assert [item["loc"] for item in body["detail"]] == [
        ["path", "org_id"],
        ["path", "user_id"],
    ]
    assert body["detail"][0]["type"] == "uuid_parsing"


async def test_auth_is_checked_before_path_ids(api: Api) -> None:
    """Without a token even a malformed path answers 401."""
    response = await api.client.get(f"{PREFIX}/org/x/users/y/heat-pumps")
    assert response.status == 401


async def test_unknown_route_is_json_404(api: Api) -> None:
    """Paths the API does not have → JSON 404."""
    assert await api.get(f"{PREFIX}/nothing-here", 404) == {"detail": "Not Found"}


async def test_wrong_method_is_json_405(api: Api) -> None:
    """A known path with an unsupported method → 405 with ``Allow``."""
    response = await api.request("DELETE", "heat-pumps")
    assert response.status == 405
    assert "GET" in response.headers["Allow"]


def test_dead_tokens_are_pruned(
    monkeypatch: pytest.MonkeyPatch, sim: Simulator
) -> None:
    """Long runs do not accumulate expired tokens; the static token survives."""
    monkeypatch.setattr("podero_simulator.auth.MAX_TOKENS", 3)
    for _ in range(4):
        sim.issue_token()
    sim.expire_tokens()
    fresh = sim.issue_token()
    assert set(sim.tokens.tokens) == {sim.static_token, fresh}
