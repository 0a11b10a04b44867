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
from podero_simulator.scenarios import HEAT_PUMP_ID, USER_ID

from .conftest import ClientFactory, api_requests

VALID = "5a8e2c14-7b3d-4f6a-9e01-2c3d4e5f6a7b"
# Strings a caller, a form or a tampered config entry could pass as an id, none of them a UUID.
BAD_ID_STRINGS = {
    "empty": "",
    "blank": "   ",
    "word": "not-a-uuid",
    "not_hex": "gggggggg-7b3d-4f6a-9e01-2c3d4e5f6a7b",
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
    "bad_id", BAD_ID_STRINGS.values(), ids=BAD_ID_STRINGS
)
NOT_UUIDS = pytest.mark.parametrize(
    "bad_id",
    [*BAD_ID_STRINGS.values(), None, 42],
    ids=[*BAD_ID_STRINGS, "none", "number"],
)
MONDAY = ChargePolicyUpdate(
    days={Weekday.MON: DayChargePolicy(charge_percentage=1, charge_deadline=None)}
)
DEVICE_CALLS: dict[str, Callable[[PoderoClient, Any], Awaitable[Any]]] = {
    "get_device": lambda client, bad: client.get_device(HeatPump, bad),
    "update_device": lambda client, bad: client.update_device(
        SolarInverter, bad, DeviceUpdate()
    ),
    "start_boost": lambda client, bad: client.start_boost(Wallbox, bad),
    "cancel_boost": lambda client, bad: client.cancel_boost(ElectricVehicle, bad),
    "get_charge_policy": lambda client, bad: client.get_charge_policy(bad),
    "update_charge_policy": lambda client, bad: client.update_charge_policy(
        bad, MONDAY
    ),
    "get_current_session": lambda client, bad: client.get_current_session(bad),
    "list_sessions": lambda client, bad: client.list_sessions(
        bad, date(2026, 1, 1), date(2026, 1, 2)
    ),
}


# --- ids -------------------------------------------------------------------------------------


@NOT_UUIDS
@pytest.mark.parametrize("call", DEVICE_CALLS.values(), ids=DEVICE_CALLS)
async def test_device_id_that_is_not_a_uuid_is_refused_before_any_request(
    client: PoderoClient, sim: Simulator, bad_id: Any, call: Any
) -> None:
    """Path traversal, query or fragment injection never reach the server."""
    with pytest.raises(PoderoInvalidIdError) as caught:
        await call(client, bad_id)

    assert api_requests(sim) == []
    assert str(caught.value).endswith("id is not a UUID")
    assert repr(bad_id)[:12] not in str(caught.value)


@NOT_UUIDS
def test_organisation_id_that_is_not_a_uuid_is_refused(
    session: aiohttp.ClientSession, base_url: str, bad_id: Any
) -> None:
    """The client cannot even be built."""
    with pytest.raises(PoderoInvalidIdError, match="organisation id"):
        PoderoClient(session, base_url, StaticTokenAuth("t"), bad_id, USER_ID)


@NOT_UUID_STRINGS
def test_user_id_that_is_not_a_uuid_is_refused(
    make_client: ClientFactory, client: PoderoClient, bad_id: str
) -> None:
    """Neither at construction nor when switching users."""
    with pytest.raises(PoderoInvalidIdError, match="user id"):
        make_client(user_id=bad_id)
    with pytest.raises(PoderoInvalidIdError, match="user id"):
        client.for_user(bad_id)


async def test_ids_are_normalised_to_lower_case_without_whitespace(
    make_client: ClientFactory, sim: Simulator
) -> None:
    """UUIDs are case-insensitive and may be pasted with a newline; the canonical form is sent."""
    client = make_client(org_id=sim.org_id.upper(), user_id=f" {USER_ID.upper()}")

    device = await client.get_device(HeatPump, f"{HEAT_PUMP_ID.upper()}\n")

    assert (client.org_id, client.user_id, device.id) == (
        sim.org_id,
        USER_ID,
        HEAT_PUMP_ID,
    )
    assert api_requests(sim) == [
        f"GET /api/partners/v2.0/org/{sim.org_id}/users/{USER_ID}/heat-pumps/{HEAT_PUMP_ID}"
    ]
    assert validate_uuid(VALID.upper(), "user id") == VALID


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


NOT_ORIGINS = {
    "api_path": "https://app.podero.com/api/partners/v2.0",
    "path": "https://app.podero.com/x",
    "query": "https://app.podero.com/?next=/admin",
    "fragment": "https://app.podero.com/#docs",
    "user_and_password": "https://admin:hunter2@app.podero.com",
    "user": "https://admin@app.podero.com",
    "ftp": "ftp://app.podero.com",
    "no_scheme": "app.podero.com",
    "scheme_relative": "//app.podero.com",
    "no_host": "https://",
    "broken_ipv6": "http://[::1",
    "port_out_of_range": "https://app.podero.com:99999",
    "too_long": "https://app.podero.com/" + "a" * 3000,
    "huge_host": "https://" + "a" * 10_000 + ".com",
    "double_slash": "https://app.podero.com//",
    "newline": "https://app.podero.com\n/x",
    "javascript": "javascript:alert(1)",
    "garbage": "not a url at all",
    "empty": "",
    "none": None,
}


@pytest.mark.parametrize("url", NOT_ORIGINS.values(), ids=NOT_ORIGINS)
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
        ("  https://sandbox.podero.com:8443  ", "https://sandbox.podero.com:8443"),
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


def test_client_checks_and_normalises_its_base_url(
    session: aiohttp.ClientSession,
) -> None:
    """The URL is checked and normalised when the client is built, before any token is used."""
    client = PoderoClient(
        session, "https://app.podero.com/", StaticTokenAuth("t"), VALID
    )

    assert (client.base_url, client.user_id) == ("https://app.podero.com", None)
    with pytest.raises(PoderoInsecureUrlError):
        PoderoClient(session, "http://app.podero.com", StaticTokenAuth("t"), VALID)
