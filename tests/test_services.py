"""The Podero actions: weekly EV charge policy and pausing/resuming smart optimisation.

Every action targets Home Assistant devices. A call with any bad field or target is refused
with a translated ServiceValidationError before the first request, so it changes nothing.
"""

from collections.abc import Mapping
import copy
from datetime import UTC, datetime, time, timedelta
from typing import Any

from homeassistant.const import STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import probatio as vol
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.podero.api import DEFAULT_REQUEST_TIMEOUT_S
from custom_components.podero.const import CONF_BASE_URL, DOMAIN
from podero_simulator import create_app
from podero_simulator.devices.electric_vehicle import WEEKDAYS
from podero_simulator.scenarios import EV_ID, HEAT_PUMP_ID, INVERTER_ID, WALLBOX_ID
from podero_simulator.testing import serve

from .helpers import (
    HEAT_PUMP_SWITCH,
    USER_ROUTE,
    SimulatedPodero,
    device_of,
    setup_integration,
    until,
)

CHARGE_POLICY_SWITCH = "switch.tesla_model_3_charge_policy"
EV_ROUTE = f"PUT {USER_ROUTE}/electric-vehicles/{{ev}}"
CHARGE_POLICY_ROUTE = f"{EV_ROUTE}/charge-policy"
HEAT_PUMP_ROUTE = f"PUT {USER_ROUTE}/heat-pumps/{{hp}}"


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """The demo household, set up with the switches (appliances) and selects (account)."""
    await hass.config.async_set_time_zone("Europe/Vienna")
    await setup_integration(hass, config_entry, [Platform.SWITCH, Platform.SELECT])
    return config_entry


def ha_device(hass: HomeAssistant, entry: MockConfigEntry, identifier: str) -> str:
    """The Home Assistant device id of a Podero device (or the account)."""
    return device_of(hass, entry, identifier).id


def account_identifier(podero: SimulatedPodero) -> str:
    """The identifier of the account (service) device."""
    return f"{podero.simulator.user_id}_account"


def policy(podero: SimulatedPodero) -> dict[str, Any]:
    """The simulated EV's weekly charge policy, as Podero stores it."""
    return copy.deepcopy(podero.simulator.device(EV_ID).policy)


def sim_device(podero: SimulatedPodero, device_id: str) -> dict[str, Any]:
    """What Podero reports for a device right now."""
    return podero.simulator.device_payload(device_id)


async def call(
    hass: HomeAssistant,
    service: str,
    data: Mapping[str, Any],
    *,
    response: bool = False,
) -> Any:
    """Call a Podero action and wait for it."""
    return await hass.services.async_call(
        DOMAIN, service, dict(data), blocking=True, return_response=response
    )


# --- set_charge_policy --------------------------------------------------------------------


def day(percentage: int, deadline: str) -> dict[str, Any]:
    """One day of a weekly charge policy."""
    return {"charge_percentage": percentage, "charge_deadline": deadline}


@pytest.mark.parametrize(
    ("fields", "changed"),
    [
        pytest.param(
            {"charge_percentage": 90, "charge_deadline": "06:30"},
            dict.fromkeys(WEEKDAYS, day(90, "06:30")),
            id="every-day-by-default",
        ),
        pytest.param(
            {
                "weekdays": ["sat", "Sunday"],
                "charge_percentage": 100,
                "charge_deadline": "09:15",
            },
            dict.fromkeys(WEEKDAYS[5:], day(100, "09:15")),
            id="some-days-full-names-too",
        ),
        pytest.param(
            {"weekdays": "mon", "charge_percentage": "55"},
            {"mon": day(55, "07:00")},
            id="percentage-keeps-the-deadline",
        ),
        pytest.param(
            {"weekdays": ["sun"], "charge_deadline": "8:45:30"},
            {"sun": day(60, "08:45")},
            id="deadline-keeps-the-percentage",
        ),
        pytest.param(
            {"weekdays": ["thu"], "charge_deadline": time(6, 15, 30)},
            {"thu": day(80, "06:15")},
            id="time-object-from-a-script",
        ),
        pytest.param(
            {"weekdays": ["wed"], "charge_deadline": "07:30", "timezone": "Asia/Tokyo"},
            {"wed": day(80, "07:30"), "timezone": "Asia/Tokyo"},
            id="explicit-time-zone",
        ),
    ],
)
async def test_set_charge_policy_changes_only_what_it_is_given(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    fields: dict[str, Any],
    changed: dict[str, Any],
) -> None:
    """The chosen days (all by default) get what is given, seconds dropped; nothing else changes."""
    before = policy(podero)

    await call(
        hass,
        "set_charge_policy",
        {"device_id": ha_device(hass, loaded_entry, EV_ID), **fields},
    )

    assert policy(podero) == {**before, **changed}


