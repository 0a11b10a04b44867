"""Every failure surfaces as its typed PoderoError, with what a user or log reader needs."""

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
import json
import time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest

from custom_components.podero.api import (
    ChargingConfigUpdate,
    ClientCredentialsAuth,
    DeviceUpdate,
    ElectricVehicle,
    HeatPump,
    PoderoAuthenticationError,
    PoderoClient,
    PoderoConflictError,
    PoderoConnectionError,
    PoderoError,
    PoderoForbiddenError,
    PoderoMalformedResponseError,
    PoderoNotFoundError,
    PoderoRateLimitError,
    PoderoServerError,
    PoderoTimeoutError,
    PoderoValidationError,
    StaticTokenAuth,
    Wallbox,
)
from custom_components.podero.api.transport import _retry_after_seconds
from podero_simulator import Simulator
from podero_simulator.scenarios import (
    EV_ID,
    HEAT_PUMP_ID,
    OTHER_ORG_ID,
    OTHER_ORG_USER_ID,
)

from .conftest import (
    HEAT_PUMPS,
    UNKNOWN_ID,
    ClientFactory,
    ScriptedServer,
    api_requests,
)

DAY = (datetime(2026, 1, 14, tzinfo=UTC), datetime(2026, 1, 15, tzinfo=UTC))
DAYS = (date(2026, 1, 14), date(2026, 1, 15))
type Call = Callable[[PoderoClient], Any]


# --- 401 / 403 / 404 -------------------------------------------------------------------------


async def test_empty_static_token_is_rejected_with_a_readable_message(
    make_client: ClientFactory,
) -> None:
    """An empty secret is not scrubbed (replacing "" would mangle every message)."""
    with pytest.raises(PoderoAuthenticationError) as caught:
        await make_client(StaticTokenAuth("")).list_devices(HeatPump)

    assert str(caught.value) == "Authentication credentials were not provided."


async def test_another_organisation_is_forbidden(
    make_client: ClientFactory, sim: Simulator
) -> None:
    """403: the token belongs to the household's organisation only."""
    client = make_client(org_id=OTHER_ORG_ID, user_id=None)

    with pytest.raises(PoderoForbiddenError) as caught:
        await client.list_users()

    assert (caught.value.status, str(caught.value)) == (
        403,
        "You do not have permission to perform this action.",
    )
    assert api_requests(sim) == [f"GET /api/partners/v2.0/org/{OTHER_ORG_ID}/users"]


NOT_FOUND: dict[str, Call] = {
    "user_of_another_organisation": lambda c: c.for_user(OTHER_ORG_USER_ID).list_devices(HeatPump),
    "unknown_device": lambda c: c.get_device(HeatPump, UNKNOWN_ID),
    "device_of_another_kind": lambda c: c.get_device(ElectricVehicle, HEAT_PUMP_ID),
    "write_to_an_unknown_device": lambda c: c.update_device(Wallbox, UNKNOWN_ID, DeviceUpdate()),
}  # fmt: skip


@pytest.mark.parametrize("call", NOT_FOUND.values(), ids=NOT_FOUND)
async def test_what_does_not_exist_is_not_found(
    client: PoderoClient, call: Call
) -> None:
    """404 with the server's detail."""
    with pytest.raises(PoderoNotFoundError) as caught:
        await call(client)

    assert (caught.value.status, caught.value.message) == (404, "Not Found")


# --- 409 -------------------------------------------------------------------------------------


CONFLICT = {"state": "ongoing", "reason": "stuck"}
CONFLICTS = {
    "bare": ({"json": CONFLICT}, ("ongoing", "stuck", "stuck")),
    "wrapped_in_detail": ({"json": {"detail": CONFLICT}}, ("ongoing", "stuck", "stuck")),
    "no_body": ({"raw": b""}, (None, None, "HTTP 409")),
}  # fmt: skip


@pytest.mark.parametrize(("reply", "expected"), CONFLICTS.values(), ids=CONFLICTS)
async def test_conflict_carries_state_and_reason(
    scripted: ScriptedServer,
    scripted_client: ClientFactory,
    reply: dict[str, Any],
    expected: tuple[str | None, str | None, str],
) -> None:
    """The documented {state, reason} is read bare or wrapped; without it, the status."""
    scripted.reply(status=409, **reply)

    with pytest.raises(PoderoConflictError) as caught:
        await scripted_client().start_boost(ElectricVehicle, EV_ID)

    assert (caught.value.state, caught.value.reason, str(caught.value)) == expected


# --- 400 / 422 -------------------------------------------------------------------------------


UNPROCESSABLE = {
    "field_and_message": (
        [{"loc": ["body", "mon", "charge_percentage"], "msg": "too high"}],
        "charge_percentage: too high",
        ("charge_percentage",),
    ),
    "message_without_location": ([{"msg": "Field required"}], "Field required", ()),
    "defaults_for_missing_parts": ([{"loc": ["body", "a"]}, 7], "a: invalid; invalid", ("a",)),
    "array_index_is_no_field": ([{"loc": ["body", "items", 3], "msg": "bad"}], "3: bad", ()),
    "empty_list": ([], "HTTP 422", ()),
    "detail_of_unexpected_shape": ({"loc": "not a list"}, "HTTP 422", ()),
}  # fmt: skip


