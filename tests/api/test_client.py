"""Every method of PoderoClient against the simulated Partner API, over real HTTP."""

from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from custom_components.podero.api import (
    BoostState,
    ChargePolicyUpdate,
    ChargingConfig,
    ChargingConfigUpdate,
    ClientCredentialsAuth,
    DayChargePolicy,
    Device,
    DeviceUpdate,
    ElectricVehicle,
    HeatPump,
    OptimizationLevel,
    PoderoClient,
    PoderoConflictError,
    PoderoError,
    PoderoValidationError,
    SmartChargingMode,
    SolarInverter,
    Wallbox,
    Weekday,
    format_time_of_day,
)
from podero_simulator import Simulator
from podero_simulator.scenarios import (
    DELETED_USER_ID,
    EV_ID,
    HEAT_PUMP_ID,
    INVERTER_ID,
    SECOND_USER_ID,
    USER_ID,
    WALLBOX_ID,
)

from .conftest import START, ClientFactory, api_requests, token_requests

ALL_MODELS = pytest.mark.parametrize(
    ("model", "device_id"),
    [
        (HeatPump, HEAT_PUMP_ID),
        (ElectricVehicle, EV_ID),
        (SolarInverter, INVERTER_ID),
        (Wallbox, WALLBOX_ID),
    ],
    ids=["heat_pump", "electric_vehicle", "solar_inverter", "wallbox"],
)
CHARGERS = pytest.mark.parametrize(
    ("model", "device_id"),
    [(ElectricVehicle, EV_ID), (Wallbox, WALLBOX_ID)],
    ids=["electric_vehicle", "wallbox"],
)
WIDE = (date(2025, 1, 1), date(2026, 12, 31))


# --- binding ------------------------------------------------------------------------------


def test_client_exposes_what_it_is_bound_to(
    client: PoderoClient, base_url: str
) -> None:
    """The origin, organisation and user are readable (ids in canonical form)."""
    assert (client.base_url, client.org_id, client.user_id) == (
        base_url,
        Simulator.org_id,
        USER_ID,
    )


async def test_for_user_acts_for_another_user_of_the_same_organisation(
    client: PoderoClient, sim: Simulator
) -> None:
    """A client for the second user reads that user's (empty) device list."""
    other = client.for_user(SECOND_USER_ID)

    assert (other.base_url, other.org_id, other.user_id) == (
        client.base_url,
        client.org_id,
        SECOND_USER_ID,
    )
    assert await other.list_devices(HeatPump) == []
    assert api_requests(sim) == [
        f"GET /api/partners/v2.0/org/{Simulator.org_id}/users/{SECOND_USER_ID}/heat-pumps"
    ]


async def test_for_user_shares_the_authentication(
    make_client: ClientFactory,
    client_credentials: ClientCredentialsAuth,
    sim: Simulator,
) -> None:
    """The derived client reuses the cached OAuth token instead of fetching its own."""
    client = make_client(client_credentials)
    await client.list_devices(HeatPump)

    await client.for_user(SECOND_USER_ID).list_devices(HeatPump)

    assert token_requests(sim) == 1


async def test_user_endpoints_need_a_user(
    make_client: ClientFactory, sim: Simulator
) -> None:
    """A client bound only to the organisation refuses user endpoints without a request."""
    client = make_client(user_id=None)

    with pytest.raises(PoderoError, match="not bound to a user"):
        await client.list_devices(HeatPump)
    assert api_requests(sim) == []


def test_times_of_day_are_sent_as_hours_and_minutes() -> None:
    """The API takes "HH:MM"; seconds are dropped."""
    assert format_time_of_day(time(6, 5, 59)) == "06:05"


# --- users -----------------------------------------------------------------------------------


