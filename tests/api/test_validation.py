"""Nothing unchecked goes into a URL: ids must be UUIDs and the base URL a bare origin."""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import aiohttp
import pytest

from custom_components.podero.api import (
    ChargePolicyUpdate,
    DayChargePolicy,
    DeviceUpdate,
    ElectricVehicle,
    HeatPump,
    PoderoClient,
    PoderoInsecureUrlError,
    PoderoInvalidIdError,
    PoderoInvalidUrlError,
    SolarInverter,
    StaticTokenAuth,
    Wallbox,
    Weekday,
    is_loopback_host,
    normalize_base_url,
    validate_uuid,
)
from podero_simulator import Simulator
from podero_simulator.scenarios import EV_ID, HEAT_PUMP_ID, USER_ID

from .conftest import ClientFactory, api_requests

VALID = "5a8e2c14-7b3d-4f6a-9e01-2c3d4e5f6a7b"
# Strings a caller (or a tampered config entry) could pass as an id, none of them a UUID.
BAD_ID_STRINGS = {
    "empty": "",
    "word": "not-a-uuid",
    "parent_prefix": "../" + VALID,
    "parent_suffix": VALID + "/../../users",
    "encoded_slash": "..%2f" + VALID,
    "encoded_dots": "%2e%2e",
    "fragment": VALID + "#fragment",
    "query": VALID + "?include_deleted=true",
    "braces": "{" + VALID + "}",
    "urn": "urn:uuid:" + VALID,
    "bare_hex": VALID.replace("-", ""),
    "too_short": VALID[:-1],
    "too_long": VALID + "0",
    "non_ascii_digit": VALID.replace("5", "\u0665"),  # Arabic-Indic five
    "unicode_hyphen": VALID.replace("-", "\u2010"),
    "huge": "a" * 1_000_000,
}
NOT_UUID_STRINGS = pytest.mark.parametrize(
    "bad_id", list(BAD_ID_STRINGS.values()), ids=list(BAD_ID_STRINGS)
)
NOT_UUIDS = pytest.mark.parametrize(
    "bad_id",
    [*BAD_ID_STRINGS.values(), None, 42],
    ids=[*BAD_ID_STRINGS, "none", "number"],
)

DEVICE_CALLS: list[tuple[str, Callable[[PoderoClient, Any], Awaitable[Any]]]] = [
    ("get_device", lambda client, bad: client.get_device(HeatPump, bad)),
    (
        "update_device",
        lambda client, bad: client.update_device(SolarInverter, bad, DeviceUpdate()),
    ),
    ("start_boost", lambda client, bad: client.start_boost(Wallbox, bad)),
    ("cancel_boost", lambda client, bad: client.cancel_boost(ElectricVehicle, bad)),
    ("get_charge_policy", lambda client, bad: client.get_charge_policy(bad)),
    (
        "update_charge_policy",
        lambda client, bad: client.update_charge_policy(
            bad,
            ChargePolicyUpdate(
                days={
                    Weekday.MON: DayChargePolicy(
                        charge_percentage=1, charge_deadline=None
                    )
                }
            ),
        ),
    ),
    ("get_current_session", lambda client, bad: client.get_current_session(bad)),
    (
        "list_sessions",
        lambda client, bad: client.list_sessions(
            bad, date(2026, 1, 1), date(2026, 1, 2)
        ),
    ),
]


# --- ids -------------------------------------------------------------------------------------


@NOT_UUIDS
@pytest.mark.parametrize(
    ("method", "call"), DEVICE_CALLS, ids=[name for name, _ in DEVICE_CALLS]
)
async def test_device_id_that_is_not_a_uuid_is_refused_before_any_request(
    client: PoderoClient, sim: Simulator, bad_id: Any, method: str, call: Any
) -> None:
    """Path traversal, query or fragment injection never reach the server."""
    with pytest.raises(PoderoInvalidIdError) as caught:
        await call(client, bad_id)

    assert api_requests(sim) == []
    assert str(caught.value).endswith("id is not a UUID")
    assert repr(bad_id)[:12] not in str(caught.value)


@NOT_UUIDS
def test_organisation_id_that_is_not_a_uuid_is_refused(
    session: aiohttp.ClientSession, base_url: str, sim: Simulator, bad_id: Any
) -> None:
    """The client cannot even be built."""
    with pytest.raises(PoderoInvalidIdError, match="organisation id"):
        PoderoClient(session, base_url, StaticTokenAuth("t"), bad_id, USER_ID)

    assert api_requests(sim) == []


@NOT_UUID_STRINGS
def test_user_id_that_is_not_a_uuid_is_refused(
    make_client: ClientFactory, client: PoderoClient, sim: Simulator, bad_id: str
) -> None:
    """Neither at construction nor when switching users."""
    with pytest.raises(PoderoInvalidIdError, match="user id"):
        make_client(user_id=bad_id)
    with pytest.raises(PoderoInvalidIdError, match="user id"):
        client.for_user(bad_id)

    assert api_requests(sim) == []