@pytest.mark.parametrize(
    ("detail", "message", "fields"), UNPROCESSABLE.values(), ids=UNPROCESSABLE
)
async def test_unprocessable_entity_names_fields_and_messages(
    scripted: ScriptedServer,
    scripted_client: ClientFactory,
    detail: Any,
    message: str,
    fields: tuple[str, ...],
) -> None:
    """Pydantic-style 422 items become "field: msg" and the tuple of field names."""
    scripted.reply(status=422, json={"detail": detail})

    with pytest.raises(PoderoValidationError) as caught:
        await scripted_client().update_charging_config(ChargingConfigUpdate())

    assert (caught.value.message, caught.value.fields) == (message, fields)


BAD_REQUEST_BODIES = {
    "detail": ({"detail": "Cannot parse request body"}, "Cannot parse request body"),
    "error_description": (
        {"error": "invalid", "error_description": "No grant"},
        "No grant",
    ),
    "error": ({"error": "invalid_client"}, "invalid_client"),
    "message": ({"message": "Slow down"}, "Slow down"),
    "reason": ({"reason": "no_active_session"}, "no_active_session"),
    "unknown_keys": ({"unexpected": True}, "HTTP 400"),
    "not_an_object": (["not", "an", "object"], "HTTP 400"),
    "long_text_is_capped": ({"detail": "x" * 5000}, "x" * 300),
}


@pytest.mark.parametrize(
    ("body", "message"), BAD_REQUEST_BODIES.values(), ids=BAD_REQUEST_BODIES
)
async def test_bad_request_message_comes_from_the_usual_keys(
    scripted: ScriptedServer, scripted_client: ClientFactory, body: Any, message: str
) -> None:
    """Django Ninja, OAuth, generic and 409-style bodies; a page dumped in is capped."""
    scripted.reply(status=400, json=body)

    with pytest.raises(PoderoValidationError) as caught:
        await scripted_client().update_device(
            HeatPump, HEAT_PUMP_ID, DeviceUpdate(is_smart_optimization_active=False)
        )

    assert (caught.value.status, caught.value.message, caught.value.fields) == (
        400,
        message,
        (),
    )


# --- 429 -------------------------------------------------------------------------------------


async def test_rate_limit_carries_retry_after_seconds(
    client: PoderoClient, sim: Simulator
) -> None:
    """The simulator throttles with Retry-After: 7."""
    sim.faults.script("429", match=HEAT_PUMPS, retry_after=7)

    with pytest.raises(PoderoRateLimitError) as caught:
        await client.list_devices(HeatPump)

    assert (caught.value.status, caught.value.retry_after) == (429, 7.0)
    assert (
        str(caught.value) == "Request was throttled. Expected available in 7 seconds."
    )


@pytest.fixture
def local_time_far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run with the process in Tokyo time, as a Home Assistant host might be."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("120", 120.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        ("inf", None),
        ("nan", None),
        ("soon", None),
        ("Thu, 15 Jan 2026 11:00:30 GMT", 30.0),
        ("Thu, 15 Jan 2026 10:00:00 GMT", 0.0),
        ("Thu, 15 Jan 2026 11:00:30 +0100", 0.0),
        ("Thu, 15 Jan 2026 11:00:30 -0000", 30.0),
    ],
)
@pytest.mark.usefixtures("local_time_far_from_utc")
def test_retry_after_seconds(
    freezer: FrozenDateTimeFactory, header: str | None, seconds: float | None
) -> None:
    """Seconds or an HTTP date (UTC, whatever the host's zone); else the wait is unknown."""
    freezer.move_to("2026-01-15T11:00:00Z")

    assert _retry_after_seconds(header) == seconds


# --- 5xx and other statuses ------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504, 302, 418])
async def test_other_statuses_are_server_errors(
    scripted: ScriptedServer, scripted_client: ClientFactory, status: int
) -> None:
    """5xx and anything unexpected; redirects are not followed (they could leak the token)."""
    scripted.reply(
        status=status,
        raw=b"<html><body>Bad Gateway</body></html>",
        headers={"Location": "http://127.0.0.1:9/steal"},
    )

    with pytest.raises(PoderoServerError) as caught:
        await scripted_client().list_devices(HeatPump)

    assert (caught.value.status, str(caught.value)) == (status, f"HTTP {status}")
    assert len(scripted.received) == 1


# --- transport -------------------------------------------------------------------------------


async def test_connection_refused_is_a_connection_error(
    make_client: ClientFactory, sim: Simulator, unreachable_url: str
) -> None:
    """Nothing listens: the error names the kind of failure and the resource."""
    with pytest.raises(PoderoConnectionError) as caught:
        await make_client(url=unreachable_url).list_devices(HeatPump)

    assert not isinstance(caught.value, PoderoTimeoutError)
    assert str(caught.value) == (
        f"GET /org/{sim.org_id}/users/{sim.user_id}/heat-pumps failed: ClientConnectorError"
    )


