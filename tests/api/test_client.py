"""Every method of PoderoClient against the simulated Partner API, over real HTTP."""

from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from custom_components.podero.api import (
    BoostState,
    ChargePolicyUpdate,
    ChargingConfigUpdate,
    ClientCredentialsAuth,
    DayChargePolicy,
    Device,
    DeviceModel,
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

DEVICES = {
    "heat_pump": (HeatPump, HEAT_PUMP_ID),
    "electric_vehicle": (ElectricVehicle, EV_ID),
    "solar_inverter": (SolarInverter, INVERTER_ID),
    "wallbox": (Wallbox, WALLBOX_ID),
}
CHARGERS = {kind: DEVICES[kind] for kind in ("electric_vehicle", "wallbox")}
WIDE = (date(2025, 1, 1), date(2026, 12, 31))


def day(percentage: int | None, deadline: time | None = None) -> DayChargePolicy:
    """One weekday of a charge policy."""
    return DayChargePolicy(charge_percentage=percentage, charge_deadline=deadline)


# --- binding ------------------------------------------------------------------------------


async def test_for_user_acts_for_another_user_sharing_the_authentication(
    make_client: ClientFactory,
    client_credentials: ClientCredentialsAuth,
    sim: Simulator,
) -> None:
    """The derived client reads the second user's (empty) list with the cached OAuth token."""
    client = make_client(client_credentials)
    await client.list_devices(HeatPump)
    other = client.for_user(SECOND_USER_ID)

    devices = await other.list_devices(HeatPump)

    assert devices == []
    assert (other.base_url, other.org_id) == (client.base_url, client.org_id)
    assert api_requests(sim)[-1] == (
        f"GET /api/partners/v2.0/org/{Simulator.org_id}/users/{SECOND_USER_ID}/heat-pumps"
    )
    assert token_requests(sim) == 1


async def test_user_endpoints_need_a_user(
    make_client: ClientFactory, sim: Simulator
) -> None:
    """A client bound only to the organisation refuses user endpoints without a request."""
    with pytest.raises(PoderoError, match="not bound to a user"):
        await make_client(user_id=None).list_devices(HeatPump)
    assert api_requests(sim) == []


def test_times_of_day_are_sent_as_hours_and_minutes() -> None:
    """The API takes "HH:MM"; seconds are dropped."""
    assert format_time_of_day(time(6, 5, 59)) == "06:05"


# --- users -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("include_deleted", "expected", "last_deleted_at"),
    [
        (False, [USER_ID, SECOND_USER_ID], None),
        (True, [USER_ID, SECOND_USER_ID, DELETED_USER_ID], datetime(2025, 12, 16, 11, tzinfo=UTC)),
    ],
    ids=["active", "include_deleted"],
)  # fmt: skip
async def test_list_users_returns_the_users_of_the_organisation(
    client: PoderoClient,
    include_deleted: bool,
    expected: list[str],
    last_deleted_at: datetime | None,
) -> None:
    """Other organisations' users are never listed; soft-deleted ones only on request."""
    users = await client.list_users(include_deleted=include_deleted)

    assert [user.id for user in users] == expected
    assert users[0].display_name == "Peter Schmidt <peter@example.com>"
    assert users[-1].deleted_at == last_deleted_at


# --- devices ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "device_id"), DEVICES.values(), ids=DEVICES)
async def test_each_kind_is_listed_and_read_by_its_own_endpoints(
    client: PoderoClient, sim: Simulator, model: type[Device], device_id: str
) -> None:
    """List and detail view parse to the same typed device, which keeps its payload."""
    devices = await client.list_devices(model)
    device = await client.get_device(model, device_id)

    assert [(type(item), item.id) for item in devices] == [(model, device_id)]
    assert device == devices[0]
    assert device.raw == sim.device_payload(device_id)


