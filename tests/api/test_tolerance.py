"""The docs are incomplete: unknown fields, unknown enum values and odd types must not break us."""

from dataclasses import fields
from datetime import UTC, date, datetime, time
import logging
from typing import Any

import pytest

from custom_components.podero.api import (
    BoostState,
    ChargingConfig,
    ChargingSession,
    DataPoint,
    DayChargePolicy,
    Device,
    DeviceStatus,
    ElectricVehicle,
    HeatPump,
    HeatPumpMode,
    ModeAvailability,
    OptimizationLevel,
    OrganisationUser,
    PendingAction,
    PoderoClient,
    SmartChargingMode,
    SolarInverter,
    Wallbox,
    WallboxConnection,
    WallboxMode,
    Weekday,
)
from custom_components.podero.api.parsing import MAX_NOTES, Notes
from podero_simulator import Simulator
from podero_simulator.scenarios import EV_ID, HEAT_PUMP_ID, WALLBOX_ID

from .conftest import UNKNOWN_ID as OTHER_ID, ClientFactory, ScriptedServer

API_LOGGER = "custom_components.podero"
NOT_UNDERSTOOD = "Value {!r} for HeatPump.{} is not understood; treating it as unknown"


# --- unknown fields and enum values ----------------------------------------------------------


NEWER_ENUM_VALUES = {
    "heat_pump": (HeatPump, HEAT_PUMP_ID, {"connection_status": "lost", "current_mode": "boost"}),
    "electric_vehicle": (ElectricVehicle, EV_ID, {"boost_state": "scheduled"}),
    "wallbox": (Wallbox, WALLBOX_ID, {"mode": "SUSPENDED_EV", "connection": "flapping"}),
}  # fmt: skip


@pytest.mark.parametrize(
    ("model", "device_id", "patch"), NEWER_ENUM_VALUES.values(), ids=NEWER_ENUM_VALUES
)
async def test_enum_values_from_a_newer_api_are_unknown(
    client: PoderoClient,
    sim: Simulator,
    model: type[Device],
    device_id: str,
    patch: dict[str, str],
) -> None:
    """They become None; the device and its other readings still parse."""
    sim.patch_device(device_id, patch)

    device = await client.get_device(model, device_id)

    assert {name: getattr(device, name) for name in patch} == dict.fromkeys(patch)
    assert device.monitoring_status is DeviceStatus.OK


