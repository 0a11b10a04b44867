"""How the client authenticates: static token, OAuth client credentials, password grant."""

import asyncio
import base64
import json

import aiohttp
import pytest

from custom_components.podero.api import (
    ClientCredentialsAuth,
    HeatPump,
    PasswordAuth,
    PoderoAuthenticationError,
    PoderoConnectionError,
    PoderoForbiddenError,
    PoderoMalformedResponseError,
    PoderoServerError,
    PoderoTimeoutError,
    StaticTokenAuth,
)
from podero_simulator import Simulator
from podero_simulator.scenarios import HEAT_PUMP_ID, SECOND_USER_ID

from .conftest import (
    PASSWORD_TOKEN_ROUTE,
    ClientFactory,
    MonotonicClock,
    ScriptedServer,
    token_requests,
)

DEVICES = "/api/partners/v2.0/org/{org_id}/users/{user_id}/heat-pumps"
TOKEN_PATH = "/oauth2/token/"


def statuses(sim: Simulator) -> list[tuple[str, int | None]]:
    """(route, status) of every request, oldest first."""
    return [(entry["route"], entry["status"]) for entry in sim.requests()]


def heat_pump_requests(sim: Simulator) -> int:
    """How often the heat pump list was requested."""
    return sim.counters().get(f"GET {DEVICES}", 0)


# --- static API token ------------------------------------------------------------------------


async def test_static_token_is_sent_as_bearer_token(
    make_client: ClientFactory, sim: Simulator
) -> None:
    """The pasted token works as is; no token endpoint is involved."""
    devices = await make_client(StaticTokenAuth(sim.static_token)).list_devices(
        HeatPump
    )

    assert [device.id for device in devices] == [HEAT_PUMP_ID]
    assert statuses(sim) == [(DEVICES, 200)]


async def test_rejected_static_token_fails_without_retrying(
    make_client: ClientFactory, sim: Simulator
) -> None:
    """A revoked static token cannot be renewed: one request, then an auth error."""
    sim.revoke_tokens(sim.static_token)

    with pytest.raises(PoderoAuthenticationError) as caught:
        await make_client().list_devices(HeatPump)

    assert (caught.value.status, caught.value.message) == (
        401,
        "Token has been revoked.",
    )
    assert statuses(sim) == [(DEVICES, 401)]


async def test_static_token_cannot_be_renewed(session: aiohttp.ClientSession) -> None:
    """The strategy says so, and asking anyway is an authentication error."""
    auth = StaticTokenAuth("pasted-token")

    assert auth.can_renew is False
    assert auth.secrets == ("pasted-token",)
    with pytest.raises(PoderoAuthenticationError):
        await auth.renew(session, "http://127.0.0.1", "pasted-token")


# --- OAuth client credentials ----------------------------------------------------------------


async def test_client_credentials_token_request_follows_the_docs(
    scripted: ScriptedServer, scripted_client: ClientFactory
) -> None:
    """POST /oauth2/token/ with Basic client auth and a JSON grant; then Bearer <token>."""
    scripted.reply(path=TOKEN_PATH, json={"access_token": "fresh", "expires_in": 3600})
    scripted.reply(json=[])
    auth = ClientCredentialsAuth("the-client", "the-secret")

    await scripted_client(auth).list_devices(HeatPump)

    (token_method, token_path, token_headers, token_body), api = scripted.received
    assert (token_method, token_path) == ("POST", TOKEN_PATH)
    assert token_headers["Authorization"] == "Basic " + base64.b64encode(
        b"the-client:the-secret"
    ).decode("ascii")
    assert token_headers["Cache-Control"] == "no-cache"
    assert json.loads(token_body) == {"grant_type": "client_credentials"}
    assert api[2]["Authorization"] == "Bearer fresh"


