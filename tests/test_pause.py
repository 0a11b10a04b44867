"""Timed pauses of smart optimisation: scheduling, persistence across restarts, retries.

The behaviour under test is documented in custom_components/podero/pause.py. Every test pauses
the demo household's heat pump; a failing pause action itself is test_services.py's.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.podero.api import DEFAULT_REQUEST_TIMEOUT_S
from custom_components.podero.const import DOMAIN
from podero_simulator import Simulator
from podero_simulator.scenarios import HEAT_PUMP_ID, WALLBOX_ID

from .helpers import SimulatedPodero, advance, pause_store_key, setup_integration, until

SWITCH = "switch.nibe_heat_pump_smart_optimization"
UNTIL = "2026-01-15T12:00:00+00:00"
HEAT_PUMP_PUT = "PUT /api/partners/v2.0/org/{org}/users/{user}/heat-pumps/{hp}"
RESUME_FAILED = "Resuming smart optimisation of"


def store_record(until: str, since: str | None = None) -> dict[str, Any]:
    """What a pause looks like in the Store."""
    return {"kind": "heat-pumps", "until": until, "since": since}


@dataclass
class Household:
    """The demo household's heat pump: what the tests do to it, and what they look at."""

    hass: HomeAssistant
    entry: MockConfigEntry
    simulator: Simulator
    freezer: FrozenDateTimeFactory
    storage: dict[str, Any]

    async def set_up(self) -> None:
        """Set up the entry with the switches only (enough for optimisation)."""
        await setup_integration(self.hass, self.entry, [Platform.SWITCH])

    async def pause(self, until: str | None = UNTIL) -> None:
        """Pause the heat pump's optimisation (until `until`, if given)."""
        data: dict[str, Any] = {"device_id": self.device_id}
        if until is not None:
            data["until"] = until
        await self.hass.services.async_call(
            DOMAIN, "pause_optimization", data, blocking=True
        )

    async def resume(self) -> None:
        """Resume the heat pump's optimisation with the resume_optimization action."""
        await self.hass.services.async_call(
            DOMAIN, "resume_optimization", {"device_id": self.device_id}, blocking=True
        )

    async def switch(self, service: str) -> None:
        """Turn the smart optimisation switch on or off by hand."""
        await self.hass.services.async_call(
            "switch", service, {"entity_id": SWITCH}, blocking=True
        )

    async def wait(self, delta: timedelta) -> None:
        """Let time pass, running whatever falls due."""
        await advance(self.hass, self.freezer, delta)

    async def stored(self) -> dict[str, Any]:
        """The persisted schedule once pending saves ran ({} when nothing is scheduled)."""
        await self.hass.async_block_till_done()
        key = pause_store_key(self.entry.entry_id)
        return self.storage.get(key, {}).get("data", {})

    def seed(self, data: dict[str, Any]) -> None:
        """Leave a schedule in the Store as an earlier run of Home Assistant would have."""
        key = pause_store_key(self.entry.entry_id)
        self.storage[key] = {"version": 1, "minor_version": 1, "key": key, "data": data}

    @property
    def device_id(self) -> str:
        """The Home Assistant device id of the heat pump."""
        registry = dr.async_get(self.hass)
        device = registry.async_get_device_by_identifier(
            (DOMAIN, HEAT_PUMP_ID), self.entry.entry_id
        )
        assert device is not None
        return device.id

    @property
    def optimising(self) -> bool:
        """Whether Podero optimises the heat pump right now."""
        payload = self.simulator.device_payload(HEAT_PUMP_ID)
        return bool(payload["is_smart_optimization_active"])

    @property
    def switch_state(self) -> str:
        """What the smart optimisation switch shows."""
        return self.hass.states.get(SWITCH).state

    @property
    def writes(self) -> list[str | None]:
        """Times (simulated) of the PUT requests to the heat pump so far."""
        return [
            entry["at"]
            for entry in self.simulator.requests()
            if entry["method"] == "PUT" and entry["path"].endswith(HEAT_PUMP_ID)
        ]

    @property
    def paused_until(self) -> datetime | None:
        """When the heat pump is scheduled to resume, if at all."""
        return self.entry.runtime_data.pauses.paused_until(HEAT_PUMP_ID)


