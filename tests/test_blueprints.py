"""The automation blueprints in blueprints/automation/podero, run by Home Assistant.

Each test copies the blueprints into the configuration directory, where Home Assistant's
blueprint machinery finds them, creates an automation from one (`use_blueprint`) and drives
its triggers: an away switch (input_boolean), a calendar with events, the clock. What the
automation did is read from the simulated Podero backend.

- pause_optimization_while_away: away switch on -> smart optimisation off (no end); off ->
  on again. A calendar event (title filter) -> off with a resume scheduled 5 minutes after
  the event's end (kept across restarts by the integration); the event's end -> on.
- charge_before_departure: the lead time before departure, on a day of departure, an EV
  below the threshold that is plugged in and not charging gets Charge now; a refusal by
  Podero (409) does not fail the run.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
import datetime as dt
import logging
from pathlib import Path
import shutil
from typing import Any, override
from urllib.parse import unquote

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.helpers import async_get_blueprints
from homeassistant.components.calendar import CalendarEntity, CalendarEvent
from homeassistant.const import CONF_SCAN_INTERVAL, STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    setup_test_component_platform,
)
import yaml

from custom_components.podero.const import DOMAIN
from custom_components.podero.data import PoderoConfigEntry
from podero_simulator import Simulator
from podero_simulator.scenarios import (
    EV_ID,
    HEAT_PUMP_ID,
    INVERTER_ID,
    ORG_ID,
    USER_ID,
    WALLBOX_ID,
)

from .helpers import SimulatedPodero, advance, setup_integration

REPO = Path(__file__).parent.parent
BLUEPRINTS = REPO / "blueprints" / "automation" / "podero"
DOCS = REPO / "docs" / "blueprints.md"
GITHUB_REPO = "podero-ha/podero-homeassistant"

PAUSE = "podero/pause_optimization_while_away.yaml"
CHARGE = "podero/charge_before_departure.yaml"
AUTOMATION_DOMAIN = "automation"
AUTOMATION = "automation.blueprint_under_test"

AWAY = "input_boolean.away"
CALENDAR = "calendar.family"
DEPARTURE = "input_datetime.departure"
DEPARTURE_WITH_DATE = "input_datetime.departure_with_date"
BATTERY = "sensor.tesla_model_3_battery"
CHARGE_NOW = "button.tesla_model_3_charge_now"
PLUGGED_IN = "binary_sensor.tesla_model_3_plugged_in"
CHARGING = "binary_sensor.tesla_model_3_charging"

USER_PATH = f"/api/partners/v2.0/org/{ORG_ID}/users/{USER_ID}"
HEAT_PUMP_PUT = ("PUT", f"{USER_PATH}/heat-pumps/{HEAT_PUMP_ID}")
EV_PUT = ("PUT", f"{USER_PATH}/electric-vehicles/{EV_ID}")
EV_BOOST = ("POST", f"{USER_PATH}/electric-vehicles/{EV_ID}/boost")

# FROZEN_NOW, a Thursday, is 12:00 in Vienna.
VIENNA = dt_util.get_time_zone("Europe/Vienna")


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str) -> str:
    """A configuration directory holding our blueprints, as after importing them."""
    shutil.copytree(
        BLUEPRINTS, Path(hass_tmp_config_dir, "blueprints", "automation", "podero")
    )
    return hass_tmp_config_dir


@pytest.fixture(autouse=True)
async def stop_automations(hass: HomeAssistant) -> AsyncIterator[None]:
    """Detach the automations' triggers at the end (calendar and clock listeners)."""
    yield
    if hass.services.has_service(AUTOMATION_DOMAIN, "turn_off"):
        await hass.services.async_call(
            AUTOMATION_DOMAIN, "turn_off", {"entity_id": "all"}, blocking=True
        )


@pytest.fixture
def simulator(podero: SimulatedPodero) -> Simulator:
    """The simulated Podero backend."""
    return podero.simulator


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> MockConfigEntry:
    """The demo household in Vienna with the entities the blueprints use; log cleared.

    Podero is polled hourly: these tests let whole afternoons pass, and the blueprints do
    not depend on polling.
    """
    await hass.config.async_set_time_zone("Europe/Vienna")
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=config_entry.title,
        unique_id=config_entry.unique_id,
        data=dict(config_entry.data),
        options={CONF_SCAN_INTERVAL: 3600},
    )
    await setup_integration(
        hass,
        entry,
        [Platform.SWITCH, Platform.SENSOR, Platform.BINARY_SENSOR, Platform.BUTTON],
    )
    simulator.log.clear()
    return entry


