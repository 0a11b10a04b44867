"""The integration's actions: weekly EV charge policy and timed optimisation pauses.

Schemas check the fields and HA's helper resolves the devices; here only Podero's domain checks
remain. Everything is checked before the first request, so a bad call changes nothing.
"""

from datetime import datetime, time
from functools import partial
from typing import Any, NamedTuple

from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.service import async_get_device_and_config_entry
from homeassistant.util import dt as dt_util
import probatio as vol

from .api import (
    ChargePolicyUpdate,
    DayChargePolicy,
    Device,
    DeviceKind,
    DeviceUpdate,
    ElectricVehicle,
    Weekday,
    format_time_of_day,
)
from .const import DOMAIN
from .data import PoderoRuntimeData

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

_DAY_NAMES = "monday tuesday wednesday thursday friday saturday sunday".split()  # noqa: SIM905
# mon..sun, and the full English names.
WEEKDAYS = {
    **{day.value: day for day in Weekday},
    **dict(zip(_DAY_NAMES, Weekday, strict=True)),
}


def _whole(value: float) -> int:
    """Refuse fractions rather than round them away (NaN is no whole number either)."""
    if not value.is_integer():
        raise vol.Invalid("expected a whole number")
    return int(value)


_DEVICES = vol.All(cv.ensure_list, [cv.string], vol.Length(min=1))
_TARGET_SCHEMA = vol.Schema({vol.Required(ATTR_DEVICE_ID): _DEVICES})
SET_CHARGE_POLICY_SCHEMA = _TARGET_SCHEMA.extend(
    {
        vol.Optional(ATTR_WEEKDAYS): vol.All(
            cv.ensure_list,
            [vol.All(cv.string, vol.Strip, vol.Lower, vol.In(WEEKDAYS))],
            vol.Length(min=1),
        ),
        vol.Optional(ATTR_CHARGE_PERCENTAGE): vol.All(
            vol.Coerce(float), vol.Range(min=0, max=100), _whole
        ),
        vol.Optional(ATTR_CHARGE_DEADLINE): cv.time,
        vol.Optional(ATTR_TIMEZONE): vol.All(cv.string, vol.Length(max=64)),
        vol.Optional(ATTR_ENABLE, default=True): cv.boolean,
    }
)
PAUSE_SCHEMA = _TARGET_SCHEMA.extend(
    {vol.Optional(ATTR_UNTIL): vol.Any(None, cv.datetime)}
)


def _invalid(key: str, value: object) -> ServiceValidationError:
    shown = str(value)
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={
            "value": shown[:40] + ("…" if len(shown) > 40 else "")
        },
    )


class _Target(NamedTuple):
    """A Home Assistant device resolved to the Podero device behind it."""

    ha_device_id: str
    name: str
    runtime: PoderoRuntimeData
    device: Device


def _resolve(call: ServiceCall, *, only: DeviceKind | None = None) -> list[_Target]:
    """Map the call's devices to listed Podero devices, or refuse the whole call."""
    targets = []
    for ha_device_id in dict.fromkeys(call.data[ATTR_DEVICE_ID]):
        ha_device, entry = async_get_device_and_config_entry(
            call.hass, DOMAIN, ha_device_id
        )
        runtime: PoderoRuntimeData = entry.runtime_data
        name = ha_device.name_by_user or ha_device.name or ha_device_id
        listed = runtime.all_devices()
        device = next(
            (
                listed[identifier]
                for domain, identifier in ha_device.identifiers
                if domain == DOMAIN and identifier in listed
            ),
            None,
        )
        if device is None:
            raise _invalid("not_a_podero_appliance", name)
        if only is not None and device.kind is not only:
            raise _invalid("not_electric_vehicle", name)
        targets.append(_Target(ha_device_id, name, runtime, device))
    return targets


