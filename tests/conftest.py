"""Shared fixtures: Home Assistant with our integration, and a Podero simulator on loopback."""

from collections.abc import AsyncIterator, Generator
from typing import Any
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

# Imported before the `hass` fixture runs, so our package wins over phcc's testing_config.
import custom_components.podero  # noqa: F401
from custom_components.podero.const import (
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
from podero_simulator import SIMULATOR, Simulator, create_app
from podero_simulator.testing import serve

from .helpers import (
    PlatformSetUp,
    Registered,
    SimulatedPodero,
    set_up_every_kind_of_device,
    setup_integration,
)
from .translation_check import TranslationCheck, watching

# A fixed moment (a Thursday noon in Vienna, winter time) so that simulated readings, and
# therefore snapshots, are the same on every run.
FROZEN_NOW = "2026-01-15T11:00:00+00:00"


@pytest.fixture(autouse=True)
def check_translations() -> Generator[TranslationCheck]:
    """Fail a test whose integration uses a string en.json lacks, while HA runs and stops."""
    check = TranslationCheck()
    with watching(check):
        yield check
    if check.problems:
        pytest.fail(
            "Missing translations:\n" + "\n".join(check.problems), pytrace=False
        )


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Let Home Assistant load custom_components.podero (after the recorder, if any)."""
    if "recorder_mock" in request.fixturenames:
        request.getfixturevalue("recorder_mock")
    request.getfixturevalue("enable_custom_integrations")


@pytest.fixture(autouse=True)
def energy_history_off(request: pytest.FixtureRequest) -> Generator[None]:
    """Keep the hourly energy-history job (and its requests) out of unmarked tests."""
    if request.node.get_closest_marker("energy_history"):
        yield
        return
    with (
        patch("custom_components.podero.energy.EnergyCoordinator.async_start"),
        patch(
            "custom_components.podero.energy.EnergyCoordinator._async_fetch",
            return_value={},
        ),
    ):
        yield


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots with Home Assistant's serializers for states and registry entries."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Create entities that are disabled by default as enabled (for snapshots)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def frozen_time(freezer: FrozenDateTimeFactory) -> FrozenDateTimeFactory:
    """Freeze time at FROZEN_NOW (simulator physics included)."""
    freezer.move_to(FROZEN_NOW)
    return freezer


@pytest.fixture
def scenario() -> dict[str, Any]:
    """Which simulated household to serve; override in a module to change it."""
    return {"scenario": "demo"}


@pytest.fixture
async def podero(
    hass: HomeAssistant,
    socket_enabled: None,
    frozen_time: FrozenDateTimeFactory,
    scenario: dict[str, Any],
) -> AsyncIterator[SimulatedPodero]:
    """A stateful Podero API simulator served over real HTTP on 127.0.0.1."""
    app = create_app(**scenario)
    simulator: Simulator = app[SIMULATOR]
    async with serve(app, host="127.0.0.1", port=0) as base_url:
        yield SimulatedPodero(simulator, base_url)


@pytest.fixture
def simulator(podero: SimulatedPodero) -> Simulator:
    """The simulated Podero backend."""
    return podero.simulator


@pytest.fixture
def config_entry(podero: SimulatedPodero) -> MockConfigEntry:
    """A config entry for the simulator's household, authenticated with the static token."""
    sim = podero.simulator
    return MockConfigEntry(
        domain=DOMAIN,
        title="Peter Schmidt",
        unique_id=f"{sim.org_id}_{sim.user_id}",
        data={
            CONF_ENVIRONMENT: Environment.CUSTOM,
            CONF_BASE_URL: podero.base_url,
            CONF_AUTH_METHOD: AuthMethod.API_TOKEN,
            CONF_API_TOKEN: sim.static_token,
            CONF_ORG_ID: sim.org_id,
            CONF_USER_ID: sim.user_id,
        },
    )


@pytest.fixture
def client_credentials_entry(
    config_entry: MockConfigEntry, simulator: Simulator
) -> MockConfigEntry:
    """The same household's entry, authenticated with OAuth client credentials."""
    data = {
        **config_entry.data,
        CONF_AUTH_METHOD: AuthMethod.CLIENT_CREDENTIALS,
        CONF_CLIENT_ID: simulator.client_id,
        CONF_CLIENT_SECRET: simulator.client_secret,
    }
    del data[CONF_API_TOKEN]
    title, unique_id = config_entry.title, config_entry.unique_id
    return MockConfigEntry(domain=DOMAIN, title=title, unique_id=unique_id, data=data)


@pytest.fixture
def set_up_platforms(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> PlatformSetUp:
    """Set up the demo entry with only the given platforms, then forget setup's requests."""

    async def set_up(*platforms: Platform) -> None:
        await setup_integration(hass, config_entry, platforms)
        simulator.log.clear()

    return set_up


@pytest.fixture
def snapshot_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry: MockConfigEntry,
    set_up_platforms: PlatformSetUp,
    entity_registry_enabled_by_default: None,
) -> PlatformSetUp:
    """Snapshot each entity (disabled ones too) of the given platforms: registry and state."""

    async def set_up_and_snapshot(*platforms: Platform) -> None:
        await set_up_platforms(*platforms)
        await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)

    return set_up_and_snapshot


@pytest.fixture
async def registered(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    entity_registry_enabled_by_default: None,
) -> Registered:
    """Every entity and device name registered in every naming case (energy: mark the test)."""
    return await set_up_every_kind_of_device(hass, podero, config_entry, freezer)