async def test_set_charge_policy_uses_home_assistants_time_zone_by_default(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, podero: SimulatedPodero
) -> None:
    """New deadlines are meant in Home Assistant's time zone unless told otherwise."""
    await hass.config.async_set_time_zone("America/New_York")

    await call(
        hass,
        "set_charge_policy",
        {"device_id": ha_device(hass, loaded_entry, EV_ID), "charge_percentage": 70},
    )

    assert policy(podero)["timezone"] == "America/New_York"


async def test_set_charge_policy_enable_false_turns_the_policy_off(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, podero: SimulatedPodero
) -> None:
    """`enable: false` turns the EV's policy off, and the switch shows it at once."""
    before = policy(podero)
    podero.simulator.log.clear()

    await call(
        hass,
        "set_charge_policy",
        {"device_id": ha_device(hass, loaded_entry, EV_ID), "enable": False},
    )

    assert sim_device(podero, EV_ID)["is_charge_policy_enabled"] is False
    assert hass.states.get(CHARGE_POLICY_SWITCH).state == STATE_OFF
    # Only switching the policy off leaves the weekly plan and its zone untouched.
    assert policy(podero) == before
    assert [entry["method"] for entry in podero.simulator.requests()] == ["PUT"]


@pytest.mark.parametrize(
    ("fields", "wednesday"),
    [({"charge_percentage": 65}, 65), ({"enable": " On "}, 80)],
    ids=["enable-by-default", "enable-as-text"],
)
async def test_set_charge_policy_turns_a_disabled_policy_on(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    fields: dict[str, Any],
    wednesday: int,
) -> None:
    """`enable` is true by default, and text ("off", " On ") reads as a template renders it."""
    ev = ha_device(hass, loaded_entry, EV_ID)
    await call(hass, "set_charge_policy", {"device_id": ev, "enable": "off"})
    assert hass.states.get(CHARGE_POLICY_SWITCH).state == STATE_OFF

    await call(hass, "set_charge_policy", {"device_id": ev, **fields})

    assert sim_device(podero, EV_ID)["is_charge_policy_enabled"] is True
    assert hass.states.get(CHARGE_POLICY_SWITCH).state == STATE_ON
    assert policy(podero)["wed"]["charge_percentage"] == wednesday


async def test_set_charge_policy_with_enable_false_and_new_days(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, podero: SimulatedPodero
) -> None:
    """A new plan can be stored while the policy is switched off."""
    await call(
        hass,
        "set_charge_policy",
        {
            "device_id": ha_device(hass, loaded_entry, EV_ID),
            "weekdays": ["fri"],
            "charge_percentage": 95,
            "enable": False,
        },
    )

    assert policy(podero)["fri"]["charge_percentage"] == 95
    assert hass.states.get(CHARGE_POLICY_SWITCH).state == STATE_OFF


# --- get_charge_policy --------------------------------------------------------------------


async def test_get_charge_policy_returns_the_weekly_plan(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, snapshot: SnapshotAssertion
) -> None:
    """The response lists each vehicle under its Home Assistant device id."""
    ev = ha_device(hass, loaded_entry, EV_ID)

    response = await call(hass, "get_charge_policy", {"device_id": ev}, response=True)

    assert list(response["electric_vehicles"]) == [ev]
    assert response["electric_vehicles"][ev] == snapshot


