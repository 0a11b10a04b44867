"""Every failure surfaces as its typed PoderoError, with what a user or log reader needs."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
import json
import time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest

from custom_components.podero.api import (
    ChargingConfigUpdate,
    DeviceUpdate,
    ElectricVehicle,
    HeatPump,
    PoderoAuthenticationError,
    PoderoClient,
    PoderoConflictError,
    PoderoConnectionError,
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

from .conftest import ClientFactory, ScriptedServer, api_requests

UNKNOWN_DEVICE = "0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f"
HEAT_PUMPS = "GET /api/partners/v2.0/org/{o}/users/{u}/heat-pumps"
DAY = (datetime(2026, 1, 14, tzinfo=UTC), datetime(2026, 1, 15, tzinfo=UTC))


# --- 401 / 403 / 404 -------------------------------------------------------------------------


async def test_unknown_token_is_an_authentication_error(
    make_client: ClientFactory,
) -> None:
    """401 with the server's reason."""
    client = make_client(StaticTokenAuth("not-a-token-the-server-knows"))

    with pytest.raises(PoderoAuthenticationError) as caught:
        await client.list_devices(HeatPump)

    assert (caught.value.status, str(caught.value)) == (401, "Invalid token.")


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

    assert caught.value.status == 403
    assert str(caught.value) == "You do not have permission to perform this action."
    assert api_requests(sim) == [f"GET /api/partners/v2.0/org/{OTHER_ORG_ID}/users"]


async def test_user_of_another_organisation_is_not_found(
    make_client: ClientFactory,
) -> None:
    """404: the user is not part of this organisation."""
    with pytest.raises(PoderoNotFoundError):
        await make_client(user_id=OTHER_ORG_USER_ID).list_devices(HeatPump)


async def test_unknown_device_is_not_found(client: PoderoClient) -> None:
    """404 with the server's detail."""
    with pytest.raises(PoderoNotFoundError) as caught:
        await client.get_device(HeatPump, UNKNOWN_DEVICE)

    assert (caught.value.status, caught.value.message) == (404, "Not Found")


async def test_device_of_another_kind_is_not_found(client: PoderoClient) -> None:
    """The heat pump's id is no EV."""
    with pytest.raises(PoderoNotFoundError):
        await client.get_device(ElectricVehicle, HEAT_PUMP_ID)


async def test_removed_device_is_not_found(
    client: PoderoClient, sim: Simulator
) -> None:
    """A device deleted after the last refresh answers 404 to a write."""
    sim.remove_device(EV_ID)

    with pytest.raises(PoderoNotFoundError):
        await client.update_device(
            ElectricVehicle, EV_ID, DeviceUpdate(minimum_charge_limit=60)
        )


# --- 409 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"state": "ongoing", "reason": "internal_error"},
        {"detail": {"state": "ongoing", "reason": "internal_error"}},
    ],
    ids=["bare", "wrapped_in_detail"],
)
async def test_conflict_body_may_come_bare_or_wrapped(
    scripted: ScriptedServer, scripted_client: ClientFactory, body: dict[str, Any]
) -> None:
    """The documented {state, reason} is read either way."""
    scripted.reply(status=409, json=body)

    with pytest.raises(PoderoConflictError) as caught:
        await scripted_client().start_boost(Wallbox, EV_ID)

    assert (caught.value.state, caught.value.reason, caught.value.message) == (
        "ongoing",
        "internal_error",
        "internal_error",
    )


async def test_conflict_without_a_body(
    scripted: ScriptedServer, scripted_client: ClientFactory
) -> None:
    """No state, no reason; the message names the status."""
    scripted.reply(status=409, raw=b"")

    with pytest.raises(PoderoConflictError) as caught:
        await scripted_client().start_boost(ElectricVehicle, EV_ID)

    assert (caught.value.state, caught.value.reason, str(caught.value)) == (
        None,
        None,
        "HTTP 409",
    )


# --- 400 / 422 -------------------------------------------------------------------------------


async def test_bad_request_is_a_validation_error_with_the_server_message(
    scripted: ScriptedServer, scripted_client: ClientFactory
) -> None:
    """400 carries Django Ninja's detail string and no field names."""
    scripted.reply(status=400, json={"detail": "Cannot parse request body"})

    with pytest.raises(PoderoValidationError) as caught:
        await scripted_client().update_device(
            HeatPump, HEAT_PUMP_ID, DeviceUpdate(is_smart_optimization_active=False)
        )

    assert (caught.value.status, caught.value.message, caught.value.fields) == (
        400,
        "Cannot parse request body",
        (),
    )


