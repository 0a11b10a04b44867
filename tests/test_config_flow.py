"""The config flow: connection, credentials, user choice, reauth, reconfigure and options.

Flows talk to the simulator over real HTTP; `PoderoClient` is patched only for answers it cannot
give (the real hosts, a 403 on listing users, deleted users in the list). Each form error is
checked with one bad value: which URLs, ids and statuses are refused is specified in tests/api;
only the credential rule, which lives in the flow, has its cases here. Every step goes through
`Flows.submit`, which checks that each error and abort reason is translated and that no secret
appears in a result except in a created entry's data.
"""

from collections.abc import AsyncIterator, Generator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import json
import logging
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, patch

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_USER,
    ConfigEntryState,
    ConfigFlowResult,
)
from homeassistant.const import CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import config_validation as cv
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from yarl import URL

from custom_components.podero.api import (
    HeatPump,
    OrganisationUser,
    PoderoClient,
    PoderoForbiddenError,
)
from custom_components.podero.const import (
    CONF_API_TOKEN,
    CONF_AUTH_METHOD,
    CONF_BACKFILL_DAYS,
    CONF_BASE_URL,
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_ENVIRONMENT,
    CONF_ORG_ID,
    CONF_USER_ID,
    DOMAIN,
    PRODUCTION_URL,
    SANDBOX_URL,
    AuthMethod,
    Environment,
)
from podero_simulator import SIMULATOR, Simulator, create_app
from podero_simulator.testing import serve

from .helpers import SimulatedPodero, setup_integration

TRANSLATIONS = json.loads(
    (
        Path(__file__).parents[1] / "custom_components/podero/translations/en.json"
    ).read_text(encoding="utf-8")
)

# Routes as the simulator's fault scripts match them.
USERS_ROUTE = "GET /api/partners/v2.0/org/{org_id}/users"
HEAT_PUMPS_ROUTE = "GET /api/partners/v2.0/org/{org_id}/users/{user_id}/heat-pumps"
TOKEN_ROUTE = "POST /oauth2/token/"

# Credentials the tests type in. They are secrets as much as the simulator's real ones.
WRONG_TOKEN = "wrong-api-token-5f2d9c1b7a"
WRONG_SECRET = "wrong-client-secret-8e4a6c2f0d"
ROTATED_TOKEN = "rotated-api-token-3c7e1a9f5b"
ROTATED_SECRET = "rotated-client-secret-b6d2f8a4c0e1"
OTHER_ORG_TOKEN = "other-organisation-token-a1b2c3d4"
TYPED_SECRETS = (
    WRONG_TOKEN,
    WRONG_SECRET,
    ROTATED_TOKEN,
    ROTATED_SECRET,
    OTHER_ORG_TOKEN,
)

# One value that is no Podero id (the validator's matrix is in tests/api/test_validation.py).
NOT_A_UUID = "../../admin"

# Credential values refused before anything is sent. The rule lives in the config flow only,
# so its cases are checked here, on the API token field.
INVALID_CREDENTIALS = [
    pytest.param("", id="empty"),
    pytest.param("   ", id="whitespace-only"),
    pytest.param("two words", id="inner-space"),
    pytest.param("tab\tinside", id="tab"),
    pytest.param("line\nbreak", id="newline"),
    pytest.param("zero\u200bwidth", id="invisible-character"),
    pytest.param("x" * 2049, id="2049-chars"),
]


def fields(result: ConfigFlowResult) -> dict[str, dict[str, Any]]:
    """Return the form's fields as the frontend receives them, by name."""
    schema = result["data_schema"]
    assert schema is not None
    serialized = probatio.to_field_list(schema, custom_serializer=cv.custom_serializer)
    assert isinstance(serialized, list)
    return {field["name"]: field for field in serialized}


def suggested(result: ConfigFlowResult) -> dict[str, Any]:
    """Return the values a form is pre-filled with."""
    return {
        name: field["description"]["suggested_value"]
        for name, field in fields(result).items()
        if "suggested_value" in field.get("description", {})
    }


def user_options(result: ConfigFlowResult) -> list[dict[str, str]] | None:
    """Return the user dropdown's options, or None when the user id is a text field."""
    selector = fields(result)[CONF_USER_ID]["selector"]
    if "text" in selector:
        return None
    assert selector["select"]["mode"] == "dropdown"
    options: list[dict[str, str]] = selector["select"]["options"]
    return options


def polling_intervals(entry: MockConfigEntry) -> set[timedelta | None]:
    """The intervals at which the device types (all present in the demo) are polled."""
    return {
        coordinator.update_interval
        for coordinator in entry.runtime_data.devices.values()
    }


def assert_form_errors(
    result: ConfigFlowResult, step_id: str, errors: dict[str, str]
) -> None:
    """Assert the form is shown again with exactly these errors (`Flows.checked`: translated)."""
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == step_id
    assert result["errors"] == errors


def assert_no_secrets(result: ConfigFlowResult, secrets: tuple[str, ...]) -> None:
    """Assert no secret shows in a result; only a created entry's data may hold them."""
    shown = {
        key: value
        for key, value in result.items()
        if key not in ("data", "result", "data_schema")
    }
    if result.get("data_schema") is not None:
        shown["data_schema"] = fields(result)
    text = json.dumps(shown, default=str)
    for secret in secrets:
        assert secret not in text