async def test_list_users_returns_the_active_users_of_the_organisation(
    make_client: ClientFactory,
) -> None:
    """Soft-deleted users and other organisations' users are not listed."""
    users = await make_client(user_id=None).list_users()

    assert [user.id for user in users] == [USER_ID, SECOND_USER_ID]
    peter = users[0]
    assert (peter.email, peter.first_name, peter.last_name, peter.role) == (
        "peter@example.com",
        "Peter",
        "Schmidt",
        "user",
    )
    assert peter.display_name == "Peter Schmidt <peter@example.com>"
    assert peter.deleted_at is None


async def test_list_users_include_deleted_adds_soft_deleted_users(
    client: PoderoClient, sim: Simulator
) -> None:
    """With include_deleted the former tenant is listed, with the time of deletion."""
    users = await client.list_users(include_deleted=True)

    assert [user.id for user in users] == [USER_ID, SECOND_USER_ID, DELETED_USER_ID]
    assert users[2].deleted_at == datetime(2025, 12, 16, 11, 0, tzinfo=UTC)
    assert sim.requests()[0]["path"].endswith("/users")


# --- devices ---------------------------------------------------------------------------------


@ALL_MODELS
async def test_list_devices_returns_the_households_device_of_each_kind(
    client: PoderoClient, model: type[Device], device_id: str
) -> None:
    """Each kind has its own list endpoint and model."""
    devices = await client.list_devices(model)

    assert [type(device) for device in devices] == [model]
    assert devices[0].id == device_id
    assert devices[0].raw["id"] == device_id


@ALL_MODELS
async def test_get_device_reads_the_detail_view(
    client: PoderoClient, sim: Simulator, model: type[Device], device_id: str
) -> None:
    """The detail view parses to the same model as the list entry."""
    device = await client.get_device(model, device_id)

    assert device == (await client.list_devices(model))[0]
    assert device.raw == sim.device_payload(device_id)
    assert device.actions == ()


async def test_heat_pump_fields_are_parsed(
    client: PoderoClient, sim: Simulator
) -> None:
    """The simulator's heat pump readings arrive typed."""
    raw = sim.device_payload(HEAT_PUMP_ID)

    pump = await client.get_device(HeatPump, HEAT_PUMP_ID)

    assert pump.optimization_level is OptimizationLevel(raw["optimization_level"])
    assert pump.current_power_consumption_w == raw["current_power_consumption_w"]
    assert pump.indoor_actual_temperature == raw["indoor_actual_temperature"]
    assert pump.device_model.manufacturer == "Nibe"
    assert (
        pump.device_model.type_name == raw["device_model"]["device_type"]["long_name"]
    )
    assert pump.is_authenticated is True
    assert pump.current_state_last_updated_at == START


async def test_electric_vehicle_fields_are_parsed(client: PoderoClient) -> None:
    """The demo EV: plugged in, idle, 62 %, boost available."""
    ev = await client.get_device(ElectricVehicle, EV_ID)

    assert (ev.is_plugged_in, ev.is_charging, ev.is_fully_charged) == (
        True,
        False,
        False,
    )
    assert (ev.battery_level, ev.battery_capacity_kwh) == (62.0, 79.5)
    assert (ev.charge_target_min, ev.charge_target_max) == (50, 80)
    assert ev.charge_deadline_at == time(7, 0)
    assert ev.boost_state is BoostState.AVAILABLE
    assert ev.boost_for_next_session is False