async def test_upper_case_ids_are_accepted_and_normalised(
    make_client: ClientFactory, sim: Simulator
) -> None:
    """UUIDs are case-insensitive; the client sends the canonical lower-case form."""
    client = make_client(org_id=sim.org_id.upper(), user_id=USER_ID.upper())

    device = await client.get_device(HeatPump, HEAT_PUMP_ID.upper())

    assert (client.org_id, client.user_id, device.id) == (
        sim.org_id,
        USER_ID,
        HEAT_PUMP_ID,
    )
    assert api_requests(sim) == [
        f"GET /api/partners/v2.0/org/{sim.org_id}/users/{USER_ID}/heat-pumps/{HEAT_PUMP_ID}"
    ]


async def test_surrounding_whitespace_of_an_id_is_dropped(
    client: PoderoClient, sim: Simulator
) -> None:
    """A pasted id with a trailing newline still addresses the device."""
    await client.get_charge_policy(f" {EV_ID}\n")

    assert api_requests(sim)[0].endswith(f"/electric-vehicles/{EV_ID}/charge-policy")


def test_validate_uuid_returns_the_canonical_form() -> None:
    """Public helper for callers that store ids."""
    assert validate_uuid(VALID.upper(), "user id") == VALID


@pytest.mark.parametrize(
    "bad_id",
    ["   ", "gggggggg-7b3d-4f6a-9e01-2c3d4e5f6a7b", VALID + "/users"],
    ids=["blank", "not_hex", "extra_path"],
)
def test_validate_uuid_refuses_what_a_form_may_hold(bad_id: str) -> None:
    """Typed into the config flow's organisation or user field, these are no ids either."""
    with pytest.raises(PoderoInvalidIdError):
        validate_uuid(bad_id, "user id")


# --- base URL --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://app.podero.com",
        "http://sandbox-app.podero.com:8080/",
        "http://192.168.1.10:8000",
        "http://podero.local",
        "http://[2001:db8::1]",
        "http://0.0.0.0:8000",
        "http://localhost.example.com",
    ],
)
def test_plain_http_to_another_host_is_refused(url: str) -> None:
    """Bearer tokens must not cross a network in clear text."""
    with pytest.raises(PoderoInsecureUrlError):
        normalize_base_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://app.podero.com/api/partners/v2.0",
        "https://app.podero.com/x",
        "https://app.podero.com/?next=/admin",
        "https://app.podero.com/#docs",
        "https://admin:hunter2@app.podero.com",
        "https://admin@app.podero.com",
        "ftp://app.podero.com",
        "app.podero.com",
        "//app.podero.com",
        "https://",
        "http://[::1",
        "https://app.podero.com:99999",
        "https://app.podero.com/" + "a" * 3000,
        "https://" + "a" * 10_000 + ".com",
        "https://app.podero.com//",
        "https://app.podero.com\n/x",
        "javascript:alert(1)",
        "not a url at all",
        "",
        None,
    ],
    ids=[
        "api_path",
        "path",
        "query",
        "fragment",
        "user_and_password",
        "user",
        "ftp",
        "no_scheme",
        "scheme_relative",
        "no_host",
        "broken_ipv6",
        "port_out_of_range",
        "too_long",
        "huge_host",
        "double_slash",
        "newline",
        "javascript",
        "garbage",
        "empty",
        "none",
    ],
)
def test_base_url_must_be_a_bare_http_origin(url: Any) -> None:
    """Paths, queries, fragments and user info are refused rather than dropped."""
    with pytest.raises(PoderoInvalidUrlError) as caught:
        normalize_base_url(url)

    assert not isinstance(caught.value, PoderoInsecureUrlError)
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://app.podero.com/", "https://app.podero.com"),
        (
            "  https://sandbox-app.podero.com:8443  ",
            "https://sandbox-app.podero.com:8443",
        ),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.0.0.2", "http://127.0.0.2"),
        ("http://localhost:8123/", "http://localhost:8123"),
        ("HTTP://LOCALHOST", "http://localhost"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("https://app.podero.com:443", "https://app.podero.com"),
        ("  HTTPS://Podero.Example.COM:8443/  ", "https://podero.example.com:8443"),
    ],
)
def test_https_anywhere_and_http_on_this_machine_are_accepted(
    url: str, origin: str
) -> None:
    """The origin is returned in lower case, without a trailing slash or default port."""
    assert normalize_base_url(url) == origin


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LocalHost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost.example.com", False),
        ("10.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("app.podero.com", False),
    ],
)
def test_is_loopback_host(host: str, loopback: bool) -> None:
    """Only names and addresses of this machine count."""
    assert is_loopback_host(host) is loopback


def test_client_refuses_an_insecure_base_url(session: aiohttp.ClientSession) -> None:
    """The check runs when the client is built, before any token is used."""
    with pytest.raises(PoderoInsecureUrlError):
        PoderoClient(session, "http://app.podero.com", StaticTokenAuth("t"), VALID)


def test_client_keeps_the_normalised_origin(session: aiohttp.ClientSession) -> None:
    """Paths are joined to the origin, so a trailing slash must not double up."""
    client = PoderoClient(
        session, "https://app.podero.com/", StaticTokenAuth("t"), VALID
    )

    assert client.base_url == "https://app.podero.com"
    assert client.user_id is None
