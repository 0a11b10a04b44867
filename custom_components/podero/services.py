"""The integration's actions: weekly EV charge policy and timed optimisation pauses.

Actions target Home Assistant devices (`device_id`). Every target is resolved and every field
checked before the first request, so a call with a bad field changes nothing. Writes go through
the coordinator, which shows their result at once and reports failures as translated errors.
"""

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import device_registry as dr
import probatio

from . import service_input as check
from .api import (
    DayChargePolicy,
    Device,
    DeviceKind,
    ElectricVehicle,
    Weekday,
    format_time_of_day,
)
from .const import DOMAIN
from .data import PoderoConfigEntry

SERVICE_SET_CHARGE_POLICY = "set_charge_policy"
SERVICE_GET_CHARGE_POLICY = "get_charge_policy"
SERVICE_PAUSE_OPTIMIZATION = "pause_optimization"
SERVICE_RESUME_OPTIMIZATION = "resume_optimization"

ATTR_WEEKDAYS = "weekdays"
ATTR_CHARGE_PERCENTAGE = "charge_percentage"
ATTR_CHARGE_DEADLINE = "charge_deadline"
ATTR_TIMEZONE = "timezone"
ATTR_ENABLE = "enable"
ATTR_UNTIL = "until"

# Values are checked (with translated errors) by the handlers, not by the schema.
_ANY_FIELDS = probatio.Schema({}, extra=probatio.ALLOW_EXTRA)
_FIELDS = {
    SERVICE_SET_CHARGE_POLICY: {
        ATTR_DEVICE_ID,
        ATTR_WEEKDAYS,
        ATTR_CHARGE_PERCENTAGE,
        ATTR_CHARGE_DEADLINE,
        ATTR_TIMEZONE,
        ATTR_ENABLE,
    },
    SERVICE_GET_CHARGE_POLICY: {ATTR_DEVICE_ID},
    SERVICE_PAUSE_OPTIMIZATION: {ATTR_DEVICE_ID, ATTR_UNTIL},
    SERVICE_RESUME_OPTIMIZATION: {ATTR_DEVICE_ID},
}


@dataclass(frozen=True, slots=True)
class PoderoTarget:
    """A Home Assistant device resolved to the Podero device behind it."""

    ha_device_id: str
    name: str
    entry: PoderoConfigEntry
    device: Device


def _resolve(
    hass: HomeAssistant, call: ServiceCall, *, only: DeviceKind | None = None
) -> list[PoderoTarget]:
    """Map the call's device ids to loaded Podero devices, or refuse the whole call."""
    registry = dr.async_get(hass)
    targets = []
    for ha_device_id in check.device_ids(call.data.get(ATTR_DEVICE_ID)):
        ha_device = registry.async_get(ha_device_id)
        entry = (
            hass.config_entries.async_get_entry(ha_device.config_entry_id)
            if ha_device
            else None
        )
        if ha_device is None or entry is None or entry.domain != DOMAIN:
            raise check.invalid("not_podero_device", ATTR_DEVICE_ID, ha_device_id)
        if entry.state is not ConfigEntryState.LOADED:
            raise check.invalid("entry_not_loaded", ATTR_DEVICE_ID, entry.title)
        podero_entry: PoderoConfigEntry = entry
        name = ha_device.name_by_user or ha_device.name or ha_device_id
        device = _podero_device(podero_entry, ha_device.identifiers)
        if device is None:
            raise check.invalid("not_a_podero_appliance", ATTR_DEVICE_ID, name)
        if only is not None and device.kind is not only:
            raise check.invalid("not_electric_vehicle", ATTR_DEVICE_ID, name)
        targets.append(PoderoTarget(ha_device_id, name, podero_entry, device))
    return targets


def _podero_device(
    entry: PoderoConfigEntry, identifiers: set[tuple[str, str]]
) -> Device | None:
    """Return the listed Podero device (not the account) a registry device stands for."""
    data = entry.runtime_data.coordinator.data
    for domain, identifier in identifiers:
        if domain != DOMAIN:
            continue
        for devices in data.devices.values():
            if (device := devices.get(identifier)) is not None:
                return device
    return None


