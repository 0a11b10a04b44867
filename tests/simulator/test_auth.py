"""Authentication and authorisation: tokens, 401, 403, 404 and 422 on path ids."""

import base64
from collections.abc import Callable
from typing import Any

from aiohttp import ClientResponse
import pytest

from podero_simulator import Simulator

from .helpers import EV, HP, PREFIX, Api

OAUTH = "/oauth2/token/"
PARTNER_TOKEN = PREFIX + "/auth/token"
GRANT = {"grant_type": "client_credentials"}
UNKNOWN = "00000000-0000-4000-8000-000000000000"
JSON = "application/json"


def basic(client_id: str, secret: str) -> dict[str, str]:
    """Build a Basic auth header."""
    encoded = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


async def client_token(api: Api) -> str:
    """Fetch a client-credentials token."""
    headers = basic(api.sim.client_id, api.sim.client_secret)
    response = await api.client.post(OAUTH, json=GRANT, headers=headers)
    assert response.status == 200
    return str((await response.json())["access_token"])


async def password_login(api: Api, password: str | None = None) -> ClientResponse:
    """Log in as the household user (with its password unless another is given)."""
    login = {"grant_type": "password", "username": api.sim.username}
    login["password"] = password or api.sim.password
    return await api.client.post(PARTNER_TOKEN, json=login)


@pytest.mark.parametrize("path", [f"/users/{{user}}/{HP}", f"/users/y/{HP}"])
async def test_missing_authorization_is_401(api: Api, path: str) -> None:
    """No header → 401 with a ``detail``, checked before (malformed) path ids."""
    response = await api.client.get(api.org_path(path.format(user=api.sim.user_id)))
    assert response.status == 401
    assert "detail" in await response.json()


async def test_unknown_token_is_401(api: Api) -> None:
    """A token the simulator never issued → 401."""
    body = await api.get(HP, 401, token="not-a-token")
    assert body == {"detail": "Invalid token."}


@pytest.mark.parametrize(
    ("encoding", "in_header"),
    [("json", True), ("data", True), ("data", False)],
    ids=["json-basic", "form-basic", "form-fields"],
)
async def test_client_credentials_token_works_on_the_api(
    api: Api, encoding: str, in_header: bool
) -> None:
    """JSON or form body, Basic or form-field credentials → a working Bearer token."""
    sim = api.sim
    creds = {"client_id": sim.client_id, "client_secret": sim.client_secret}
    body = GRANT if in_header else GRANT | creds
    headers = basic(sim.client_id, sim.client_secret) if in_header else {}
    response = await api.client.post(OAUTH, headers=headers, **{encoding: body})
    token = await response.json()
    await api.get(HP, token=token.pop("access_token"))
    assert token == {"expires_in": 36000, "token_type": "Bearer", "scope": "read write"}


@pytest.mark.parametrize(
    "authorization",
    [
        lambda sim: basic(sim.client_id, "wrong"),
        lambda _: {"Authorization": "Basic !!!"},
    ],
    ids=["wrong-secret", "undecodable-basic"],
)
async def test_bad_client_credentials_are_invalid_client(
    api: Api, authorization: Callable[[Simulator], dict[str, str]]
) -> None:
    """A wrong secret or undecodable Basic credentials → 401 ``invalid_client``."""
    response = await api.client.post(OAUTH, json=GRANT, headers=authorization(api.sim))
    assert response.status == 401
    assert await response.json() == {"error": "invalid_client"}


@pytest.mark.parametrize(
    ("data", "content_type", "error"),
    [
        ('{"grant_type": "password"}', JSON, "unsupported_grant_type"),
        ("{}", JSON, "invalid_request"),
        ("[1]", JSON, "invalid_request"),
        ("{", JSON, "invalid_request"),
        ("", "application/x-www-form-urlencoded", "invalid_request"),
    ],
)
async def test_missing_or_other_grant_is_400(
    api: Api, data: str, content_type: str, error: str
) -> None:
    """Another grant → ``unsupported_grant_type``; none or a broken body → ``invalid_request``."""
    headers = {"Content-Type": content_type}
    response = await api.client.post(OAUTH, data=data, headers=headers)
    assert response.status == 400
    assert (await response.json())["error"] == error


async def test_client_token_expires_after_its_lifetime(api: Api) -> None:
    """After ``expires_in`` simulated seconds the token is rejected."""
    token = await client_token(api)
    api.sim.advance(35999)
    await api.get(HP, token=token)
    api.sim.advance(1)
    assert await api.get(HP, 401, token=token) == {"detail": "Token has expired."}