@pytest.mark.parametrize(
    ("model", "device_id", "update", "wire_value", "expected"),
    [
        (
            HeatPump,
            HEAT_PUMP_ID,
            DeviceUpdate(optimization_level=OptimizationLevel.MAX),
            "Max",
            OptimizationLevel.MAX,
        ),
        (
            ElectricVehicle,
            EV_ID,
            DeviceUpdate(charge_deadline_at=time(6, 30)),
            "06:30",
            time(6, 30),
        ),
        (
            SolarInverter,
            INVERTER_ID,
            DeviceUpdate(min_battery_charge=25),
            25,
            25.0,
        ),
        (
            Wallbox,
            WALLBOX_ID,
            DeviceUpdate(is_smart_optimization_active=False),
            False,
            False,
        ),
    ],
    ids=["heat_pump", "electric_vehicle", "solar_inverter", "wallbox"],
)
async def test_update_device_returns_the_updated_device(
    client: PoderoClient,
    sim: Simulator,
    model: type[Device],
    device_id: str,
    update: DeviceUpdate,
    wire_value: Any,
    expected: Any,
) -> None:
    """A partial PUT sends the one field set, changes the device and answers with it."""
    (field,) = (
        name
        for name in DeviceUpdate.__dataclass_fields__
        if getattr(update, name) is not None
    )

    updated = await client.update_device(model, device_id, update)

    assert isinstance(updated, model)
    assert getattr(updated, field) == expected
    assert sim.device_payload(device_id)[field] == wire_value
    assert getattr(await client.get_device(model, device_id), field) == expected


async def test_update_device_leaves_fields_not_sent_alone(
    client: PoderoClient,
) -> None:
    """Only the fields in the body change."""
    ev = await client.update_device(
        ElectricVehicle, EV_ID, DeviceUpdate(minimum_charge_limit=60)
    )

    assert ev.minimum_charge_limit == 60
    assert (ev.charge_deadline_at, ev.is_charge_policy_enabled) == (time(7, 0), True)


async def test_update_device_refusal_names_the_field(
    client: PoderoClient, sim: Simulator
) -> None:
    """An out-of-range value is a validation error naming the field; nothing changes."""
    with pytest.raises(PoderoValidationError) as caught:
        await client.update_device(
            ElectricVehicle, EV_ID, DeviceUpdate(minimum_charge_limit=150)
        )

    assert caught.value.status == 422
    assert caught.value.fields == ("minimum_charge_limit",)
    assert str(caught.value) == (
        "minimum_charge_limit: Input should be less than or equal to 100"
    )
    assert sim.device_payload(EV_ID)["minimum_charge_limit"] == 75


# --- boost -----------------------------------------------------------------------------------


@CHARGERS
async def test_start_boost_requests_charging_now(
    client: PoderoClient, sim: Simulator, model: type[Device], device_id: str
) -> None:
    """204 No Content; the device's boost is requested."""
    assert await client.start_boost(model, device_id) is None  # type: ignore[arg-type,func-returns-value]

    assert sim.device_payload(device_id)["boost_state"] == "requested"
    device = await client.get_device(model, device_id)
    assert device.boost_state is BoostState.REQUESTED  # type: ignore[attr-defined]


@CHARGERS
async def test_start_boost_while_boosting_is_a_conflict_already_charging(
    client: PoderoClient, model: type[Device], device_id: str
) -> None:
    """409 carries the device's boost state and the reason."""
    await client.start_boost(model, device_id)  # type: ignore[arg-type]

    with pytest.raises(PoderoConflictError) as caught:
        await client.start_boost(model, device_id)  # type: ignore[arg-type]

    assert (caught.value.status, caught.value.state, caught.value.reason) == (
        409,
        "requested",
        "already_charging",
    )


async def test_start_boost_of_a_full_ev_is_a_conflict_fully_charged(
    client: PoderoClient, sim: Simulator
) -> None:
    """At the charge limit the EV refuses to boost."""
    sim.patch_device(EV_ID, {"battery_level": 80})

    with pytest.raises(PoderoConflictError) as caught:
        await client.start_boost(ElectricVehicle, EV_ID)

    assert (caught.value.state, caught.value.reason) == ("available", "fully_charged")
    assert str(caught.value) == "fully_charged"


async def test_start_boost_of_a_wallbox_with_a_full_car_is_a_conflict_fully_charged(
    client: PoderoClient, sim: Simulator
) -> None:
    """The car behind the wallbox is at its limit."""
    sim.device(WALLBOX_ID).car_level = 100.0  # type: ignore[attr-defined]

    with pytest.raises(PoderoConflictError) as caught:
        await client.start_boost(Wallbox, WALLBOX_ID)

    assert (caught.value.state, caught.value.reason) == ("available", "fully_charged")


