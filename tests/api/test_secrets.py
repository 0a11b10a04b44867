"""No credential ever shows up in an exception or a log line, even when the server echoes it."""

from collections.abc import Awaitable, Callable, Iterable
import logging
from typing import Any

from aiohttp import web
import pytest

from custom_components.podero.api import (
    ClientCredentialsAuth,
    DeviceUpdate,
    ElectricVehicle,
    HeatPump,
    PasswordAuth,
    PoderoAuth,
    PoderoClient,
    PoderoConflictError,
    PoderoError,
    StaticTokenAuth,
)
from podero_simulator import Simulator
from podero_simulator.scenarios import EV_ID, HEAT_PUMP_ID

from .conftest import HEAT_PUMPS, UNKNOWN_ID, ClientFactory, ScriptedServer

type AuthFactory = Callable[[Simulator], PoderoAuth]

AUTHS: dict[str, AuthFactory] = {
    "static_token": lambda sim: StaticTokenAuth(sim.static_token),
    "client_credentials": lambda sim: ClientCredentialsAuth(
        sim.client_id, sim.client_secret
    ),
    "password": lambda sim: PasswordAuth(sim.username, sim.password),
}


def simulator_secrets(sim: Simulator) -> set[str]:
    """Every credential the simulator knows of: configured ones and all it issued."""
    return {
        sim.static_token,
        sim.client_secret,
        sim.password,
        *(str(entry["token"]) for entry in sim.tokens.dump(0)),
        *sim.tokens.refresh_tokens,
    }


def texts_of(error: BaseException) -> Iterable[str]:
    """Everything an error shows: str, repr, args, and the same for its cause."""
    yield str(error)
    yield repr(error)
    yield from (str(arg) for arg in error.args)
    yield from (str(value) for value in vars(error).values())
    if error.__cause__ is not None:
        yield from texts_of(error.__cause__)


def assert_nothing_leaks(
    secrets: set[str], errors: list[BaseException], caplog: pytest.LogCaptureFixture
) -> None:
    """No secret in any error text or in any log record (message or exception info)."""
    shown = [text for error in errors for text in texts_of(error)]
    shown += [record.getMessage() for record in caplog.records]
    shown += [record.exc_text or "" for record in caplog.records]
    for secret in secrets:
        assert secret
        leaks = [text for text in shown if secret in text]
        assert not leaks, f"a credential leaked into {leaks!r}"


async def collect(errors: list[BaseException], call: Awaitable[Any]) -> None:
    """Run a call that is expected to fail and keep its error."""
    with pytest.raises(PoderoError) as caught:
        await call
    errors.append(caught.value)


@pytest.mark.parametrize("auth_factory", list(AUTHS.values()), ids=list(AUTHS))
async def test_failures_against_the_simulator_reveal_no_credential(
    make_client: ClientFactory,
    sim: Simulator,
    caplog: pytest.LogCaptureFixture,
    auth_factory: AuthFactory,
) -> None:
    """Every kind of failure, with the debug log on."""
    caplog.set_level(logging.DEBUG)
    client = make_client(auth_factory(sim), request_timeout=0.3)
    errors: list[BaseException] = []

    out_of_range = DeviceUpdate(minimum_charge_limit=150)

    await client.list_devices(HeatPump)
    await collect(errors, client.get_device(HeatPump, UNKNOWN_ID))
    await collect(errors, client.update_device(ElectricVehicle, EV_ID, out_of_range))
    await client.start_boost(ElectricVehicle, EV_ID)
    await collect(errors, client.start_boost(ElectricVehicle, EV_ID))
    for kind in ("429", "5xx", "malformed", "hang"):
        sim.faults.script(kind, match=HEAT_PUMPS)
        await collect(errors, client.list_devices(HeatPump))
    sim.expire_tokens()
    await client.get_device(HeatPump, HEAT_PUMP_ID)
    sim.faults.script("revoke", 2, match=HEAT_PUMPS)
    await collect(errors, client.list_devices(HeatPump))

    assert len(errors) == 8
    assert_nothing_leaks(simulator_secrets(sim), errors, caplog)


