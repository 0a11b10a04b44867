"""Diagnostics: everything Podero sent, minus credentials, identities and personal data."""

import json
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.podero.api import DeviceKind
from custom_components.podero.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET, DOMAIN
from podero_simulator.scenarios import BUILDING_ID, EV_ID, HEAT_PUMP_ID

from .helpers import USER_ROUTE, SimulatedPodero, device_of, setup_integration

# The entry id is random and the simulator's port changes from run to run.
UNSTABLE = props("entry_id", "base_url")


def secrets_and_personal_data(podero: SimulatedPodero) -> list[str]:
    """Strings that must never show up in diagnostics."""
    sim = podero.simulator
    return [
        sim.static_token,
        sim.client_id,
        sim.client_secret,
        *sim.tokens.tokens,  # every access token issued, the static one included
        sim.org_id,
        sim.user_id,
        BUILDING_ID,
        sim.username,
        "@example.com",
        "Peter",
        "Schmidt",
        "Stephansplatz",
        "Wien",
        "48.2085",
        "16.3721",
        "134681893870",  # external user id
    ]


def leaks(diagnostics: dict[str, Any], podero: SimulatedPodero) -> list[str]:
    """Which secrets or personal details the diagnostics contain."""
    text = json.dumps(diagnostics)
    return [secret for secret in secrets_and_personal_data(podero) if secret in text]


async def test_config_entry_diagnostics(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
) -> None:
    """Every device as Podero sent it; no token, account id, name, address or coordinates."""
    await setup_integration(hass, config_entry, [Platform.SWITCH])

    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, config_entry
    )

    assert diagnostics == snapshot(exclude=UNSTABLE)
    assert leaks(diagnostics, podero) == []
    # The redaction is visible rather than silent.
    assert diagnostics["entry"]["data"]["api_token"] == "**REDACTED**"


async def test_client_credentials_leak_nothing(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    client_credentials_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """With OAuth client credentials neither the secret nor the access token show."""
    await setup_integration(hass, client_credentials_entry, [Platform.SWITCH])
    assert any(
        token.kind == "client_credentials"
        for token in podero.simulator.tokens.tokens.values()
    )

    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, client_credentials_entry
    )

    assert leaks(diagnostics, podero) == []
    assert diagnostics["entry"]["data"][CONF_CLIENT_SECRET] == "**REDACTED**"
    assert diagnostics["entry"]["data"][CONF_CLIENT_ID] == "**REDACTED**"


@pytest.mark.parametrize("device", [HEAT_PUMP_ID, EV_ID, "account"])
async def test_device_diagnostics(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
    device: str,
) -> None:
    """A device shows what Podero reports for it; the account its charging settings."""
    await setup_integration(hass, config_entry, [Platform.SWITCH, Platform.SELECT])
    identifier = (
        f"{podero.simulator.user_id}_account" if device == "account" else device
    )

    diagnostics = await get_diagnostics_for_device(
        hass, hass_client, config_entry, device_of(hass, config_entry, identifier)
    )

    assert diagnostics == snapshot
    assert leaks(diagnostics, podero) == []


async def test_device_diagnostics_of_a_device_podero_no_longer_lists(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """A leftover registry device has nothing to show (and is not the account)."""
    await setup_integration(hass, config_entry, [Platform.SWITCH])
    orphan = dr.async_get(hass).async_get_or_create(
        config_entry_id=config_entry.entry_id,
        identifiers={(DOMAIN, "e6f8a0b2-5c7d-4e9f-8a1b-2c3d4e5f6a7b")},
    )

    diagnostics = await get_diagnostics_for_device(
        hass, hass_client, config_entry, orphan
    )

    assert diagnostics == {"device": None}


async def test_diagnostics_show_scheduled_resumes_and_unavailable_types(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """A pending resume and a device type whose list fails are part of the picture."""
    await setup_integration(hass, config_entry, [Platform.SWITCH])
    await hass.services.async_call(
        DOMAIN,
        "pause_optimization",
        {
            "device_id": device_of(hass, config_entry, HEAT_PUMP_ID).id,
            "until": "2026-01-15T13:00:00+00:00",
        },
        blocking=True,
    )
    podero.simulator.faults.script("5xx", None, f"GET {USER_ROUTE}/wallboxes")
    await config_entry.runtime_data.devices[DeviceKind.WALLBOX].async_refresh()

    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, config_entry
    )

    assert diagnostics["data"]["paused_until"] == {
        HEAT_PUMP_ID: "2026-01-15T13:00:00+00:00"
    }
    assert diagnostics["data"]["unavailable"] == ["wallboxes"]
    assert diagnostics["data"]["last_update_success"]["podero heat-pumps"] is True
    assert diagnostics["data"]["last_update_success"]["podero wallboxes"] is False
    podero.simulator.faults.clear_scripts()