async def test_get_charge_policy_shows_a_change(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """What set_charge_policy wrote is what get_charge_policy reads back."""
    ev = ha_device(hass, loaded_entry, EV_ID)
    await call(
        hass,
        "set_charge_policy",
        {
            "device_id": ev,
            "weekdays": "tue",
            "charge_deadline": "05:05",
            "enable": False,
        },
    )

    response = await call(hass, "get_charge_policy", {"device_id": ev}, response=True)

    vehicle = response["electric_vehicles"][ev]
    assert vehicle["enabled"] is False
    assert vehicle["timezone"] == "Europe/Vienna"
    assert vehicle["days"]["tue"] == day(80, "05:05")


async def test_get_charge_policy_only_returns_a_response(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Calling it without asking for the response is refused by Home Assistant."""
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN,
            "get_charge_policy",
            {"device_id": ha_device(hass, loaded_entry, EV_ID)},
            blocking=True,
        )


# --- pause / resume -----------------------------------------------------------------------


async def test_pause_and_resume_every_kind_of_appliance(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, podero: SimulatedPodero
) -> None:
    """Heat pumps, vehicles, inverters and wallboxes can all be paused and resumed."""
    ids = [HEAT_PUMP_ID, EV_ID, INVERTER_ID, WALLBOX_ID]
    devices = [ha_device(hass, loaded_entry, device_id) for device_id in ids]
    flag = "is_smart_optimization_active"

    await call(hass, "pause_optimization", {"device_id": devices})
    assert [sim_device(podero, i)[flag] for i in ids] == [False] * 4
    assert hass.states.get(HEAT_PUMP_SWITCH).state == STATE_OFF

    await call(hass, "resume_optimization", {"device_id": devices})
    assert [sim_device(podero, i)[flag] for i in ids] == [True] * 4
    assert hass.states.get(HEAT_PUMP_SWITCH).state == STATE_ON


@pytest.mark.parametrize(
    ("until", "resume_at"),
    [
        ("2026-01-15 12:30:00", datetime(2026, 1, 15, 11, 30, tzinfo=UTC)),  # Vienna
        (datetime(2026, 1, 15, 13, tzinfo=UTC), datetime(2026, 1, 15, 13, tzinfo=UTC)),
        (datetime(2026, 1, 15, 13), datetime(2026, 1, 15, 12, tzinfo=UTC)),  # noqa: DTZ001
        (None, None),
    ],
    ids=["naive-text", "aware-datetime", "naive-datetime", "none"],
)
async def test_pause_until_a_moment_in_home_assistants_zone_or_without_end(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    until: str | datetime | None,
    resume_at: datetime | None,
) -> None:
    """`until` without a zone is local time; an empty one (as the UI sends it) means no end."""
    await call(
        hass,
        "pause_optimization",
        {"device_id": ha_device(hass, loaded_entry, HEAT_PUMP_ID), "until": until},
    )

    assert sim_device(podero, HEAT_PUMP_ID)["is_smart_optimization_active"] is False
    assert loaded_entry.runtime_data.pauses.paused_until(HEAT_PUMP_ID) == resume_at


# --- refused calls ------------------------------------------------------------------------

LONG = "x" * 10_000

# One bad value per validator: the validators themselves are Home Assistant's (cv).
SCHEMA_REFUSES = [
    pytest.param("set_charge_policy", {"charge_percentage": 101}, id="percent-101"),
    pytest.param(
        "set_charge_policy", {"charge_percentage": 50.5}, id="percent-fraction"
    ),
    pytest.param(
        "set_charge_policy", {"charge_percentage": float("nan")}, id="percent-nan"
    ),
    pytest.param("set_charge_policy", {"charge_deadline": "25:00"}, id="time-hour-25"),
    pytest.param("set_charge_policy", {"weekdays": ["funday"]}, id="weekday-unknown"),
    pytest.param("set_charge_policy", {"weekdays": []}, id="weekday-empty"),
    pytest.param("set_charge_policy", {"enable": "maybe"}, id="enable-word"),
    pytest.param("set_charge_policy", {"timezone": LONG}, id="tz-long"),
    pytest.param("set_charge_policy", {"charge_percent": 50}, id="typo-field"),
    pytest.param("get_charge_policy", {"weekdays": ["mon"]}, id="field-of-another"),
    pytest.param("pause_optimization", {"until": "tomorrow"}, id="until-word"),
    pytest.param(
        "pause_optimization", {"until": "2026-02-30T10:00:00"}, id="until-no-such-day"
    ),
    pytest.param("resume_optimization", {"until": "2026-01-16T10:00"}, id="extra"),
]


@pytest.mark.parametrize(("service", "fields"), SCHEMA_REFUSES)
async def test_actions_refuse_bad_fields_before_sending_anything(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    service: str,
    fields: dict[str, Any],
) -> None:
    """The action's schema refuses a bad field; nothing is sent, nothing changes."""
    before = (policy(podero), sim_device(podero, EV_ID))
    podero.simulator.log.clear()

    with pytest.raises(vol.Invalid):
        await call(
            hass,
            service,
            {"device_id": ha_device(hass, loaded_entry, EV_ID), **fields},
            response=service == "get_charge_policy",
        )

    assert podero.simulator.requests() == []
    assert (policy(podero), sim_device(podero, EV_ID)) == before


DOMAIN_REFUSES = [
    pytest.param(
        {"timezone": "Mars/Olympus_Mons"}, "invalid_timezone", id="tz-unknown"
    ),
    pytest.param({"timezone": "../../etc/passwd"}, "invalid_timezone", id="tz-path"),
    pytest.param({"timezone": "Europe/Vienna\x00"}, "invalid_timezone", id="tz-nul"),
]


@pytest.mark.parametrize(("fields", "translation_key"), DOMAIN_REFUSES)
async def test_set_charge_policy_refuses_an_unknown_time_zone(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    fields: dict[str, Any],
    translation_key: str,
) -> None:
    """A zone this system does not have is named in a translated error; nothing changes."""
    before = (policy(podero), sim_device(podero, EV_ID))
    podero.simulator.log.clear()

    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "set_charge_policy",
            {"device_id": ha_device(hass, loaded_entry, EV_ID), **fields},
        )

    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == translation_key
    assert len(err.value.translation_placeholders["value"]) <= 41
    assert podero.simulator.requests() == []
    assert (policy(podero), sim_device(podero, EV_ID)) == before


INVALID_UNTIL = [
    pytest.param("2026-01-15T10:59:59+00:00", "until_in_past", id="past"),
    pytest.param("2026-01-15T11:00:00+00:00", "until_in_past", id="now"),
    # 11:30 in Vienna is 10:30 UTC: past, although it would be future read as UTC.
    pytest.param("2026-01-15 11:30:00", "until_in_past", id="naive-local-past"),
    pytest.param(
        "9999-12-31T23:59:59-05:00", "invalid_datetime", id="beyond-year-9999"
    ),
]


@pytest.mark.parametrize(("until", "translation_key"), INVALID_UNTIL)
async def test_pause_refuses_an_until_that_is_not_ahead(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    until: Any,
    translation_key: str,
) -> None:
    """`until` must be a moment in the future; otherwise nothing happens."""
    podero.simulator.log.clear()

    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "pause_optimization",
            {"device_id": ha_device(hass, loaded_entry, HEAT_PUMP_ID), "until": until},
        )

    assert err.value.translation_key == translation_key
    assert podero.simulator.requests() == []
    assert sim_device(podero, HEAT_PUMP_ID)["is_smart_optimization_active"] is True
    assert loaded_entry.runtime_data.pauses.paused_until(HEAT_PUMP_ID) is None


