"""Every key of the synthesised example payloads (API notes §13) is served."""

from datetime import timedelta

import pytest

from .helpers import EV, HP, INV, KINDS, WB, Api

COMMON_KEYS = {
    "connection_status", "monitoring_status", "steering_status", "device_model", "owner",
    "created_at", "updated_at", "price_zone", "id", "deleted_at", "lifecycle_state",
    "lifecycle_error", "building", "pause_power_until", "is_pause_power_active",
    "external_device_id", "is_authenticated", "is_smart_optimization_active",
    "optimization_score", "current_mode", "comment", "current_state_last_updated_at",
    "last_monitoring_executed_at", "is_inverter_forced_mode_enabled",
    "is_inverter_forced_mode_active", "inverter_forced_mode_since", "is_trading_enabled",
    "actual_steering_state", "action_needed",
}  # fmt: skip
HEAT_PUMP_EXTRA_KEYS = {
    "indoor_target_temperature_offset", "dhw_standard_temperature",
    "is_hot_water_heating_enabled", "is_space_heating_enabled", "is_pool_heating_enabled",
    "is_space_cooling_enabled", "heating_policy_name", "maximum_temperature_limit",
    "minimum_temperature_limit", "minimum_dhw_temperature_limit", "is_heating_policy_enabled",
    "away_mode_start", "away_mode_end", "is_away_mode_enabled",
    "away_mode_minimum_temperature_limit", "optimization_level", "current_power_consumption_w",
    "outdoor_temperature", "indoor_actual_temperature", "indoor_target_temperature",
    "inlet_temperature", "outlet_temperature", "dhw_temperature", "dhw_target_temperature",
}  # fmt: skip
DEVICE_MODEL_KEYS = {
    "device_type", "manufacturer", "model", "cloud_service_instructions",
    "cloud_service_signup_link", "year", "cloud_service",
}  # fmt: skip
OWNER_KEYS = {"id", "email", "first_name", "last_name", "external_id"}
EV_EXTRA_KEYS = {
    "charge_target_min", "charge_target_max", "is_charge_policy_enabled", "charge_deadline_at",
    "minimum_charge_limit", "charge_policy_last_updated_at", "is_plugged_in", "is_charging",
    "charge_rate_w", "battery_level", "battery_capacity_kwh", "is_fully_charged",
    "driving_range", "boost_state", "boost_for_next_session",
}  # fmt: skip
INVERTER_EXTRA_KEYS = {
    "solar_power_rating_kw", "battery_capacity_kwh", "is_battery_connected",
    "min_battery_charge", "max_battery_charge", "current_power_to_grid_w",
    "current_solar_production_w", "household_consumption_w", "solar_surplus_w",
    "battery_charge_level_percent", "battery_charge_discharge_power_w",
}  # fmt: skip
WALLBOX_EXTRA_KEYS = {
    "charge_target_min", "charge_target_max", "charge_power_max_w", "is_charge_policy_enabled",
    "minimum_charge_limit", "charge_deadline_at", "is_over_charge_allowed", "is_plugged_in",
    "is_charging", "is_ocpp_connected", "mode", "connection", "boost_state",
}  # fmt: skip
EXTRA_KEYS = {
    HP: HEAT_PUMP_EXTRA_KEYS, EV: EV_EXTRA_KEYS, INV: INVERTER_EXTRA_KEYS, WB: WALLBOX_EXTRA_KEYS
}  # fmt: skip
CHARGING_CONFIG_KEYS = {
    "smart_charging_mode", "mode_conflict", "config_divergence", "devices", "available_modes",
    "hems_eligible", "hems_ineligible_reasons", "thresholds", "health_warning", "status",
}  # fmt: skip
STATUS_KEYS = {"charge_power_w", "solar_kwh_today", "as_of"}
INVERTER_DATA_KEYS = {
    "time", "price", "solar_production_w", "export_power_to_grid_w", "household_consumption_w",
    "battery_charge_level_percent", "battery_charge_discharge_power_w", "estimated_consumption",
    "unoptimized_consumption",
}  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
async def test_device_has_every_example_key(api: Api, kind: str) -> None:
    """The common block, the type's own keys, and the model and owner blocks."""
    body = (await api.get(kind))[0]
    assert body.keys() >= COMMON_KEYS | EXTRA_KEYS[kind]
    assert set(body["device_model"]) == DEVICE_MODEL_KEYS
    assert set(body["device_model"]["device_type"]) == {"short_name", "long_name"}
    assert set(body["owner"]) == OWNER_KEYS


async def test_charging_config_has_every_example_key(api: Api) -> None:
    """Charging config: the top level, ``status`` and ``available_modes`` items."""
    body = await api.get("charging-config")
    assert set(body) == CHARGING_CONFIG_KEYS
    assert set(body["status"]) == STATUS_KEYS
    assert set(body["available_modes"][0]) == {"mode", "available", "reasons"}


async def test_inverter_time_series_point_has_every_example_key(api: Api) -> None:
    """Inverter ``/data`` points carry every key of the example point."""
    end = api.sim.now()
    params = {
        "from_datetime": (end - timedelta(hours=1)).isoformat(),
        "to_datetime": end.isoformat(),
    }
    headers = {"fill-missing": "true"}
    body = await api.get(api.device(INV, "/data"), params=params, headers=headers)
    assert set(body) == {"metadata", "data"}
    assert set(body["data"][0]) == INVERTER_DATA_KEYS
