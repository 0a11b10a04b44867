"""How the client authenticates: static token, OAuth client credentials, password grant."""

import asyncio
import base64
from collections.abc import Callable
import json

import pytest

from custom_components.podero.api import (
    ClientCredentialsAuth,
    HeatPump,
    PasswordAuth,
    PoderoAuthenticationError,
    PoderoClient,
    PoderoConnectionError,
    PoderoError,
    PoderoMalformedResponseError,
    PoderoServerError,
    PoderoTimeoutError,
)
from podero_simulator import Simulator
from podero_simulator.scenarios import HEAT_PUMP_ID

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


def issued_tokens(sim: Simulator, kind: str) -> list[str]:
    """The access tokens the simulator issued for one grant, oldest first."""
    return [
        str(entry["token"]) for entry in sim.tokens.dump(0) if entry["kind"] == kind
    ]


# --- static API token ------------------------------------------------------------------------


async def test_rejected_static_token_fails_without_retrying(
    make_client: ClientFactory, sim: Simulator
) -> None:
    """A revoked static token cannot be renewed: one request, then a 401 with the reason."""
    sim.revoke_tokens(sim.static_token)

    with pytest.raises(PoderoAuthenticationError) as caught:
        await make_client().list_devices(HeatPump)

    assert (caught.value.status, str(caught.value)) == (401, "Token has been revoked.")
    assert statuses(sim) == [(DEVICES, 401)]


# --- OAuth client credentials ----------------------------------------------------------------


@pytest.fixture
def oauth_client(
    make_client: ClientFactory, client_credentials: ClientCredentialsAuth
) -> PoderoClient:
    """A client for the simulator authenticating with OAuth client credentials."""
    return make_client(client_credentials)


@pytest.mark.parametrize(
    ("client_id", "secret", "basic"),
    [
        ("the-client", "the-secret", b"the-client:the-secret"),
        ("id:1", "sé cret+", b"id%3A1:s%C3%A9+cret%2B"),
    ],
    ids=["plain", "reserved_and_non_ascii_characters_are_form_encoded"],
)
async def test_client_credentials_token_request_follows_the_docs(
    scripted: ScriptedServer,
    scripted_client: ClientFactory,
    client_id: str,
    secret: str,
    basic: bytes,
) -> None:
    """POST /oauth2/token/ with Basic client auth (RFC 6749 2.3.1) and a JSON grant."""
    scripted.reply(path=TOKEN_PATH, json={"access_token": "fresh", "expires_in": 3600})
    scripted.reply(json=[])

    await scripted_client(ClientCredentialsAuth(client_id, secret)).list_devices(
        HeatPump
    )

    (method, path, headers, body), (_, _, api_headers, _) = scripted.received
    assert (method, path, json.loads(body)) == (
        "POST",
        TOKEN_PATH,
        {"grant_type": "client_credentials"},
    )
    assert base64.b64decode(headers["Authorization"].removeprefix("Basic ")) == basic
    assert headers["Cache-Control"] == "no-cache"
    assert api_headers["Authorization"] == "Bearer fresh"


async def test_one_token_serves_every_request_until_it_expires(
    oauth_client: PoderoClient, sim: Simulator
) -> None:
    """A burst at start-up waits for one token, and later requests reuse it."""

    await asyncio.gather(*(oauth_client.list_devices(HeatPump) for _ in range(5)))
    await oauth_client.list_devices(HeatPump)

    assert (token_requests(sim), heat_pump_requests(sim)) == (1, 6)


RENEWALS = {
    "a_minute_early": ({"access_token": "long", "expires_in": 36000}, 36000 - 60),
    "short_lifetime_a_tenth_early": ({"access_token": "short", "expires_in": 100}, 90),
    "missing_expires_in_means_ten_hours": ({"access_token": "no-expiry"}, 36000 - 60),
    # Lifetimes are kept within 60 s .. 24 h; unreadable ones (NaN, 401 digits) are missing.
    "two_days_means_a_day": ({"access_token": "a", "expires_in": 172800}, 86340),
    "huge_expires_in_means_ten_hours": (
        {"access_token": "d", "expires_in": 10**401},
        36000 - 60,
    ),
    "negative_expires_in_means_a_minute": ({"access_token": "b", "expires_in": -5}, 54),
    "nan_expires_in_means_ten_hours": (
        {"access_token": "c", "expires_in": float("nan")},
        36000 - 60,
    ),
}


