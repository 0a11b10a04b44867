"""Timed pauses of smart optimisation: scheduling, persistence across restarts, retries.

The behaviour under test is documented in custom_components/podero/pause.py.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.podero.api import DEFAULT_REQUEST_TIMEOUT_S
from custom_components.podero.const import DOMAIN
from podero_simulator.scenarios import HEAT_PUMP_ID, WALLBOX_ID

from .helpers import SimulatedPodero, advance, pause_store_key, setup_integration, until

SWITCH = "switch.nibe_heat_pump_smart_optimization"
UNTIL = "2026-01-15T12:00:00+00:00"
HEAT_PUMP_PUT = "PUT /api/partners/v2.0/org/{org}/users/{user}/heat-pumps/{hp}"
RESUME_FAILED = "Resuming smart optimisation of"


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set up the household with the switches only (enough for optimisation)."""
    await setup_integration(hass, entry, [Platform.SWITCH])


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """The demo household, set up."""
    await set_up(hass, config_entry)
    return config_entry


def heat_pump(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """The Home Assistant device id of the heat pump."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, HEAT_PUMP_ID), entry.entry_id
    )
    assert device is not None
    return device.id


async def pause(
    hass: HomeAssistant, entry: MockConfigEntry, until: str | None = UNTIL
) -> None:
    """Pause the heat pump's optimisation (until `until`, if given)."""
    data: dict[str, Any] = {"device_id": heat_pump(hass, entry)}
    if until is not None:
        data["until"] = until
    await hass.services.async_call(DOMAIN, "pause_optimization", data, blocking=True)


def optimising(podero: SimulatedPodero, device_id: str = HEAT_PUMP_ID) -> bool:
    """Whether Podero optimises the device right now."""
    return podero.simulator.device_payload(device_id)["is_smart_optimization_active"]


def heat_pump_writes(podero: SimulatedPodero) -> list[str | None]:
    """Times (simulated) of the PUT requests to the heat pump so far."""
    return [
        entry["at"]
        for entry in podero.simulator.requests()
        if entry["method"] == "PUT" and entry["path"].endswith(HEAT_PUMP_ID)
    ]


def stored(hass_storage: dict[str, Any], entry: MockConfigEntry) -> dict[str, Any]:
    """The persisted schedule of the entry ({} when nothing is scheduled)."""
    return hass_storage.get(pause_store_key(entry.entry_id), {}).get("data", {})


def store_record(until: str, since: str | None = None) -> dict[str, Any]:
    """What a pause looks like in the Store."""
    return {"kind": "heat-pumps", "until": until, "since": since}


def seed_store(
    hass_storage: dict[str, Any], entry: MockConfigEntry, data: dict[str, Any]
) -> None:
    """Leave a schedule in the Store as an earlier run of Home Assistant would have."""
    key = pause_store_key(entry.entry_id)
    hass_storage[key] = {"version": 1, "minor_version": 1, "key": key, "data": data}


def paused_until(entry: MockConfigEntry) -> datetime | None:
    """When the heat pump is scheduled to resume, if at all."""
    return entry.runtime_data.pauses.paused_until(HEAT_PUMP_ID)


# --- pausing ------------------------------------------------------------------------------


async def test_pause_without_until_turns_optimisation_off_for_good(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Without `until` nothing is scheduled: optimisation stays off until resumed."""
    await pause(hass, loaded_entry, until=None)

    assert not optimising(podero)
    assert hass.states.get(SWITCH).state == STATE_OFF
    assert paused_until(loaded_entry) is None
    assert stored(hass_storage, loaded_entry) == {}

    await advance(hass, frozen_time, timedelta(days=2))
    assert not optimising(podero)


async def test_pause_with_until_resumes_at_until(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Optimisation is off until `until` and on again from then; the Store empties."""
    await pause(hass, loaded_entry)
    assert not optimising(podero)
    assert paused_until(loaded_entry) == dt_util.parse_datetime(UNTIL)
    assert stored(hass_storage, loaded_entry) == {
        HEAT_PUMP_ID: store_record(UNTIL, "2026-01-15T11:00:00+00:00")
    }

    await advance(hass, frozen_time, timedelta(minutes=59, seconds=59))
    assert not optimising(podero)
    assert hass.states.get(SWITCH).state == STATE_OFF

    await advance(hass, frozen_time, timedelta(seconds=1))
    assert optimising(podero)
    assert hass.states.get(SWITCH).state == STATE_ON
    assert paused_until(loaded_entry) is None
    await hass.async_block_till_done()
    assert stored(hass_storage, loaded_entry) == {}


@pytest.mark.parametrize("again", [UNTIL, None], ids=["later_until", "no_until"])
async def test_the_latest_pause_wins(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
    again: str | None,
) -> None:
    """Paused again, an earlier `until` no longer applies; without `until`, none does."""
    await pause(hass, loaded_entry, until="2026-01-15T11:30:00+00:00")
    await pause(hass, loaded_entry, until=again)

    await advance(hass, frozen_time, timedelta(minutes=45))
    assert not optimising(podero)

    await advance(hass, frozen_time, timedelta(minutes=15))
    assert optimising(podero) is (again is not None)
    assert paused_until(loaded_entry) is None


async def resume_by_action(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Resume the heat pump with the resume_optimization action."""
    await hass.services.async_call(
        DOMAIN,
        "resume_optimization",
        {"device_id": heat_pump(hass, entry)},
        blocking=True,
    )


async def switch_on(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Turn the heat pump's smart optimisation switch on."""
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": SWITCH}, blocking=True
    )


@pytest.mark.parametrize(
    "resume", [resume_by_action, switch_on], ids=["resume_action", "switch"]
)
async def test_resuming_by_hand_cancels_the_scheduled_resume(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    resume: Callable[[HomeAssistant, MockConfigEntry], Awaitable[None]],
) -> None:
    """Resumed by hand, then switched off again: nothing happens at the old `until`."""
    await pause(hass, loaded_entry)
    await advance(hass, frozen_time, timedelta(minutes=10))

    await resume(hass, loaded_entry)
    assert optimising(podero)
    assert paused_until(loaded_entry) is None
    await hass.async_block_till_done()
    assert stored(hass_storage, loaded_entry) == {}

    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": SWITCH}, blocking=True
    )
    writes = heat_pump_writes(podero)
    await advance(hass, frozen_time, timedelta(hours=2))

    assert not optimising(podero)
    assert hass.states.get(SWITCH).state == STATE_OFF
    assert heat_pump_writes(podero) == writes


# --- optimisation turned on some other way ------------------------------------------------


async def test_switching_on_in_podero_ends_the_pause(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """Turned on elsewhere (Podero's app), the next poll ends the pause too."""
    await pause(hass, loaded_entry)
    await advance(hass, frozen_time, timedelta(minutes=1))
    podero.simulator.update_device(HEAT_PUMP_ID, {"is_smart_optimization_active": True})

    await advance(hass, frozen_time, timedelta(minutes=5))  # a regular poll

    assert hass.states.get(SWITCH).state == STATE_ON
    assert paused_until(loaded_entry) is None


async def test_a_reading_from_before_the_pause_does_not_end_it(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    """An `on` that Podero stamped before the pause (a poll overtaken) is no manual change."""
    await pause(hass, loaded_entry)
    await advance(hass, frozen_time, timedelta(minutes=1))
    # The answer of a poll that started before the pause was written.
    podero.simulator.patch_device(
        HEAT_PUMP_ID,
        {"is_smart_optimization_active": True, "updated_at": "2026-01-15T10:59:59Z"},
    )

    await advance(hass, frozen_time, timedelta(minutes=5))  # a regular poll

    assert hass.states.get(SWITCH).state == STATE_ON
    assert paused_until(loaded_entry) == dt_util.parse_datetime(UNTIL)


async def test_zoneless_podero_timestamps_are_read_as_utc(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """An `updated_at` without zone is UTC: turned on in Podero's app later, the pause ends."""
    podero.simulator.patch_device(HEAT_PUMP_ID, {"updated_at": "2026-01-15T11:00:00"})
    await pause(hass, loaded_entry)
    assert stored(hass_storage, loaded_entry) == {
        HEAT_PUMP_ID: store_record(UNTIL, "2026-01-15T11:00:00+00:00")
    }

    await advance(hass, frozen_time, timedelta(minutes=1))
    podero.simulator.patch_device(
        HEAT_PUMP_ID,
        {"is_smart_optimization_active": True, "updated_at": "2026-01-15T11:01:00"},
    )
    await advance(hass, frozen_time, timedelta(minutes=5))  # a regular poll

    assert paused_until(loaded_entry) is None


async def test_a_resume_ends_the_pause_even_if_podero_does_not_restamp_the_device(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """The resume at `until` is done once and forgotten, whatever `updated_at` says."""
    podero.simulator.patch_device(HEAT_PUMP_ID, {"updated_at": "2026-01-15T10:00:00Z"})
    await pause(hass, loaded_entry)

    await advance(hass, frozen_time, timedelta(hours=1))
    assert optimising(podero)
    assert paused_until(loaded_entry) is None
    await hass.async_block_till_done()
    assert stored(hass_storage, loaded_entry) == {}

    await advance(hass, frozen_time, timedelta(hours=1))
    assert heat_pump_writes(podero) == ["2026-01-15T11:00:00Z", "2026-01-15T12:00:00Z"]


# --- restarts -----------------------------------------------------------------------------


async def test_a_schedule_left_by_an_earlier_run_is_armed_at_start(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Home Assistant starts with a Store holding a pause: the resume happens on time."""
    podero.simulator.update_device(
        HEAT_PUMP_ID, {"is_smart_optimization_active": False}
    )
    seed_store(
        hass_storage,
        config_entry,
        {HEAT_PUMP_ID: store_record(UNTIL, "2026-01-15T10:00:00+00:00")},
    )

    await set_up(hass, config_entry)
    assert paused_until(config_entry) == dt_util.parse_datetime(UNTIL)
    assert not optimising(podero)

    await advance(hass, frozen_time, timedelta(hours=1))
    assert optimising(podero)


async def test_a_resume_that_fell_due_while_down_runs_right_after_start(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """`until` passed while the entry was unloaded: nothing then, a resume right at start."""
    await pause(hass, loaded_entry)
    await hass.config_entries.async_unload(loaded_entry.entry_id)
    await advance(hass, frozen_time, timedelta(hours=3))
    assert not optimising(podero)
    assert heat_pump_writes(podero) == ["2026-01-15T11:00:00Z"]

    await hass.config_entries.async_setup(loaded_entry.entry_id)
    await advance(hass, frozen_time, timedelta(seconds=0))

    assert optimising(podero)
    assert paused_until(loaded_entry) is None
    await hass.async_block_till_done()
    assert stored(hass_storage, loaded_entry) == {}


async def test_an_unreadable_stored_pause_is_dropped(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    podero: SimulatedPodero,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Broken records are skipped with a warning; readable ones still count."""
    seed_store(
        hass_storage,
        config_entry,
        {
            HEAT_PUMP_ID: {"kind": "toasters", "until": UNTIL},
            WALLBOX_ID: {"kind": "wallboxes", "until": "soon"},
            "e6f8a0b2-5c7d-4e9f-8a1b-2c3d4e5f6a7b": "garbage",
            "f7a9b1c3-6d8e-4f0a-9b2c-3d4e5f6a7b8c": {"kind": "heat-pumps"},
            "a8b0c2d4-7e9f-4a1b-8c3d-4e5f6a7b8c9d": {
                "kind": "inverters",
                "until": "2026-01-15T12:00:00",  # no zone: cannot be trusted
            },
        },
    )

    await set_up(hass, config_entry)

    assert config_entry.state is ConfigEntryState.LOADED
    assert paused_until(config_entry) is None
    dropped = [r for r in caplog.records if "unreadable scheduled resume" in r.message]
    assert len(dropped) == 5


async def test_a_stored_pause_without_zone_on_its_start_reads_it_as_utc(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    podero: SimulatedPodero,
    hass_storage: dict[str, Any],
) -> None:
    """Turned on in Podero while Home Assistant was down, after the pause: it ends at start."""
    podero.simulator.patch_device(
        HEAT_PUMP_ID,
        {"is_smart_optimization_active": True, "updated_at": "2026-01-15T10:30:00Z"},
    )
    seed_store(
        hass_storage,
        config_entry,
        {HEAT_PUMP_ID: store_record(UNTIL, "2026-01-15T10:00:00")},
    )

    await set_up(hass, config_entry)

    assert paused_until(config_entry) is None
    assert optimising(podero)


# --- failures -----------------------------------------------------------------------------


async def test_a_failing_resume_is_retried_every_minute_with_one_warning(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """5xx at `until`: try again each minute, warn once, say once that it worked."""
    await pause(hass, loaded_entry)
    podero.simulator.faults.script("5xx", 3, HEAT_PUMP_PUT, status=503)
    caplog.clear()

    await advance(hass, frozen_time, timedelta(hours=1))
    assert not optimising(podero)
    for _ in range(2):
        await advance(hass, frozen_time, timedelta(minutes=1))
        assert not optimising(podero)
    await advance(hass, frozen_time, timedelta(minutes=1))

    assert optimising(podero)
    assert heat_pump_writes(podero) == [
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
    assert paused_until(loaded_entry) is None
    await advance(hass, frozen_time, timedelta(minutes=5))
    assert len(heat_pump_writes(podero)) == 5


async def test_a_later_failure_warns_again(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After a recovered failure, a new pause that fails to resume is reported again."""
    for _ in range(2):
        await pause(
            hass,
            loaded_entry,
            until=(dt_util.utcnow() + timedelta(hours=1)).isoformat(),
        )
        podero.simulator.faults.script("5xx", 1, HEAT_PUMP_PUT, status=500)
        await advance(hass, frozen_time, timedelta(hours=1))
        await advance(hass, frozen_time, timedelta(minutes=1))
        assert optimising(podero)

    warnings = [r for r in caplog.records if RESUME_FAILED in r.message]
    assert len(warnings) == 2


async def test_a_resume_for_a_device_podero_no_longer_knows_is_dropped(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """404 at `until`: warn once and stop trying; the Store forgets it."""
    await pause(hass, loaded_entry)
    podero.simulator.remove_device(HEAT_PUMP_ID)

    await advance(hass, frozen_time, timedelta(hours=1))
    await advance(hass, frozen_time, timedelta(minutes=10))

    assert paused_until(loaded_entry) is None
    assert stored(hass_storage, loaded_entry) == {}
    assert [r.levelno for r in caplog.records if "Not resuming" in r.message] == [
        logging.WARNING
    ]
    assert heat_pump_writes(podero) == ["2026-01-15T11:00:00Z", "2026-01-15T12:00:00Z"]


async def test_a_failed_pause_schedules_nothing(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    hass_storage: dict[str, Any],
) -> None:
    """If Podero refuses the pause itself, no resume is scheduled or stored."""
    podero.simulator.faults.script("5xx", 1, HEAT_PUMP_PUT, status=502)

    with pytest.raises(HomeAssistantError) as err:
        await pause(hass, loaded_entry)

    assert err.value.translation_key == "server_error"
    assert optimising(podero)
    assert paused_until(loaded_entry) is None
    assert stored(hass_storage, loaded_entry) == {}


async def test_a_resume_that_fails_after_pausing_again_is_not_retried(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Paused again while the resume was under way: its failure belongs to the old pause."""
    await pause(hass, loaded_entry)
    podero.simulator.faults.script("hang", 1, HEAT_PUMP_PUT)
    frozen_time.tick(timedelta(hours=1))
    async_fire_time_changed(hass)  # `until`: the resume is sent and hangs
    await until(lambda: len(heat_pump_writes(podero)) == 2)

    await pause(hass, loaded_entry, until="2026-01-15T13:00:00+00:00")
    async_fire_time_changed(
        hass, dt_util.utcnow() + timedelta(seconds=DEFAULT_REQUEST_TIMEOUT_S + 1)
    )
    await hass.async_block_till_done()

    assert paused_until(loaded_entry) == dt_util.parse_datetime("2026-01-15T13:00:00Z")
    assert RESUME_FAILED not in caplog.text
    await advance(hass, frozen_time, timedelta(minutes=5))
    assert not optimising(podero)
    assert len(heat_pump_writes(podero)) == 3


# --- removal ------------------------------------------------------------------------------


async def test_removing_the_entry_deletes_the_store(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A deleted entry leaves no schedule behind, and nothing resumes later."""
    await pause(hass, loaded_entry)
    assert pause_store_key(loaded_entry.entry_id) in hass_storage

    await hass.config_entries.async_remove(loaded_entry.entry_id)
    await advance(hass, frozen_time, timedelta(hours=2))

    assert pause_store_key(loaded_entry.entry_id) not in hass_storage
    assert not optimising(podero)


async def test_removing_the_entry_right_after_a_resume_leaves_no_store(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    podero: SimulatedPodero,
    frozen_time: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A save still under way when the entry goes cannot bring the Store back."""
    await pause(hass, loaded_entry)
    await hass.services.async_call(
        DOMAIN,
        "resume_optimization",
        {"device_id": heat_pump(hass, loaded_entry)},
        blocking=True,
    )

    await hass.config_entries.async_remove(loaded_entry.entry_id)
    await advance(hass, frozen_time, timedelta(minutes=1))

    assert pause_store_key(loaded_entry.entry_id) not in hass_storage