@pytest.mark.parametrize("auth_factory", list(AUTHS.values()), ids=list(AUTHS))
async def test_rejected_login_reveals_no_credential(
    make_client: ClientFactory,
    sim: Simulator,
    caplog: pytest.LogCaptureFixture,
    auth_factory: AuthFactory,
) -> None:
    """The credentials are rotated server-side; the client's own ones must not leak."""
    caplog.set_level(logging.DEBUG)
    auth = auth_factory(sim)
    secrets = {sim.static_token, sim.client_secret, sim.password}
    sim.revoke_tokens()
    sim.client_secret = "rotated"
    sim.password = "rotated"
    sim.world.users[sim.user_id].password = "rotated"
    errors: list[BaseException] = []

    await collect(errors, make_client(auth).list_devices(HeatPump))

    assert_nothing_leaks(secrets, errors, caplog)


# --- a server that echoes what it was sent ---------------------------------------------------

ACCESS_TOKEN = "echoed-access-token-0123456789"
REFRESH_TOKEN = "echoed-refresh-token-0123456789"

# Each strategy with every credential it holds once it has logged in.
ECHO_AUTHS: dict[str, tuple[Callable[[], PoderoAuth], set[str]]] = {
    "static_token": (
        lambda: StaticTokenAuth("static-token-0123456789"),
        {"static-token-0123456789"},
    ),
    "client_credentials": (
        lambda: ClientCredentialsAuth("client", "client-secret-0123456789"),
        {"client-secret-0123456789", ACCESS_TOKEN},
    ),
    "password": (
        lambda: PasswordAuth("peter@example.com", "password-0123456789"),
        {"password-0123456789", ACCESS_TOKEN, REFRESH_TOKEN},
    ),
}

type Echo = Callable[[str], Any]


ECHOES: dict[str, tuple[int, Echo]] = {
    "400": (400, lambda text: {"detail": text}),
    "401": (401, lambda text: {"detail": text}),
    "403": (403, lambda text: {"error_description": text}),
    "404": (404, lambda text: {"message": text}),
    "409": (409, lambda text: {"state": text, "reason": text}),
    "409_wrapped": (409, lambda text: {"detail": {"state": "ongoing", "reason": text}}),
    "422": (422, lambda text: {"detail": [{"loc": ["body", "x"], "msg": text}]}),
    "422_field": (
        422,
        lambda text: {"detail": [{"loc": ["body", text], "msg": "bad"}]},
    ),
    "429": (429, lambda text: {"detail": text}),
    "500": (500, lambda text: {"detail": text}),
}


@pytest.mark.parametrize(("status", "body"), ECHOES.values(), ids=ECHOES)
@pytest.mark.parametrize(
    ("auth_factory", "held"), list(ECHO_AUTHS.values()), ids=list(ECHO_AUTHS)
)
async def test_secrets_echoed_by_the_server_are_redacted(
    scripted: ScriptedServer,
    scripted_client: Callable[..., PoderoClient],
    caplog: pytest.LogCaptureFixture,
    auth_factory: Callable[[], PoderoAuth],
    held: set[str],
    status: int,
    body: Echo,
) -> None:
    """The server's explanation is kept, with every credential the client holds replaced."""
    caplog.set_level(logging.DEBUG)
    token = {"access_token": ACCESS_TOKEN, "refresh_token": REFRESH_TOKEN}
    scripted.reply(path="/oauth2/token/", json=token)
    scripted.reply(path="/auth/token", json=token)

    def careless(request: web.Request) -> Any:
        header = request.headers.get("Authorization", "")
        return body(f"rejected {header!r}; known: {', '.join(sorted(held))}")

    scripted.reply(status=status, json=careless)
    errors: list[BaseException] = []

    await collect(
        errors, scripted_client(auth_factory()).start_boost(ElectricVehicle, EV_ID)
    )

    assert "**REDACTED**" in str(errors[0])
    if isinstance(errors[0], PoderoConflictError):
        assert "**REDACTED**" in (errors[0].reason or "")
    assert_nothing_leaks(held, errors, caplog)
