"""Fault injection: what the user sees when Podero flaps, throttles or rejects credentials.

The simulator serves real HTTP on loopback and injects faults per endpoint; each test checks
entity availability and state, log lines, and reauth flows.
"""

import asyncio
from datetime import timedelta
import logging
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.podero.api import DeviceKind
from custom_components.podero.const import DEFAULT_SCAN_INTERVAL, DOMAIN

from .helpers import (
    EV_SWITCH,
    HEAT_PUMP_SWITCH,
    USER_ROUTE,
    SimulatedPodero,
    advance,
    podero_log_lines,
    setup_integration,
)

LIST = f"GET {USER_ROUTE}/"
HEAT_PUMPS = f"{LIST}heat-pumps"
HEAT_PUMP_POWER = "sensor.nibe_heat_pump_power"


def reauth_flows(hass: HomeAssistant) -> list[object]:
    """Reauth flows in progress for our domain."""
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


def requests_to(podero: SimulatedPodero, route_suffix: str) -> int:
    """How many requests the simulator saw for a route ending in route_suffix."""
    return sum(
        count
        for route, count in podero.simulator.counters().items()
        if route.endswith(route_suffix)
    )


@pytest.mark.parametrize("fault", ["5xx", "malformed"])
async def test_failing_type_is_unavailable_only_while_it_fails(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    """A burst of failures on one list: that type goes unavailable, the others stay up."""
    await setup_integration(hass, config_entry)
    caplog.clear()
    podero.simulator.faults.script(fault, count=3, match=HEAT_PUMPS)

    for _ in range(3):
        await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)
        assert hass.states.get(HEAT_PUMP_SWITCH).state == STATE_UNAVAILABLE
        assert hass.states.get(EV_SWITCH).state == "on"

    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)
    assert hass.states.get(HEAT_PUMP_SWITCH).state == "on"
    (error,) = podero_log_lines(caplog, logging.ERROR)
    assert error.startswith("Error fetching podero heat-pumps data:")
    assert podero_log_lines(caplog, logging.INFO) == [
        "Fetching podero heat-pumps data recovered"
    ]
    assert reauth_flows(hass) == []


async def test_a_write_answered_while_its_type_fails_shows_what_podero_answered(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A refresh fails while a write is in flight: the write's answer is the device now."""
    await setup_integration(hass, config_entry)
    coordinator = config_entry.runtime_data.devices[DeviceKind.HEAT_PUMP]
    original = coordinator.client.update_device
    answered = asyncio.Event()
    gate = asyncio.Event()

    async def slow_update(*args: Any, **kwargs: Any) -> Any:
        device = await original(*args, **kwargs)
        answered.set()
        await gate.wait()
        return device

    with patch.object(coordinator.client, "update_device", slow_update):
        write = hass.async_create_task(
            hass.services.async_call(
                "switch", "turn_off", {"entity_id": HEAT_PUMP_SWITCH}, blocking=True
            )
        )
        await answered.wait()
        podero.simulator.faults.script("5xx", count=2, match=HEAT_PUMPS)
        await coordinator.async_refresh()
        assert hass.states.get(HEAT_PUMP_SWITCH).state == STATE_UNAVAILABLE
        gate.set()
        await write

    assert hass.states.get(HEAT_PUMP_SWITCH).state == "off"
    assert hass.states.get(HEAT_PUMP_POWER).state != STATE_UNAVAILABLE

    # The next list fails too: from then on the device's data is stale again.
    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)
    assert hass.states.get(HEAT_PUMP_SWITCH).state == STATE_UNAVAILABLE


async def test_total_outage_logs_once_and_recovers(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every list failing: all entities unavailable, one error and one recovery per type."""
    await setup_integration(hass, config_entry)
    caplog.clear()
    podero.simulator.faults.script("5xx", count=None, match=f"{LIST}*")

    for _ in range(3):
        await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)
        assert hass.states.get(HEAT_PUMP_SWITCH).state == STATE_UNAVAILABLE
        assert hass.states.get(EV_SWITCH).state == STATE_UNAVAILABLE

    podero.simulator.faults.clear_scripts()
    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)

    assert hass.states.get(HEAT_PUMP_SWITCH).state == "on"
    assert hass.states.get(EV_SWITCH).state == "on"
    types = ["electric-vehicles", "heat-pumps", "inverters", "wallboxes"]
    assert sorted(podero_log_lines(caplog, logging.ERROR)) == [
        f"Error fetching podero {kind} data: Podero had a server error (HTTP 503). "
        "Try again later"
        for kind in types
    ]
    assert podero_log_lines(caplog, logging.WARNING) == []
    assert sorted(podero_log_lines(caplog, logging.INFO)) == [
        f"Fetching podero {kind} data recovered" for kind in types
    ]
    assert reauth_flows(hass) == []


async def test_type_failing_at_start_up_is_retried_at_the_next_refresh(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A list failing at start-up is logged and asked again 5 min later, not at discovery."""
    podero.simulator.faults.script("5xx", count=1, match=HEAT_PUMPS, status=503)
    await setup_integration(hass, config_entry)

    assert hass.states.get(HEAT_PUMP_SWITCH) is None
    assert hass.states.get(EV_SWITCH).state == "on"
    assert podero_log_lines(caplog, logging.WARNING) == [
        (
            "Reading podero heat-pumps failed at start-up, retrying: "
            "Podero had a server error (HTTP 503). Try again later"
        )
    ]

    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)

    assert hass.states.get(HEAT_PUMP_SWITCH).state == "on"
    assert "Fetching podero heat-pumps data recovered" in podero_log_lines(
        caplog, logging.INFO
    )
    assert reauth_flows(hass) == []


