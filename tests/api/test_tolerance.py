"""The docs are incomplete: unknown fields, unknown enum values and odd types must not break us."""

from datetime import UTC, date, datetime, time
import logging
from typing import Any

import pytest

from custom_components.podero.api import (
    BoostState,
    ChargingConfig,
    ChargingSession,
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
from podero_simulator import Simulator
from podero_simulator.scenarios import EV_ID, HEAT_PUMP_ID, USER_ID, WALLBOX_ID

from .conftest import ClientFactory, ScriptedServer

API_LOGGER = "custom_components.podero"
OTHER_ID = "0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f"


def unknown_value_logs(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Debug messages about enum values the client does not know."""
    return [
        record.getMessage()
        for record in caplog.records
        if "is not understood" in record.getMessage()
    ]


# --- unknown fields and enum values from the simulator ---------------------------------------


async def test_unknown_fields_and_enum_values_parse(
    client: PoderoClient, sim: Simulator
) -> None:
    """New keys are kept in raw; enum values from a newer API become None."""
    sim.patch_device(
        HEAT_PUMP_ID,
        {
            "connection_status": "degraded",
            "optimization_level": "Turbo",
            "current_mode": "legionella",
            "heat_recovery": {"enabled": True},
        },
    )

    (pump,) = await client.list_devices(HeatPump)

    assert (pump.connection_status, pump.optimization_level, pump.current_mode) == (
        None,
        None,
        None,
    )
    assert pump.monitoring_status is DeviceStatus.OK
    assert pump.raw["heat_recovery"] == {"enabled": True}
    assert pump.outdoor_temperature is not None


def uninterpreted_field_logs(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Debug messages about payload fields no parser reads."""
    return [
        record.getMessage()
        for record in caplog.records
        if "is not interpreted" in record.getMessage()
    ]


async def test_unknown_field_is_logged_once_at_debug(
    client: PoderoClient, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A field the client does not read is named in the debug log once, not per refresh."""
    sim.patch_device(HEAT_PUMP_ID, {"heat_recovery": {"enabled": True}})
    caplog.set_level(logging.DEBUG, logger=API_LOGGER)

    await client.list_devices(HeatPump)
    await client.list_devices(HeatPump)
    await client.get_device(HeatPump, HEAT_PUMP_ID)

    logs = uninterpreted_field_logs(caplog)
    assert (
        logs.count("Field 'heat_recovery' of HeatPump is not interpreted; kept as is")
        == 1
    )
    assert len(logs) == len(set(logs))


async def test_unknown_values_of_charging_devices_parse(
    client: PoderoClient, sim: Simulator
) -> None:
    """Boost state, wallbox mode and connection grow too."""
    sim.patch_device(EV_ID, {"boost_state": "scheduled"})
    sim.patch_device(WALLBOX_ID, {"mode": "SUSPENDED_EV", "connection": "flapping"})

    ev = await client.get_device(ElectricVehicle, EV_ID)
    wallbox = await client.get_device(Wallbox, WALLBOX_ID)

    assert ev.boost_state is None
    assert (wallbox.mode, wallbox.connection, wallbox.is_plugged_in) == (
        None,
        None,
        True,
    )


async def test_unknown_smart_charging_mode_parses(
    client: PoderoClient, sim: Simulator
) -> None:
    """A mode from a newer API is unknown, not an error."""
    sim.world.users[USER_ID].charging.mode = "solar_only"

    config = await client.get_charging_config()

    assert config.smart_charging_mode is None
    assert config.selectable_modes == tuple(SmartChargingMode)


async def test_each_unknown_value_is_logged_once_at_debug_level(
    client: PoderoClient, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Polling every few minutes must not repeat the same line for the same field."""
    caplog.set_level(logging.DEBUG, logger=API_LOGGER)
    sim.patch_device(HEAT_PUMP_ID, {"connection_status": "degraded"})

    await client.list_devices(HeatPump)
    await client.get_device(HeatPump, HEAT_PUMP_ID)
    sim.patch_device(HEAT_PUMP_ID, {"connection_status": "offline"})
    await client.list_devices(HeatPump)
    await client.list_devices(HeatPump)

    assert unknown_value_logs(caplog) == [
        (
            "Value 'degraded' for HeatPump.connection_status is not understood; "
            "treating it as unknown"
        )
    ]
    assert {
        record.levelno
        for record in caplog.records
        if record.name.startswith(API_LOGGER)
    } == {logging.DEBUG}


async def test_values_of_the_wrong_type_become_none(
    client: PoderoClient, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Strings where numbers belong, numbers where booleans or enums belong."""
    caplog.set_level(logging.DEBUG, logger=API_LOGGER)
    sim.patch_device(
        EV_ID,
        {
            "battery_level": "sixty",
            "charge_rate_w": True,
            "is_plugged_in": 1,
            "boost_state": 2,
            "charge_deadline_at": 700,
        },
    )

    ev = await client.get_device(ElectricVehicle, EV_ID)

    assert (
        ev.battery_level,
        ev.charge_rate_w,
        ev.is_plugged_in,
        ev.boost_state,
        ev.charge_deadline_at,
    ) == (None, None, None, None, None)
    assert len(unknown_value_logs(caplog)) == 5


async def test_older_lower_case_optimization_levels_are_understood(
    client: PoderoClient, sim: Simulator
) -> None:
    """Older docs spell the levels in lower case."""
    sim.patch_device(HEAT_PUMP_ID, {"optimization_level": "max"})

    pump = await client.get_device(HeatPump, HEAT_PUMP_ID)

    assert pump.optimization_level is OptimizationLevel.MAX


def test_optimization_level_rejects_what_it_does_not_know() -> None:
    """Any casing of a known level, nothing else."""
    assert OptimizationLevel("mid") is OptimizationLevel.MID
    unknown: tuple[Any, ...] = ("Turbo", 2, None)
    for value in unknown:
        with pytest.raises(ValueError):
            OptimizationLevel(value)


async def test_pending_actions_are_read_from_the_detail_view(
    client: PoderoClient, sim: Simulator
) -> None:
    """Actions with a code are kept, with their resolution link when there is one."""
    sim.patch_device(
        EV_ID,
        {
            "action_needed": True,
            "actions": [
                {
                    "id": OTHER_ID,
                    "code": "reauthenticate",
                    "resolution_link": {"url": "https://app.podero.com/resolve"},
                },
                {"code": "confirm_address"},
                {"resolution_link": {"url": "https://app.podero.com/x"}},
                "not an action",
            ],
        },
    )

    ev = await client.get_device(ElectricVehicle, EV_ID)

    assert ev.action_needed is True
    assert ev.actions == (
        PendingAction(
            code="reauthenticate", resolution_url="https://app.podero.com/resolve"
        ),
        PendingAction(code="confirm_address", resolution_url=None),
    )


async def test_actions_that_are_not_a_list_are_ignored(
    client: PoderoClient, sim: Simulator
) -> None:
    """A single object instead of a list yields no actions."""
    sim.patch_device(EV_ID, {"actions": {"code": "reauthenticate"}})

    assert (await client.get_device(ElectricVehicle, EV_ID)).actions == ()


# --- lists -----------------------------------------------------------------------------------


async def test_list_entries_without_a_valid_id_are_skipped(
    client: PoderoClient, sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A device we cannot address cannot become an entity; the others still do."""
    caplog.set_level(logging.DEBUG, logger=API_LOGGER)
    added = sim.add_device("heat-pumps")
    sim.patch_device(HEAT_PUMP_ID, {"id": "hp-1"})

    pumps = await client.list_devices(HeatPump)

    assert [pump.id for pump in pumps] == [added.id]


async def test_soft_deleted_devices_are_skipped(
    scripted: ScriptedServer, scripted_client: ClientFactory
) -> None:
    """A device listed with deleted_at set is gone for us, even if the server lists it."""
    scripted.reply(
        json=[
            {"id": OTHER_ID, "deleted_at": None},
            {"id": HEAT_PUMP_ID, "deleted_at": "2026-01-10T08:00:00Z"},
        ]
    )

    inverters = await scripted_client().list_devices(SolarInverter)

    assert [device.id for device in inverters] == [OTHER_ID]


async def test_soft_deleted_devices_the_server_hides_stay_hidden(
    client: PoderoClient, sim: Simulator
) -> None:
    """The simulator leaves them out unless include_deleted is asked for."""
    sim.remove_device(WALLBOX_ID, soft=True)

    assert await client.list_devices(Wallbox) == []


async def test_list_items_that_are_not_objects_or_lack_an_id_are_skipped(
    scripted: ScriptedServer, scripted_client: ClientFactory
) -> None:
    """Only objects with a UUID id are parsed; an upper-case id is still a UUID."""
    scripted.reply(
        json=[
            {"id": OTHER_ID},
            {"id": "nope"},
            {"id": None},
            {"name": "no id"},
            42,
            "text",
            None,
            [OTHER_ID],
            {"id": OTHER_ID.upper(), "email": "x@example.com"},
        ]
    )

    users = await scripted_client().list_users()

    assert [user.id for user in users] == [OTHER_ID, OTHER_ID.upper()]


async def test_missing_optional_fields_are_none(
    scripted: ScriptedServer, scripted_client: ClientFactory
) -> None:
    """A device that is only an id parses; everything else is unknown."""
    scripted.reply(json=[{"id": OTHER_ID}])

    (inverter,) = await scripted_client().list_devices(SolarInverter)

    assert inverter.id == OTHER_ID
    assert inverter.connection_status is None
    assert inverter.device_model.manufacturer is None
    assert inverter.device_model.type_name is None
    assert inverter.actions == ()
    assert inverter.solar_power_rating_kw is None
    assert inverter.battery_charge_level_percent is None
    assert inverter.deleted_at is None


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
    [{"session": "charging"}, {}, ["session"]],
    ids=["session_not_an_object", "no_session_key", "not_an_object"],
)
async def test_current_session_that_cannot_be_read_is_none(
    scripted: ScriptedServer, scripted_client: ClientFactory, body: Any
) -> None:
    """Polling the current session never fails on its shape."""
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


async def test_equality_ignores_raw(client: PoderoClient, sim: Simulator) -> None:
    """Unknown keys and bookkeeping do not make a refresh look like a change."""
    before = await client.get_device(ElectricVehicle, EV_ID)

    after = ElectricVehicle.parse({**before.raw, "brand_new_field": 1})

    assert after.raw != before.raw
    assert after == before
    assert "raw" not in repr(after)


async def test_equality_sees_interpreted_changes(
    client: PoderoClient, sim: Simulator
) -> None:
    """A new reading is a change."""
    before = await client.get_device(ElectricVehicle, EV_ID)
    sim.patch_device(EV_ID, {"battery_level": 63})

    after = await client.get_device(ElectricVehicle, EV_ID)

    assert after != before
    assert after.battery_level == 63.0


async def test_charging_config_equality_ignores_raw(
    client: PoderoClient, sim: Simulator
) -> None:
    """The status timestamp moves with every read; the parsed config does not."""
    before = await client.get_charging_config()
    sim.advance(60)

    after = await client.get_charging_config()

    assert after.raw["status"]["as_of"] != before.raw["status"]["as_of"]
    assert after == before


# --- parsing rules of the models -------------------------------------------------------------


def test_device_model_type_name_falls_back_to_the_short_name() -> None:
    """Long name preferred, short name otherwise."""
    pump = HeatPump.parse(
        {
            "id": OTHER_ID,
            "device_model": {"device_type": {"short_name": "hp_atw"}, "year": 2021.6},
        }
    )

    assert (pump.device_model.type_name, pump.device_model.year) == ("hp_atw", 2022)


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("2026-01-15T11:00:00Z", datetime(2026, 1, 15, 11, tzinfo=UTC)),
        ("2026-01-15T12:00:00+01:00", datetime(2026, 1, 15, 11, tzinfo=UTC)),
        ("2026-01-15T11:00:00", datetime(2026, 1, 15, 11, tzinfo=UTC)),
        ("yesterday", None),
        (1768474800, None),
    ],
    ids=["utc", "offset", "naive_is_utc", "garbage", "epoch_number"],
)
def test_timestamps(value: Any, parsed: datetime | None) -> None:
    """ISO 8601; naive values are UTC (the API speaks UTC)."""
    pump = HeatPump.parse({"id": OTHER_ID, "current_state_last_updated_at": value})

    assert pump.current_state_last_updated_at == parsed


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("07:00", time(7, 0)),
        ("07:00:30", time(7, 0, 30)),
        ("07:00:30.250", time(7, 0, 30)),
        ("2026-01-15T06:30:00+01:00", time(5, 30)),
        ("2026-01-15T06:30:00Z", time(6, 30)),
        ("seven", None),
        (700, None),
    ],
    ids=[
        "hh_mm",
        "seconds",
        "fraction",
        "timestamp_with_offset",
        "timestamp_utc",
        "garbage",
        "number",
    ],
)
def test_times_of_day(value: Any, parsed: time | None) -> None:
    """The EV docs say "HH:MM"; the wallbox example uses a full timestamp."""
    ev = ElectricVehicle.parse({"id": OTHER_ID, "charge_deadline_at": value})

    assert ev.charge_deadline_at == parsed