async def test_client_credentials_are_form_encoded_inside_basic_auth(
    scripted: ScriptedServer, scripted_client: ClientFactory
) -> None:
    """RFC 6749 2.3.1: a ':' in the id or non-ASCII in the secret cannot break the header."""
    scripted.reply(path=TOKEN_PATH, json={"access_token": "fresh", "expires_in": 3600})
    scripted.reply(json=[])

    await scripted_client(ClientCredentialsAuth("id:1", "sé cret+")).list_devices(
        HeatPump
    )

    header = scripted.received[0][2]["Authorization"]
    assert base64.b64decode(header.removeprefix("Basic ")) == b"id%3A1:s%C3%A9+cret%2B"


async def test_client_credentials_token_is_fetched_once_and_cached(
    make_client: ClientFactory,
    client_credentials: ClientCredentialsAuth,
    sim: Simulator,
) -> None:
    """Three requests, one token request."""
    client = make_client(client_credentials)

    for _ in range(3):
        await client.list_devices(HeatPump)

    assert token_requests(sim) == 1
    assert heat_pump_requests(sim) == 3


async def test_concurrent_requests_trigger_a_single_token_request(
    make_client: ClientFactory,
    client_credentials: ClientCredentialsAuth,
    sim: Simulator,
) -> None:
    """A burst at start-up waits for one token instead of asking for one each."""
    client = make_client(client_credentials)

    await asyncio.gather(*(client.list_devices(HeatPump) for _ in range(5)))

    assert token_requests(sim) == 1
    assert heat_pump_requests(sim) == 5


async def test_token_is_renewed_shortly_before_it_expires(
    make_client: ClientFactory,
    client_credentials: ClientCredentialsAuth,
    monotonic: MonotonicClock,
    sim: Simulator,
) -> None:
    """expires_in is 36000 s; a new token is fetched 60 s before that, not earlier."""
    client = make_client(client_credentials)
    await client.list_devices(HeatPump)
    first = client_credentials.secrets[1]

    monotonic.now += 36000 - 60 - 1
    await client.list_devices(HeatPump)
    assert token_requests(sim) == 1

    monotonic.now += 1
    await client.list_devices(HeatPump)
    assert token_requests(sim) == 2
    assert client_credentials.secrets[1] != first
    assert [status for _, status in statuses(sim)] == [200] * 5


@pytest.mark.parametrize(
    ("token", "renewed_after"),
    [
        ({"access_token": "short", "expires_in": 100}, 90),
        ({"access_token": "no-expiry"}, 36000 - 60),
    ],
    ids=["short_lifetime_renews_a_tenth_early", "missing_expires_in_means_ten_hours"],
)
async def test_renewal_margin_follows_the_token_lifetime(
    scripted: ScriptedServer,
    scripted_client: ClientFactory,
    monotonic: MonotonicClock,
    token: dict[str, object],
    renewed_after: float,
) -> None:
    """The margin is 60 s or a tenth of the lifetime; no lifetime means the documented 10 h."""
    scripted.reply(path=TOKEN_PATH, json=token)
    scripted.reply(json=[])
    client = scripted_client(ClientCredentialsAuth("id", "secret", clock=monotonic))
    await client.list_devices(HeatPump)

    monotonic.now += renewed_after - 1
    await client.list_devices(HeatPump)
    monotonic.now += 1
    await client.list_devices(HeatPump)

    paths = [path for _, path, _, _ in scripted.received]
    assert paths.count(TOKEN_PATH) == 2
    assert paths[-2] == TOKEN_PATH


async def test_expired_token_is_renewed_once_and_the_request_retried(
    make_client: ClientFactory,
    client_credentials: ClientCredentialsAuth,
    sim: Simulator,
) -> None:
    """The simulator expires the token early: 401, new token, the same request again."""
    client = make_client(client_credentials)
    await client.list_devices(HeatPump)
    sim.log.clear()
    sim.expire_tokens()

    devices = await client.list_devices(HeatPump)

    assert [device.id for device in devices] == [HEAT_PUMP_ID]
    assert statuses(sim) == [
        (DEVICES, 401),
        ("/oauth2/token/", 200),
        (DEVICES, 200),
    ]