@pytest.mark.parametrize(("token", "renewed_after"), RENEWALS.values(), ids=RENEWALS)
async def test_token_is_renewed_shortly_before_it_expires(
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

    paths = scripted.paths()
    assert paths.count(TOKEN_PATH) == 2
    assert paths[-2] == TOKEN_PATH


async def test_expired_token_is_renewed_once_and_the_request_retried(
    oauth_client: PoderoClient, sim: Simulator
) -> None:
    """The simulator expires the token early: 401, new token, the same request again."""
    await oauth_client.list_devices(HeatPump)
    sim.log.clear()
    sim.expire_tokens()

    devices = await oauth_client.list_devices(HeatPump)

    assert [device.id for device in devices] == [HEAT_PUMP_ID]
    assert statuses(sim) == [(DEVICES, 401), (TOKEN_PATH, 200), (DEVICES, 200)]


async def test_concurrent_rejections_share_one_renewal(
    oauth_client: PoderoClient, sim: Simulator
) -> None:
    """Requests that all saw the expired token wait for one new token."""
    await oauth_client.list_devices(HeatPump)
    sim.expire_tokens()

    await asyncio.gather(*(oauth_client.list_devices(HeatPump) for _ in range(4)))

    assert (token_requests(sim), heat_pump_requests(sim)) == (2, 1 + 4 + 4)


async def test_second_rejection_after_renewal_is_an_authentication_error(
    oauth_client: PoderoClient, sim: Simulator
) -> None:
    """The retry is not retried: 401, renew, 401 again -> error, no loop."""
    sim.faults.script(
        "revoke", 2, "GET /api/partners/v2.0/org/{o}/users/{u}/heat-pumps"
    )

    with pytest.raises(PoderoAuthenticationError, match=r"^Token has been revoked\.$"):
        await oauth_client.list_devices(HeatPump)

    assert statuses(sim) == [
        (TOKEN_PATH, 200),
        (DEVICES, 401),
        (TOKEN_PATH, 200),
        (DEVICES, 401),
    ]


@pytest.mark.parametrize(
    ("fault", "error", "message"),
    [
        ("5xx", PoderoServerError, "^Token endpoint answered HTTP 502$"),
        ("malformed", PoderoMalformedResponseError, "invalid JSON"),
        ("hang", PoderoTimeoutError, "access token"),
    ],
)
async def test_token_endpoint_failures_are_typed(
    make_client: ClientFactory,
    sim: Simulator,
    fault: str,
    error: type[PoderoError],
    message: str,
) -> None:
    """A 5xx, a cut-off answer or no answer at all from the token endpoint."""
    sim.faults.script(fault, match=f"POST {TOKEN_PATH}", status=502)
    auth = ClientCredentialsAuth(sim.client_id, sim.client_secret, timeout=0.2)

    with pytest.raises(error, match=message):
        await make_client(auth).list_devices(HeatPump)


async def test_token_endpoint_unreachable(
    make_client: ClientFactory,
    client_credentials: ClientCredentialsAuth,
    unreachable_url: str,
) -> None:
    """Connection refused is a connection error."""
    client = make_client(client_credentials, url=unreachable_url)

    with pytest.raises(PoderoConnectionError, match="ClientConnectorError"):
        await client.list_devices(HeatPump)


UNUSABLE_TOKEN_ANSWERS = {
    "no_access_token": (200, b'{"token_type": "Bearer"}', PoderoMalformedResponseError),
    "access_token_not_a_string": (200, b'{"access_token": 42}', PoderoMalformedResponseError),
    "not_an_object": (200, b'["access_token"]', PoderoMalformedResponseError),
    "not_utf8": (200, b"\xff\xfe not UTF-8", PoderoMalformedResponseError),
    "empty": (200, b"", PoderoMalformedResponseError),
    "refused_with_400": (400, b'{"error": "invalid_grant"}', PoderoAuthenticationError),
    "refused_with_401": (401, b'{"error": "invalid_client"}', PoderoAuthenticationError),
    "refused_with_403": (403, b'{"error": "invalid_client"}', PoderoAuthenticationError),
}  # fmt: skip


@pytest.mark.parametrize(
    ("status", "body", "error"),
    UNUSABLE_TOKEN_ANSWERS.values(),
    ids=UNUSABLE_TOKEN_ANSWERS,
)
async def test_unusable_token_answer_sends_no_api_request(
    scripted: ScriptedServer,
    scripted_client: ClientFactory,
    status: int,
    body: bytes,
    error: type[PoderoError],
) -> None:
    """Malformed answers and refusals (OAuth servers refuse with 400 too) are typed errors."""
    scripted.reply(path=TOKEN_PATH, status=status, raw=body)

    with pytest.raises(error):
        await scripted_client(ClientCredentialsAuth("id", "secret")).list_devices(
            HeatPump
        )

    assert scripted.paths() == [TOKEN_PATH]


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


@pytest.mark.parametrize(
    "expire",
    [
        lambda sim, _clock: sim.expire_tokens(),
        lambda _sim, clock: setattr(clock, "now", clock.now + 36000),
    ],
    ids=["after_a_401", "ahead_of_expiry"],
)
async def test_password_grant_renews_with_the_refresh_token(
    make_client: ClientFactory,
    password_auth: PasswordAuth,
    monotonic: MonotonicClock,
    sim: Simulator,
    expire: Callable[[Simulator, MonotonicClock], object],
) -> None:
    """The refresh token (not the password) gets the new access token, and is spent."""
    client = make_client(password_auth)
    await client.list_devices(HeatPump)
    expire(sim, monotonic)

    await client.list_devices(HeatPump)

    (_, first_spent), (second, second_spent) = refresh_tokens(sim)
    assert (first_spent, second_spent) == (True, False)
    assert token_requests(sim, PASSWORD_TOKEN_ROUTE) == 2
    access = issued_tokens(sim, "password")[-1]
    assert password_auth.secrets == (sim.password, access, second)


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
    sim.faults.script("5xx", match=PASSWORD_TOKEN_ROUTE)

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