async def _set_charge_policy(call: ServiceCall) -> None:
    data = call.data
    timezone: str | None = data.get(ATTR_TIMEZONE)
    if timezone is not None and not await _known_time_zone(timezone):
        raise _invalid("invalid_timezone", timezone)
    targets = _resolve(call, only=DeviceKind.ELECTRIC_VEHICLE)
    percentage: int | None = data.get(ATTR_CHARGE_PERCENTAGE)
    deadline: time | None = data.get(ATTR_CHARGE_DEADLINE)
    names = data.get(ATTR_WEEKDAYS)
    days = list(Weekday) if names is None else [WEEKDAYS[name] for name in names]
    rule = DayChargePolicy(
        charge_percentage=percentage,
        charge_deadline=None if deadline is None else deadline.replace(second=0),
    )
    changed = (
        dict.fromkeys(days, rule)
        if percentage is not None or deadline is not None
        else {}
    )
    # New deadlines are meant in Home Assistant's zone unless told otherwise; a call that
    # only turns the policy on or off leaves the policy (and its zone) alone.
    if changed and timezone is None:
        timezone = call.hass.config.time_zone
    for target in targets:
        runtime = target.runtime
        coordinator = runtime.devices[DeviceKind.ELECTRIC_VEHICLE]
        if changed or timezone is not None:
            await coordinator.async_call(
                runtime.client.update_charge_policy(
                    target.device.id,
                    ChargePolicyUpdate(days=changed, timezone=timezone),
                )
            )
        await coordinator.async_update_device(
            target.device.id, DeviceUpdate(is_charge_policy_enabled=data[ATTR_ENABLE])
        )


async def _get_charge_policy(call: ServiceCall) -> ServiceResponse:
    vehicles: dict[str, Any] = {}
    for target in _resolve(call, only=DeviceKind.ELECTRIC_VEHICLE):
        runtime = target.runtime
        coordinator = runtime.devices[DeviceKind.ELECTRIC_VEHICLE]
        policy = await coordinator.async_call(
            runtime.client.get_charge_policy(target.device.id)
        )
        vehicle: ElectricVehicle = target.device  # type: ignore[assignment]
        vehicles[target.ha_device_id] = {
            "name": target.name,
            "enabled": vehicle.is_charge_policy_enabled,
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


async def _known_time_zone(name: str) -> bool:
    """Whether this system has the IANA zone (looked up off the event loop if uncached)."""
    try:
        return await dt_util.async_get_time_zone(name) is not None
    except ValueError:  # not a zone name at all: a path, a NUL, ...
        return False


def _future(value: datetime) -> datetime:
    """Return the moment in UTC (read in HA's zone if it has none); refuse the past."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt_util.get_default_time_zone())
    try:
        moment = dt_util.as_utc(value)
    except OverflowError:  # beyond year 9999 in UTC
        raise _invalid("invalid_datetime", value) from None
    if moment <= dt_util.utcnow():
        raise _invalid("until_in_past", value)
    return moment


async def _pause_optimization(call: ServiceCall) -> None:
    until = call.data.get(ATTR_UNTIL)
    moment = None if until is None else _future(until)
    for target in _resolve(call):
        await target.runtime.pauses.async_pause(
            target.device.kind, target.device.id, moment
        )


async def _resume_optimization(call: ServiceCall) -> None:
    for target in _resolve(call):
        await target.runtime.pauses.async_resume(target.device.kind, target.device.id)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the Podero actions (once, at integration setup)."""
    register = partial(hass.services.async_register, DOMAIN)
    register(SERVICE_SET_CHARGE_POLICY, _set_charge_policy, SET_CHARGE_POLICY_SCHEMA)
    register(
        SERVICE_GET_CHARGE_POLICY,
        _get_charge_policy,
        _TARGET_SCHEMA,
        SupportsResponse.ONLY,
    )
    register(SERVICE_PAUSE_OPTIMIZATION, _pause_optimization, PAUSE_SCHEMA)
    register(SERVICE_RESUME_OPTIMIZATION, _resume_optimization, _TARGET_SCHEMA)