@pytest.mark.parametrize(
    ("detail", "message", "fields"),
    [
        (
            [{"loc": ["body", "mon", "charge_percentage"], "msg": "too high"}],
            "charge_percentage: too high",
            ("charge_percentage",),
        ),
        ([{"msg": "Field required"}], "Field required", ()),
        ([{"loc": ["body", "a"]}, "junk"], "a: invalid; invalid", ("a",)),
        ([{"loc": ["body", "items", 3], "msg": "bad"}], "3: bad", ()),
        ([], "HTTP 422", ()),
        ({"loc": "not a list"}, "HTTP 422", ()),
    ],
    ids=[
        "field_and_message",
        "message_without_location",
        "defaults_for_missing_parts",
        "array_index_is_no_field",
        "empty_list",
        "detail_of_unexpected_shape",
    ],
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


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"error": "invalid_request", "error_description": "Grant missing"},
            "Grant missing",
        ),
        ({"error": "invalid_client"}, "invalid_client"),
        ({"message": "Slow down"}, "Slow down"),
        ({"reason": "no_active_session"}, "no_active_session"),
        ({"unexpected": True}, "HTTP 400"),
        (["not", "an", "object"], "HTTP 400"),
    ],
    ids=[
        "error_description",
        "error",
        "message",
        "reason",
        "unknown_keys",
        "not_an_object",
    ],
)
async def test_error_message_comes_from_the_usual_keys(
    scripted: ScriptedServer, scripted_client: ClientFactory, body: Any, message: str
) -> None:
    """OAuth, generic and 409-style bodies are all understood."""
    scripted.reply(status=400, json=body)

    with pytest.raises(PoderoValidationError) as caught:
        await scripted_client().list_devices(HeatPump)

    assert caught.value.message == message


async def test_long_server_messages_are_capped(
    scripted: ScriptedServer, scripted_client: ClientFactory
) -> None:
    """A server dumping a page into `detail` does not flood logs and UIs."""
    scripted.reply(status=404, json={"detail": "x" * 5000})

    with pytest.raises(PoderoNotFoundError) as caught:
        await scripted_client().get_device(HeatPump, HEAT_PUMP_ID)

    assert caught.value.message == "x" * 300


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


async def test_rate_limit_with_an_http_date(
    scripted: ScriptedServer,
    scripted_client: ClientFactory,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Retry-After may be a date; it becomes the seconds until then."""
    freezer.move_to("2026-01-15T11:00:00Z")
    until = datetime(2026, 1, 15, 11, 1, 30, tzinfo=UTC)
    scripted.reply(
        status=429,
        json={},
        headers={"Retry-After": format_datetime(until, usegmt=True)},
    )

    with pytest.raises(PoderoRateLimitError) as caught:
        await scripted_client().list_devices(HeatPump)

    assert caught.value.retry_after == 90.0


async def test_rate_limit_without_retry_after(
    scripted: ScriptedServer, scripted_client: ClientFactory
) -> None:
    """The wait is unknown."""
    scripted.reply(status=429, json={"detail": "Too many requests"})

    with pytest.raises(PoderoRateLimitError) as caught:
        await scripted_client().list_devices(HeatPump)

    assert caught.value.retry_after is None


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
    ],
)
def test_retry_after_seconds(
    freezer: FrozenDateTimeFactory, header: str | None, seconds: float | None
) -> None:
    """delta-seconds or an HTTP date; unreadable or non-finite values are unknown."""
    freezer.move_to("2026-01-15T11:00:00Z")

    assert _retry_after_seconds(header) == seconds


@pytest.fixture
def local_time_far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run with the process in Tokyo time, as a Home Assistant host might be."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("local_time_far_from_utc")
def test_retry_after_date_with_unknown_zone_is_utc() -> None:
    """Dates with zone "-0000" parse naive; HTTP dates are UTC whatever the host's zone."""
    until = datetime.now(UTC) + timedelta(seconds=60)
    header = until.strftime("%a, %d %b %Y %H:%M:%S -0000")

    assert _retry_after_seconds(header) == pytest.approx(60, abs=2)


# --- 5xx and other statuses ------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_server_errors_carry_their_status(
    client: PoderoClient, sim: Simulator, status: int
) -> None:
    """The simulator answers with an HTML error page; the message names the status."""
    sim.faults.script("5xx", match=HEAT_PUMPS, status=status)

    with pytest.raises(PoderoServerError) as caught:
        await client.list_devices(HeatPump)

    assert (caught.value.status, str(caught.value)) == (status, f"HTTP {status}")


@pytest.mark.parametrize("status", [302, 418])
async def test_unexpected_statuses_are_server_errors(
    scripted: ScriptedServer, scripted_client: ClientFactory, status: int
) -> None:
    """Redirects are not followed (they could leak the token to another host)."""
    scripted.reply(
        status=status, raw=b"", headers={"Location": "http://127.0.0.1:9/steal"}
    )

    with pytest.raises(PoderoServerError) as caught:
        await scripted_client().list_devices(HeatPump)

    assert caught.value.status == status
    assert len(scripted.received) == 1