class VacationCalendar(CalendarEntity):
    """A calendar with a fixed list of events, like a user's family calendar."""

    _attr_name = "Family"

    def __init__(self, events: Iterable[CalendarEvent]) -> None:
        """Hold the events."""
        self._events = sorted(events, key=lambda event: event.start_datetime_local)

    @property
    @override
    def event(self) -> CalendarEvent | None:
        now = dt_util.now()
        return next(
            (event for event in self._events if event.end_datetime_local > now), None
        )

    @override
    async def async_get_events(
        self, hass: HomeAssistant, start_date: dt.datetime, end_date: dt.datetime
    ) -> list[CalendarEvent]:
        return [
            event
            for event in self._events
            if event.start_datetime_local < end_date
            and event.end_datetime_local > start_date
        ]


@pytest.fixture
async def add_calendar(
    hass: HomeAssistant,
) -> AsyncIterator[Callable[..., Awaitable[None]]]:
    """Create calendar.family holding some events; it is removed at the end."""
    calendars: list[VacationCalendar] = []

    async def add(*events: CalendarEvent) -> None:
        calendars.append(VacationCalendar(events))
        setup_test_component_platform(hass, "calendar", calendars)
        assert await async_setup_component(
            hass, "calendar", {"calendar": {"platform": "test"}}
        )
        await hass.async_block_till_done()

    yield add
    # The calendar keeps timers for its state at each event's start and end.
    for calendar in calendars:
        await calendar.async_remove()


async def add_helpers(hass: HomeAssistant) -> None:
    """Create the away switch (off) and departure helpers (07:00; with a date too)."""
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"away": {"name": "Away"}}}
    )
    assert await async_setup_component(
        hass,
        "input_datetime",
        {
            "input_datetime": {
                "departure": {
                    "name": "Departure",
                    "has_date": False,
                    "has_time": True,
                    "initial": "07:00",
                },
                "departure_with_date": {
                    "name": "Departure with date",
                    "has_date": True,
                    "has_time": True,
                    "initial": "2026-01-20 07:00:00",
                },
            }
        },
    )


async def use_blueprint(hass: HomeAssistant, path: str, **inputs: Any) -> None:
    """Create an automation from one of our blueprints and check it loaded."""
    assert await async_setup_component(
        hass,
        AUTOMATION_DOMAIN,
        {
            AUTOMATION_DOMAIN: {
                "id": "blueprint_under_test",
                "alias": "Blueprint under test",
                "use_blueprint": {"path": path, "input": inputs},
            }
        },
    )
    await hass.async_block_till_done()
    state = hass.states.get(AUTOMATION)
    assert state is not None
    assert state.state == STATE_ON, state.attributes


def ha_device(hass: HomeAssistant, entry: MockConfigEntry, podero_id: str) -> str:
    """The Home Assistant device id of a Podero appliance."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, podero_id), entry.entry_id
    )
    assert device is not None
    return device.id


def optimising(simulator: Simulator, podero_id: str) -> bool:
    """Whether Podero's smart optimisation of the device is on."""
    return bool(simulator.device_payload(podero_id)["is_smart_optimization_active"])


def writes(simulator: Simulator) -> list[tuple[str, str]]:
    """Method and path of every write (not GET) since the log was last cleared."""
    return [
        (entry["method"], entry["path"])
        for entry in simulator.requests()
        if entry["method"] != "GET"
    ]


def paused_until(entry: MockConfigEntry, podero_id: str) -> dt.datetime | None:
    """When the integration will resume a paused device (None: no resume scheduled)."""
    podero_entry: PoderoConfigEntry = entry
    return podero_entry.runtime_data.pauses.paused_until(podero_id)


async def wait_until(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: dt.datetime
) -> None:
    """Let time pass up to the moment, firing timers at least every 5 minutes."""
    while (remaining := moment - dt_util.now()) > dt.timedelta(0):
        await advance(hass, freezer, min(remaining, dt.timedelta(minutes=5)))