async def test_concurrent_rejections_share_one_renewal(
    make_client: ClientFactory,
    client_credentials: ClientCredentialsAuth,
    sim: Simulator,
) -> None:
    """Requests that all saw the expired token wait for one new token."""
    client = make_client(client_credentials)
    await client.list_devices(HeatPump)
    sim.expire_tokens()

    await asyncio.gather(*(client.list_devices(HeatPump) for _ in range(4)))

    assert token_requests(sim) == 2
    assert heat_pump_requests(sim) == 1 + 4 + 4


async def test_second_rejection_after_renewal_is_an_authentication_error(
    make_client: ClientFactory,
    client_credentials: ClientCredentialsAuth,
    sim: Simulator,
) -> None:
    """The retry is not retried: 401, renew, 401 again -> error, no loop."""
    client = make_client(client_credentials)
    sim.faults.script(
        "revoke", 2, "GET /api/partners/v2.0/org/{o}/users/{u}/heat-pumps"
    )

    with pytest.raises(PoderoAuthenticationError) as caught:
        await client.list_devices(HeatPump)

    assert caught.value.message == "Token has been revoked."
    assert statuses(sim) == [
        ("/oauth2/token/", 200),
        (DEVICES, 401),
        ("/oauth2/token/", 200),
        (DEVICES, 401),
    ]


async def test_revoked_client_secret_is_an_authentication_error(
    make_client: ClientFactory,
    client_credentials: ClientCredentialsAuth,
    sim: Simulator,
) -> None:
    """The partner rotated the secret: the renewal is refused and the caller must re-auth."""
    client = make_client(client_credentials)
    await client.list_devices(HeatPump)
    sim.client_secret = "rotated-by-the-partner"
    sim.expire_tokens()

    with pytest.raises(PoderoAuthenticationError) as caught:
        await client.list_devices(HeatPump)

    assert (caught.value.status, caught.value.message) == (
        401,
        "The credentials were rejected",
    )


async def test_wrong_client_secret_sends_no_api_request(
    make_client: ClientFactory, sim: Simulator
) -> None:
    """Without a token there is nothing to send."""
    client = make_client(ClientCredentialsAuth(sim.client_id, "wrong"))

    with pytest.raises(PoderoAuthenticationError):
        await client.list_devices(HeatPump)

    assert statuses(sim) == [("/oauth2/token/", 401)]


async def test_token_endpoint_server_error(
    make_client: ClientFactory,
    client_credentials: ClientCredentialsAuth,
    sim: Simulator,
) -> None:
    """A 5xx from the token endpoint is a server error with its status."""
    sim.faults.script("5xx", match="POST /oauth2/token/", status=502)

    with pytest.raises(PoderoServerError) as caught:
        await make_client(client_credentials).list_devices(HeatPump)

    assert (caught.value.status, caught.value.message) == (
        502,
        "Token endpoint answered HTTP 502",
    )


async def test_token_endpoint_truncated_json(
    make_client: ClientFactory,
    client_credentials: ClientCredentialsAuth,
    sim: Simulator,
) -> None:
    """A cut-off token answer is a malformed response."""
    sim.faults.script("malformed", match="POST /oauth2/token/")

    with pytest.raises(PoderoMalformedResponseError, match="invalid JSON"):
        await make_client(client_credentials).list_devices(HeatPump)


async def test_token_endpoint_hanging(
    make_client: ClientFactory, sim: Simulator
) -> None:
    """A token request that never answers times out."""
    sim.faults.script("hang", match="POST /oauth2/token/")
    auth = ClientCredentialsAuth(sim.client_id, sim.client_secret, timeout=0.2)

    with pytest.raises(PoderoTimeoutError, match="access token"):
        await make_client(auth).list_devices(HeatPump)


