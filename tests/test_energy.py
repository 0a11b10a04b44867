"""Energy history: Podero's 15-minute series as hourly long-term statistics, sessions, savings."""

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
import logging
from typing import Any
from unittest.mock import patch
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.statistics import (
    list_statistic_ids,
    statistics_during_period,
)
from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.recorder import get_instance
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.podero.api import DataPoint, PoderoClient
from custom_components.podero.const import (
    CONF_BACKFILL_DAYS,
    DOMAIN,
    HISTORY_FIRST_RUN,
    HISTORY_INTERVAL,
)
from custom_components.podero.statistics import statistic_id
from podero_simulator.scenarios import EV_ID, HEAT_PUMP_ID, INVERTER_ID

from .helpers import SimulatedPodero, advance, podero_log_lines, setup_integration


@pytest.fixture
def short_entry(config_entry: MockConfigEntry) -> MockConfigEntry:
    """The household with a two-day history window (importing 30 days is slow in tests)."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=config_entry.title,
        unique_id=config_entry.unique_id,
        data=config_entry.data,
        options={CONF_BACKFILL_DAYS: 2},
    )


@pytest.fixture
async def imported(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    short_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    """The household with the two-day window, set up, its first import recorded."""
    await setup_integration(hass, short_entry)
    await import_once(hass, freezer)
    return short_entry


pytestmark = pytest.mark.energy_history
VIENNA = ZoneInfo("Europe/Vienna")
DATA_ROUTE = "/data"
DEVICES = "GET /api/partners/v2.0/org/{org}/users/{user}"
HEAT_PUMP_SAVINGS = f"{DEVICES}/heat-pumps/{{id}}/savings"
CURRENT_SESSION = f"{DEVICES}/electric-vehicles/{{id}}/sessions/current"


async def import_once(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the first import run (a minute after setup) and the recorder store it."""
    await advance(hass, freezer, HISTORY_FIRST_RUN)
    await async_wait_recording_done(hass)