class BlueprintLoader(yaml.SafeLoader):
    """Plain YAML plus the !input tag of blueprint files (read as the input's name)."""


BlueprintLoader.add_constructor("!input", lambda _loader, node: node.value)


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """The state of an entity that must exist."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def vienna(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in January 2026 in Vienna."""
    return dt.datetime(2026, 1, day, hour, minute, tzinfo=VIENNA)


# --- The blueprint files ----------------------------------------------------------------


@pytest.mark.parametrize("path", [PAUSE, CHARGE])
async def test_blueprint_is_valid_and_names_its_source(
    hass: HomeAssistant, path: str
) -> None:
    """Home Assistant loads the blueprint; its source URL is this file in our repository."""
    blueprint = await async_get_blueprints(hass).async_get_blueprint(path)

    assert blueprint.domain == AUTOMATION_DOMAIN
    assert blueprint.metadata["source_url"] == (
        f"https://github.com/{GITHUB_REPO}/blob/main/blueprints/automation/{path}"
    )


def test_docs_link_every_blueprint_for_import() -> None:
    """docs/blueprints.md has a My Home Assistant import link for each blueprint file."""
    docs = unquote(DOCS.read_text(encoding="utf-8"))
    prefix = (
        "https://my.home-assistant.io/redirect/blueprint_import/?blueprint_url="
        f"https://raw.githubusercontent.com/{GITHUB_REPO}/main/"
    )

    linked = {
        line.split(prefix, 1)[1].split(")", 1)[0]
        for line in docs.splitlines()
        if prefix in line
    }

    assert linked == {
        str(path.relative_to(REPO)) for path in sorted(BLUEPRINTS.glob("*.yaml"))
    }


@pytest.mark.parametrize(
    "path", sorted(BLUEPRINTS.glob("*.yaml")), ids=lambda p: p.name
)
def test_docs_explain_every_input(path: Path) -> None:
    """Every input of a blueprint is named in docs/blueprints.md."""
    docs = DOCS.read_text(encoding="utf-8")
    inputs = yaml.load(path.read_text(encoding="utf-8"), Loader=BlueprintLoader)[
        "blueprint"
    ]["input"]

    missing = [spec["name"] for spec in inputs.values() if spec["name"] not in docs]

    assert not missing


# --- Pause smart optimisation while away: the away switch ----------------------------------