async def test_token_endpoint_unreachable(
    make_client: ClientFactory,
    client_credentials: ClientCredentialsAuth,
    unreachable_url: str,
) -> None:
    """Connection refused is a connection error."""
    with pytest.raises(PoderoConnectionError, match="ClientConnectorError"):
        await make_client(client_credentials, url=unreachable_url).list_devices(
            HeatPump
        )


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, b'{"token_type": "Bearer"}'),
        (200, b'{"access_token": 42}'),
        (200, b'["access_token"]'),
        (200, b"\xff\xfe not UTF-8"),
        (200, b""),
    ],
    ids=[
        "no_access_token",
        "access_token_not_a_string",
        "not_an_object",
        "not_utf8",
        "empty",
    ],
)
async def test_unusable_token_answer_is_a_malformed_response(
    scripted: ScriptedServer, scripted_client: ClientFactory, status: int, body: bytes
) -> None:
    """Whatever the token endpoint sends, the caller sees a PoderoError."""
    scripted.reply(path=TOKEN_PATH, status=status, raw=body)

    with pytest.raises(PoderoMalformedResponseError):
        await scripted_client(ClientCredentialsAuth("id", "secret")).list_devices(
            HeatPump
        )

    assert [path for _, path, _, _ in scripted.received] == [TOKEN_PATH]


@pytest.mark.parametrize("status", [400, 401, 403])
async def test_token_endpoint_refusals_are_authentication_errors(
    scripted: ScriptedServer, scripted_client: ClientFactory, status: int
) -> None:
    """OAuth servers refuse credentials with 400 (invalid_grant) as well as 401/403."""
    scripted.reply(path=TOKEN_PATH, status=status, json={"error": "invalid_client"})

    with pytest.raises(PoderoAuthenticationError) as caught:
        await scripted_client(ClientCredentialsAuth("id", "secret")).list_devices(
            HeatPump
        )

    assert caught.value.status == status


async def test_client_credentials_secrets_are_the_secret_and_the_current_token(
    make_client: ClientFactory,
    client_credentials: ClientCredentialsAuth,
    sim: Simulator,
) -> None:
    """What the client scrubs from error texts (the client id is not a secret)."""
    before_login = client_credentials.secrets

    await make_client(client_credentials).list_devices(HeatPump)

    (token,) = (
        str(entry["token"]) for entry in sim.tokens.dump(0) if entry["kind"] != "static"
    )
    assert before_login == (sim.client_secret,)
    assert client_credentials.secrets == (sim.client_secret, token)
    assert client_credentials.can_renew is True


# --- password and refresh-token grant --------------------------------------------------------


@pytest.fixture
def password_auth(sim: Simulator, monotonic: MonotonicClock) -> PasswordAuth:
    """The household user's login."""
    return PasswordAuth(sim.username, sim.password, clock=monotonic)


def refresh_tokens(sim: Simulator) -> list[tuple[str, bool]]:
    """(refresh token, spent) in the order the simulator issued them."""
    return [
        (value, refresh.used) for value, refresh in sim.tokens.refresh_tokens.items()
    ]


async def test_password_grant_logs_in_as_the_user(
    make_client: ClientFactory, password_auth: PasswordAuth, sim: Simulator
) -> None:
    """The user's own token reads the user's devices."""
    devices = await make_client(password_auth).list_devices(HeatPump)

    assert [device.id for device in devices] == [HEAT_PUMP_ID]
    assert token_requests(sim, PASSWORD_TOKEN_ROUTE) == 1
    assert token_requests(sim) == 0


async def test_password_grant_token_is_limited_to_its_user(
    make_client: ClientFactory, password_auth: PasswordAuth
) -> None:
    """Another user of the organisation is forbidden to an end-user token."""
    client = make_client(password_auth).for_user(SECOND_USER_ID)

    with pytest.raises(PoderoForbiddenError) as caught:
        await client.list_devices(HeatPump)

    assert caught.value.status == 403


