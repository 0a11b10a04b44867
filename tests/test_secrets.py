"""No credential ever leaves the integration: not in logs, errors, diagnostics or snapshots.

One full session at DEBUG level (two entries: OAuth client credentials and an API token; setup,
refreshes, writes, failing writes, outages, a revoked token, diagnostics) is searched for every
credential the simulator knows: the API token, the client secret and every access token issued.
"""

import json
import logging
from pathlib import Path
import traceback

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.podero.const import CONF_USER_ID, DEFAULT_SCAN_INTERVAL, DOMAIN
from custom_components.podero.diagnostics import (
    async_get_config_entry_diagnostics,
    async_get_device_diagnostics,
)
from podero_simulator.scenarios import EV_ID

from .helpers import USER_ROUTE, SimulatedPodero, advance, device_of, setup_integration

SNAPSHOTS = Path(__file__).parent / "snapshots"
LIST = f"GET {USER_ROUTE}/"


def _all_secrets(podero: SimulatedPodero) -> set[str]:
    sim = podero.simulator
    return {
        sim.static_token,
        sim.client_secret,
        *sim.tokens.tokens,
        *sim.tokens.refresh_tokens,
    }


def _error_texts(err: BaseException) -> str:
    return "\n".join(
        [
            str(err),
            repr(err),
            str(getattr(err, "translation_placeholders", "")),
            *traceback.format_exception(err),
        ]
    )


async def test_a_full_session_leaks_no_secret(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    client_credentials_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Search every log record, error, diagnostics output and snapshot for credentials."""
    caplog.set_level(logging.DEBUG)
    sim = podero.simulator
    oauth_entry = client_credentials_entry
    token_data = {**config_entry.data, CONF_USER_ID: sim.second_user_id}
    token_entry = MockConfigEntry(domain=DOMAIN, unique_id="token", data=token_data)
    await setup_integration(hass, oauth_entry)
    await setup_integration(hass, token_entry)
    errors: list[str] = []

    # Writes that work, and writes that fail in every way the API can fail.
    await hass.services.async_call(
        "switch",
        "turn_off",
        {"entity_id": "switch.nibe_heat_pump_smart_optimization"},
        blocking=True,
    )
    for fault in ("5xx", "429", "malformed"):
        sim.faults.script(fault, count=1, match="PUT /api/partners/v2.0/*")
        try:
            await hass.services.async_call(
                "number",
                "set_value",
                {"entity_id": "number.tesla_model_3_minimum_charge", "value": 60},
                blocking=True,
            )
        except HomeAssistantError as err:
            errors.append(_error_texts(err))
    sim.set_plugged_in(EV_ID, plugged_in=True)
    for _ in range(2):
        try:
            await hass.services.async_call(
                "button",
                "press",
                {"entity_id": "button.tesla_model_3_charge_now"},
                blocking=True,
            )
        except HomeAssistantError as err:
            errors.append(_error_texts(err))

    # Outages, an expired OAuth token (renewed) and a revoked API token (reauth).
    sim.faults.script("5xx", count=2, match=f"{LIST}*")
    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)
    sim.expire_tokens()
    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)
    sim.revoke_tokens(sim.static_token)
    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)

    device = device_of(hass, oauth_entry, EV_ID)
    diagnostics = [
        await async_get_config_entry_diagnostics(hass, oauth_entry),
        await async_get_config_entry_diagnostics(hass, token_entry),
        await async_get_device_diagnostics(hass, oauth_entry, device),
    ]

    logged = [
        record.getMessage() + "".join(traceback.format_exception(*record.exc_info))
        if record.exc_info
        else record.getMessage()
        for record in caplog.records
    ]
    snapshots = [path.read_text() for path in SNAPSHOTS.glob("*.ambr")]
    haystacks = {
        "logs": "\n".join(logged),
        "errors": "\n".join(errors),
        "diagnostics": json.dumps(diagnostics),
        "snapshots": "\n".join(snapshots),
    }
    secrets = _all_secrets(podero)
    assert len(errors) >= 4
    assert any(record.levelno == logging.DEBUG for record in caplog.records)
    for where, text in haystacks.items():
        leaked = [secret for secret in secrets if secret and secret in text]
        assert not leaked, f"credential found in {where}"