def test_whole_numbers_are_rounded_and_booleans_are_no_numbers() -> None:
    """The API's percentages are integers: 79.6 % is 80 %."""
    ev = ElectricVehicle.parse(
        {"id": OTHER_ID, "charge_target_max": 79.6, "minimum_charge_limit": True}
    )

    assert (ev.charge_target_max, ev.minimum_charge_limit) == (80, None)


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

    assert config.available_modes == (
        ModeAvailability(mode=SmartChargingMode.SPOT, available=True, reasons=("ok",)),
        ModeAvailability(mode=SmartChargingMode.HEMS, available=None, reasons=()),
        ModeAvailability(mode=None, available=True, reasons=()),
    )
    assert config.selectable_modes == (SmartChargingMode.NONE, SmartChargingMode.SPOT)
    assert config.has_health_warning is True
    assert config.health_warning_since == datetime(2026, 1, 14, 22, tzinfo=UTC)
    assert config.hems_ineligible_reasons == ()


def test_charging_config_without_modes_allows_none_only() -> None:
    """The mode "none" is always allowed, even when the list is missing."""
    config = ChargingConfig.parse({"available_modes": None, "health_warning": None})

    assert config.available_modes == ()
    assert config.selectable_modes == (SmartChargingMode.NONE,)
    assert config.has_health_warning is False


