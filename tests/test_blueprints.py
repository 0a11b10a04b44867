"""The automation blueprints in blueprints/automation/podero, run by Home Assistant.

Each test copies the blueprints into the configuration directory, where Home Assistant's
blueprint machinery finds them, creates an automation from one (`use_blueprint`) and drives
its triggers: an away switch, a calendar with events, the clock. What the automation did is
read from the actions it called, recorded with their moment instead of run; the entities it
reads are plain states. The last two tests run the real integration against the simulator.

- pause_optimization_while_away: away switch on -> smart optimisation off (no end); off ->
  on again. A calendar event (title filter) -> off with a resume scheduled 5 minutes after
  the event's end (kept across restarts by the integration); the event's end -> on.
- charge_before_departure: the lead time before departure, on a day of departure, an EV
  below the threshold that is plugged in and not charging gets Charge now; a refusal by
  Podero (409) does not fail the run.
"""

import asyncio
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
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
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import load_yaml
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    setup_test_component_platform,
)

from custom_components.podero.const import DOMAIN
from custom_components.podero.data import PoderoConfigEntry
from podero_simulator.scenarios import EV_ID, HEAT_PUMP_ID, ORG_ID, USER_ID

from .helpers import SimulatedPodero, advance, refresh_devices, setup_integration

REPO = Path(__file__).parent.parent
BLUEPRINTS = REPO / "blueprints" / "automation" / "podero"
DOCS = REPO / "docs" / "blueprints.md"
GITHUB_REPO = "podero-ha/podero-homeassistant"
PAUSE = "podero/pause_optimization_while_away.yaml"
CHARGE = "podero/charge_before_departure.yaml"

AUTOMATION = "automation.blueprint_under_test"
AWAY = "input_boolean.away"
CALENDAR = "calendar.family"
DEPARTURE = "input_datetime.departure"
BATTERY = "sensor.tesla_model_3_battery"
CHARGE_NOW = "button.tesla_model_3_charge_now"
# Home Assistant device ids of appliances, where the actions are recorded.
HEAT_PUMP, EV = "heat-pump-device", "ev-device"
VIENNA = dt_util.get_time_zone("Europe/Vienna")


def vienna(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in January 2026 in Vienna (FROZEN_NOW, a Thursday, is 15 Jan 12:00)."""
    return dt.datetime(2026, 1, day, hour, minute, tzinfo=VIENNA)


NOON = vienna(15, 12)
RECORDED = [
    (DOMAIN, "pause_optimization"),
    (DOMAIN, "resume_optimization"),
    ("button", "press"),
]
type Call = tuple[dt.datetime, str, dict[str, Any]]


def pause(at: dt.datetime, *devices: str, until: dt.datetime | None = None) -> Call:
    """A pause of these devices at that moment."""
    return (at, "pause_optimization", {"device_id": list(devices), "until": until})


def resume(at: dt.datetime, *devices: str) -> Call:
    """A resume of these devices at that moment."""
    return (at, "resume_optimization", {"device_id": list(devices)})


def press(at: dt.datetime) -> Call:
    """A press of the EV's Charge now button at that moment."""
    return (at, "press", {"entity_id": [CHARGE_NOW]})


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
        return next((e for e in self._events if e.end_datetime_local > now), None)

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


@dataclass
class Home:
    """Home Assistant in Vienna with our blueprints imported, and ways to drive it."""

    hass: HomeAssistant
    freezer: FrozenDateTimeFactory
    calls: list[Call] = field(default_factory=list)
    calendars: list[VacationCalendar] = field(default_factory=list)

    async def use_blueprint(self, path: str, **inputs: Any) -> None:
        """Create an automation from one of our blueprints and check it loaded."""
        blueprint = {"path": path, "input": inputs}
        config = {"alias": "Blueprint under test", "use_blueprint": blueprint}
        assert await async_setup_component(
            self.hass, "automation", {"automation": config}
        )
        await self.hass.async_block_till_done()
        state = self.hass.states.get(AUTOMATION)
        assert state is not None
        assert state.state == STATE_ON, state.attributes

    async def add_calendar(self, *events: CalendarEvent) -> None:
        """Create calendar.family holding these events."""
        self.calendars.append(VacationCalendar(events))
        setup_test_component_platform(self.hass, "calendar", self.calendars)
        config = {"calendar": {"platform": "test"}}
        assert await async_setup_component(self.hass, "calendar", config)
        await self.hass.async_block_till_done()

    async def set_state(self, entity_id: str, state: str) -> None:
        """Set a (plain) entity's state and let the triggers run."""
        self.hass.states.async_set(entity_id, state)
        await self.hass.async_block_till_done()

    async def wait_until(self, moment: dt.datetime) -> None:
        """Let time pass up to the moment, firing timers at least every 5 minutes."""
        while (remaining := moment - dt_util.now()) > dt.timedelta(0):
            step = min(remaining, dt.timedelta(minutes=5))
            await advance(self.hass, self.freezer, step)


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str) -> str:
    """A configuration directory holding our blueprints, as after importing them."""
    shutil.copytree(
        BLUEPRINTS, Path(hass_tmp_config_dir, "blueprints", "automation", "podero")
    )
    return hass_tmp_config_dir