@dataclass
class Flows:
    """Drives config, options, reauth and reconfigure flows against the simulator."""

    hass: HomeAssistant
    podero: SimulatedPodero

    def __post_init__(self) -> None:
        """Remember the simulator's credentials (tests may rotate them)."""
        self.secrets = (
            self.sim.static_token,
            self.sim.client_secret,
            *TYPED_SECRETS,
        )

    @property
    def sim(self) -> Simulator:
        """The simulated Podero backend."""
        return self.podero.simulator

    def connection(
        self,
        auth_method: AuthMethod = AuthMethod.API_TOKEN,
        *,
        org_id: str | None = None,
        base_url: str | None = None,
        environment: Environment = Environment.CUSTOM,
    ) -> dict[str, Any]:
        """Input for the `user` step pointing at the simulator's organisation."""
        return {
            CONF_ENVIRONMENT: environment,
            CONF_BASE_URL: self.podero.base_url if base_url is None else base_url,
            CONF_AUTH_METHOD: auth_method,
            CONF_ORG_ID: self.sim.org_id if org_id is None else org_id,
        }

    def reconnection(
        self,
        auth_method: AuthMethod = AuthMethod.API_TOKEN,
        *,
        base_url: str | None = None,
        environment: Environment = Environment.CUSTOM,
    ) -> dict[str, Any]:
        """Input for the `reconfigure` step (which has no organisation field)."""
        connection = self.connection(
            auth_method, base_url=base_url, environment=environment
        )
        del connection[CONF_ORG_ID]
        return connection

    def credentials(self, auth_method: AuthMethod) -> dict[str, str]:
        """The simulator's valid credentials for an authentication method."""
        if auth_method is AuthMethod.CLIENT_CREDENTIALS:
            return {
                CONF_CLIENT_ID: self.sim.client_id,
                CONF_CLIENT_SECRET: self.sim.client_secret,
            }
        return {CONF_API_TOKEN: self.sim.static_token}

    def requests(self) -> int:
        """How many API requests the simulator has seen."""
        return sum(self.sim.counters().values())

    def requests_to(self, route: str) -> int:
        """How many requests one route (`"METHOD /template"`) has seen."""
        return self.sim.counters().get(route, 0)

    def checked(self, result: ConfigFlowResult) -> ConfigFlowResult:
        """Check translations and secrets of a result, then return it."""
        if result["type"] is FlowResultType.ABORT:
            assert result["reason"] in TRANSLATIONS["config"]["abort"]
        for key in (result.get("errors") or {}).values():
            assert key in TRANSLATIONS["config"]["error"]
        assert_no_secrets(result, self.secrets)
        return result

    async def start(self) -> ConfigFlowResult:
        """Open the `user` step of a new flow."""
        return self.checked(
            await self.hass.config_entries.flow.async_init(
                DOMAIN, context={"source": SOURCE_USER}
            )
        )

    async def submit(
        self, result: Mapping[str, Any], user_input: dict[str, Any]
    ) -> ConfigFlowResult:
        """Submit a form of a config flow (a result or an entry of the flows in progress)."""
        return self.checked(
            await self.hass.config_entries.flow.async_configure(
                result["flow_id"], user_input
            )
        )

    async def to_user_select(
        self, auth_method: AuthMethod = AuthMethod.API_TOKEN, **connection: Any
    ) -> ConfigFlowResult:
        """Run a new flow with valid input (or this connection) up to the `user_select` step."""
        result = await self.start()
        result = await self.submit(result, self.connection(auth_method, **connection))
        result = await self.submit(result, self.credentials(auth_method))
        assert result["step_id"] == "user_select"
        return result

    async def finish(self, result: ConfigFlowResult) -> ConfigFlowResult:
        """From wherever a new flow stands, continue with valid input to the end."""
        auth_method = AuthMethod.API_TOKEN
        if result["step_id"] == "user":
            result = await self.submit(result, self.connection())
        if result["step_id"] == "client_credentials":
            auth_method = AuthMethod.CLIENT_CREDENTIALS
        if result["step_id"] in (AuthMethod.API_TOKEN, AuthMethod.CLIENT_CREDENTIALS):
            result = await self.submit(result, self.credentials(auth_method))
        assert result["step_id"] == "user_select"
        return await self.submit(result, {CONF_USER_ID: self.sim.user_id})

    async def start_reauth(self, entry: MockConfigEntry) -> ConfigFlowResult:
        """Open a reauth flow for an entry."""
        return self.checked(await entry.start_reauth_flow(self.hass))

    async def start_reconfigure(self, entry: MockConfigEntry) -> ConfigFlowResult:
        """Open a reconfigure flow for an entry."""
        return self.checked(await entry.start_reconfigure_flow(self.hass))

    async def start_options(self, entry: MockConfigEntry) -> ConfigFlowResult:
        """Open the options flow of an entry."""
        result = await self.hass.config_entries.options.async_init(entry.entry_id)
        assert_no_secrets(result, self.secrets)
        return result

    async def submit_options(
        self, result: ConfigFlowResult, user_input: dict[str, Any]
    ) -> ConfigFlowResult:
        """Submit the options form."""
        result = await self.hass.config_entries.options.async_configure(
            result["flow_id"], user_input
        )
        assert_no_secrets(result, self.secrets)
        return result


@pytest.fixture
def flows(
    hass: HomeAssistant, podero: SimulatedPodero, caplog: pytest.LogCaptureFixture
) -> Iterator[Flows]:
    """Flow driver; afterwards, no credential may have reached the log."""
    caplog.set_level(logging.DEBUG)
    driver = Flows(hass, podero)
    yield driver
    for secret in driver.secrets:
        assert secret not in caplog.text


@pytest.fixture
def mock_setup_entry() -> Generator[AsyncMock]:
    """Do not set up created entries (new-entry tests look at the flow only)."""
    with patch("custom_components.podero.async_setup_entry", return_value=True) as mock:
        yield mock


@asynccontextmanager
async def another_simulator(port: int = 0) -> AsyncIterator[tuple[Simulator, str]]:
    """Serve a second, independent demo simulator (optionally on a given port)."""
    app = create_app()
    async with serve(app, host="127.0.0.1", port=port) as base_url:
        yield app[SIMULATOR], base_url


def organisation_user(
    user_id: str, first_name: str, email: str, *, deleted: bool = False
) -> OrganisationUser:
    """A user as `PoderoClient.list_users` returns it."""
    return OrganisationUser(
        id=user_id,
        email=email,
        first_name=first_name,
        last_name=None,
        role="user",
        deleted_at=datetime(2025, 12, 1, tzinfo=UTC) if deleted else None,
    )


@contextmanager
def podero_elsewhere(
    users: list[OrganisationUser],
) -> Iterator[tuple[AsyncMock, AsyncMock]]:
    """Mock `list_users` and `list_devices` of a Podero the tests cannot reach (real hosts)."""
    with (
        patch.object(
            PoderoClient, "list_users", autospec=True, return_value=users
        ) as list_users,
        patch.object(
            PoderoClient, "list_devices", autospec=True, return_value=[]
        ) as list_devices,
    ):
        yield list_users, list_devices