ALL_SERVICES = [
    "set_charge_policy",
    "get_charge_policy",
    "pause_optimization",
    "resume_optimization",
]


async def _refused(
    hass: HomeAssistant, podero: SimulatedPodero, service: str, device_id: Any
) -> ServiceValidationError:
    """Call an action for a target it must refuse; check nothing was sent."""
    fields: dict[str, Any] = {"device_id": device_id}
    if service == "set_charge_policy":
        fields["charge_percentage"] = 90
    podero.simulator.log.clear()
    before = {
        device: sim_device(podero, device)
        for device in (HEAT_PUMP_ID, EV_ID, INVERTER_ID, WALLBOX_ID)
    }
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, service, fields, response=service == "get_charge_policy")
    assert podero.simulator.requests() == []
    assert {device: sim_device(podero, device) for device in before} == before
    return err.value


@pytest.mark.parametrize(
    ("target", "translation_key", "named"),
    [
        ("no_such_id", "service_device_not_found", None),
        ("other_integration", "service_device_wrong_domain", None),
        ("account", "not_a_podero_appliance", "Podero"),
        ("vehicle_then_account", "not_a_podero_appliance", "Podero"),
        ("no_longer_listed", "not_a_podero_appliance", "Old heat pump"),
        ("of_an_unloaded_entry", "service_config_entry_not_loaded", None),
    ],
)
@pytest.mark.parametrize("service", ALL_SERVICES)
async def test_actions_refuse_what_is_no_loaded_podero_appliance(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    service: str,
    target: str,
    translation_key: str,
    named: str | None,
) -> None:
    """Only appliances Podero lists for a loaded entry are targets, all or none of a list."""
    registry = dr.async_get(hass)
    other = MockConfigEntry(domain="other_integration")
    other.add_to_hass(hass)
    ev = ha_device(hass, loaded_entry, EV_ID)
    account = ha_device(hass, loaded_entry, account_identifier(podero))
    targets = {
        "no_such_id": "../../../etc/passwd",
        "other_integration": registry.async_get_or_create(
            config_entry_id=other.entry_id, identifiers={("other_integration", "1")}
        ).id,
        "account": account,
        "vehicle_then_account": [ev, account],
        "no_longer_listed": registry.async_get_or_create(
            config_entry_id=loaded_entry.entry_id,
            identifiers={(DOMAIN, "e6f8a0b2-5c7d-4e9f-8a1b-2c3d4e5f6a7b")},
            name="Old heat pump",
        ).id,
        "of_an_unloaded_entry": ev,
    }
    if target == "of_an_unloaded_entry":
        await hass.config_entries.async_unload(loaded_entry.entry_id)

    err = await _refused(hass, podero, service, targets[target])

    assert err.translation_domain == (DOMAIN if named else "homeassistant")
    assert err.translation_key == translation_key
    assert (err.translation_placeholders or {}).get("value") == named