async def test_password_grant_renews_with_the_refresh_token(
    make_client: ClientFactory, password_auth: PasswordAuth, sim: Simulator
) -> None:
    """After a 401 the refresh token (not the password) gets a new access token."""
    client = make_client(password_auth)
    await client.list_devices(HeatPump)
    sim.expire_tokens()

    await client.list_devices(HeatPump)

    (_, first_spent), (second, second_spent) = refresh_tokens(sim)
    assert (first_spent, second_spent) == (True, False)
    assert token_requests(sim, PASSWORD_TOKEN_ROUTE) == 2
    *_, access = (
        str(entry["token"])
        for entry in sim.tokens.dump(0)
        if entry["kind"] == "password"
    )
    assert password_auth.secrets == (sim.password, access, second)


async def test_password_grant_renews_ahead_of_expiry_too(
    make_client: ClientFactory,
    password_auth: PasswordAuth,
    monotonic: MonotonicClock,
    sim: Simulator,
) -> None:
    """The clock-driven renewal also spends the refresh token."""
    client = make_client(password_auth)
    await client.list_devices(HeatPump)
    monotonic.now += 36000

    await client.list_devices(HeatPump)

    assert [spent for _, spent in refresh_tokens(sim)] == [True, False]


async def test_rejected_refresh_token_falls_back_to_the_password(
    make_client: ClientFactory, password_auth: PasswordAuth, sim: Simulator
) -> None:
    """A spent or revoked refresh token: log in with the password once more."""
    client = make_client(password_auth)
    await client.list_devices(HeatPump)
    ((refresh, _),) = refresh_tokens(sim)
    sim.revoke_tokens(refresh)
    sim.expire_tokens()

    await client.list_devices(HeatPump)

    assert [status for route, status in statuses(sim) if "auth/token" in route] == [
        200,  # password
        401,  # refresh token refused
        200,  # password again
    ]
    assert [spent for _, spent in refresh_tokens(sim)] == [True, False]


async def test_refresh_failing_for_another_reason_is_not_hidden(
    make_client: ClientFactory, password_auth: PasswordAuth, sim: Simulator
) -> None:
    """Only a refused refresh token falls back; a server error surfaces as is."""
    client = make_client(password_auth)
    await client.list_devices(HeatPump)
    sim.expire_tokens()
    sim.faults.script("5xx", match="POST /api/partners/v2.0/auth/token")

    with pytest.raises(PoderoServerError):
        await client.list_devices(HeatPump)

    assert token_requests(sim, PASSWORD_TOKEN_ROUTE) == 2


async def test_wrong_password_is_an_authentication_error(
    make_client: ClientFactory, sim: Simulator
) -> None:
    """The login is refused; nothing else is sent."""
    client = make_client(PasswordAuth(sim.username, "not-the-password"))

    with pytest.raises(PoderoAuthenticationError):
        await client.list_devices(HeatPump)

    assert heat_pump_requests(sim) == 0


async def test_password_grant_without_refresh_token_logs_in_again(
    scripted: ScriptedServer, scripted_client: ClientFactory, monotonic: MonotonicClock
) -> None:
    """A server that issues no refresh token gets the password on every renewal."""
    scripted.reply(path="/auth/token", json={"access_token": "one", "expires_in": 600})
    scripted.reply(json=[])
    auth = PasswordAuth("peter@example.com", "pw", clock=monotonic)
    client = scripted_client(auth)
    await client.list_devices(HeatPump)
    monotonic.now += 600

    await client.list_devices(HeatPump)

    grants = [
        json.loads(body)["grant_type"]
        for _, path, _, body in scripted.received
        if path.endswith("/auth/token")
    ]
    assert grants == ["password", "password"]
    assert auth.secrets == ("pw", "one")