def rotate_credentials(sim: Simulator, auth_method: AuthMethod) -> dict[str, str]:
    """Replace the method's credentials at Podero (the old ones stop working): the new."""
    if auth_method is AuthMethod.CLIENT_CREDENTIALS:
        sim.client_secret = ROTATED_SECRET
        return {CONF_CLIENT_ID: sim.client_id, CONF_CLIENT_SECRET: ROTATED_SECRET}
    sim.revoke_tokens(sim.static_token)
    sim.tokens.add_static(ROTATED_TOKEN, sim.org_id)
    return {CONF_API_TOKEN: ROTATED_TOKEN}


@pytest.fixture
def listing_forbidden() -> Iterator[AsyncMock]:
    """Credentials that may read a user's devices but not list the organisation's users."""
    with patch.object(
        PoderoClient,
        "list_users",
        autospec=True,
        side_effect=PoderoForbiddenError(
            403, "You do not have permission to perform this action."
        ),
    ) as list_users:
        yield list_users


# --- user step ---------------------------------------------------------------------------------


async def test_user_step_asks_for_environment_auth_method_and_organisation(
    flows: Flows,
) -> None:
    """The first form preselects Production and API token; it sends nothing."""
    result = await flows.start()

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    form = fields(result)
    assert list(form) == [
        CONF_ENVIRONMENT,
        CONF_BASE_URL,
        CONF_AUTH_METHOD,
        CONF_ORG_ID,
    ]
    assert form[CONF_ENVIRONMENT]["default"] == Environment.PRODUCTION
    assert form[CONF_ENVIRONMENT]["selector"]["select"]["options"] == [
        "production",
        "sandbox",
        "custom",
    ]
    assert form[CONF_AUTH_METHOD]["default"] == AuthMethod.API_TOKEN
    assert form[CONF_AUTH_METHOD]["selector"]["select"]["options"] == [
        "api_token",
        "client_credentials",
    ]
    assert form[CONF_BASE_URL]["required"] is False
    assert form[CONF_ORG_ID]["required"] is True
    assert flows.requests() == 0


@pytest.mark.parametrize(
    ("auth_method", "chosen", "title"),
    [
        (AuthMethod.API_TOKEN, "user_id", "Peter Schmidt <peter@example.com>"),
        (
            AuthMethod.CLIENT_CREDENTIALS,
            "second_user_id",
            "Anna Berger <anna@example.com>",
        ),
    ],
    ids=["api_token", "client_credentials"],
)
async def test_flow_creates_an_entry_for_the_chosen_user(
    hass: HomeAssistant,
    flows: Flows,
    mock_setup_entry: AsyncMock,
    auth_method: AuthMethod,
    chosen: str,
    title: str,
) -> None:
    """The method's credentials (secret masked), then the organisation's users to choose from."""
    sim = flows.sim
    user_id = getattr(sim, chosen)
    credentials = flows.credentials(auth_method)
    result = await flows.start()

    result = await flows.submit(result, flows.connection(auth_method))
    assert_form_errors(result, auth_method.value, {})
    assert list(fields(result)) == list(credentials)
    secret = fields(result)[list(credentials)[-1]]
    assert secret["selector"]["text"]["type"] == "password"
    assert flows.requests() == 0

    result = await flows.submit(result, credentials)
    assert_form_errors(result, "user_select", {})
    assert flows.requests_to(TOKEN_ROUTE) == (
        auth_method is AuthMethod.CLIENT_CREDENTIALS
    )
    # The deleted tenant of the demo organisation is not offered.
    assert user_options(result) == [
        {"value": sim.user_id, "label": "Peter Schmidt <peter@example.com>"},
        {"value": sim.second_user_id, "label": "Anna Berger <anna@example.com>"},
    ]

    result = await flows.submit(result, {CONF_USER_ID: user_id})
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == title
    assert result["data"] == {
        CONF_ENVIRONMENT: Environment.CUSTOM,
        CONF_BASE_URL: flows.podero.base_url,
        CONF_AUTH_METHOD: auth_method,
        **credentials,
        CONF_ORG_ID: sim.org_id,
        CONF_USER_ID: user_id,
    }
    assert result["result"].unique_id == f"{sim.org_id}_{user_id}"
    assert result["result"].options == {}
    assert len(mock_setup_entry.mock_calls) == 1
    # The chosen user's devices were read once to prove access.
    assert flows.requests_to(HEAT_PUMPS_ROUTE) == 1


@pytest.mark.parametrize(
    ("environment", "url"),
    [(Environment.PRODUCTION, PRODUCTION_URL), (Environment.SANDBOX, SANDBOX_URL)],
)
async def test_fixed_environment_uses_its_own_url(
    flows: Flows, mock_setup_entry: AsyncMock, environment: Environment, url: str
) -> None:
    """Production and Sandbox talk to Podero's hosts; a custom URL typed anyway is ignored."""
    sim = flows.sim
    users = [organisation_user(sim.user_id, "Peter", "peter@example.com")]
    with podero_elsewhere(users) as (list_users, list_devices):
        result = await flows.to_user_select(
            environment=environment, base_url="http://ignored.example"
        )
        assert user_options(result) == [
            {"value": sim.user_id, "label": "Peter <peter@example.com>"}
        ]
        result = await flows.submit(result, {CONF_USER_ID: sim.user_id})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_ENVIRONMENT] == environment
    assert result["data"][CONF_BASE_URL] == url
    assert list_users.call_args.args[0].base_url == url
    client, model = list_devices.call_args.args
    assert (client.base_url, client.org_id, client.user_id) == (
        url,
        sim.org_id,
        sim.user_id,
    )
    assert model is HeatPump
    assert flows.requests() == 0