@CHARGERS
async def test_boost_while_unplugged_is_armed_and_cancel_disarms_it(
    client: PoderoClient, sim: Simulator, model: type[Device], device_id: str
) -> None:
    """Unplugged: POST arms the next session, DELETE (204) clears the arm."""
    sim.set_plugged_in(device_id, False)

    await client.start_boost(model, device_id)  # type: ignore[arg-type]
    assert sim.device_payload(device_id)["boost_for_next_session"] is True

    assert await client.cancel_boost(model, device_id) is None  # type: ignore[arg-type,func-returns-value]
    assert sim.device_payload(device_id)["boost_for_next_session"] is False


async def test_cancel_boost_stops_a_live_wallbox_boost(
    client: PoderoClient, sim: Simulator
) -> None:
    """The wallbox goes back from its boost to surplus control."""
    await client.start_boost(Wallbox, WALLBOX_ID)
    sim.advance(10)
    assert (
        await client.get_device(Wallbox, WALLBOX_ID)
    ).boost_state is BoostState.ONGOING

    await client.cancel_boost(Wallbox, WALLBOX_ID)

    assert (
        await client.get_device(Wallbox, WALLBOX_ID)
    ).boost_state is BoostState.AVAILABLE


# --- EV charge policy ------------------------------------------------------------------------


async def test_get_charge_policy_reads_all_weekdays(client: PoderoClient) -> None:
    """Workdays 80 % by 07:00, weekends 60 % by 10:00, in Vienna time."""
    policy = await client.get_charge_policy(EV_ID)

    assert policy.timezone == "Europe/Vienna"
    assert list(policy.days) == list(Weekday)
    assert policy.days[Weekday.MON] == DayChargePolicy(
        charge_percentage=80, charge_deadline=time(7, 0)
    )
    assert policy.days[Weekday.SUN] == DayChargePolicy(
        charge_percentage=60, charge_deadline=time(10, 0)
    )


async def test_update_charge_policy_changes_only_the_days_given(
    client: PoderoClient, sim: Simulator
) -> None:
    """Monday changes; Tuesday keeps its values; the response is the whole policy."""
    policy = await client.update_charge_policy(
        EV_ID,
        ChargePolicyUpdate(
            days={
                Weekday.MON: DayChargePolicy(
                    charge_percentage=90, charge_deadline=time(6, 45)
                )
            }
        ),
    )

    assert policy.days[Weekday.MON] == DayChargePolicy(
        charge_percentage=90, charge_deadline=time(6, 45)
    )
    assert policy.days[Weekday.TUE] == DayChargePolicy(
        charge_percentage=80, charge_deadline=time(7, 0)
    )
    assert sim.device(EV_ID).policy["mon"] == {  # type: ignore[attr-defined]
        "charge_percentage": 90,
        "charge_deadline": "06:45",
    }


async def test_update_charge_policy_sends_only_the_parts_of_a_day_given(
    client: PoderoClient,
) -> None:
    """A day with only a percentage (or only a deadline) keeps its other value."""
    policy = await client.update_charge_policy(
        EV_ID,
        ChargePolicyUpdate(
            days={
                Weekday.WED: DayChargePolicy(
                    charge_percentage=70, charge_deadline=None
                ),
                Weekday.SAT: DayChargePolicy(
                    charge_percentage=None, charge_deadline=time(9)
                ),
            }
        ),
    )

    assert policy.days[Weekday.WED] == DayChargePolicy(
        charge_percentage=70, charge_deadline=time(7, 0)
    )
    assert policy.days[Weekday.SAT] == DayChargePolicy(
        charge_percentage=60, charge_deadline=time(9, 0)
    )


async def test_update_charge_policy_can_change_the_time_zone(
    client: PoderoClient,
) -> None:
    """The policy's time zone is sent when given; the days stay as they were."""
    policy = await client.update_charge_policy(
        EV_ID, ChargePolicyUpdate(days={}, timezone="Europe/Berlin")
    )

    assert policy.timezone == "Europe/Berlin"
    assert policy.days[Weekday.MON].charge_percentage == 80