async def test_revoked_token_is_401(api: Api) -> None:
    """A revoked token → 401 ``Token has been revoked.``."""
    token = await client_token(api)
    assert api.sim.revoke_tokens(token) == 1
    assert await api.get(HP, 401, token=token) == {"detail": "Token has been revoked."}


def test_revoking_counts_refresh_tokens_and_ignores_unknown_ones(
    sim: Simulator,
) -> None:
    """A refresh token can be revoked (1, then unusable); a value nobody holds counts 0."""
    refresh = sim.tokens.issue_refresh(sim.org_id, sim.user_id)
    assert sim.revoke_tokens(refresh.value) == 1
    assert sim.tokens.use_refresh(refresh.value) is None
    assert sim.revoke_tokens("nobody") == 0


async def test_password_login_gives_a_user_token_and_a_refresh_token(api: Api) -> None:
    """Password login yields TokenOutput whose access token reads the user's devices."""
    body = await (await password_login(api)).json()
    assert set(body) == {
        "access_token", "expires_in", "token_type", "scope", "refresh_token"
    }  # fmt: skip
    await api.get(EV, token=body["access_token"])


async def test_password_token_is_confined_to_its_user(api: Api, sim: Simulator) -> None:
    """An end-user token gets 403 on another user's path and lists only itself."""
    token = (await (await password_login(api)).json())["access_token"]
    other = api.path(f"/{HP}", sim.second_user_id)
    assert (await api.get(other, 403, token=token))["detail"]
    users = await api.get(api.org_path("/users"), token=token)
    assert [user["id"] for user in users] == [sim.user_id]


async def test_wrong_password_is_401(api: Api) -> None:
    """Bad password → 401."""
    assert (await password_login(api, "nope")).status == 401


async def test_refresh_grant_rotates_the_refresh_token(api: Api) -> None:
    """A refresh gives new tokens; the old refresh token is spent."""
    first = await (await password_login(api)).json()
    refresh = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    response = await api.client.post(PARTNER_TOKEN, json=refresh)
    second = await response.json()
    assert response.status == 200
    assert second["refresh_token"] != first["refresh_token"]
    await api.get(HP, token=second["access_token"])
    assert (await api.client.post(PARTNER_TOKEN, json=refresh)).status == 401


@pytest.mark.parametrize("body", [{}, {"grant_type": None}, {"grant_type": "magic"}])
async def test_token_input_validation_is_422(api: Api, body: dict[str, Any]) -> None:
    """Missing, null or unknown grant types are validation errors."""
    response = await api.client.post(PARTNER_TOKEN, json=body)
    assert response.status == 422
    assert (await response.json())["detail"][0]["loc"] == ["body", "grant_type"]


@pytest.mark.parametrize("suffix", [f"/users/{{user}}/{HP}", "/users"])
async def test_other_org_path_is_403(api: Api, sim: Simulator, suffix: str) -> None:
    """A valid token on another organisation's paths (users, devices) → 403."""
    path = api.org_path(suffix.format(user=sim.other_org_user_id), sim.other_org_id)
    assert await api.get(path, 403) == {
        "detail": "You do not have permission to perform this action."
    }


@pytest.mark.parametrize(
    "path",
    [f"/org/{{org}}/users/{UNKNOWN}/{HP}", "/nothing-here"],
    ids=["user", "route"],
)
async def test_unknown_user_or_route_is_json_404(api: Api, path: str) -> None:
    """A well-formed but unknown user id, or a path the API lacks → 404 ``Not Found``."""
    url = PREFIX + path.format(org=api.sim.org_id)
    assert await api.get(url, 404) == {"detail": "Not Found"}


async def test_non_uuid_path_id_is_422(api: Api) -> None:
    """Non-UUID path ids → 422 naming each parameter (Django Ninja style)."""
    body = await api.get(f"{PREFIX}/org/not-a-uuid/users/also-not/{HP}", 422)
    locs = [item["loc"] for item in body["detail"]]
    assert locs == [["path", "org_id"], ["path", "user_id"]]
    assert body["detail"][0]["type"] == "uuid_parsing"


async def test_wrong_method_is_json_405(api: Api) -> None:
    """A known path with an unsupported method → 405 with ``Allow``."""
    response = await api.request("DELETE", HP)
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