async def test_actions_refuse_an_empty_target_list(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, podero: SimulatedPodero
) -> None:
    """At least one device is needed."""
    podero.simulator.log.clear()
    with pytest.raises(vol.Invalid):
        await call(hass, "resume_optimization", {"device_id": []})
    assert podero.simulator.requests() == []


@pytest.mark.parametrize("service", ["set_charge_policy", "get_charge_policy"])
@pytest.mark.parametrize("device", [HEAT_PUMP_ID, WALLBOX_ID, INVERTER_ID])
async def test_charge_policy_actions_refuse_other_appliances(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    service: str,
    device: str,
) -> None:
    """Only electric vehicles have a weekly charge policy."""
    err = await _refused(hass, podero, service, ha_device(hass, loaded_entry, device))

    assert err.translation_key == "not_electric_vehicle"


# --- API failures -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "fields", "route"),
    [
        ("set_charge_policy", {"charge_percentage": 90}, CHARGE_POLICY_ROUTE),
        ("set_charge_policy", {"enable": False}, EV_ROUTE),
        ("get_charge_policy", {}, CHARGE_POLICY_ROUTE.replace("PUT", "GET")),
        ("pause_optimization", {}, EV_ROUTE),
        ("resume_optimization", {}, EV_ROUTE),
    ],
)
@pytest.mark.parametrize(
    ("status", "error", "translation_key"),
    [
        (503, HomeAssistantError, "server_error"),
        (500, HomeAssistantError, "server_error"),
        (422, ServiceValidationError, "rejected"),
    ],
)
async def test_api_failures_reach_the_caller_translated(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    service: str,
    fields: dict[str, Any],
    route: str,
    status: int,
    error: type[HomeAssistantError],
    translation_key: str,
) -> None:
    """A failing request raises a translated error to whoever called the action."""
    podero.simulator.faults.script("5xx", 1, route, status=status)

    with pytest.raises(error) as err:
        await call(
            hass,
            service,
            {"device_id": ha_device(hass, loaded_entry, EV_ID), **fields},
            response=service == "get_charge_policy",
        )

    assert type(err.value) is error
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == translation_key
    assert loaded_entry.runtime_data.pauses.paused_until(EV_ID) is None