async def test_each_oddity_is_logged_once_per_client_at_debug_level(
    make_client: ClientFactory, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Polling every few minutes must not repeat a line; a new client (entry) logs afresh."""
    caplog.set_level(logging.DEBUG, logger=API_LOGGER)
    sim.patch_device(
        HEAT_PUMP_ID,
        {"connection_status": "degraded", "outdoor_temperature": "cold", "fan": 1},
    )

    async def poll_twice_with_a_new_client() -> list[logging.LogRecord]:
        caplog.clear()
        client = make_client()
        for _ in range(2):
            await client.list_devices(HeatPump)
            await client.get_device(HeatPump, HEAT_PUMP_ID)
        # Request timings are logged too; the oddities are what "is not" understood.
        return [r for r in caplog.records if " is not " in r.getMessage()]

    first = await poll_twice_with_a_new_client()
    second = await poll_twice_with_a_new_client()

    messages = [record.getMessage() for record in first]
    assert {
        NOT_UNDERSTOOD.format("degraded", "connection_status"),
        NOT_UNDERSTOOD.format("cold", "outdoor_temperature"),
        "Field 'fan' of HeatPump is not interpreted; kept as is",
    } <= set(messages)
    assert len(messages) == len(set(messages))
    assert messages == [record.getMessage() for record in second]
    assert {record.levelno for record in first} == {logging.DEBUG}


def test_notes_are_bounded(caplog: pytest.LogCaptureFixture) -> None:
    """A server sending ever new oddities cannot grow a client's memory without end."""
    caplog.set_level(logging.DEBUG, logger=API_LOGGER)
    full, fresh = Notes(), Notes()
    for number in range(MAX_NOTES):
        full.once(("Test", str(number)), "oddity %s", number)
    caplog.clear()
    odd = {"id": OTHER_ID, "connection_status": "lost"}

    HeatPump.parse(odd, full)
    HeatPump.parse(odd, fresh)

    assert caplog.messages == [NOT_UNDERSTOOD.format("lost", "connection_status")]


def test_values_of_the_wrong_type_become_none() -> None:
    """Strings where numbers belong, numbers where booleans, enums or times belong."""
    ev = ElectricVehicle.parse(
        {
            "id": OTHER_ID,
            "battery_level": "sixty",
            "charge_rate_w": True,
            "is_plugged_in": 1,
            "boost_state": 2,
            "charge_deadline_at": 700,
            "actions": {"code": "reauthenticate"},
        }
    )

    assert ev is not None
    assert (
        ev.battery_level,
        ev.charge_rate_w,
        ev.is_plugged_in,
        ev.boost_state,
        ev.charge_deadline_at,
        ev.actions,
    ) == (None, None, None, None, None, ())


def test_optimization_levels_are_read_in_any_casing() -> None:
    """Older docs spell the levels in lower case; anything else is no level."""
    pump = HeatPump.parse({"id": OTHER_ID, "optimization_level": "max"})

    assert pump is not None
    assert pump.optimization_level is OptimizationLevel.MAX
    for value in ("Turbo", 2, None):
        with pytest.raises(ValueError):
            OptimizationLevel(value)


def test_pending_actions_need_a_code() -> None:
    """Actions with a code are kept, with their resolution link when there is one."""
    ev = ElectricVehicle.parse(
        {
            "id": OTHER_ID,
            "actions": [
                {
                    "code": "reauthenticate",
                    "resolution_link": {"url": "https://x.at/r"},
                },
                {"code": "confirm_address"},
                {"resolution_link": {"url": "https://x.at/y"}},
                "not an action",
            ],
        }
    )

    assert ev is not None
    assert ev.actions == (
        PendingAction(code="reauthenticate", resolution_url="https://x.at/r"),
        PendingAction(code="confirm_address", resolution_url=None),
    )


# --- lists and envelopes ---------------------------------------------------------------------


async def test_list_entries_that_cannot_be_tracked_are_skipped(
    scripted: ScriptedServer, scripted_client: ClientFactory
) -> None:
    """Only objects with a UUID id (in any case) that are not soft-deleted become devices."""
    scripted.reply(
        json=[
            {"id": OTHER_ID, "deleted_at": None},
            {"id": HEAT_PUMP_ID, "deleted_at": "2026-01-10T08:00:00Z"},
            {"id": "nope"},
            {"id": None},
            {"name": "no id"},
            42,
            "text",
            None,
            [OTHER_ID],
            {"id": OTHER_ID.upper()},
        ]
    )

    inverters = await scripted_client().list_devices(SolarInverter)

    assert [device.id for device in inverters] == [OTHER_ID, OTHER_ID.upper()]


async def test_session_page_tolerates_a_missing_total_and_junk_items(
    scripted: ScriptedServer, scripted_client: ClientFactory
) -> None:
    """Without total, the page's own length counts; non-objects are skipped."""
    scripted.reply(json={"items": [{"id": OTHER_ID, "energy_charged_kwh": 4.2}, "x"]})

    page = await scripted_client().list_sessions(
        EV_ID, date(2026, 1, 1), date(2026, 1, 2)
    )

    assert page.total == 1
    assert [(item.id, item.energy_charged_kwh) for item in page.items] == [
        (OTHER_ID, 4.2)
    ]


@pytest.mark.parametrize(
    "body",
    [{"session": None}, {"session": "charging"}, {}, ["session"]],
    ids=["idle", "session_not_an_object", "no_session_key", "not_an_object"],
)
async def test_current_session_that_cannot_be_read_is_none(
    scripted: ScriptedServer, scripted_client: ClientFactory, body: Any
) -> None:
    """Idle (null) is no session, and polling never fails on the answer's shape."""
    scripted.reply(json=body)

    assert await scripted_client().get_current_session(EV_ID) is None


async def test_charge_policy_keeps_only_readable_days(
    scripted: ScriptedServer, scripted_client: ClientFactory
) -> None:
    """Days that are not objects are left out; unknown keys are ignored."""
    scripted.reply(
        json={
            "data": {
                "mon": {"charge_percentage": 80.4, "charge_deadline": "07:00:30"},
                "tue": None,
                "holiday": {"charge_percentage": 100},
            }
        }
    )

    policy = await scripted_client().get_charge_policy(EV_ID)

    assert policy.days == {
        Weekday.MON: DayChargePolicy(
            charge_percentage=80, charge_deadline=time(7, 0, 30)
        )
    }
    assert policy.timezone is None


async def test_time_series_points_without_a_readable_time_are_skipped(
    scripted: ScriptedServer, scripted_client: ClientFactory
) -> None:
    """A point that cannot be placed in time is useless; the others still count."""
    scripted.reply(
        json={
            "data": [
                {"time": "2026-01-15T11:00:00Z", "estimated_consumption": 120.5},
                {"time": "not a time", "estimated_consumption": 99.0},
                {"estimated_consumption": 98.0},
                {"time": "2026-01-15T11:15:00Z", "estimated_consumption": None},
            ]
        }
    )

    points = await scripted_client().get_time_series(
        HeatPump,
        HEAT_PUMP_ID,
        datetime(2026, 1, 15, 11, tzinfo=UTC),
        datetime(2026, 1, 15, 11, 30, tzinfo=UTC),
    )

    assert [(point.time.minute, point.estimated_consumption) for point in points] == [
        (0, 120.5),
        (15, None),
    ]


# --- equality and raw ------------------------------------------------------------------------


def test_equality_compares_only_interpreted_fields() -> None:
    """Unknown keys are kept in raw without making a refresh look like a change."""
    payload = {"id": OTHER_ID, "battery_level": 62}
    ev = ElectricVehicle.parse(payload)

    same = ElectricVehicle.parse({**payload, "brand_new_field": 1})
    changed = ElectricVehicle.parse({**payload, "battery_level": 63})

    assert same is not None
    assert (same == ev, changed == ev) == (True, False)
    assert same.raw["brand_new_field"] == 1
    assert "raw" not in repr(same)


# --- parsing rules of the models -------------------------------------------------------------


UNREADABLE = {
    "device_without_id": (HeatPump, {"connection_status": "ok"}),
    "device_id_not_a_string": (HeatPump, {"id": 42}),
    "not_an_object": (HeatPump, [{"id": OTHER_ID}]),
    "user_without_id": (OrganisationUser, {"id": None, "email": "x@example.com"}),
    "action_without_code": (PendingAction, {"resolution_link": {"url": "x"}}),
    "point_without_readable_time": (DataPoint, {"time": "yesterday", "price": 80.0}),
}


@pytest.mark.parametrize(("model", "payload"), UNREADABLE.values(), ids=UNREADABLE)
def test_required_field_that_cannot_be_read_makes_the_object_unreadable(
    model: type[Device | OrganisationUser | PendingAction | DataPoint], payload: Any
) -> None:
    """Without its id (code, time) an object cannot be tracked, so parse gives None."""
    assert model.parse(payload) is None


@pytest.mark.parametrize(
    ("model", "payload", "present"),
    [
        (SolarInverter, {"id": OTHER_ID}, {"id", "device_model", "actions", "raw"}),
        (ChargingSession, {}, set()),
    ],
    ids=["device_that_is_only_an_id", "empty_session"],
)
def test_missing_optional_fields_are_none(
    model: type[SolarInverter | ChargingSession],
    payload: dict[str, Any],
    present: set[str],
) -> None:
    """Everything but the required id is unknown; a device's nested model is there, empty."""
    parsed = model.parse(payload)

    assert parsed is not None
    assert {
        item.name for item in fields(parsed) if getattr(parsed, item.name) is not None
    } == present


def test_device_model_type_name_falls_back_to_the_short_name() -> None:
    """Long name preferred, short name otherwise; the year is a whole number."""
    pump = HeatPump.parse(
        {
            "id": OTHER_ID,
            "device_model": {"device_type": {"short_name": "hp_atw"}, "year": 2021.6},
        }
    )

    assert pump is not None
    assert (pump.device_model.type_name, pump.device_model.year) == ("hp_atw", 2022)


TIMESTAMPS = {
    "utc": ("2026-01-15T11:00:00Z", datetime(2026, 1, 15, 11, tzinfo=UTC)),
    "offset": ("2026-01-15T12:00:00+01:00", datetime(2026, 1, 15, 11, tzinfo=UTC)),
    "naive_is_utc": ("2026-01-15T11:00:00", datetime(2026, 1, 15, 11, tzinfo=UTC)),
    "garbage": ("yesterday", None),
    "epoch_number": (1768474800, None),
}


@pytest.mark.parametrize(("value", "parsed"), TIMESTAMPS.values(), ids=TIMESTAMPS)
def test_timestamps(value: Any, parsed: datetime | None) -> None:
    """ISO 8601; naive values are UTC (the API speaks UTC)."""
    pump = HeatPump.parse({"id": OTHER_ID, "current_state_last_updated_at": value})

    assert pump is not None
    assert pump.current_state_last_updated_at == parsed


TIMES_OF_DAY = {
    "hh_mm": ("07:00", time(7, 0)),
    "seconds": ("07:00:30", time(7, 0, 30)),
    "fraction": ("07:00:30.250", time(7, 0, 30)),
    "timestamp_with_offset": ("2026-01-15T06:30:00+01:00", time(5, 30)),
    "timestamp_utc": ("2026-01-15T06:30:00Z", time(6, 30)),
    "garbage": ("seven", None),
    "number": (700, None),
}


@pytest.mark.parametrize(("value", "parsed"), TIMES_OF_DAY.values(), ids=TIMES_OF_DAY)
def test_times_of_day(value: Any, parsed: time | None) -> None:
    """The EV docs say "HH:MM"; the wallbox example uses a full timestamp."""
    ev = ElectricVehicle.parse({"id": OTHER_ID, "charge_deadline_at": value})

    assert ev is not None
    assert ev.charge_deadline_at == parsed


def test_charging_config_with_a_health_warning_and_odd_modes() -> None:
    """A warning object means a warning; unknown or unavailable modes are not selectable."""
    config = ChargingConfig.parse(
        {
            "available_modes": [
                {"mode": "spot", "available": True, "reasons": ["ok", 3]},
                {"mode": "hems", "available": "yes"},
                {"mode": "solar_only", "available": True},
                "junk",
            ],
            "health_warning": {"since": "2026-01-14T22:00:00Z"},
            "hems_ineligible_reasons": "no_inverter",
        }
    )

    assert config is not None
    assert config.available_modes == (
        ModeAvailability(mode=SmartChargingMode.SPOT, available=True, reasons=("ok",)),
        ModeAvailability(mode=SmartChargingMode.HEMS, available=None, reasons=()),
        ModeAvailability(mode=None, available=True, reasons=()),
    )
    assert config.selectable_modes == (SmartChargingMode.NONE, SmartChargingMode.SPOT)
    assert config.has_health_warning is True
    assert config.health_warning_since == datetime(2026, 1, 14, 22, tzinfo=UTC)
    assert config.hems_ineligible_reasons == ()


@pytest.mark.parametrize(
    ("names", "display_name"),
    [
        (
            {"first_name": "Anna", "last_name": "Berger", "email": "a@x.at"},
            "Anna Berger <a@x.at>",
        ),
        ({"first_name": "Anna", "email": None}, "Anna"),
        ({"last_name": "", "email": "a@x.at"}, "a@x.at"),
        ({}, OTHER_ID),
    ],
    ids=["name_and_email", "name_only", "email_only", "nothing_but_the_id"],
)
def test_user_display_name(names: dict[str, Any], display_name: str) -> None:
    """How a person would recognise the account in a picker."""
    user = OrganisationUser.parse({"id": OTHER_ID, **names})

    assert user is not None
    assert user.display_name == display_name


def test_enums_cover_the_documented_values() -> None:
    """The values the docs list parse to members (the wire value is the enum value)."""
    documented = {
        DeviceStatus: {"ok", "warning", "error", "unknown"},
        BoostState: {"available", "requested", "ongoing", "unavailable"},
        WallboxMode: {"READY", "PLUGGED_IN", "CHARGING", "UNAVAILABLE", "UNKNOWN"},
        WallboxConnection: {"online", "offline", "never_connected"},
        HeatPumpMode: {"min", "low", "mid", "max"},
    }

    assert {enum: {member.value for member in enum} for enum in documented} == (
        documented
    )


HOSTILE_VALUES = {
    "nan": float("nan"),
    "infinity": float("inf"),
    "huge_integer": 10**400,
    "past_year_9999_in_utc": "9999-12-31T23:59:00-05:00",
    "before_year_1_in_utc": "0001-01-01T00:30:00+01:00",
    "impossible_date": "2026-02-30T10:00:00Z",
    "nested": [[[{"a": [1]}]]],
}


@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES)
def test_a_hostile_value_in_any_field_reads_as_unknown(value: object) -> None:
    """No reader raises: every field reads as unknown (a text field keeps its text)."""
    for model in (HeatPump, ElectricVehicle, SolarInverter, Wallbox):
        payload = dict.fromkeys(_top_level_fields(model), value)
        device = model.parse({**payload, "id": OTHER_ID}, Notes())
        assert device is not None
        for name in _top_level_fields(model) - {"raw", "device_model", "actions"}:
            read = getattr(device, name)
            assert read is None or read == value == str(value), (model.__name__, name)


def test_a_time_series_point_outside_utc_range_is_dropped() -> None:
    """A point at year 1 has no UTC hour to go into: it is left out, nothing raises."""
    assert DataPoint.parse({"time": "0001-01-01T00:30+01:00", "price": 1}) is None


def _top_level_fields(model: type) -> set[str]:
    return {field.name for field in fields(model)} - {"id"}