async def test_rate_limit_keeps_data_and_silences_the_endpoint(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 429: entities keep the last data, and nothing is asked before Retry-After."""
    await setup_integration(hass, config_entry)
    power = hass.states.get(HEAT_PUMP_POWER).state
    podero.simulator.faults.script("429", count=1, match=HEAT_PUMPS, retry_after=500)

    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)  # t = 300 s: answered with 429
    podero.simulator.log.clear()
    assert hass.states.get(HEAT_PUMP_POWER).state == power
    assert hass.states.get(HEAT_PUMP_SWITCH).state == "on"

    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)  # t = 600 s: still quiet
    assert requests_to(podero, "heat-pumps") == 0
    assert requests_to(podero, "electric-vehicles") == 1

    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)  # t = 900 s: Retry-After passed
    assert requests_to(podero, "heat-pumps") == 1
    assert reauth_flows(hass) == []


async def test_rate_limit_logs_once_and_once_on_recovery(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Repeated 429s: one line when Podero throttles, one when it answers again."""
    await setup_integration(hass, config_entry)
    caplog.clear()
    podero.simulator.faults.script("429", count=3, match=HEAT_PUMPS, retry_after=60)

    for _ in range(4):
        await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)
        assert hass.states.get(HEAT_PUMP_SWITCH).state == "on"

    assert podero_log_lines(caplog, logging.ERROR) == [
        (
            "Error fetching podero heat-pumps data: "
            "Podero asked to slow down. Try again in 60 seconds"
        )
    ]
    assert podero_log_lines(caplog, logging.INFO) == [
        "Fetching podero heat-pumps data recovered"
    ]


async def test_expired_oauth_token_is_renewed_silently(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    client_credentials_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Client credentials: an expired token is replaced without the user noticing."""
    await setup_integration(hass, client_credentials_entry)
    podero.simulator.expire_tokens()
    podero.simulator.log.clear()

    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)

    assert hass.states.get(HEAT_PUMP_SWITCH).state == "on"
    assert requests_to(podero, "/oauth2/token/") == 1
    assert reauth_flows(hass) == []
    assert client_credentials_entry.state is ConfigEntryState.LOADED


async def test_revoked_token_starts_reauth_once(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A revoked API token: one reauth flow however often polls fail (finishing it: test_config_flow.py)."""
    await setup_integration(hass, config_entry)
    podero.simulator.revoke_tokens()

    with patch.object(
        hass.config_entries.flow,
        "async_init",
        wraps=hass.config_entries.flow.async_init,
    ) as init:
        for _ in range(3):
            await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)
    started = [
        call
        for call in init.call_args_list
        if call.kwargs["context"]["source"] == SOURCE_REAUTH
    ]
    assert len(started) == 1
    assert len(reauth_flows(hass)) == 1
    assert hass.states.get(HEAT_PUMP_SWITCH).state == STATE_UNAVAILABLE


async def test_absurd_retry_after_only_quiets_the_endpoint(
    hass: HomeAssistant, podero: SimulatedPodero, config_entry: MockConfigEntry
) -> None:
    """A 429 asking for 31,700 years of silence is capped and breaks nothing else."""
    await setup_integration(hass, config_entry)
    coordinator = config_entry.runtime_data.devices[DeviceKind.HEAT_PUMP]
    podero.simulator.faults.script("429", match=HEAT_PUMPS, retry_after=10**12)

    await coordinator.async_refresh()

    assert coordinator.throttled
    assert coordinator.last_exception.retry_after == 3600
    assert hass.states.get(HEAT_PUMP_SWITCH).state == "on"
    assert hass.states.get(EV_SWITCH).state == "on"


async def test_a_throttled_type_that_starts_failing_goes_unavailable(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """429 then 5xx: HA sees two failures in a row, yet the last data must no longer show."""
    await setup_integration(hass, config_entry)
    podero.simulator.faults.script("429", count=1, match=HEAT_PUMPS, retry_after=60)
    podero.simulator.faults.script("5xx", count=1, match=HEAT_PUMPS)

    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)  # 429: keeps the last data
    assert hass.states.get(HEAT_PUMP_SWITCH).state == "on"
    await advance(hass, freezer, timedelta(seconds=60))  # 5xx: stale now
    assert hass.states.get(HEAT_PUMP_SWITCH).state == STATE_UNAVAILABLE
    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)
    assert hass.states.get(HEAT_PUMP_SWITCH).state == "on"