async def test_typed_connection_is_stored_in_canonical_form(
    flows: Flows, mock_setup_entry: AsyncMock
) -> None:
    """A typed URL (as scheme://host[:port]) and organisation id (lower case) are stored canonical."""
    sim = flows.sim
    users = [organisation_user(sim.user_id, "Peter", "peter@example.com")]
    typed = {
        "base_url": "  HTTPS://Podero.Example.COM:8443/  ",
        "org_id": f"  {sim.org_id.upper()} ",
    }
    with podero_elsewhere(users) as (list_users, _):
        result = await flows.finish(await flows.to_user_select(**typed))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    stored = "https://podero.example.com:8443"
    assert list_users.call_args.args[0].base_url == stored
    assert result["data"][CONF_BASE_URL] == stored
    assert result["data"][CONF_ORG_ID] == sim.org_id
    assert result["result"].unique_id == f"{sim.org_id}_{sim.user_id}"


@pytest.mark.parametrize(
    ("base_url", "org_id", "errors"),
    [
        pytest.param(
            "http://192.168.1.20:8000",
            None,
            {CONF_BASE_URL: "insecure_url"},
            id="http-lan-address",
        ),
        pytest.param(
            "https://app.podero.com/api/partners/v2.0",
            None,
            {CONF_BASE_URL: "invalid_url"},
            id="url-with-path",
        ),
        pytest.param("", None, {CONF_BASE_URL: "invalid_url"}, id="custom-without-url"),
        pytest.param(None, NOT_A_UUID, {CONF_ORG_ID: "invalid_uuid"}, id="org-id"),
        pytest.param(
            "http://podero.example",
            "42",
            {CONF_BASE_URL: "insecure_url", CONF_ORG_ID: "invalid_uuid"},
            id="url-and-org-id",
        ),
    ],
)
async def test_user_step_names_every_bad_field_and_sends_nothing(
    hass: HomeAssistant,
    flows: Flows,
    mock_setup_entry: AsyncMock,
    base_url: str | None,
    org_id: str | None,
    errors: dict[str, str],
) -> None:
    """Each unusable field is named at once, nothing is sent, and good values then work."""
    result = await flows.start()

    result = await flows.submit(
        result, flows.connection(base_url=base_url, org_id=org_id)
    )

    assert_form_errors(result, "user", errors)
    # What was typed stays in the form for correcting.
    assert suggested(result)[CONF_ORG_ID] == (org_id or flows.sim.org_id)
    assert flows.requests() == 0
    assert hass.config_entries.async_entries(DOMAIN) == []
    result = await flows.finish(result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    "environment_or_method",
    [
        pytest.param({CONF_ENVIRONMENT: "staging"}, id="unknown-environment"),
        pytest.param({CONF_AUTH_METHOD: "password"}, id="unknown-auth-method"),
    ],
)
async def test_user_step_refuses_choices_it_does_not_offer(
    hass: HomeAssistant,
    flows: Flows,
    mock_setup_entry: AsyncMock,
    environment_or_method: dict[str, str],
) -> None:
    """Values outside the lists fail the form's schema; nothing is sent, the form stays."""
    result = await flows.start()

    with pytest.raises(InvalidData):
        await flows.submit(result, {**flows.connection(), **environment_or_method})

    assert flows.requests() == 0
    assert hass.config_entries.async_entries(DOMAIN) == []
    result = await flows.finish(result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


# --- credentials steps -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("auth_method", "field", "wrong"),
    [
        pytest.param(AuthMethod.API_TOKEN, CONF_API_TOKEN, WRONG_TOKEN, id="token"),
        pytest.param(
            AuthMethod.API_TOKEN, CONF_API_TOKEN, "x" * 2048, id="longest-token"
        ),
        pytest.param(
            AuthMethod.CLIENT_CREDENTIALS, CONF_CLIENT_SECRET, WRONG_SECRET, id="secret"
        ),
    ],
)
async def test_rejected_credentials_are_invalid_auth(
    flows: Flows,
    mock_setup_entry: AsyncMock,
    auth_method: AuthMethod,
    field: str,
    wrong: str,
) -> None:
    """Podero's 401 is invalid_auth (2048 characters are still sent); the right ones work."""
    result = await flows.start()
    result = await flows.submit(result, flows.connection(auth_method))

    result = await flows.submit(
        result, {**flows.credentials(auth_method), field: wrong}
    )

    assert_form_errors(result, auth_method.value, {"base": "invalid_auth"})
    assert flows.requests() == 1
    result = await flows.finish(result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    ("auth_method", "field", "value"),
    [
        *(
            pytest.param(AuthMethod.API_TOKEN, CONF_API_TOKEN, *case.values, id=case.id)
            for case in INVALID_CREDENTIALS
        ),
        pytest.param(
            AuthMethod.CLIENT_CREDENTIALS, CONF_CLIENT_ID, " ", id="client-id"
        ),
        pytest.param(
            AuthMethod.CLIENT_CREDENTIALS, CONF_CLIENT_SECRET, "a b", id="secret"
        ),
    ],
)
async def test_malformed_credentials_are_refused_without_a_request(
    hass: HomeAssistant,
    flows: Flows,
    mock_setup_entry: AsyncMock,
    auth_method: AuthMethod,
    field: str,
    value: str,
) -> None:
    """Empty, blank, spaced, invisible or overlong credentials never leave Home Assistant."""
    result = await flows.start()
    result = await flows.submit(result, flows.connection(auth_method))

    result = await flows.submit(
        result, {**flows.credentials(auth_method), field: value}
    )

    assert_form_errors(result, auth_method.value, {"base": "invalid_credentials"})
    assert flows.requests() == 0
    assert hass.config_entries.async_entries(DOMAIN) == []
    result = await flows.finish(result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize("auth_method", list(AuthMethod))
async def test_credentials_are_stored_without_surrounding_whitespace(
    flows: Flows, mock_setup_entry: AsyncMock, auth_method: AuthMethod
) -> None:
    """A paste with spaces or a line break around it is trimmed before use and storage."""
    credentials = flows.credentials(auth_method)
    result = await flows.start()
    result = await flows.submit(result, flows.connection(auth_method))

    result = await flows.submit(
        result, {key: f"  {value}\n" for key, value in credentials.items()}
    )
    assert result["step_id"] == "user_select"
    result = await flows.submit(result, {CONF_USER_ID: flows.sim.user_id})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert {key: result["data"][key] for key in credentials} == credentials


async def test_stopped_server_is_cannot_connect_until_it_is_back(
    flows: Flows, mock_setup_entry: AsyncMock
) -> None:
    """Connection refused is cannot_connect; once the server runs again the flow succeeds."""
    async with another_simulator() as (_, base_url):
        pass
    port = URL(base_url).port
    assert port is not None
    result = await flows.start()
    result = await flows.submit(result, flows.connection(base_url=base_url))

    result = await flows.submit(result, flows.credentials(AuthMethod.API_TOKEN))

    assert_form_errors(result, "api_token", {"base": "cannot_connect"})
    async with another_simulator(port) as (restarted, _):
        result = await flows.submit(result, flows.credentials(AuthMethod.API_TOKEN))
        result = await flows.submit(result, {CONF_USER_ID: restarted.user_id})
        assert restarted.counters()[HEAT_PUMPS_ROUTE] == 1
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_BASE_URL] == base_url