@pytest.fixture
async def home(
    hass: HomeAssistant,
    frozen_time: FrozenDateTimeFactory,
    request: pytest.FixtureRequest,
) -> AsyncIterator[Home]:
    """Home Assistant in Vienna at FROZEN_NOW; Podero's actions recorded with their moment.

    Unless the test runs the real integration (asks for `loaded_entry`), pause/resume and
    button presses are recorded instead of run, like async_mock_service.
    """
    await hass.config.async_set_time_zone("Europe/Vienna")
    home = Home(hass, frozen_time)

    async def record(call: ServiceCall) -> None:
        # Like a real action, not done at once: runs can overlap.
        await asyncio.sleep(0)
        data = dict(call.data)
        if isinstance(data.get("until"), str):
            data["until"] = dt_util.parse_datetime(data["until"])
        home.calls.append((dt_util.now(), call.service, data))

    if "loaded_entry" not in request.fixturenames:
        for domain, service in RECORDED:
            hass.services.async_register(domain, service, record)
    yield home
    if hass.services.has_service("automation", "turn_off"):
        await hass.services.async_call(
            "automation", "turn_off", {"entity_id": "all"}, blocking=True
        )
    # The calendar keeps timers for its state at each event's start and end.
    for calendar in home.calendars:
        await calendar.async_remove()


# --- The blueprint files ----------------------------------------------------------------


@pytest.mark.parametrize("path", [PAUSE, CHARGE])
async def test_blueprint_is_valid_and_names_its_source(
    hass: HomeAssistant, path: str
) -> None:
    """Home Assistant loads the blueprint; its source URL is this file in our repository."""
    blueprint = await async_get_blueprints(hass).async_get_blueprint(path)

    assert blueprint.domain == "automation"
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
    blueprint: Any = load_yaml(path)
    inputs = blueprint["blueprint"]["input"].values()

    assert [spec["name"] for spec in inputs if spec["name"] not in docs] == []


# --- Pause smart optimisation while away ---------------------------------------------------

# Home Assistant's calendar trigger looks 15 minutes ahead, from the moment the automation
# starts (12:00 here); an event ending exactly on such a boundary would be missed, which is
# rare outside frozen test clocks. These events keep off the boundaries.
SKI_TRIP = CalendarEvent(
    start=vienna(15, 14, 10), end=vienna(15, 18, 20), summary="Vacation: ski trip"
)
DENTIST = CalendarEvent(
    start=vienna(15, 14, 10), end=vienna(15, 15, 10), summary="Dentist"
)
SWITCH_ONLY = {"away_switch": AWAY, "vacation_calendar": []}


async def pause_blueprint(
    home: Home,
    *events: CalendarEvent,
    devices: Iterable[str] = (HEAT_PUMP,),
    **inputs: Any,
) -> None:
    """The pause blueprint for the devices; calendar.family (title "Vacation") by default."""
    await home.add_calendar(*events)
    home.hass.states.async_set(AWAY, STATE_OFF)
    inputs = {"vacation_calendar": CALENDAR, "event_title": "Vacation", **inputs}
    await home.use_blueprint(PAUSE, devices=list(devices), **inputs)