async def _set_charge_policy(call: ServiceCall) -> None:
    data = call.data
    check.only_known_fields(data, _FIELDS[SERVICE_SET_CHARGE_POLICY])
    days = (
        check.weekdays(data[ATTR_WEEKDAYS], ATTR_WEEKDAYS)
        if ATTR_WEEKDAYS in data
        else list(Weekday)
    )
    percentage = (
        check.percentage(data[ATTR_CHARGE_PERCENTAGE], ATTR_CHARGE_PERCENTAGE)
        if ATTR_CHARGE_PERCENTAGE in data
        else None
    )
    deadline = (
        check.time_of_day(data[ATTR_CHARGE_DEADLINE], ATTR_CHARGE_DEADLINE)
        if ATTR_CHARGE_DEADLINE in data
        else None
    )
    timezone = (
        await check.timezone(data[ATTR_TIMEZONE], ATTR_TIMEZONE)
        if ATTR_TIMEZONE in data
        else None
    )
    enable = check.boolean(data.get(ATTR_ENABLE, True), ATTR_ENABLE)
    targets = _resolve(call.hass, call, only=DeviceKind.ELECTRIC_VEHICLE)

    day_policy = DayChargePolicy(charge_percentage=percentage, charge_deadline=deadline)
    changed_days = (
        dict.fromkeys(days, day_policy)
        if percentage is not None or deadline is not None
        else {}
    )
    # New deadlines are meant in Home Assistant's zone unless told otherwise; a call that
    # only turns the policy on or off leaves the policy (and its zone) alone.
    if changed_days and timezone is None:
        timezone = call.hass.config.time_zone
    for target in targets:
        coordinator = target.entry.runtime_data.coordinator
        if changed_days or timezone is not None:
            await coordinator.async_call(
                coordinator.client.update_charge_policy(
                    target.device.id, days=changed_days, timezone=timezone
                )
            )
        await coordinator.async_update_device(
            ElectricVehicle, target.device.id, {"is_charge_policy_enabled": enable}
        )


async def _get_charge_policy(call: ServiceCall) -> ServiceResponse:
    check.only_known_fields(call.data, _FIELDS[SERVICE_GET_CHARGE_POLICY])
    targets = _resolve(call.hass, call, only=DeviceKind.ELECTRIC_VEHICLE)
    vehicles: dict[str, Any] = {}
    for target in targets:
        coordinator = target.entry.runtime_data.coordinator
        policy = await coordinator.async_call(
            coordinator.client.get_charge_policy(target.device.id)
        )
        enabled = getattr(target.device, "is_charge_policy_enabled", None)
        vehicles[target.ha_device_id] = {
            "name": target.name,
            "enabled": enabled,
            "timezone": policy.timezone,
            "days": {
                day.value: {
                    ATTR_CHARGE_PERCENTAGE: rule.charge_percentage,
                    ATTR_CHARGE_DEADLINE: format_time_of_day(rule.charge_deadline)
                    if rule.charge_deadline
                    else None,
                }
                for day, rule in policy.days.items()
            },
        }
    return {"electric_vehicles": vehicles}


async def _pause_optimization(call: ServiceCall) -> None:
    check.only_known_fields(call.data, _FIELDS[SERVICE_PAUSE_OPTIMIZATION])
    until = (
        check.future_datetime(call.data[ATTR_UNTIL], ATTR_UNTIL)
        if call.data.get(ATTR_UNTIL) is not None
        else None
    )
    for target in _resolve(call.hass, call):
        await target.entry.runtime_data.pauses.async_pause(
            target.device.kind, target.device.id, until
        )


async def _resume_optimization(call: ServiceCall) -> None:
    check.only_known_fields(call.data, _FIELDS[SERVICE_RESUME_OPTIMIZATION])
    for target in _resolve(call.hass, call):
        await target.entry.runtime_data.pauses.async_resume(
            target.device.kind, target.device.id
        )


_HANDLERS: Mapping[
    str,
    tuple[
        Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]], SupportsResponse
    ],
] = {
    SERVICE_SET_CHARGE_POLICY: (_set_charge_policy, SupportsResponse.NONE),
    SERVICE_GET_CHARGE_POLICY: (_get_charge_policy, SupportsResponse.ONLY),
    SERVICE_PAUSE_OPTIMIZATION: (_pause_optimization, SupportsResponse.NONE),
    SERVICE_RESUME_OPTIMIZATION: (_resume_optimization, SupportsResponse.NONE),
}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the Podero actions (once, at integration setup)."""
    for name, (handler, supports_response) in _HANDLERS.items():
        hass.services.async_register(
            DOMAIN,
            name,
            handler,
            schema=_ANY_FIELDS,
            supports_response=supports_response,
        )
