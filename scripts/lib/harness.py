"""Run Home Assistant with the Podero integration in-process against the simulator.

Shared by the benchmark and the soak test: they need Home Assistant's real machinery
(config entries, coordinator, entity platforms, services, state machine) but control over
time, which a separate `hass` process would not give. The test harness of
pytest-homeassistant-custom-component provides exactly that outside pytest.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
import sys
import tempfile
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from unittest.mock import patch  # noqa: E402

from aiohttp import web  # noqa: E402
from aiohttp.resolver import ThreadedResolver  # noqa: E402
from homeassistant import loader  # noqa: E402
from homeassistant.core import HomeAssistant  # noqa: E402
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]  # noqa: E402
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.podero.const import (  # noqa: E402
    CONF_API_TOKEN,
    CONF_AUTH_METHOD,
    CONF_BASE_URL,
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_ENVIRONMENT,
    CONF_ORG_ID,
    CONF_USER_ID,
    DOMAIN,
    AuthMethod,
    Environment,
)
from podero_simulator import SIMULATOR, Simulator, create_app  # noqa: E402
from podero_simulator.testing import serve  # noqa: E402


@dataclass(frozen=True)
class Session:
    """A running Home Assistant and simulator."""

    hass: HomeAssistant
    simulator: Simulator
    base_url: str


def entry_from(credentials: dict[str, Any], base_url: str) -> MockConfigEntry:
    """Build an API-token config entry from the simulator's start-up line."""
    return MockConfigEntry(
        domain=DOMAIN,
        unique_id=f"{credentials['org_id']}_{credentials['user_id']}",
        data={
            CONF_ENVIRONMENT: Environment.CUSTOM,
            CONF_BASE_URL: base_url,
            CONF_ORG_ID: credentials["org_id"],
            CONF_USER_ID: credentials["user_id"],
            CONF_AUTH_METHOD: AuthMethod.API_TOKEN,
            CONF_API_TOKEN: credentials["token"],
        },
    )


def entry_for(
    session: Session, *, oauth: bool = False, options: dict[str, Any] | None = None
) -> MockConfigEntry:
    """Build a config entry for the simulator's household (API token or OAuth client)."""
    sim = session.simulator
    data: dict[str, Any] = {
        CONF_ENVIRONMENT: Environment.CUSTOM,
        CONF_BASE_URL: session.base_url,
        CONF_ORG_ID: sim.org_id,
        CONF_USER_ID: sim.user_id,
    }
    if oauth:
        data |= {
            CONF_AUTH_METHOD: AuthMethod.CLIENT_CREDENTIALS,
            CONF_CLIENT_ID: sim.client_id,
            CONF_CLIENT_SECRET: sim.client_secret,
        }
    else:
        data |= {
            CONF_AUTH_METHOD: AuthMethod.API_TOKEN,
            CONF_API_TOKEN: sim.static_token,
        }
    return MockConfigEntry(
        domain=DOMAIN,
        unique_id=f"{sim.org_id}_{sim.user_id}",
        data=data,
        options=options or {},
    )


def _resolver() -> ThreadedResolver:
    resolver = ThreadedResolver()
    # Home Assistant closes its resolver through this attribute (the zeroconf one has it).
    resolver.real_close = resolver.close  # type: ignore[attr-defined]
    return resolver


@asynccontextmanager
async def home_assistant() -> AsyncIterator[HomeAssistant]:
    """Start a Home Assistant (temporary config dir) that may load our integration."""
    with (
        tempfile.TemporaryDirectory(prefix="podero-harness-") as config_dir,
        # Home Assistant resolves through zeroconf, which needs the network integration;
        # the simulator is on loopback, so the plain resolver does.
        patch(
            "homeassistant.helpers.aiohttp_client._async_make_resolver",
            return_value=_resolver(),
        ),
    ):
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            # The harness disables custom integrations unless told otherwise.
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
            await hass.config.async_set_time_zone("Europe/Vienna")
            try:
                yield hass
            finally:
                await hass.async_stop(force=True)


@asynccontextmanager
async def running(app: web.Application) -> AsyncIterator[Session]:
    """Serve the simulator app in-process and start Home Assistant next to it."""
    async with (
        serve(app, host="127.0.0.1", port=0) as base_url,
        home_assistant() as hass,
    ):
        yield Session(hass, app[SIMULATOR], base_url)


def simulator_app(**kwargs: Any) -> web.Application:
    """Build the simulator application (see podero_simulator.create_app)."""
    return create_app(**kwargs)