async def test_leaving_pauses_and_returning_resumes_the_chosen_appliances(
    home: Home,
) -> None:
    """Away switch on: one pause of the chosen appliances, with no end; off: one resume."""
    await pause_blueprint(home, devices=[HEAT_PUMP, EV], **SWITCH_ONLY)

    await home.set_state(AWAY, STATE_ON)
    await home.wait_until(vienna(15, 13))
    await home.set_state(AWAY, STATE_OFF)

    assert home.calls == [
        pause(NOON, HEAT_PUMP, EV),
        resume(vienna(15, 13), HEAT_PUMP, EV),
    ]


async def test_quick_toggles_end_in_the_last_state(home: Home) -> None:
    """Leaving and returning before the first run started: runs queue, resumed wins."""
    await pause_blueprint(home, **SWITCH_ONLY)

    home.hass.states.async_set(AWAY, STATE_ON)
    await home.set_state(AWAY, STATE_OFF)

    assert home.calls == [pause(NOON, HEAT_PUMP), resume(NOON, HEAT_PUMP)]


@pytest.mark.parametrize(
    ("event", "title", "until"),
    [(SKI_TRIP, "Vacation", vienna(15, 18, 25)), (DENTIST, "", vienna(15, 15, 15))],
    ids=["title_with_the_text", "empty_title_filter"],
)
async def test_vacation_pauses_until_shortly_after_its_end_and_its_end_resumes(
    home: Home, event: CalendarEvent, title: str, until: dt.datetime
) -> None:
    """A matching event (title has the text, or no text) pauses until 5 min past its end."""
    await pause_blueprint(home, event, event_title=title)

    await home.wait_until(vienna(15, 19))

    assert home.calls == [
        pause(event.start_datetime_local, HEAT_PUMP, until=until),
        resume(event.end_datetime_local, HEAT_PUMP),
    ]


async def test_other_calendar_events_are_ignored(home: Home) -> None:
    """Events whose title lacks the text neither pause nor resume."""
    await pause_blueprint(home, DENTIST)

    await home.wait_until(vienna(15, 16))

    assert home.calls == []


async def test_all_day_vacation_pauses_until_after_local_midnight(home: Home) -> None:
    """An all-day event (Friday) pauses at local midnight, until 00:05 on Saturday."""
    friday = CalendarEvent(
        start=dt.date(2026, 1, 16), end=dt.date(2026, 1, 17), summary="Vacation"
    )
    home.freezer.move_to(vienna(15, 23, 32))
    await pause_blueprint(home, friday)

    await home.wait_until(vienna(16, 0))

    assert home.calls == [pause(vienna(16, 0), HEAT_PUMP, until=vienna(17, 0, 5))]


@pytest.mark.parametrize(
    ("switched_on", "calls"),
    [
        (
            vienna(15, 15),
            [
                pause(
                    SKI_TRIP.start_datetime_local, HEAT_PUMP, until=vienna(15, 18, 25)
                ),
                pause(vienna(15, 15), HEAT_PUMP),
            ],
        ),
        (
            NOON,
            [pause(NOON, HEAT_PUMP), pause(SKI_TRIP.start_datetime_local, HEAT_PUMP)],
        ),
    ],
    ids=["during_a_vacation", "before_a_vacation"],
)
async def test_while_the_away_switch_is_on_it_decides(
    home: Home, switched_on: dt.datetime, calls: list[Call]
) -> None:
    """While the switch is on, pauses have no end and an event's end resumes nothing."""
    await pause_blueprint(home, SKI_TRIP, away_switch=AWAY)
    await home.wait_until(switched_on)

    await home.set_state(AWAY, STATE_ON)
    await home.wait_until(vienna(15, 19))
    await home.set_state(AWAY, STATE_OFF)

    assert home.calls == [*calls, resume(vienna(15, 19), HEAT_PUMP)]