async def test_electric_vehicle_fields_are_parsed(client: PoderoClient) -> None:
    """The demo EV: a Tesla, plugged in, idle, 62 %, boost available."""
    ev = await client.get_device(ElectricVehicle, EV_ID)

    assert ev.device_model == DeviceModel(
        manufacturer="Tesla", model="Model 3", year=2023, type_name="Electric Vehicle"
    )
    assert (ev.is_authenticated, ev.current_state_last_updated_at) == (True, START)
    assert (ev.is_plugged_in, ev.is_charging, ev.battery_level) == (True, False, 62.0)
    assert (ev.charge_target_min, ev.charge_target_max) == (50, 80)
    assert ev.charge_deadline_at == time(7, 0)
    assert ev.boost_state is BoostState.AVAILABLE


UPDATES = {
    "heat_pump": (HeatPump, HEAT_PUMP_ID, "optimization_level", OptimizationLevel.MAX, "Max"),
    "electric_vehicle": (ElectricVehicle, EV_ID, "charge_deadline_at", time(6, 30), "06:30"),
    "solar_inverter": (SolarInverter, INVERTER_ID, "min_battery_charge", 25, 25),
    "wallbox": (Wallbox, WALLBOX_ID, "is_smart_optimization_active", False, False),
}  # fmt: skip


@pytest.mark.parametrize(
    ("model", "device_id", "field", "value", "wire"), UPDATES.values(), ids=UPDATES
)
async def test_update_device_returns_the_updated_device(
    client: PoderoClient,
    sim: Simulator,
    model: type[Device],
    device_id: str,
    field: str,
    value: Any,
    wire: Any,
) -> None:
    """A partial PUT sends the field in its wire form and answers with the new object."""
    updated = await client.update_device(
        model, device_id, DeviceUpdate(**{field: value})
    )

    assert isinstance(updated, model)
    assert getattr(updated, field) == value
    assert sim.device_payload(device_id)[field] == wire


async def test_update_device_leaves_fields_not_sent_alone(
    client: PoderoClient,
) -> None:
    """Fields left at None in the update are not sent, so the server keeps them."""
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

    assert (caught.value.status, caught.value.fields) == (
        422,
        ("minimum_charge_limit",),
    )
    assert str(caught.value) == (
        "minimum_charge_limit: Input should be less than or equal to 100"
    )
    assert sim.device_payload(EV_ID)["minimum_charge_limit"] == 75


# --- boost -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "device_id"), CHARGERS.values(), ids=CHARGERS)
async def test_start_boost_requests_charging_now(
    client: PoderoClient, model: type[ElectricVehicle | Wallbox], device_id: str
) -> None:
    """204 No Content; the device's boost is requested."""
    await client.start_boost(model, device_id)

    device = await client.get_device(model, device_id)
    assert device.boost_state is BoostState.REQUESTED


@pytest.mark.parametrize(("model", "device_id"), CHARGERS.values(), ids=CHARGERS)
async def test_start_boost_while_boosting_is_a_conflict_already_charging(
    client: PoderoClient, model: type[ElectricVehicle | Wallbox], device_id: str
) -> None:
    """409 carries the device's boost state and the reason."""
    await client.start_boost(model, device_id)

    with pytest.raises(PoderoConflictError) as caught:
        await client.start_boost(model, device_id)

    assert (caught.value.status, caught.value.state, caught.value.reason) == (
        409,
        "requested",
        "already_charging",
    )


@pytest.mark.parametrize(("model", "device_id"), CHARGERS.values(), ids=CHARGERS)
async def test_boost_while_unplugged_is_armed_and_cancel_disarms_it(
    client: PoderoClient,
    sim: Simulator,
    model: type[ElectricVehicle | Wallbox],
    device_id: str,
) -> None:
    """Unplugged: POST arms the next session, DELETE (204) clears the arm."""
    sim.set_plugged_in(device_id, False)

    await client.start_boost(model, device_id)
    assert sim.device_payload(device_id)["boost_for_next_session"] is True

    await client.cancel_boost(model, device_id)
    assert sim.device_payload(device_id)["boost_for_next_session"] is False


# --- EV charge policy ------------------------------------------------------------------------