async def test_update_charge_policy_refusal_names_the_field(
    client: PoderoClient,
) -> None:
    """A percentage above 100 is refused with the offending field."""
    with pytest.raises(PoderoValidationError) as caught:
        await client.update_charge_policy(
            EV_ID,
            ChargePolicyUpdate(
                days={
                    Weekday.MON: DayChargePolicy(
                        charge_percentage=150, charge_deadline=None
                    )
                }
            ),
        )

    assert caught.value.fields == ("charge_percentage",)


# --- EV sessions -----------------------------------------------------------------------------


async def test_current_session_of_a_plugged_in_ev(client: PoderoClient) -> None:
    """The EV was plugged in at the start of the scenario."""
    session = await client.get_current_session(EV_ID)

    assert session is not None
    assert session.plug_in_time == START
    assert session.unplug_time is None
    assert (session.initial_soc_pct, session.target_soc_pct) == (62.0, 80.0)
    assert session.is_at_home is True


async def test_current_session_while_charging(
    client: PoderoClient, sim: Simulator
) -> None:
    """Half an hour of boost at 7.4 kW shows in the live session."""
    await client.start_boost(ElectricVehicle, EV_ID)
    sim.advance(1806)

    session = await client.get_current_session(EV_ID)

    assert session is not None
    assert (session.energy_charged_kwh, session.peak_charge_power_kw) == (3.7, 7.4)


async def test_current_session_is_none_when_idle(
    client: PoderoClient, sim: Simulator
) -> None:
    """Unplugged, the API answers {"session": null} and the client None."""
    sim.set_plugged_in(EV_ID, False)

    assert await client.get_current_session(EV_ID) is None


async def test_list_sessions_pages_through_completed_sessions(
    client: PoderoClient,
) -> None:
    """Limit and offset select a page; total counts all sessions in the range."""
    first = await client.list_sessions(EV_ID, *WIDE, limit=3)
    second = await client.list_sessions(EV_ID, *WIDE, limit=3, offset=3)

    assert len(first.items) == len(second.items) == 3
    assert first.total == second.total >= 60
    plug_ins = [item.plug_in_time for item in (*first.items, *second.items)]
    assert plug_ins == sorted(plug_ins, reverse=True)  # type: ignore[type-var]
    assert all(item.unplug_time is not None for item in first.items)


async def test_list_sessions_covers_whole_utc_days(
    client: PoderoClient, sim: Simulator
) -> None:
    """A session completed today is found by today's date."""
    sim.advance(600)
    sim.set_plugged_in(EV_ID, False)

    page = await client.list_sessions(EV_ID, date(2026, 1, 15), date(2026, 1, 15))

    assert page.total == 1
    assert page.items[0].plug_in_time == START
    assert page.items[0].unplug_time == datetime(2026, 1, 15, 11, 10, tzinfo=UTC)


async def test_list_sessions_refuses_a_limit_out_of_range(client: PoderoClient) -> None:
    """The simulator allows 1..200 per page."""
    with pytest.raises(PoderoValidationError) as caught:
        await client.list_sessions(EV_ID, *WIDE, limit=0)

    assert caught.value.fields == ("limit",)


# --- energy history --------------------------------------------------------------------------


async def test_time_series_can_be_limited_to_some_fields(
    client: PoderoClient, sim: Simulator
) -> None:
    """`keywords` asks only for the fields given; each 15-minute point carries just those."""
    sim.advance(3600)

    points = await client.get_time_series(
        HeatPump,
        HEAT_PUMP_ID,
        START,
        datetime(2026, 1, 15, 12, 0, tzinfo=UTC),
        keywords=["estimated_consumption", "price"],
    )

    assert [point.time.minute for point in points] == [0, 15, 30, 45]
    assert all(
        point.estimated_consumption is not None
        and point.price is not None
        and point.unoptimized_consumption is None
        for point in points
    )