async def test_hung_request_times_out(
    make_client: ClientFactory, sim: Simulator
) -> None:
    """The simulator never answers; the request timeout ends the wait."""
    sim.faults.script("hang", match=HEAT_PUMPS)

    with pytest.raises(PoderoTimeoutError, match="heat-pumps timed out"):
        await make_client(request_timeout=0.2).list_devices(HeatPump)


async def test_slow_answer_within_the_timeout_is_fine(
    make_client: ClientFactory, sim: Simulator
) -> None:
    """Latency alone is no error."""
    sim.faults.script("latency", match=HEAT_PUMPS, latency_ms=50)

    assert len(await make_client(request_timeout=5).list_devices(HeatPump)) == 1


# --- malformed answers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b'[{"id": "0f0f', b"<html><body>Maintenance</body></html>", b"\xff not UTF-8"],
    ids=["truncated", "html_page", "not_utf8"],
)
async def test_invalid_json_is_a_malformed_response(
    scripted: ScriptedServer, scripted_client: ClientFactory, body: bytes
) -> None:
    """A cut-off body or a proxy's page with status 200 names the resource."""
    scripted.reply(raw=body)

    with pytest.raises(PoderoMalformedResponseError, match="heat-pumps answered with"):
        await scripted_client().list_devices(HeatPump)


CALLS: dict[str, Call] = {
    "list_devices": lambda c: c.list_devices(HeatPump),
    "list_users": lambda c: c.list_users(),
    "get_device": lambda c: c.get_device(HeatPump, HEAT_PUMP_ID),
    "update_device": lambda c: c.update_device(HeatPump, HEAT_PUMP_ID, DeviceUpdate()),
    "get_charge_policy": lambda c: c.get_charge_policy(EV_ID),
    "get_charging_config": lambda c: c.get_charging_config(),
    "list_sessions": lambda c: c.list_sessions(EV_ID, *DAYS),
    "get_time_series": lambda c: c.get_time_series(HeatPump, HEAT_PUMP_ID, *DAY),
    "get_savings": lambda c: c.get_savings(HeatPump, HEAT_PUMP_ID, *DAY),
}
WRONG_SHAPES = {
    "object_instead_of_device_list": ({"items": []}, "list_devices", "a JSON array"),
    "object_instead_of_user_list": ({}, "list_users", "a JSON array"),
    "list_instead_of_device": ([], "get_device", "a heat-pumps object"),
    "empty_body_instead_of_device": (None, "get_device", "a heat-pumps object"),
    "device_without_valid_id": ({"id": "x"}, "update_device", "a heat-pumps object"),
    "policy_without_data_envelope": ({"mon": {}}, "get_charge_policy", "a charge policy"),
    "list_instead_of_charging_config": ([], "get_charging_config", "a charging configuration"),
    "session_page_without_items": ({"total": 3}, "list_sessions", "a page of sessions"),
    "list_instead_of_session_page": ([], "list_sessions", "a page of sessions"),
    "time_series_without_data": ({"points": []}, "get_time_series", "a time series"),
    "savings_without_a_list_of_periods": ({"data": {"total": 1}}, "get_savings", "savings data"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("body", "endpoint", "message"), WRONG_SHAPES.values(), ids=WRONG_SHAPES
)
async def test_wrong_json_shape_is_a_malformed_response(
    scripted: ScriptedServer,
    scripted_client: ClientFactory,
    body: Any,
    endpoint: str,
    message: str,
) -> None:
    """Valid JSON (or nothing) that is not what the endpoint promises."""
    scripted.reply(raw=b"" if body is None else json.dumps(body).encode())

    with pytest.raises(PoderoMalformedResponseError, match=f"^Expected {message}$"):
        await CALLS[endpoint](scripted_client())


async def test_injected_json_decoder_parses_answers(
    make_client: ClientFactory,
) -> None:
    """The caller may bring a faster decoder (Home Assistant passes orjson)."""
    decoded: list[bytes] = []

    def loads(body: bytes) -> Any:
        decoded.append(body)
        return json.loads(body)

    devices = await make_client(json_loads=loads).list_devices(HeatPump)

    assert [device.id for device in devices] == [HEAT_PUMP_ID]
    assert len(decoded) == 1


DEEP = b"[" * 200_000


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        ("/heat-pumps", 200, PoderoMalformedResponseError),
        ("/heat-pumps", 500, PoderoServerError),
        ("/oauth2/token/", 200, PoderoMalformedResponseError),
    ],
    ids=["list", "error_page", "token_endpoint"],
)
async def test_deeply_nested_json_is_a_typed_error(
    scripted: ScriptedServer,
    scripted_client: ClientFactory,
    path: str,
    status: int,
    error: type[PoderoError],
) -> None:
    """200 KB of brackets is no RecursionError escaping the client, wherever it comes."""
    scripted.reply(path="/oauth2/token/", json={"access_token": "token"})
    scripted.reply(path=path, status=status, raw=DEEP)
    client = scripted_client(ClientCredentialsAuth("id", "secret"))

    with pytest.raises(error):
        await client.list_devices(HeatPump)