async def test_get_charge_policy_reads_all_weekdays(client: PoderoClient) -> None:
    """Workdays 80 % by 07:00, weekends 60 % by 10:00, in Vienna time."""
    policy = await client.get_charge_policy(EV_ID)

    assert policy.timezone == "Europe/Vienna"
    assert list(policy.days) == list(Weekday)
    assert policy.days[Weekday.MON] == day(80, time(7, 0))
    assert policy.days[Weekday.SUN] == day(60, time(10, 0))


async def test_update_charge_policy_changes_only_what_is_given(
    client: PoderoClient, sim: Simulator
) -> None:
    """Days not given keep their values, and so does the part of a day not given."""
    update = ChargePolicyUpdate(
        days={
            Weekday.MON: day(90, time(6, 45)),
            Weekday.WED: day(70),
            Weekday.SAT: day(None, time(9)),
        }
    )

    policy = await client.update_charge_policy(EV_ID, update)

    assert [policy.days[weekday] for weekday in Weekday] == [
        day(90, time(6, 45)),
        day(80, time(7, 0)),
        day(70, time(7, 0)),
        day(80, time(7, 0)),
        day(80, time(7, 0)),
        day(60, time(9, 0)),
        day(60, time(10, 0)),
    ]
    assert policy.timezone == "Europe/Vienna"
    assert sim.device(EV_ID).policy["mon"] == {  # type: ignore[attr-defined]
        "charge_percentage": 90,
        "charge_deadline": "06:45",
    }


async def test_update_charge_policy_can_change_the_time_zone(
    client: PoderoClient,
) -> None:
    """The policy's time zone is sent when given; the days stay as they were."""
    update = ChargePolicyUpdate(days={}, timezone="Europe/Berlin")

    policy = await client.update_charge_policy(EV_ID, update)

    assert policy.timezone == "Europe/Berlin"
    assert policy.days[Weekday.MON] == day(80, time(7, 0))


# --- EV sessions -----------------------------------------------------------------------------


async def test_current_session_of_a_plugged_in_ev(client: PoderoClient) -> None:
    """The EV was plugged in at the start of the scenario."""
    session = await client.get_current_session(EV_ID)

    assert session is not None
    assert (session.plug_in_time, session.unplug_time) == (START, None)
    assert (session.initial_soc_pct, session.target_soc_pct) == (62.0, 80.0)
    assert session.is_at_home is True


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


async def test_savings_are_read_per_period(client: PoderoClient) -> None:
    """The default monthly resolution yields the month with what was saved and consumed."""
    new_year = datetime(2026, 1, 1, tzinfo=UTC)

    (january,) = await client.get_savings(HeatPump, HEAT_PUMP_ID, new_year, START)

    assert (january.start, january.end) == (new_year, datetime(2026, 2, 1, tzinfo=UTC))
    assert min(january.savings_total or 0, january.consumption_total or 0) > 0


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


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        (
            ChargingConfigUpdate(smart_charging_mode=SmartChargingMode.SPOT),
            ("spot", 1400, 300),
        ),
        (
            ChargingConfigUpdate(
                hems_min_export_to_start_w=2000, hems_max_import_before_stopping_w=500
            ),
            ("hems_and_spot", 2000, 500),
        ),
        (ChargingConfigUpdate(), ("hems_and_spot", 1400, 300)),
    ],
    ids=["mode", "thresholds", "nothing"],
)
async def test_update_charging_config_changes_only_what_is_given(
    client: PoderoClient,
    sim: Simulator,
    update: ChargingConfigUpdate,
    expected: tuple[str, int, int],
) -> None:
    """The answer and the stored configuration carry the new values and the others kept."""
    config = await client.update_charging_config(update)

    assert (
        config.smart_charging_mode,
        config.hems_min_export_to_start_w,
        config.hems_max_import_before_stopping_w,
    ) == expected
    stored = sim.world.users[USER_ID].charging
    assert (
        stored.mode,
        stored.min_export_to_start_w,
        stored.max_import_before_stopping_w,
    ) == expected


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

    assert caught.value.fields == (
        "hems_min_export_to_start_w",
        "hems_max_import_before_stopping_w",
    )
    assert "must be at least min_band_w (1000)" in caught.value.message
    assert sim.world.users[USER_ID].charging.min_export_to_start_w == 1400