@pytest.fixture
def household(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> Household:
    """The demo household, not set up yet."""
    return Household(hass, config_entry, podero.simulator, frozen_time, hass_storage)


@pytest.fixture
async def loaded(household: Household) -> Household:
    """The demo household, set up."""
    await household.set_up()
    return household


# --- pausing ------------------------------------------------------------------------------


async def test_pause_without_until_turns_optimisation_off_for_good(
    loaded: Household,
) -> None:
    """Without `until` nothing is scheduled: optimisation stays off until resumed."""
    await loaded.pause(until=None)

    assert not loaded.optimising
    assert loaded.switch_state == STATE_OFF
    assert loaded.paused_until is None
    assert await loaded.stored() == {}

    await loaded.wait(timedelta(days=2))
    assert not loaded.optimising


async def test_pause_with_until_resumes_at_until(loaded: Household) -> None:
    """Optimisation is off until `until` and on again from then; the Store empties."""
    await loaded.pause()
    assert not loaded.optimising
    assert loaded.paused_until == dt_util.parse_datetime(UNTIL)
    assert await loaded.stored() == {
        HEAT_PUMP_ID: store_record(UNTIL, "2026-01-15T11:00:00+00:00")
    }

    await loaded.wait(timedelta(minutes=59, seconds=59))
    assert not loaded.optimising
    assert loaded.switch_state == STATE_OFF

    await loaded.wait(timedelta(seconds=1))
    assert loaded.optimising
    assert loaded.switch_state == STATE_ON
    assert loaded.paused_until is None
    assert await loaded.stored() == {}


@pytest.mark.parametrize("again", [UNTIL, None], ids=["later_until", "no_until"])
async def test_the_latest_pause_wins(loaded: Household, again: str | None) -> None:
    """Paused again, an earlier `until` no longer applies; without `until`, none does."""
    await loaded.pause(until="2026-01-15T11:30:00+00:00")
    await loaded.pause(until=again)

    await loaded.wait(timedelta(minutes=45))
    assert not loaded.optimising

    await loaded.wait(timedelta(minutes=15))
    assert loaded.optimising is (again is not None)
    assert loaded.paused_until is None


@pytest.mark.parametrize(
    "resume",
    [Household.resume, lambda home: home.switch("turn_on")],
    ids=["resume_action", "switch"],
)
async def test_resuming_by_hand_cancels_the_scheduled_resume(
    loaded: Household, resume: Callable[[Household], Awaitable[None]]
) -> None:
    """Resumed by hand, then switched off again: nothing happens at the old `until`."""
    await loaded.pause()
    await loaded.wait(timedelta(minutes=10))

    await resume(loaded)
    assert loaded.optimising
    assert loaded.paused_until is None
    assert await loaded.stored() == {}

    await loaded.switch("turn_off")
    writes = loaded.writes
    await loaded.wait(timedelta(hours=2))

    assert not loaded.optimising
    assert loaded.switch_state == STATE_OFF
    assert loaded.writes == writes


# --- optimisation turned on some other way ------------------------------------------------


@pytest.mark.parametrize(
    ("paused_at", "turned_on_at", "ends"),
    [
        pytest.param("11:00:00Z", "11:01:00Z", True, id="turned_on_after_the_pause"),
        pytest.param("11:00:00", "11:01:00", True, id="zoneless_stamps_are_utc"),
        pytest.param("11:00:00Z", "10:59:59Z", False, id="poll_overtaken_by_the_pause"),
    ],
)
async def test_optimisation_turned_on_in_podero_ends_the_pause(
    loaded: Household, paused_at: str, turned_on_at: str, ends: bool
) -> None:
    """An `on` stamped after the pause (Podero's app) ends it; one stamped before does not."""
    loaded.simulator.patch_device(
        HEAT_PUMP_ID, {"updated_at": f"2026-01-15T{paused_at}"}
    )
    await loaded.pause()
    assert await loaded.stored() == {
        HEAT_PUMP_ID: store_record(UNTIL, "2026-01-15T11:00:00+00:00")
    }
    await loaded.wait(timedelta(minutes=1))
    loaded.simulator.patch_device(
        HEAT_PUMP_ID,
        {
            "is_smart_optimization_active": True,
            "updated_at": f"2026-01-15T{turned_on_at}",
        },
    )

    await loaded.wait(timedelta(minutes=5))  # a regular poll

    assert loaded.switch_state == STATE_ON
    assert loaded.paused_until == (None if ends else dt_util.parse_datetime(UNTIL))


async def test_a_resume_ends_the_pause_even_if_podero_does_not_restamp_the_device(
    loaded: Household,
) -> None:
    """The resume at `until` is done once and forgotten, whatever `updated_at` says."""
    loaded.simulator.patch_device(HEAT_PUMP_ID, {"updated_at": "2026-01-15T10:00:00Z"})
    await loaded.pause()

    await loaded.wait(timedelta(hours=1))
    assert loaded.optimising
    assert loaded.paused_until is None
    assert await loaded.stored() == {}

    await loaded.wait(timedelta(hours=1))
    assert loaded.writes == ["2026-01-15T11:00:00Z", "2026-01-15T12:00:00Z"]


# --- restarts -----------------------------------------------------------------------------


async def test_a_schedule_left_by_an_earlier_run_is_armed_at_start(
    household: Household,
) -> None:
    """Home Assistant starts with a Store holding a pause: the resume happens on time."""
    household.simulator.update_device(
        HEAT_PUMP_ID, {"is_smart_optimization_active": False}
    )
    household.seed({HEAT_PUMP_ID: store_record(UNTIL, "2026-01-15T10:00:00+00:00")})

    await household.set_up()
    assert household.paused_until == dt_util.parse_datetime(UNTIL)
    assert not household.optimising

    await household.wait(timedelta(hours=1))
    assert household.optimising


async def test_a_resume_that_fell_due_while_down_runs_right_after_start(
    loaded: Household,
) -> None:
    """`until` passed while the entry was unloaded: nothing then, a resume right at start."""
    await loaded.pause()
    await loaded.hass.config_entries.async_unload(loaded.entry.entry_id)
    await loaded.wait(timedelta(hours=3))
    assert not loaded.optimising
    assert loaded.writes == ["2026-01-15T11:00:00Z"]

    await loaded.hass.config_entries.async_setup(loaded.entry.entry_id)
    await loaded.wait(timedelta(seconds=0))

    assert loaded.optimising
    assert loaded.paused_until is None
    assert await loaded.stored() == {}


async def test_an_unreadable_stored_pause_is_dropped(
    household: Household, caplog: pytest.LogCaptureFixture
) -> None:
    """Broken records are skipped with a warning; readable ones still count."""
    household.seed(
        {
            HEAT_PUMP_ID: {"kind": "toasters", "until": UNTIL},
            WALLBOX_ID: {"kind": "wallboxes", "until": "soon"},
            "e6f8a0b2-5c7d-4e9f-8a1b-2c3d4e5f6a7b": "garbage",
            "f7a9b1c3-6d8e-4f0a-9b2c-3d4e5f6a7b8c": {"kind": "heat-pumps"},
            "a8b0c2d4-7e9f-4a1b-8c3d-4e5f6a7b8c9d": {
                "kind": "inverters",
                "until": "2026-01-15T12:00:00",  # no zone: cannot be trusted
            },
        }
    )

    await household.set_up()

    assert household.entry.state is ConfigEntryState.LOADED
    assert household.paused_until is None
    dropped = [r for r in caplog.records if "unreadable scheduled resume" in r.message]
    assert len(dropped) == 5


async def test_a_stored_pause_without_zone_on_its_start_reads_it_as_utc(
    household: Household,
) -> None:
    """Turned on in Podero while Home Assistant was down, after the pause: it ends at start."""
    household.simulator.patch_device(
        HEAT_PUMP_ID,
        {"is_smart_optimization_active": True, "updated_at": "2026-01-15T10:30:00Z"},
    )
    household.seed({HEAT_PUMP_ID: store_record(UNTIL, "2026-01-15T10:00:00")})

    await household.set_up()

    assert household.paused_until is None
    assert household.optimising


# --- failures -----------------------------------------------------------------------------


async def test_a_failing_resume_is_retried_every_minute_with_one_warning(
    loaded: Household, caplog: pytest.LogCaptureFixture
) -> None:
    """5xx at `until`: try again each minute, warn once, say once that it worked."""
    await loaded.pause()
    loaded.simulator.faults.script("5xx", 3, HEAT_PUMP_PUT, status=503)
    caplog.clear()

    await loaded.wait(timedelta(hours=1))
    assert not loaded.optimising
    for _ in range(2):
        await loaded.wait(timedelta(minutes=1))
        assert not loaded.optimising
    await loaded.wait(timedelta(minutes=1))

    assert loaded.optimising
    assert loaded.writes == [
        "2026-01-15T11:00:00Z",  # the pause
        "2026-01-15T12:00:00Z",
        "2026-01-15T12:01:00Z",
        "2026-01-15T12:02:00Z",
        "2026-01-15T12:03:00Z",
    ]
    warnings = [
        r
        for r in caplog.records
        if r.levelno == logging.WARNING and RESUME_FAILED in r.message
    ]
    assert len(warnings) == 1
    assert [r.message for r in caplog.records if r.levelno == logging.INFO][-1:] == [
        f"Resumed smart optimisation of {HEAT_PUMP_ID}"
    ]
    assert loaded.paused_until is None
    await loaded.wait(timedelta(minutes=5))
    assert len(loaded.writes) == 5


async def test_a_later_failure_warns_again(
    loaded: Household, caplog: pytest.LogCaptureFixture
) -> None:
    """After a recovered failure, a new pause that fails to resume is reported again."""
    for _ in range(2):
        await loaded.pause(until=(dt_util.utcnow() + timedelta(hours=1)).isoformat())
        loaded.simulator.faults.script("5xx", 1, HEAT_PUMP_PUT, status=500)
        await loaded.wait(timedelta(hours=1))
        await loaded.wait(timedelta(minutes=1))
        assert loaded.optimising

    warnings = [r for r in caplog.records if RESUME_FAILED in r.message]
    assert len(warnings) == 2


async def test_a_resume_for_a_device_podero_no_longer_knows_is_dropped(
    loaded: Household, caplog: pytest.LogCaptureFixture
) -> None:
    """404 at `until`: warn once and stop trying; the Store forgets it."""
    await loaded.pause()
    loaded.simulator.remove_device(HEAT_PUMP_ID)

    await loaded.wait(timedelta(hours=1))
    await loaded.wait(timedelta(minutes=10))

    assert loaded.paused_until is None
    assert await loaded.stored() == {}
    assert [r.levelno for r in caplog.records if "Not resuming" in r.message] == [
        logging.WARNING
    ]
    assert loaded.writes == ["2026-01-15T11:00:00Z", "2026-01-15T12:00:00Z"]


async def test_a_resume_that_fails_after_pausing_again_is_not_retried(
    loaded: Household, caplog: pytest.LogCaptureFixture
) -> None:
    """Paused again while the resume was under way: its failure belongs to the old pause."""
    await loaded.pause()
    loaded.simulator.faults.script("hang", 1, HEAT_PUMP_PUT)
    loaded.freezer.tick(timedelta(hours=1))
    async_fire_time_changed(loaded.hass)  # `until`: the resume is sent and hangs
    await until(lambda: len(loaded.writes) == 2)

    await loaded.pause(until="2026-01-15T13:00:00+00:00")
    async_fire_time_changed(
        loaded.hass,
        dt_util.utcnow() + timedelta(seconds=DEFAULT_REQUEST_TIMEOUT_S + 1),
    )
    await loaded.hass.async_block_till_done()

    assert loaded.paused_until == dt_util.parse_datetime("2026-01-15T13:00:00Z")
    assert RESUME_FAILED not in caplog.text
    await loaded.wait(timedelta(minutes=5))
    assert not loaded.optimising
    assert len(loaded.writes) == 3


# --- removal ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "resume", [False, True], ids=["paused", "right_after_a_resume"]
)
async def test_removing_the_entry_deletes_the_store(
    loaded: Household, resume: bool
) -> None:
    """A deleted entry leaves no schedule (not even by a pending save) and resumes nothing."""
    await loaded.pause()
    assert pause_store_key(loaded.entry.entry_id) in loaded.storage
    if resume:
        await loaded.resume()

    await loaded.hass.config_entries.async_remove(loaded.entry.entry_id)
    await loaded.wait(timedelta(hours=2))

    assert pause_store_key(loaded.entry.entry_id) not in loaded.storage
    assert loaded.optimising is resume