# --- charging configuration ------------------------------------------------------------------


async def test_get_charging_config(client: PoderoClient) -> None:
    """The demo household may use every mode and runs hems_and_spot."""
    config = await client.get_charging_config()

    assert config.smart_charging_mode is SmartChargingMode.HEMS_AND_SPOT
    assert config.selectable_modes == tuple(SmartChargingMode)
    assert (
        config.hems_min_export_to_start_w,
        config.hems_max_import_before_stopping_w,
        config.min_band_w,
    ) == (1400, 300, 1000)
    assert (config.hems_eligible, config.hems_ineligible_reasons) == (True, ())
    assert (config.mode_conflict, config.config_divergence) == (False, False)
    assert (config.has_health_warning, config.health_warning_since) == (False, None)
    assert (config.charge_power_w, config.solar_kwh_today) == (0.0, 0.0)


async def test_update_charging_config_changes_the_mode(
    client: PoderoClient, sim: Simulator
) -> None:
    """Only the mode is sent; the thresholds stay."""
    config = await client.update_charging_config(
        ChargingConfigUpdate(smart_charging_mode=SmartChargingMode.SPOT)
    )

    assert config.smart_charging_mode is SmartChargingMode.SPOT
    assert config.hems_min_export_to_start_w == 1400
    assert sim.world.users[USER_ID].charging.mode == "spot"


async def test_update_charging_config_changes_the_thresholds(
    client: PoderoClient, sim: Simulator
) -> None:
    """Both thresholds are sent; the mode stays."""
    config = await client.update_charging_config(
        ChargingConfigUpdate(
            hems_min_export_to_start_w=2000, hems_max_import_before_stopping_w=500
        )
    )

    assert (
        config.smart_charging_mode,
        config.hems_min_export_to_start_w,
        config.hems_max_import_before_stopping_w,
    ) == (SmartChargingMode.HEMS_AND_SPOT, 2000, 500)
    charging = sim.world.users[USER_ID].charging
    assert (charging.min_export_to_start_w, charging.max_import_before_stopping_w) == (
        2000,
        500,
    )


async def test_update_charging_config_with_nothing_changes_nothing(
    client: PoderoClient,
) -> None:
    """An empty PUT answers the current configuration."""
    assert (
        await client.update_charging_config(ChargingConfigUpdate())
        == await client.get_charging_config()
    )


async def test_thresholds_narrower_than_the_band_are_refused(
    client: PoderoClient, sim: Simulator
) -> None:
    """The sum of start and stop must be at least min_band_w; the error names every field sent."""
    with pytest.raises(PoderoValidationError) as caught:
        await client.update_charging_config(
            ChargingConfigUpdate(
                hems_min_export_to_start_w=400, hems_max_import_before_stopping_w=100
            )
        )

    assert caught.value.status == 422
    assert caught.value.fields == (
        "hems_min_export_to_start_w",
        "hems_max_import_before_stopping_w",
    )
    assert "must be at least min_band_w (1000)" in caught.value.message
    assert sim.world.users[USER_ID].charging.min_export_to_start_w == 1400


async def test_an_unavailable_mode_is_refused(
    client: PoderoClient, sim: Simulator
) -> None:
    """Without an inverter HEMS is not selectable, and choosing it is a 422 on the mode."""
    sim.remove_device(INVERTER_ID)
    config: ChargingConfig = await client.get_charging_config()
    assert SmartChargingMode.HEMS not in config.selectable_modes
    assert config.hems_ineligible_reasons == ("no_inverter",)

    with pytest.raises(PoderoValidationError) as caught:
        await client.update_charging_config(
            ChargingConfigUpdate(smart_charging_mode=SmartChargingMode.HEMS)
        )

    assert caught.value.fields == ("smart_charging_mode",)
    assert "not available: no_inverter" in str(caught.value)