async def test_an_action_that_times_out_raises_a_translated_error(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, podero: SimulatedPodero
) -> None:
    """When Podero does not answer, the caller gets `timeout` once the client gives up."""
    sim = podero.simulator
    sim.faults.script("hang", 1, HEAT_PUMP_ROUTE)
    sim.log.clear()
    task = hass.async_create_task(
        call(
            hass,
            "pause_optimization",
            {"device_id": ha_device(hass, loaded_entry, HEAT_PUMP_ID)},
        )
    )
    await until(lambda: bool(sim.requests()))
    assert [entry["fault"] for entry in sim.requests()] == ["hang"]
    assert not task.done()

    async_fire_time_changed(
        hass, dt_util.utcnow() + timedelta(seconds=DEFAULT_REQUEST_TIMEOUT_S + 1)
    )

    with pytest.raises(HomeAssistantError) as err:
        await task
    assert err.value.translation_key == "timeout"
    assert hass.states.get(HEAT_PUMP_SWITCH).state == STATE_ON


async def test_rejected_credentials_during_an_action_start_reauthentication(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, podero: SimulatedPodero
) -> None:
    """A 401 while acting says so and asks the user for new credentials."""
    podero.simulator.revoke_tokens()

    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "resume_optimization",
            {"device_id": ha_device(hass, loaded_entry, HEAT_PUMP_ID)},
        )

    assert err.value.translation_key == "auth_failed"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_a_forbidden_action_says_so_without_asking_for_new_credentials(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, podero: SimulatedPodero
) -> None:
    """A 403 means these credentials may not do this: no reauthentication would help."""
    podero.simulator.faults.script("5xx", 1, HEAT_PUMP_ROUTE, status=403)

    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "pause_optimization",
            {"device_id": ha_device(hass, loaded_entry, HEAT_PUMP_ID)},
        )

    assert type(err.value) is HomeAssistantError
    assert err.value.translation_key == "forbidden"
    await hass.async_block_till_done()
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    assert hass.states.get(HEAT_PUMP_SWITCH).state == STATE_ON


async def test_an_action_while_podero_is_unreachable_says_so(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Connection refused (Podero down, network gone): the caller reads cannot_connect."""
    async with serve(create_app(), host="127.0.0.1") as base_url:
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=config_entry.title,
            unique_id=config_entry.unique_id,
            data={**config_entry.data, CONF_BASE_URL: base_url},
        )
        await setup_integration(hass, entry, [Platform.SWITCH])
    # That simulator has stopped: nothing listens on its port any more.

    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "resume_optimization",
            {"device_id": ha_device(hass, entry, HEAT_PUMP_ID)},
        )

    assert type(err.value) is HomeAssistantError
    assert err.value.translation_key == "cannot_connect"


# --- registration ---------------------------------------------------------------------


async def test_actions_are_registered_without_a_config_entry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The actions exist once the integration is set up, and stay after unloading."""
    await hass.config_entries.async_unload(loaded_entry.entry_id)

    assert set(hass.services.async_services_for_domain(DOMAIN)) == set(ALL_SERVICES)