# --- transport -------------------------------------------------------------------------------


async def test_connection_refused_is_a_connection_error(
    make_client: ClientFactory, sim: Simulator, unreachable_url: str
) -> None:
    """Nothing listens: the error names the kind of failure and the resource."""
    client = make_client(url=unreachable_url)

    with pytest.raises(PoderoConnectionError) as caught:
        await client.list_devices(HeatPump)

    assert not isinstance(caught.value, PoderoTimeoutError)
    assert str(caught.value) == (
        f"GET /org/{sim.org_id}/users/{sim.user_id}/heat-pumps failed: ClientConnectorError"
    )


async def test_hung_request_times_out(
    make_client: ClientFactory, sim: Simulator
) -> None:
    """The simulator never answers; the request timeout ends the wait."""
    sim.faults.script("hang", match=HEAT_PUMPS)
    client = make_client(request_timeout=0.2)

    with pytest.raises(PoderoTimeoutError) as caught:
        await client.list_devices(HeatPump)

    assert isinstance(caught.value, PoderoConnectionError)
    assert "heat-pumps timed out" in str(caught.value)


async def test_slow_answer_within_the_timeout_is_fine(
    make_client: ClientFactory, sim: Simulator
) -> None:
    """Latency alone is no error."""
    sim.faults.script("latency", match=HEAT_PUMPS, latency_ms=50)

    assert len(await make_client(request_timeout=5).list_devices(HeatPump)) == 1


# --- malformed answers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda client: client.list_devices(HeatPump),
        lambda client: client.get_device(HeatPump, HEAT_PUMP_ID),
        lambda client: client.get_charging_config(),
    ],
    ids=["list", "detail", "charging_config"],
)
async def test_truncated_json_is_a_malformed_response(
    client: PoderoClient, sim: Simulator, call: Any
) -> None:
    """The simulator cuts the body in half."""
    sim.faults.script("malformed")

    with pytest.raises(
        PoderoMalformedResponseError, match="answered with invalid JSON"
    ):
        await call(client)


async def test_html_instead_of_json_is_a_malformed_response(
    scripted: ScriptedServer, scripted_client: ClientFactory
) -> None:
    """A proxy's HTML page with status 200."""
    scripted.reply(raw=b"<html><body>Maintenance</body></html>")

    with pytest.raises(PoderoMalformedResponseError):
        await scripted_client().list_devices(HeatPump)


@pytest.mark.parametrize(
    ("body", "call", "message"),
    [
        ({"items": []}, lambda c: c.list_devices(HeatPump), "Expected a JSON array"),
        ({}, lambda c: c.list_users(), "Expected a JSON array"),
        (
            [],
            lambda c: c.get_device(HeatPump, HEAT_PUMP_ID),
            "Expected a heat-pumps object",
        ),
        (
            None,
            lambda c: c.get_device(HeatPump, HEAT_PUMP_ID),
            "Expected a heat-pumps object",
        ),
        (
            {"id": "not-a-uuid"},
            lambda c: c.update_device(HeatPump, HEAT_PUMP_ID, DeviceUpdate()),
            "Expected a heat-pumps object",
        ),
        ({"mon": {}}, lambda c: c.get_charge_policy(EV_ID), "Expected a charge policy"),
        ([], lambda c: c.get_charging_config(), "Expected a charging configuration"),
        (
            {"total": 3},
            lambda c: c.list_sessions(EV_ID, date(2026, 1, 1), date(2026, 1, 2)),
            "Expected a page of sessions",
        ),
        (
            [],
            lambda c: c.list_sessions(EV_ID, date(2026, 1, 1), date(2026, 1, 2)),
            "Expected a page of sessions",
        ),
        (
            {"points": []},
            lambda c: c.get_time_series(HeatPump, HEAT_PUMP_ID, *DAY),
            "Expected a time series",
        ),
        (
            {"data": {"total": 1.5}},
            lambda c: c.get_savings(HeatPump, HEAT_PUMP_ID, *DAY),
            "Expected savings data",
        ),
    ],
    ids=[
        "object_instead_of_device_list",
        "object_instead_of_user_list",
        "list_instead_of_device",
        "empty_body_instead_of_device",
        "device_without_valid_id",
        "policy_without_data_envelope",
        "list_instead_of_charging_config",
        "session_page_without_items",
        "list_instead_of_session_page",
        "time_series_without_data",
        "savings_without_a_list_of_periods",
    ],
)
async def test_wrong_json_shape_is_a_malformed_response(
    scripted: ScriptedServer,
    scripted_client: ClientFactory,
    body: Any,
    call: Any,
    message: str,
) -> None:
    """Valid JSON that is not what the endpoint promises."""
    if body is None:
        scripted.reply(raw=b"")
    else:
        scripted.reply(json=body)

    with pytest.raises(PoderoMalformedResponseError, match=message):
        await call(scripted_client())


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