async def test_malformed_answer_is_unknown(
    flows: Flows, mock_setup_entry: AsyncMock, caplog: pytest.LogCaptureFixture
) -> None:
    """A truncated JSON answer is `unknown` (and logged); a good answer then succeeds."""
    result = await flows.start()
    result = await flows.submit(result, flows.connection())
    flows.sim.faults.script("malformed", 1, USERS_ROUTE)

    result = await flows.submit(result, flows.credentials(AuthMethod.API_TOKEN))

    assert_form_errors(result, "api_token", {"base": "unknown"})
    assert "Unexpected answer from Podero while setting up" in caplog.text
    result = await flows.finish(result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_deleted_users_are_not_offered(
    flows: Flows, mock_setup_entry: AsyncMock
) -> None:
    """Should Podero list a deleted user, the dropdown still leaves it out."""
    sim = flows.sim
    users = [
        organisation_user(sim.user_id, "Peter", "peter@example.com"),
        organisation_user(
            sim.deleted_user_id, "Former", "former@example.com", deleted=True
        ),
    ]
    with podero_elsewhere(users):
        result = await flows.to_user_select()

    assert user_options(result) == [
        {"value": sim.user_id, "label": "Peter <peter@example.com>"}
    ]


async def test_listing_forbidden_asks_for_the_user_id(
    hass: HomeAssistant,
    flows: Flows,
    mock_setup_entry: AsyncMock,
    listing_forbidden: AsyncMock,
) -> None:
    """Credentials that may not list users get a text field; the typed user is checked."""
    sim = flows.sim
    result = await flows.to_user_select()

    assert_form_errors(result, "user_select", {})
    assert user_options(result) is None
    assert fields(result)[CONF_USER_ID]["required"] is True
    assert listing_forbidden.call_count == 1

    result = await flows.submit(result, {CONF_USER_ID: f" {sim.user_id.upper()} "})
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"Podero {sim.user_id[:8]}"
    assert result["data"][CONF_USER_ID] == sim.user_id
    assert result["result"].unique_id == f"{sim.org_id}_{sim.user_id}"
    assert flows.requests_to(HEAT_PUMPS_ROUTE) == 1


async def test_organisation_without_active_users_asks_for_the_user_id(
    flows: Flows,
) -> None:
    """An empty user list also gets the text field instead of an empty dropdown."""
    with podero_elsewhere([]):
        result = await flows.to_user_select()

    assert user_options(result) is None


# --- user_select -------------------------------------------------------------------------------


async def test_typed_user_id_must_be_a_uuid(
    hass: HomeAssistant,
    flows: Flows,
    mock_setup_entry: AsyncMock,
    listing_forbidden: AsyncMock,
) -> None:
    """A typed user id that is not a UUID is refused before any request; a good one works."""
    result = await flows.to_user_select()
    before = flows.requests()

    result = await flows.submit(result, {CONF_USER_ID: NOT_A_UUID})

    assert_form_errors(result, "user_select", {CONF_USER_ID: "invalid_uuid"})
    assert flows.requests() == before
    assert hass.config_entries.async_entries(DOMAIN) == []
    result = await flows.submit(result, {CONF_USER_ID: flows.sim.user_id})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_dropdown_refuses_a_user_it_does_not_offer(
    hass: HomeAssistant, flows: Flows, mock_setup_entry: AsyncMock
) -> None:
    """Only the listed users can be picked; anything else fails the schema, unsent."""
    result = await flows.to_user_select()
    before = flows.requests()

    with pytest.raises(InvalidData):
        await flows.submit(result, {CONF_USER_ID: flows.sim.deleted_user_id})

    assert flows.requests() == before
    assert hass.config_entries.async_entries(DOMAIN) == []
    result = await flows.submit(result, {CONF_USER_ID: flows.sim.user_id})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_of_an_organisation_the_credentials_do_not_belong_to_is_forbidden(
    hass: HomeAssistant, flows: Flows, mock_setup_entry: AsyncMock
) -> None:
    """Another organisation's id: listing is refused (403), so is its user, until access is granted."""
    sim = flows.sim
    result = await flows.to_user_select(org_id=sim.other_org_id)
    assert user_options(result) is None
    assert sim.requests()[-1]["status"] == 403

    result = await flows.submit(result, {CONF_USER_ID: sim.other_org_user_id})

    assert_form_errors(result, "user_select", {"base": "forbidden"})
    assert sim.requests()[-1]["status"] == 403
    assert hass.config_entries.async_entries(DOMAIN) == []

    # The partner moves the token to that organisation; the same answer now goes through.
    sim.tokens.add_static(sim.static_token, sim.other_org_id)
    result = await flows.submit(result, {CONF_USER_ID: sim.other_org_user_id})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == f"{sim.other_org_id}_{sim.other_org_user_id}"


async def test_failed_access_check_can_be_retried(
    flows: Flows, mock_setup_entry: AsyncMock
) -> None:
    """Trouble while reading the chosen user's devices is shown; choosing again succeeds."""
    result = await flows.to_user_select()
    flows.sim.faults.script("5xx", 1, HEAT_PUMPS_ROUTE, status=500)

    result = await flows.submit(result, {CONF_USER_ID: flows.sim.user_id})

    assert_form_errors(result, "user_select", {"base": "cannot_connect"})
    result = await flows.submit(result, {CONF_USER_ID: flows.sim.user_id})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_same_account_twice_is_already_configured(
    hass: HomeAssistant,
    flows: Flows,
    mock_setup_entry: AsyncMock,
    config_entry: MockConfigEntry,
) -> None:
    """A second flow for an organisation user that has an entry aborts before checking access."""
    config_entry.add_to_hass(hass)
    result = await flows.to_user_select()

    result = await flows.submit(result, {CONF_USER_ID: flows.sim.user_id})

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert flows.requests_to(HEAT_PUMPS_ROUTE) == 0
    assert hass.config_entries.async_entries(DOMAIN) == [config_entry]


async def test_same_account_in_two_open_flows_aborts_with_a_translated_reason(
    hass: HomeAssistant, flows: Flows
) -> None:
    """A flow left open at the user choice blocks a second with a translated reason."""
    first = await flows.to_user_select()
    flows.sim.faults.script("5xx", 1, HEAT_PUMPS_ROUTE, status=503)
    first = await flows.submit(first, {CONF_USER_ID: flows.sim.user_id})
    assert_form_errors(first, "user_select", {"base": "cannot_connect"})
    second = await flows.to_user_select()

    result = await hass.config_entries.flow.async_configure(
        second["flow_id"], {CONF_USER_ID: flows.sim.user_id}
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_in_progress"
    assert result["reason"] in TRANSLATIONS["config"]["abort"]


async def test_another_user_of_the_same_organisation_can_be_added(
    hass: HomeAssistant,
    flows: Flows,
    mock_setup_entry: AsyncMock,
    config_entry: MockConfigEntry,
) -> None:
    """Entries are per organisation user: a second household of the partner is a new entry."""
    config_entry.add_to_hass(hass)
    result = await flows.to_user_select()

    result = await flows.submit(result, {CONF_USER_ID: flows.sim.second_user_id})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


# --- reauthentication --------------------------------------------------------------------------


@pytest.mark.parametrize("entry_fixture", ["config_entry", "client_credentials_entry"])
async def test_reauth_asks_for_the_entry_s_credentials_naming_it(
    hass: HomeAssistant,
    flows: Flows,
    request: pytest.FixtureRequest,
    entry_fixture: str,
) -> None:
    """The form asks for the entry's kind of credentials; only a client id is shown again."""
    entry: MockConfigEntry = request.getfixturevalue(entry_fixture)
    entry.add_to_hass(hass)
    credentials = flows.credentials(entry.data[CONF_AUTH_METHOD])

    result = await flows.start_reauth(entry)

    assert_form_errors(result, "reauth_confirm", {})
    assert list(fields(result)) == list(credentials)
    secrets = (CONF_API_TOKEN, CONF_CLIENT_SECRET)
    assert suggested(result) == {
        k: v for k, v in credentials.items() if k not in secrets
    }
    assert result["description_placeholders"] == {"name": "Peter Schmidt"}
    assert flows.requests() == 0


@pytest.mark.parametrize(
    ("auth_method", "entry_fixture"),
    [
        (AuthMethod.API_TOKEN, "config_entry"),
        (AuthMethod.CLIENT_CREDENTIALS, "client_credentials_entry"),
    ],
    ids=["token", "client_secret"],
)
async def test_reauth_with_rotated_credentials_updates_and_reloads_the_entry(
    hass: HomeAssistant,
    flows: Flows,
    request: pytest.FixtureRequest,
    auth_method: AuthMethod,
    entry_fixture: str,
) -> None:
    """After a rotation the old credentials are refused; the new ones are stored and used."""
    entry: MockConfigEntry = request.getfixturevalue(entry_fixture)
    await setup_integration(hass, entry)
    runtime_before = entry.runtime_data
    old_data = dict(entry.data)
    old = flows.credentials(auth_method)
    new = rotate_credentials(flows.sim, auth_method)
    result = await flows.start_reauth(entry)

    result = await flows.submit(result, old)
    assert_form_errors(result, "reauth_confirm", {"base": "invalid_auth"})

    result = await flows.submit(result, new)
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert dict(entry.data) == {**old_data, **new}
    # Reloaded: the old credentials no longer work, so only the new ones can load it.
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is not runtime_before


async def test_reauth_after_failed_setup_loads_the_entry_without_restart(
    hass: HomeAssistant, flows: Flows, config_entry: MockConfigEntry
) -> None:
    """A revoked token fails setup and starts reauth; the new token brings the entry up."""
    new = rotate_credentials(flows.sim, AuthMethod.API_TOKEN)
    await setup_integration(hass, config_entry)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    context = flow["context"]
    assert (context["source"], context["entry_id"]) == (
        SOURCE_REAUTH,
        config_entry.entry_id,
    )
    assert flow["step_id"] == "reauth_confirm"

    result = await flows.submit(flow, new)
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert config_entry.state is ConfigEntryState.LOADED
    assert config_entry.data[CONF_API_TOKEN] == ROTATED_TOKEN


async def test_reauth_with_another_organisation_s_token_is_forbidden(
    hass: HomeAssistant,
    flows: Flows,
    mock_setup_entry: AsyncMock,
    config_entry: MockConfigEntry,
) -> None:
    """Reauth checks the entry's own user: a token of another organisation is refused."""
    sim = flows.sim
    sim.tokens.add_static(ROTATED_TOKEN, sim.org_id)
    sim.tokens.add_static(OTHER_ORG_TOKEN, sim.other_org_id)
    config_entry.add_to_hass(hass)
    result = await flows.start_reauth(config_entry)

    result = await flows.submit(result, {CONF_API_TOKEN: OTHER_ORG_TOKEN})

    assert_form_errors(result, "reauth_confirm", {"base": "forbidden"})
    assert config_entry.data[CONF_API_TOKEN] == sim.static_token
    result = await flows.submit(result, {CONF_API_TOKEN: ROTATED_TOKEN})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert config_entry.data[CONF_API_TOKEN] == ROTATED_TOKEN


async def test_reauth_refuses_malformed_credentials_without_a_request(
    hass: HomeAssistant,
    flows: Flows,
    mock_setup_entry: AsyncMock,
    client_credentials_entry: MockConfigEntry,
) -> None:
    """Reauth applies the same credential checks as setup, then accepts good ones."""
    client_credentials_entry.add_to_hass(hass)
    credentials = flows.credentials(AuthMethod.CLIENT_CREDENTIALS)
    result = await flows.start_reauth(client_credentials_entry)

    result = await flows.submit(result, {**credentials, CONF_CLIENT_SECRET: "a b"})

    assert_form_errors(result, "reauth_confirm", {"base": "invalid_credentials"})
    assert flows.requests() == 0
    result = await flows.submit(result, credentials)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"


# --- reconfiguration ---------------------------------------------------------------------------


async def test_reconfigure_form_shows_the_current_connection(
    hass: HomeAssistant, flows: Flows, config_entry: MockConfigEntry
) -> None:
    """Environment, URL and method are pre-filled; organisation and user cannot change here."""
    config_entry.add_to_hass(hass)

    result = await flows.start_reconfigure(config_entry)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert list(fields(result)) == [CONF_ENVIRONMENT, CONF_BASE_URL, CONF_AUTH_METHOD]
    assert suggested(result) == {
        CONF_ENVIRONMENT: Environment.CUSTOM,
        CONF_BASE_URL: flows.podero.base_url,
        CONF_AUTH_METHOD: AuthMethod.API_TOKEN,
    }
    assert flows.requests() == 0


@pytest.mark.parametrize(
    ("entry_fixture", "auth_method"),
    [
        ("config_entry", AuthMethod.CLIENT_CREDENTIALS),
        ("client_credentials_entry", AuthMethod.API_TOKEN),
    ],
    ids=["token_to_client_credentials", "client_credentials_to_token"],
)
async def test_reconfigure_to_the_other_method_keeps_only_its_credentials(
    hass: HomeAssistant,
    flows: Flows,
    request: pytest.FixtureRequest,
    entry_fixture: str,
    auth_method: AuthMethod,
) -> None:
    """Switching method asks for its credentials, keeps the account, forgets the old ones."""
    sim = flows.sim
    entry: MockConfigEntry = request.getfixturevalue(entry_fixture)
    await setup_integration(hass, entry)
    runtime_before = entry.runtime_data
    result = await flows.start_reconfigure(entry)

    result = await flows.submit(result, flows.reconnection(auth_method))
    assert result["step_id"] == auth_method.value
    result = await flows.submit(result, flows.credentials(auth_method))
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert dict(entry.data) == {
        CONF_ENVIRONMENT: Environment.CUSTOM,
        CONF_BASE_URL: flows.podero.base_url,
        CONF_AUTH_METHOD: auth_method,
        **flows.credentials(auth_method),
        CONF_ORG_ID: sim.org_id,
        CONF_USER_ID: sim.user_id,
    }
    assert entry.unique_id == f"{sim.org_id}_{sim.user_id}"
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is not runtime_before


async def test_reconfigure_moves_the_entry_to_another_address(
    hass: HomeAssistant, flows: Flows, config_entry: MockConfigEntry
) -> None:
    """A new URL is checked there, stored, and the reloaded entry talks to it."""
    await setup_integration(hass, config_entry)
    async with another_simulator() as (moved, base_url):
        result = await flows.start_reconfigure(config_entry)
        result = await flows.submit(result, flows.reconnection(base_url=base_url))
        requests_at_old_address = flows.requests()

        result = await flows.submit(result, flows.credentials(AuthMethod.API_TOKEN))
        await hass.async_block_till_done()

        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        assert config_entry.data[CONF_BASE_URL] == base_url
        assert config_entry.state is ConfigEntryState.LOADED
        assert moved.counters()[HEAT_PUMPS_ROUTE] >= 2  # the check, then the reload
        assert flows.requests() == requests_at_old_address
        await hass.config_entries.async_unload(config_entry.entry_id)


async def test_reconfigure_to_production(
    hass: HomeAssistant,
    flows: Flows,
    mock_setup_entry: AsyncMock,
    config_entry: MockConfigEntry,
) -> None:
    """Moving to Production stores Podero's own URL and checks access there."""
    config_entry.add_to_hass(hass)
    with podero_elsewhere([]) as (list_users, list_devices):
        result = await flows.start_reconfigure(config_entry)
        result = await flows.submit(
            result, flows.reconnection(environment=Environment.PRODUCTION, base_url="")
        )
        result = await flows.submit(result, flows.credentials(AuthMethod.API_TOKEN))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.data[CONF_ENVIRONMENT] == Environment.PRODUCTION
    assert config_entry.data[CONF_BASE_URL] == PRODUCTION_URL
    client = list_devices.call_args.args[0]
    assert (client.base_url, client.user_id) == (PRODUCTION_URL, flows.sim.user_id)
    # Reconfiguring never lists users: the account is fixed.
    list_users.assert_not_called()


@pytest.mark.parametrize(
    ("url", "error"),
    [
        pytest.param("http://podero.example.com", "insecure_url", id="insecure"),
        pytest.param("https://podero.example.com/api", "invalid_url", id="path"),
    ],
)
async def test_reconfigure_refuses_a_bad_url_then_accepts_a_good_one(
    hass: HomeAssistant,
    flows: Flows,
    mock_setup_entry: AsyncMock,
    config_entry: MockConfigEntry,
    url: str,
    error: str,
) -> None:
    """A bad URL is named on its field, nothing is sent, the entry is unchanged."""
    config_entry.add_to_hass(hass)
    old_data = dict(config_entry.data)
    result = await flows.start_reconfigure(config_entry)

    result = await flows.submit(result, flows.reconnection(base_url=url))

    assert_form_errors(result, "reconfigure", {CONF_BASE_URL: error})
    assert suggested(result)[CONF_BASE_URL] == url
    assert flows.requests() == 0
    assert dict(config_entry.data) == old_data
    result = await flows.submit(result, flows.reconnection())
    result = await flows.submit(result, flows.credentials(AuthMethod.API_TOKEN))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"


@pytest.mark.parametrize(
    ("token", "error"),
    [
        pytest.param(WRONG_TOKEN, "invalid_auth", id="wrong-token"),
        pytest.param(OTHER_ORG_TOKEN, "forbidden", id="other-organisation"),
    ],
)
async def test_reconfigure_refuses_credentials_that_do_not_reach_the_account(
    hass: HomeAssistant,
    flows: Flows,
    mock_setup_entry: AsyncMock,
    config_entry: MockConfigEntry,
    token: str,
    error: str,
) -> None:
    """New credentials must open the same organisation user; the entry changes only then."""
    sim = flows.sim
    sim.tokens.add_static(OTHER_ORG_TOKEN, sim.other_org_id)
    config_entry.add_to_hass(hass)
    old_data = dict(config_entry.data)
    result = await flows.start_reconfigure(config_entry)
    result = await flows.submit(result, flows.reconnection())

    result = await flows.submit(result, {CONF_API_TOKEN: token})

    assert_form_errors(result, "api_token", {"base": error})
    assert dict(config_entry.data) == old_data
    result = await flows.submit(result, flows.credentials(AuthMethod.API_TOKEN))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"


# --- options -----------------------------------------------------------------------------------


async def test_options_default_to_five_minutes(
    hass: HomeAssistant,
    flows: Flows,
    mock_setup_entry: AsyncMock,
    config_entry: MockConfigEntry,
) -> None:
    """A new entry's options offer 300 s (30..3600 s) and 30 days of history (1..365)."""
    await setup_integration(hass, config_entry)

    result = await flows.start_options(config_entry)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    form = fields(result)
    assert list(form) == [CONF_SCAN_INTERVAL, CONF_BACKFILL_DAYS]
    assert form[CONF_SCAN_INTERVAL]["default"] == 300
    number = form[CONF_SCAN_INTERVAL]["selector"]["number"]
    assert (number["min"], number["max"], number["unit_of_measurement"]) == (
        30,
        3600,
        "s",
    )
    assert form[CONF_BACKFILL_DAYS]["default"] == 30
    days = form[CONF_BACKFILL_DAYS]["selector"]["number"]
    assert (days["min"], days["max"], days["unit_of_measurement"]) == (1, 365, "d")
    assert suggested(result) == {}


async def test_options_change_reloads_the_entry_with_the_new_interval(
    hass: HomeAssistant, flows: Flows, config_entry: MockConfigEntry
) -> None:
    """A new interval is stored as whole seconds and the reloaded entry polls at it."""
    await setup_integration(hass, config_entry)
    runtime_before = config_entry.runtime_data
    assert polling_intervals(config_entry) == {timedelta(seconds=300)}
    result = await flows.start_options(config_entry)

    result = await flows.submit_options(result, {CONF_SCAN_INTERVAL: 60})
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_SCAN_INTERVAL: 60, CONF_BACKFILL_DAYS: 30}
    assert config_entry.options == {CONF_SCAN_INTERVAL: 60, CONF_BACKFILL_DAYS: 30}
    assert config_entry.state is ConfigEntryState.LOADED
    assert config_entry.runtime_data is not runtime_before
    assert polling_intervals(config_entry) == {timedelta(seconds=60)}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        pytest.param({CONF_SCAN_INTERVAL: 30}, {CONF_SCAN_INTERVAL: 30}, id="30s"),
        pytest.param({CONF_SCAN_INTERVAL: 3600}, {CONF_SCAN_INTERVAL: 3600}, id="1h"),
        pytest.param({CONF_SCAN_INTERVAL: "120"}, {CONF_SCAN_INTERVAL: 120}, id="text"),
        pytest.param(
            {CONF_SCAN_INTERVAL: 299.7}, {CONF_SCAN_INTERVAL: 299}, id="299.7s"
        ),
        pytest.param({CONF_BACKFILL_DAYS: 1}, {CONF_BACKFILL_DAYS: 1}, id="1d"),
        pytest.param({CONF_BACKFILL_DAYS: 365}, {CONF_BACKFILL_DAYS: 365}, id="365d"),
        pytest.param({CONF_BACKFILL_DAYS: 7.5}, {CONF_BACKFILL_DAYS: 7}, id="7.5d"),
    ],
)
async def test_options_accept_their_ranges_in_whole_units(
    hass: HomeAssistant,
    flows: Flows,
    mock_setup_entry: AsyncMock,
    config_entry: MockConfigEntry,
    typed: dict[str, float | str],
    stored: dict[str, int],
) -> None:
    """30 s to an hour of polling, 1 to 365 days of history; each is stored as an int."""
    await setup_integration(hass, config_entry)
    result = await flows.start_options(config_entry)

    result = await flows.submit_options(result, {CONF_SCAN_INTERVAL: 300, **typed})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    expected = {CONF_SCAN_INTERVAL: 300, CONF_BACKFILL_DAYS: 30, **stored}
    assert config_entry.options == expected
    assert all(type(value) is int for value in config_entry.options.values())