async def hourly_rows(
    hass: HomeAssistant, statistic: str, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Hourly rows of one statistic between two instants."""
    rows = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        start,
        end,
        {statistic},
        "hour",
        None,
        {"state", "sum"},
    )
    return list(rows.get(statistic, []))


def data_requests(podero: SimulatedPodero) -> dict[str, int]:
    """Time-series requests per device id."""
    counts: dict[str, int] = {}
    for entry in podero.simulator.requests():
        if entry["path"].endswith(DATA_ROUTE):
            device = entry["path"].split("/")[-2]
            counts[device] = counts.get(device, 0) + 1
    return counts


def _utc_hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


SERIES_TRUTH = [
    (HEAT_PUMP_ID, "consumption", "estimated_consumption"),
    (EV_ID, "charged_energy", "estimated_consumption"),
    (INVERTER_ID, "solar_production", "solar_production_w"),
    (INVERTER_ID, "household_consumption", "household_consumption_w"),
]


async def test_backfill_sums_equal_the_simulated_energy(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    podero: SimulatedPodero,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The default 30 days of hourly statistics add up to the simulated energy (±0.1 %)."""
    await setup_integration(hass, config_entry)
    await import_once(hass, freezer)

    end = _utc_hour(datetime.now(UTC))
    start = end - timedelta(days=30)
    for device_id, series, field in SERIES_TRUTH:
        rows = await hourly_rows(hass, statistic_id(device_id, series), start, end)
        expected_kwh = podero.simulator.energy_wh(device_id, field, start, end) / 1000
        assert len(rows) == 30 * 24
        assert rows[-1]["sum"] == pytest.approx(expected_kwh, rel=1e-3), series
        assert sum(row["state"] for row in rows) == pytest.approx(rows[-1]["sum"])


async def test_import_costs_one_request_per_device_per_cycle_at_most_hourly(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    imported: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Each device's series is read once per cycle, and cycles come once an hour."""
    assert data_requests(podero) == {HEAT_PUMP_ID: 1, EV_ID: 1, INVERTER_ID: 1}

    podero.simulator.log.clear()
    await advance(hass, freezer, HISTORY_INTERVAL - timedelta(minutes=2))
    assert data_requests(podero) == {}

    await advance(hass, freezer, timedelta(minutes=2))
    await async_wait_recording_done(hass)
    assert data_requests(podero) == {HEAT_PUMP_ID: 1, EV_ID: 1, INVERTER_ID: 1}


async def test_a_second_import_adds_no_duplicates(
    hass: HomeAssistant, imported: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """Re-importing the last hours replaces rows; the series stays continuous."""
    statistic = statistic_id(HEAT_PUMP_ID, "consumption")
    start = _utc_hour(datetime.now(UTC)) - timedelta(days=3)
    before = await hourly_rows(hass, statistic, start, datetime.now(UTC))

    await advance(hass, freezer, HISTORY_INTERVAL)
    await async_wait_recording_done(hass)
    after = await hourly_rows(hass, statistic, start, datetime.now(UTC))

    assert len(after) == len(before) + 1
    assert after[: len(before)] == before
    assert after[-1]["sum"] == pytest.approx(before[-1]["sum"] + after[-1]["state"])


async def test_a_late_correction_of_the_last_hours_is_applied(
    hass: HomeAssistant, imported: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """When Podero revises a recent hour, the next import replaces it and later sums follow."""
    statistic = statistic_id(HEAT_PUMP_ID, "consumption")
    corrected_hour = _utc_hour(datetime.now(UTC)) - timedelta(hours=2)
    original = PoderoClient.get_time_series

    async def revised(self: PoderoClient, *args: Any, **kwargs: Any) -> list[DataPoint]:
        points = await original(self, *args, **kwargs)
        return [
            replace(point, estimated_consumption=point.estimated_consumption + 250)
            if _utc_hour(point.time) == corrected_hour
            and point.estimated_consumption is not None
            else point
            for point in points
        ]

    start = corrected_hour - timedelta(hours=3)
    before = await hourly_rows(hass, statistic, start, datetime.now(UTC))
    with patch.object(PoderoClient, "get_time_series", revised):
        await advance(hass, freezer, HISTORY_INTERVAL)
        await async_wait_recording_done(hass)
    after = await hourly_rows(hass, statistic, start, datetime.now(UTC))

    by_start = {row["start"]: row for row in before}
    corrected = next(row for row in after if row["start"] == corrected_hour.timestamp())
    assert corrected["state"] == pytest.approx(
        by_start[corrected["start"]]["state"] + 1.0
    )
    # Four quarter-hours, each 250 Wh more: every later sum is 1 kWh higher.
    assert after[-2]["sum"] == pytest.approx(by_start[after[-2]["start"]]["sum"] + 1.0)


def _local_day_rows(rows: Iterable[dict[str, Any]], day: date) -> int:
    return sum(
        1
        for row in rows
        if datetime.fromtimestamp(row["start"], UTC).astimezone(VIENNA).date() == day
    )


@pytest.mark.parametrize(
    ("now", "day", "hours"),
    [
        ("2026-03-30T12:30:00+00:00", date(2026, 3, 29), 23),
        ("2026-10-26T12:30:00+00:00", date(2026, 10, 25), 25),
    ],
)
async def test_clock_change_days_have_23_and_25_hourly_rows(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    short_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    now: str,
    day: date,
    hours: int,
) -> None:
    """Statistics are UTC hours, so Vienna's clock-change days have 23 and 25 of them."""
    freezer.move_to(now)
    await hass.config.async_set_time_zone("Europe/Vienna")
    await setup_integration(hass, short_entry)
    await import_once(hass, freezer)

    start = datetime(day.year, day.month, day.day, tzinfo=VIENNA) - timedelta(days=1)
    rows = await hourly_rows(
        hass,
        statistic_id(HEAT_PUMP_ID, "consumption"),
        start,
        start + timedelta(days=3),
    )

    assert _local_day_rows(rows, day) == hours


async def test_removing_the_entry_removes_its_statistics(
    hass: HomeAssistant, imported: MockConfigEntry
) -> None:
    """Deleting the integration leaves no Podero statistics behind."""
    listed = await get_instance(hass).async_add_executor_job(list_statistic_ids, hass)
    assert any(item["statistic_id"].startswith(f"{DOMAIN}:") for item in listed)

    await hass.config_entries.async_remove(imported.entry_id)
    await async_wait_recording_done(hass)

    listed = await get_instance(hass).async_add_executor_job(list_statistic_ids, hass)
    assert not any(item["statistic_id"].startswith(f"{DOMAIN}:") for item in listed)


async def test_session_and_savings_sensors(
    hass: HomeAssistant, imported: MockConfigEntry
) -> None:
    """The EV shows its session and last session; devices show this month's savings."""

    session = hass.states.get("sensor.tesla_model_3_session_energy")
    last = hass.states.get("sensor.tesla_model_3_last_session_energy")
    savings = hass.states.get("sensor.nibe_heat_pump_savings_this_month")
    assert session.state == "0.0"
    assert session.attributes["state_class"] == "total_increasing"
    assert float(last.state) > 0
    assert last.attributes["unplugged"] is not None
    assert float(savings.state) != 0
    assert savings.attributes["unit_of_measurement"] == "EUR"
    assert savings.attributes["state_class"] == "total"
    assert savings.attributes["last_reset"] == "2026-01-01T00:00:00+00:00"


async def test_idle_vehicle_has_no_current_session(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    imported: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unplugged, Podero answers {"session": null}: the session sensors show unknown."""
    podero.simulator.set_plugged_in(EV_ID, plugged_in=False)

    await advance(hass, freezer, timedelta(minutes=5))

    assert hass.states.get("sensor.tesla_model_3_session_energy").state == "unknown"
    assert hass.states.get("sensor.tesla_model_3_session_cost").state == "unknown"


async def test_a_device_without_history_gets_rows_only_from_its_first_data(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    podero: SimulatedPodero,
    short_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A heat pump added today has no zero rows for the days before it: its first hour comes next."""
    pump = podero.simulator.add_device("heat-pumps")
    await setup_integration(hass, short_entry)
    await import_once(hass, freezer)
    imported = {
        item["statistic_id"]
        for item in await get_instance(hass).async_add_executor_job(
            list_statistic_ids, hass
        )
    }
    assert statistic_id(HEAT_PUMP_ID, "consumption") in imported
    assert not any(pump.id.replace("-", "_") in item for item in imported)

    await advance(hass, freezer, HISTORY_INTERVAL)
    await async_wait_recording_done(hass)

    first_hour = datetime(2026, 1, 15, 11, tzinfo=UTC)
    for series in ("consumption", "cost", "savings"):
        rows = await hourly_rows(
            hass,
            statistic_id(pump.id, series),
            first_hour - timedelta(days=2),
            datetime.now(UTC),
        )
        assert [row["start"] for row in rows] == [first_hour.timestamp()], series


async def test_without_the_recorder_sessions_and_savings_are_still_read(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    short_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No recorder, no statistics to import: the time series is not even read."""
    await setup_integration(hass, short_entry)

    await advance(hass, freezer, HISTORY_FIRST_RUN)

    assert data_requests(podero) == {}
    assert float(hass.states.get("sensor.nibe_heat_pump_savings_this_month").state)
    assert hass.states.get("sensor.tesla_model_3_session_energy").state == "0.0"


async def test_a_failing_energy_read_is_warned_about_once_until_it_recovers(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    short_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two failed hourly reads of a device: one warning, then one line when it works again."""
    podero.simulator.faults.script("5xx", 2, HEAT_PUMP_SAVINGS)
    await setup_integration(hass, short_entry)
    savings = "sensor.nibe_heat_pump_savings_this_month"

    await advance(hass, freezer, HISTORY_FIRST_RUN)
    await advance(hass, freezer, HISTORY_INTERVAL)
    assert hass.states.get(savings) is None
    assert hass.states.get("sensor.tesla_model_3_session_energy").state == "0.0"

    await advance(hass, freezer, HISTORY_INTERVAL)
    assert float(hass.states.get(savings).state)
    warnings = podero_log_lines(caplog, logging.WARNING)
    assert len(warnings) == 1
    assert warnings[0].startswith(
        f"Reading the energy history of {HEAT_PUMP_ID} failed"
    )
    assert podero_log_lines(caplog, logging.INFO) == [
        f"Reading the energy history of {HEAT_PUMP_ID} recovered"
    ]


async def test_a_throttled_energy_read_is_no_warning(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    short_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 429 is Podero pacing us, not a fault: the next hourly cycle simply reads again."""
    podero.simulator.faults.script("429", 1, HEAT_PUMP_SAVINGS)
    await setup_integration(hass, short_entry)

    await advance(hass, freezer, HISTORY_FIRST_RUN)
    await advance(hass, freezer, HISTORY_INTERVAL)

    assert podero_log_lines(caplog, logging.WARNING) == []
    assert float(hass.states.get("sensor.nibe_heat_pump_savings_this_month").state)


async def test_an_unchanged_energy_read_writes_no_state(
    hass: HomeAssistant, short_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """Reading the same sessions and savings again writes no state, not even an unchanged one."""
    await setup_integration(hass, short_entry)
    await advance(hass, freezer, HISTORY_FIRST_RUN)
    writes: list[str] = []

    @callback
    def record(event: Event[Any]) -> None:
        writes.append(event.data["entity_id"])

    @callback
    def every(_data: Any) -> bool:
        return True

    hass.bus.async_listen(EVENT_STATE_CHANGED, record)
    # Writing an unchanged state is reported too; Home Assistant insists on a filter.
    hass.bus.async_listen(EVENT_STATE_REPORTED, record, event_filter=every)

    # Time is frozen, so Podero answers exactly as before.
    await short_entry.runtime_data.energy.async_refresh()
    await hass.async_block_till_done()

    assert writes == []


async def test_one_cycle_notifies_the_entities_once_for_all_devices(
    hass: HomeAssistant, short_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """Every device's figures arrive in one update: one per device would cost O(devices²)."""
    await setup_integration(hass, short_entry)
    coordinator = short_entry.runtime_data.energy

    with patch.object(
        coordinator, "async_update_listeners", wraps=coordinator.async_update_listeners
    ) as notify:
        await advance(hass, freezer, HISTORY_FIRST_RUN)

    assert len(coordinator.data) == 3
    assert notify.call_count == 1


async def test_a_failed_session_read_on_unplugging_keeps_the_last_session(
    hass: HomeAssistant,
    podero: SimulatedPodero,
    short_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unplugged while Podero fails: the session stays as it was until the hourly read."""
    await setup_integration(hass, short_entry)
    await advance(hass, freezer, HISTORY_FIRST_RUN)
    podero.simulator.faults.script("5xx", 1, CURRENT_SESSION)
    podero.simulator.set_plugged_in(EV_ID, plugged_in=False)
    caplog.clear()

    await advance(hass, freezer, timedelta(minutes=5))
    assert hass.states.get("sensor.tesla_model_3_session_energy").state == "0.0"
    assert podero_log_lines(caplog, logging.WARNING) == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []

    await advance(hass, freezer, HISTORY_INTERVAL)
    assert hass.states.get("sensor.tesla_model_3_session_energy").state == "unknown"