def test_empty_session_parses() -> None:
    """Every session field is optional."""
    session = ChargingSession.parse({})

    assert session == ChargingSession(
        id=None,
        plug_in_time=None,
        unplug_time=None,
        charge_deadline=None,
        target_soc_pct=None,
        initial_soc_pct=None,
        final_soc_pct=None,
        energy_charged_kwh=None,
        avg_charge_power_kw=None,
        peak_charge_power_kw=None,
        actual_cost_eur=None,
        expected_savings_eur=None,
        actual_savings_eur=None,
        is_at_home=None,
        session_outcome=None,
    )


@pytest.mark.parametrize(
    ("fields", "display_name"),
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
def test_user_display_name(fields: dict[str, Any], display_name: str) -> None:
    """How a person would recognise the account in a picker."""
    assert (
        OrganisationUser.parse({"id": OTHER_ID, **fields}).display_name == display_name
    )


def test_enums_cover_the_documented_values() -> None:
    """The values the docs list parse to members (the wire value is the enum value)."""
    assert {status.value for status in DeviceStatus} == {
        "ok",
        "warning",
        "error",
        "unknown",
    }
    assert {state.value for state in BoostState} == {
        "available",
        "requested",
        "ongoing",
        "unavailable",
    }
    assert {mode.value for mode in WallboxMode} == {
        "READY",
        "PLUGGED_IN",
        "CHARGING",
        "UNAVAILABLE",
        "UNKNOWN",
    }
    assert {c.value for c in WallboxConnection} == {
        "online",
        "offline",
        "never_connected",
    }
    assert {mode.value for mode in HeatPumpMode} == {"min", "low", "mid", "max"}


def test_common_block_parses_without_a_device_kind() -> None:
    """The shared fields parse on the base class, e.g. for a device type we do not model."""
    device = Device.parse(
        {
            "id": OTHER_ID,
            "connection_status": "warning",
            "lifecycle_state": "authenticated",
        }
    )

    assert type(device) is Device
    assert (device.id, device.connection_status, device.lifecycle_state) == (
        OTHER_ID,
        DeviceStatus.WARNING,
        "authenticated",
    )