@pytest.fixture
async def away_automation(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """The pause blueprint for the heat pump and the EV, driven by the away switch only."""
    await add_helpers(hass)
    await use_blueprint(
        hass,
        PAUSE,
        devices=[
            ha_device(hass, loaded_entry, HEAT_PUMP_ID),
            ha_device(hass, loaded_entry, EV_ID),
        ],
        away_switch=AWAY,
    )


@pytest.mark.usefixtures("away_automation")
async def test_leaving_pauses_the_chosen_appliances(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Away switch on: optimisation off for the chosen appliances only, with no end."""
    await hass.services.async_call(
        "input_boolean", "turn_on", {"entity_id": AWAY}, blocking=True
    )
    await hass.async_block_till_done()

    assert writes(simulator) == [HEAT_PUMP_PUT, EV_PUT]
    assert not optimising(simulator, HEAT_PUMP_ID)
    assert not optimising(simulator, EV_ID)
    assert optimising(simulator, INVERTER_ID)
    assert optimising(simulator, WALLBOX_ID)
    assert state_of(hass, "switch.nibe_heat_pump_smart_optimization") == STATE_OFF
    assert paused_until(loaded_entry, HEAT_PUMP_ID) is None


@pytest.mark.usefixtures("away_automation")
async def test_returning_resumes_the_chosen_appliances(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Away switch off again: optimisation on again, one write per appliance."""
    await hass.services.async_call(
        "input_boolean", "turn_on", {"entity_id": AWAY}, blocking=True
    )
    await hass.async_block_till_done()
    simulator.log.clear()

    await hass.services.async_call(
        "input_boolean", "turn_off", {"entity_id": AWAY}, blocking=True
    )
    await hass.async_block_till_done()

    assert writes(simulator) == [HEAT_PUMP_PUT, EV_PUT]
    assert optimising(simulator, HEAT_PUMP_ID)
    assert optimising(simulator, EV_ID)
    assert state_of(hass, "switch.nibe_heat_pump_smart_optimization") == STATE_ON


@pytest.mark.usefixtures("away_automation")
async def test_quick_toggles_end_in_the_last_state(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Leaving and returning before the first run finished: runs queue, resumed wins."""
    hass.states.async_set(AWAY, STATE_ON)
    hass.states.async_set(AWAY, STATE_OFF)
    await hass.async_block_till_done()

    assert writes(simulator) == [HEAT_PUMP_PUT, EV_PUT] * 2
    assert optimising(simulator, HEAT_PUMP_ID)
    assert optimising(simulator, EV_ID)


# --- Pause smart optimisation while away: the vacation calendar ----------------------------

# Home Assistant's calendar trigger looks 15 minutes ahead, from the moment the automation
# starts (12:00 here); an event ending exactly on such a boundary would be missed, which is
# rare outside frozen test clocks. These events keep off the boundaries.
SKI_TRIP = CalendarEvent(
    start=vienna(15, 14, 10), end=vienna(15, 18, 20), summary="Vacation: ski trip"
)
DENTIST = CalendarEvent(
    start=vienna(15, 14, 10), end=vienna(15, 15, 10), summary="Dentist"
)


@pytest.fixture
def calendar_automation(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    add_calendar: Callable[..., Awaitable[None]],
) -> Callable[..., Awaitable[None]]:
    """Set up the pause blueprint for the heat pump, driven by calendar.family only."""

    async def set_up(*events: CalendarEvent, title: str = "vacation") -> None:
        await add_calendar(*events)
        await use_blueprint(
            hass,
            PAUSE,
            devices=[ha_device(hass, loaded_entry, HEAT_PUMP_ID)],
            vacation_calendar=CALENDAR,
            event_title=title,
        )

    return set_up


async def test_vacation_start_pauses_until_shortly_after_its_end(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    calendar_automation: Callable[..., Awaitable[None]],
) -> None:
    """At the event's start: optimisation off, resume scheduled 5 minutes after its end."""
    await calendar_automation(SKI_TRIP)

    await wait_until(hass, frozen_time, vienna(15, 14, 5))
    assert optimising(simulator, HEAT_PUMP_ID)

    await wait_until(hass, frozen_time, vienna(15, 14, 10))
    assert writes(simulator) == [HEAT_PUMP_PUT]
    assert not optimising(simulator, HEAT_PUMP_ID)
    assert paused_until(loaded_entry, HEAT_PUMP_ID) == vienna(15, 18, 25)


async def test_vacation_end_resumes(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    calendar_automation: Callable[..., Awaitable[None]],
) -> None:
    """At the event's end: optimisation on again, and the scheduled resume is dropped."""
    await calendar_automation(SKI_TRIP)
    await wait_until(hass, frozen_time, vienna(15, 14, 10))
    simulator.log.clear()

    await wait_until(hass, frozen_time, vienna(15, 18, 20))

    assert writes(simulator) == [HEAT_PUMP_PUT]
    assert optimising(simulator, HEAT_PUMP_ID)
    assert paused_until(loaded_entry, HEAT_PUMP_ID) is None

    await wait_until(hass, frozen_time, vienna(15, 18, 50))
    assert writes(simulator) == [HEAT_PUMP_PUT]


async def test_vacation_end_missed_still_resumes(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    calendar_automation: Callable[..., Awaitable[None]],
) -> None:
    """Missing the event's end (as if Home Assistant were down) resumes 5 minutes later.

    The automation is turned off before the end; the resume scheduled with the pause still
    turns optimisation on.
    """
    await calendar_automation(SKI_TRIP)
    await wait_until(hass, frozen_time, vienna(15, 14, 10))
    await hass.services.async_call(
        AUTOMATION_DOMAIN, "turn_off", {"entity_id": AUTOMATION}, blocking=True
    )

    await wait_until(hass, frozen_time, vienna(15, 18, 24))
    assert not optimising(simulator, HEAT_PUMP_ID)

    await wait_until(hass, frozen_time, vienna(15, 18, 25))
    assert optimising(simulator, HEAT_PUMP_ID)


async def test_all_day_vacation_pauses_until_after_local_midnight(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    calendar_automation: Callable[..., Awaitable[None]],
) -> None:
    """An all-day event (Friday) pauses at local midnight, until 00:05 on Saturday."""
    friday = CalendarEvent(
        start=dt.date(2026, 1, 16), end=dt.date(2026, 1, 17), summary="Vacation"
    )
    frozen_time.move_to(vienna(15, 23, 32))
    await calendar_automation(friday)

    await wait_until(hass, frozen_time, vienna(16, 0))

    assert not optimising(simulator, HEAT_PUMP_ID)
    assert paused_until(loaded_entry, HEAT_PUMP_ID) == vienna(17, 0, 5)


async def test_other_calendar_events_are_ignored(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    calendar_automation: Callable[..., Awaitable[None]],
) -> None:
    """Events whose title lacks the text neither pause nor resume."""
    await calendar_automation(DENTIST)

    await wait_until(hass, frozen_time, vienna(15, 16))

    assert writes(simulator) == []
    assert optimising(simulator, HEAT_PUMP_ID)


async def test_empty_title_filter_takes_every_event(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    calendar_automation: Callable[..., Awaitable[None]],
) -> None:
    """Without title text, any event of the calendar pauses and resumes."""
    await calendar_automation(DENTIST, title="")

    await wait_until(hass, frozen_time, vienna(15, 14, 10))
    assert not optimising(simulator, HEAT_PUMP_ID)

    await wait_until(hass, frozen_time, vienna(15, 15, 10))
    assert optimising(simulator, HEAT_PUMP_ID)
    assert writes(simulator) == [HEAT_PUMP_PUT] * 2


@pytest.fixture
async def switch_and_calendar(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    add_calendar: Callable[..., Awaitable[None]],
) -> None:
    """The pause blueprint for the heat pump with both the away switch and the calendar."""
    await add_helpers(hass)
    await add_calendar(SKI_TRIP)
    await use_blueprint(
        hass,
        PAUSE,
        devices=[ha_device(hass, loaded_entry, HEAT_PUMP_ID)],
        away_switch=AWAY,
        vacation_calendar=CALENDAR,
        event_title="vacation",
    )


@pytest.mark.usefixtures("switch_and_calendar")
async def test_away_switch_extends_a_vacation(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """Away switch on during a vacation keeps the pause past the event's end.

    Neither the event's end nor the resume scheduled with the event's pause ends it;
    turning the switch off does.
    """
    await wait_until(hass, frozen_time, vienna(15, 15))
    await hass.services.async_call(
        "input_boolean", "turn_on", {"entity_id": AWAY}, blocking=True
    )
    await hass.async_block_till_done()
    assert paused_until(loaded_entry, HEAT_PUMP_ID) is None

    await wait_until(hass, frozen_time, vienna(15, 19))
    assert not optimising(simulator, HEAT_PUMP_ID)

    await hass.services.async_call(
        "input_boolean", "turn_off", {"entity_id": AWAY}, blocking=True
    )
    await hass.async_block_till_done()
    assert optimising(simulator, HEAT_PUMP_ID)


@pytest.mark.usefixtures("switch_and_calendar")
async def test_vacation_starting_while_away_keeps_the_switch_in_charge(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """A vacation starting while the away switch is on adds no end to the pause."""
    await hass.services.async_call(
        "input_boolean", "turn_on", {"entity_id": AWAY}, blocking=True
    )
    await hass.async_block_till_done()

    await wait_until(hass, frozen_time, vienna(15, 14, 10))
    assert paused_until(loaded_entry, HEAT_PUMP_ID) is None

    await wait_until(hass, frozen_time, vienna(15, 19))
    assert not optimising(simulator, HEAT_PUMP_ID)


@pytest.mark.parametrize(
    "inputs",
    [{"away_switch": AWAY}, {"vacation_calendar": CALENDAR}],
    ids=["away_switch_only", "calendar_only"],
)
async def test_one_trigger_input_is_enough(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    inputs: dict[str, str],
    add_calendar: Callable[..., Awaitable[None]],
) -> None:
    """Either the away switch or the calendar may stay empty without any error."""
    await add_helpers(hass)
    await add_calendar()

    await use_blueprint(
        hass, PAUSE, devices=[ha_device(hass, loaded_entry, HEAT_PUMP_ID)], **inputs
    )

    assert [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.WARNING
        and record.name.startswith("homeassistant.")
        and record.name != "homeassistant.loader"
    ] == []


# --- Charge now before departure -----------------------------------------------------------


@pytest.fixture
def set_up_charge(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: Simulator
) -> Callable[..., Awaitable[None]]:
    """Set the EV's battery level, then set up the charge blueprint with some inputs.

    Defaults: Tesla Model 3, threshold 50 %, departure 15:00 with 2 hours lead, so the
    check is at 13:00 (today, Thursday, is 12:00).
    """

    async def set_up(battery: int | None = 40, **inputs: Any) -> None:
        simulator.patch_device(EV_ID, {"battery_level": battery})
        coordinator = loaded_entry.runtime_data.coordinator
        await coordinator.async_refresh()
        await add_helpers(hass)
        await use_blueprint(
            hass,
            CHARGE,
            **{
                "battery_sensor": BATTERY,
                "charge_now_button": CHARGE_NOW,
                "departure_time": "15:00:00",
                **inputs,
            },
        )
        simulator.log.clear()

    return set_up


def boosts(simulator: Simulator) -> list[tuple[str, str]]:
    """Charge-now requests sent to Podero since the log was last cleared."""
    return [request for request in writes(simulator) if request == EV_BOOST]


@pytest.mark.parametrize(
    "lead_time",
    [{"hours": 2, "minutes": 0, "seconds": 0}, "02:00:00"],
    ids=["duration_selector", "text"],
)
async def test_low_battery_charges_now_the_lead_time_before_departure(
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    hass: HomeAssistant,
    set_up_charge: Callable[..., Awaitable[None]],
    lead_time: Any,
) -> None:
    """Battery below the threshold: Charge now is pressed once, at departure - lead."""
    await set_up_charge(battery=40, lead_time=lead_time)

    await wait_until(hass, frozen_time, vienna(15, 12, 59))
    assert boosts(simulator) == []

    await wait_until(hass, frozen_time, vienna(15, 13))
    assert boosts(simulator) == [EV_BOOST]
    assert simulator.device_payload(EV_ID)["boost_state"] == "requested"

    await wait_until(hass, frozen_time, vienna(15, 14))
    assert boosts(simulator) == [EV_BOOST]


@pytest.mark.parametrize("battery", [50, 90])
async def test_battery_at_or_above_threshold_is_left_alone(
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    hass: HomeAssistant,
    set_up_charge: Callable[..., Awaitable[None]],
    battery: int,
) -> None:
    """At or above the threshold (50 %) nothing is sent at all."""
    await set_up_charge(battery=battery)

    await wait_until(hass, frozen_time, vienna(15, 13, 5))

    assert writes(simulator) == []
    assert simulator.device_payload(EV_ID)["boost_state"] == "available"


async def test_unknown_battery_is_left_alone(
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    hass: HomeAssistant,
    set_up_charge: Callable[..., Awaitable[None]],
) -> None:
    """A battery level Podero does not report is no reason to charge."""
    await set_up_charge(battery=None)
    assert state_of(hass, BATTERY) == "unknown"

    await wait_until(hass, frozen_time, vienna(15, 13, 5))

    assert writes(simulator) == []


async def test_other_days_of_departure_are_left_alone(
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    hass: HomeAssistant,
    set_up_charge: Callable[..., Awaitable[None]],
) -> None:
    """Thursday is not among the chosen days of departure: nothing happens."""
    await set_up_charge(weekdays=["mon", "tue", "wed", "fri", "sat", "sun"])

    await wait_until(hass, frozen_time, vienna(15, 13, 5))

    assert writes(simulator) == []


@pytest.mark.parametrize(
    ("weekdays", "pressed"),
    [(["fri"], True), (["thu"], False)],
    ids=["friday", "thursday"],
)
async def test_departure_after_midnight_is_checked_the_evening_before(
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    hass: HomeAssistant,
    set_up_charge: Callable[..., Awaitable[None]],
    weekdays: list[str],
    pressed: bool,
) -> None:
    """Leaving at 01:00 with 2 hours lead is checked at 23:00 the evening before.

    The day that counts is Friday, the day of departure, not Thursday.
    """
    frozen_time.move_to(vienna(15, 22, 30))
    await set_up_charge(departure_time="01:00:00", weekdays=weekdays)

    await wait_until(hass, frozen_time, vienna(15, 23, 5))

    assert boosts(simulator) == ([EV_BOOST] if pressed else [])


@pytest.mark.parametrize(
    ("helper", "value"),
    [
        (DEPARTURE, {"time": "14:30:00"}),
        (DEPARTURE_WITH_DATE, {"datetime": "2026-01-20 14:30:00"}),
    ],
    ids=["time", "date_and_time"],
)
async def test_departure_helper_sets_the_time(
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    hass: HomeAssistant,
    set_up_charge: Callable[..., Awaitable[None]],
    helper: str,
    value: dict[str, str],
) -> None:
    """The helper's time of day replaces the fixed time; changing it moves the check.

    A date in the helper is not used: the check runs on every day of departure.
    """
    await set_up_charge(
        departure_helper=helper, lead_time={"hours": 1, "minutes": 0, "seconds": 0}
    )
    await hass.services.async_call(
        "input_datetime",
        "set_datetime",
        {"entity_id": helper, **value},
        blocking=True,
    )

    await wait_until(hass, frozen_time, vienna(15, 13, 25))
    assert boosts(simulator) == []

    await wait_until(hass, frozen_time, vienna(15, 13, 30))
    assert boosts(simulator) == [EV_BOOST]


async def test_unplugged_car_is_left_alone(
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    hass: HomeAssistant,
    set_up_charge: Callable[..., Awaitable[None]],
) -> None:
    """By default an unplugged car (its Plugged in sensor is off) gets no Charge now."""
    simulator.set_plugged_in(EV_ID, False)
    await set_up_charge()
    assert state_of(hass, PLUGGED_IN) == STATE_OFF

    await wait_until(hass, frozen_time, vienna(15, 13, 5))

    assert writes(simulator) == []
    assert simulator.device_payload(EV_ID)["boost_for_next_session"] is False


async def test_unplugged_car_may_be_armed_for_the_next_plug_in(
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    hass: HomeAssistant,
    set_up_charge: Callable[..., Awaitable[None]],
) -> None:
    """With "only when plugged in" off, Podero arms Charge now for the next plug-in."""
    simulator.set_plugged_in(EV_ID, False)
    await set_up_charge(only_when_plugged_in=False)

    await wait_until(hass, frozen_time, vienna(15, 13))

    assert boosts(simulator) == [EV_BOOST]
    assert simulator.device_payload(EV_ID)["boost_for_next_session"] is True


async def test_car_seen_charging_is_left_alone(
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    hass: HomeAssistant,
    loaded_entry: PoderoConfigEntry,
    set_up_charge: Callable[..., Awaitable[None]],
) -> None:
    """A car whose Charging sensor is on is not pressed again."""
    await set_up_charge()
    await wait_until(hass, frozen_time, vienna(15, 12, 50))
    assert simulator.boost(EV_ID)[0] == 204
    await advance(hass, frozen_time, dt.timedelta(seconds=10))
    await loaded_entry.runtime_data.coordinator.async_refresh()
    assert state_of(hass, CHARGING) == STATE_ON
    simulator.log.clear()

    await wait_until(hass, frozen_time, vienna(15, 13, 5))

    assert boosts(simulator) == []


async def test_charging_started_since_the_last_poll_is_no_failure(
    simulator: Simulator,
    frozen_time: FrozenDateTimeFactory,
    hass: HomeAssistant,
    set_up_charge: Callable[..., Awaitable[None]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A refused Charge now (409, charging already) does not fail the automation run.

    Home Assistant logs the refused step; the run itself ends normally.

    The check is at 13:30, away from the hourly poll, so Home Assistant has not seen the
    charging start.
    """
    await set_up_charge(departure_time="15:30:00")
    await wait_until(hass, frozen_time, vienna(15, 13, 25))
    assert simulator.boost(EV_ID)[0] == 204
    simulator.log.clear()

    await wait_until(hass, frozen_time, vienna(15, 13, 30))

    assert [
        (entry["method"], entry["path"], entry["status"])
        for entry in simulator.requests()
    ] == [(*EV_BOOST, 409)]
    messages = [record.getMessage() for record in caplog.records]
    assert any("The vehicle is already charging" in message for message in messages)
    assert not any("Error while executing automation" in m for m in messages)