@pytest.mark.parametrize(
    "typed",
    [
        *({CONF_SCAN_INTERVAL: value} for value in (29, 3601, "nan", "soon")),
        *({CONF_BACKFILL_DAYS: value} for value in (0, 366, "nan")),
    ],
    ids=lambda typed: "-".join(f"{key}={value}" for key, value in typed.items()),
)
async def test_options_refuse_values_outside_the_range(
    hass: HomeAssistant,
    flows: Flows,
    mock_setup_entry: AsyncMock,
    config_entry: MockConfigEntry,
    typed: dict[str, float | str],
) -> None:
    """Too short, too long or not a number fails the form; the options stay as they were."""
    await setup_integration(hass, config_entry)
    result = await flows.start_options(config_entry)

    with pytest.raises(InvalidData):
        await flows.submit_options(result, {CONF_SCAN_INTERVAL: 300, **typed})

    assert config_entry.options == {}


async def test_options_form_shows_the_current_interval(
    hass: HomeAssistant,
    flows: Flows,
    mock_setup_entry: AsyncMock,
    config_entry: MockConfigEntry,
) -> None:
    """Opening the options again pre-fills the interval chosen before."""
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry, options={CONF_SCAN_INTERVAL: 900}
    )

    result = await flows.start_options(config_entry)

    assert suggested(result) == {CONF_SCAN_INTERVAL: 900}