@pytest.mark.parametrize(
    "inputs", [SWITCH_ONLY, {}], ids=["away_switch_only", "calendar_only"]
)
async def test_one_trigger_input_is_enough(
    home: Home, caplog: pytest.LogCaptureFixture, inputs: dict[str, Any]
) -> None:
    """Either the away switch or the calendar may stay empty without any error."""
    await pause_blueprint(home, **inputs)

    assert [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.WARNING
        and record.name.startswith("homeassistant.")
        and record.name != "homeassistant.loader"
    ] == []


# --- Charge now before departure -----------------------------------------------------------


async def charge_blueprint(
    home: Home,
    battery: str = "40",
    plugged: str = "on",
    charging: str = "off",
    **inputs: Any,
) -> None:
    """The charge blueprint for an EV with this battery level, plug and charging state.

    Defaults: threshold 50 %, departure 15:00 with 2 hours lead, so the check is at 13:00.
    """
    entry = MockConfigEntry(domain=DOMAIN)
    entry.add_to_hass(home.hass)
    device = dr.async_get(home.hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, EV_ID)}
    )
    for entity_id, state, device_class in (
        (CHARGE_NOW, "unknown", None),
        ("binary_sensor.tesla_model_3_plugged_in", plugged, "plug"),
        ("binary_sensor.tesla_model_3_charging", charging, "battery_charging"),
        (BATTERY, battery, "battery"),
    ):
        domain, object_id = entity_id.split(".")
        er.async_get(home.hass).async_get_or_create(
            domain,
            DOMAIN,
            object_id,
            device_id=device.id,
            suggested_object_id=object_id,
        )
        home.hass.states.async_set(entity_id, state, {"device_class": device_class})
    inputs = {"departure_time": "15:00:00", **inputs}
    await home.use_blueprint(
        CHARGE, battery_sensor=BATTERY, charge_now_button=CHARGE_NOW, **inputs
    )


AT_13 = [press(vienna(15, 13))]
TWO_HOURS = {"hours": 2, "minutes": 0, "seconds": 0}
NOT_THURSDAY = ["mon", "tue", "wed", "fri", "sat", "sun"]


@pytest.mark.parametrize(
    ("vehicle", "calls"),
    [
        pytest.param({"lead_time": TWO_HOURS}, AT_13, id="lead_from_duration_selector"),
        pytest.param({"lead_time": "02:00:00"}, AT_13, id="lead_as_text"),
        pytest.param({"battery": "50"}, [], id="battery_at_threshold"),
        pytest.param({"battery": "90"}, [], id="battery_above_threshold"),
        pytest.param({"battery": "unknown"}, [], id="battery_unknown"),
        pytest.param({"weekdays": NOT_THURSDAY}, [], id="not_a_day_of_departure"),
        pytest.param({"plugged": "off"}, [], id="unplugged"),
        pytest.param(
            {"plugged": "off", "only_when_plugged_in": False},
            AT_13,
            id="unplugged_allowed_podero_arms_the_next_plug_in",
        ),
        pytest.param({"charging": "on"}, [], id="charging"),
    ],
)
async def test_charge_now_the_lead_time_before_departure_if_needed(
    home: Home, vehicle: dict[str, Any], calls: list[Call]
) -> None:
    """At departure - lead (13:00), Charge now is pressed for a low, plugged-in, idle EV."""
    await charge_blueprint(home, **vehicle)

    await home.wait_until(vienna(15, 14))

    assert home.calls == calls


@pytest.mark.parametrize(
    ("weekdays", "calls"),
    [(["fri"], [press(vienna(15, 23))]), (["thu"], [])],
    ids=["friday", "thursday"],
)
async def test_departure_after_midnight_is_checked_the_evening_before(
    home: Home, weekdays: list[str], calls: list[Call]
) -> None:
    """Leaving Friday 01:00 with 2 h lead is checked Thursday 23:00, if Friday is chosen."""
    home.freezer.move_to(vienna(15, 22, 30))
    await charge_blueprint(home, departure_time="01:00:00", weekdays=weekdays)

    await home.wait_until(vienna(15, 23, 5))

    assert home.calls == calls


