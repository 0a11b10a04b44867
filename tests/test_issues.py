"""Repair issues: a device whose manufacturer login lapsed asks the user to reconnect it."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.podero.const import DEFAULT_SCAN_INTERVAL, DOMAIN
from custom_components.podero.issues import issue_id
from podero_simulator.scenarios import HEAT_PUMP_ID

from .helpers import SimulatedPodero, advance, setup_integration


async def test_lapsed_login_raises_a_repair_issue_and_clears_it(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """is_authenticated false -> one issue naming the device; connected again -> gone."""
    await setup_integration(hass, config_entry)
    issues = ir.async_get(hass)
    assert issues.async_get_issue(DOMAIN, issue_id(HEAT_PUMP_ID)) is None

    podero.simulator.patch_device(HEAT_PUMP_ID, {"is_authenticated": False})
    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)
    issue = issues.async_get_issue(DOMAIN, issue_id(HEAT_PUMP_ID))
    assert issue is not None
    assert issue.translation_key == "device_reconnect"
    assert issue.translation_placeholders == {"device": "Nibe heat pump"}
    assert not issue.is_fixable

    podero.simulator.patch_device(HEAT_PUMP_ID, {"is_authenticated": True})
    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)
    assert issues.async_get_issue(DOMAIN, issue_id(HEAT_PUMP_ID)) is None


async def test_pending_reauthenticate_action_raises_the_issue(
    hass: HomeAssistant, podero: SimulatedPodero, config_entry: MockConfigEntry
) -> None:
    """A pending `reauthenticate` action means the same, even while still authenticated."""
    podero.simulator.patch_device(
        HEAT_PUMP_ID,
        {
            "action_needed": True,
            "actions": [
                {
                    "code": "reauthenticate",
                    "resolution_link": {"url": "https://example.invalid/x?secret=s"},
                }
            ],
        },
    )
    await setup_integration(hass, config_entry)

    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, issue_id(HEAT_PUMP_ID)) is not None
    )


async def test_issue_stays_while_the_type_is_unreadable_and_goes_with_the_entry(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An outage of the list says nothing about the login; unloading withdraws the issue."""
    podero.simulator.patch_device(HEAT_PUMP_ID, {"is_authenticated": False})
    await setup_integration(hass, config_entry)
    podero.simulator.faults.script(
        "5xx", count=1, match="GET /api/partners/v2.0/org/{o}/users/{u}/heat-pumps"
    )

    await advance(hass, freezer, DEFAULT_SCAN_INTERVAL)
    issues = ir.async_get(hass)
    assert issues.async_get_issue(DOMAIN, issue_id(HEAT_PUMP_ID)) is not None

    await hass.config_entries.async_unload(config_entry.entry_id)
    assert issues.async_get_issue(DOMAIN, issue_id(HEAT_PUMP_ID)) is None