@pytest.mark.parametrize(
    ("before", "after"),
    [("07:00:00", "14:30:00"), ("2026-01-20 07:00:00", "2026-01-20 14:30:00")],
    ids=["time", "date_and_time"],
)
async def test_departure_helper_sets_the_time(
    home: Home, before: str, after: str
) -> None:
    """The helper's time of day (not its date) replaces the fixed time, changes included."""
    home.hass.states.async_set(DEPARTURE, before)
    one_hour = {"hours": 1, "minutes": 0, "seconds": 0}
    await charge_blueprint(home, departure_helper=DEPARTURE, lead_time=one_hour)
    await home.set_state(DEPARTURE, after)

    await home.wait_until(vienna(15, 14))

    assert home.calls == [press(vienna(15, 13, 30))]


# --- End to end: the real integration against the simulator ------------------------------


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry, podero: SimulatedPodero
) -> PoderoConfigEntry:
    """The demo household with the blueprints' entities, polled hourly; log cleared."""
    entry: PoderoConfigEntry = MockConfigEntry(
        domain=DOMAIN, data=dict(config_entry.data), options={CONF_SCAN_INTERVAL: 3600}
    )
    platforms = [Platform.SWITCH, Platform.SENSOR, Platform.BINARY_SENSOR]
    await setup_integration(hass, entry, [*platforms, Platform.BUTTON])
    podero.simulator.log.clear()
    return entry


async def test_vacation_pause_ends_by_itself_when_the_end_is_missed(
    home: Home, loaded_entry: PoderoConfigEntry, podero: SimulatedPodero
) -> None:
    """With the event's end missed (automation off), the integration resumes 5 minutes later."""
    device = dr.async_get(home.hass).async_get_device_by_identifier(
        (DOMAIN, HEAT_PUMP_ID), loaded_entry.entry_id
    )
    assert device is not None
    await pause_blueprint(home, SKI_TRIP, devices=[device.id])
    await home.wait_until(SKI_TRIP.start_datetime_local)
    pauses = loaded_entry.runtime_data.pauses
    assert pauses.paused_until(HEAT_PUMP_ID) == vienna(15, 18, 25)
    await home.hass.services.async_call(
        "automation", "turn_off", {"entity_id": AUTOMATION}, blocking=True
    )

    payload = podero.simulator.device_payload
    await home.wait_until(vienna(15, 18, 24))
    assert not payload(HEAT_PUMP_ID)["is_smart_optimization_active"]
    await home.wait_until(vienna(15, 18, 25))
    assert payload(HEAT_PUMP_ID)["is_smart_optimization_active"]


async def test_charging_started_since_the_last_poll_is_no_failure(
    home: Home,
    loaded_entry: PoderoConfigEntry,
    podero: SimulatedPodero,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A refused Charge now (409: charging began after the last poll) does not fail the run."""
    simulator = podero.simulator
    simulator.patch_device(EV_ID, {"battery_level": 40})
    await refresh_devices(loaded_entry)
    inputs = {"battery_sensor": BATTERY, "charge_now_button": CHARGE_NOW}
    await home.use_blueprint(CHARGE, departure_time="15:30:00", **inputs)
    await home.wait_until(vienna(15, 13, 25))
    assert simulator.boost(EV_ID)[0] == 204
    simulator.log.clear()

    await home.wait_until(vienna(15, 13, 30))

    # The owner's charging settings have a cadence of their own; only the EV matters here.
    vehicles = f"/api/partners/v2.0/org/{ORG_ID}/users/{USER_ID}/electric-vehicles"
    requests = simulator.requests()
    assert [
        (r["method"], r["path"], r["status"])
        for r in requests
        if r["path"].startswith(vehicles)
    ] == [("POST", f"{vehicles}/{EV_ID}/boost", 409)]
    messages = [record.getMessage() for record in caplog.records]
    assert any("The vehicle is already charging" in message for message in messages)
    assert not any("Error while executing automation" in m for m in messages)
