"""Which writes the soak test makes, and with what values, as a user in the UI would.

A user changes only entities that are available, and only to values the UI offers given what
it shows (a battery's minimum not above its maximum, the HEMS thresholds at least the charger's
minimum band apart). Each plan carries how to check its effect on the simulator's state and in
the entity's state; `truth` and `shows` compare any writable entity with the simulator.
"""

from collections.abc import Callable
from dataclasses import dataclass
import math
import random
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er

from podero_simulator import Simulator
from podero_simulator.people import ChargingSettings

ACCOUNT = "account"
SWITCH_FIELDS = {
    "smart_optimization": "is_smart_optimization_active",
    "charge_policy": "is_charge_policy_enabled",
}
SELECTS = ("optimization_level", "smart_charging_mode")
BATTERY_LIMITS = ("min_battery_charge", "max_battery_charge")
HEMS_THRESHOLDS = ("hems_min_export_to_start", "hems_max_import_before_stopping")
WRITABLE = {
    "switch": set(SWITCH_FIELDS),
    "select": set(SELECTS),
    "number": {"minimum_charge_limit", *BATTERY_LIMITS, *HEMS_THRESHOLDS},
    "time": {"charge_deadline"},
}


@dataclass(frozen=True)
class Control:
    """An entity a user can change, and what it is bound to."""

    entity_id: str
    key: str
    target: str  # a device id, or ACCOUNT


@dataclass(frozen=True)
class Plan:
    """One user action and how to check its effect."""

    domain: str
    service: str
    data: dict[str, Any]
    label: str
    on_server: Callable[[], bool]
    shown: Callable[[State | None], bool]


def number(state: State | None) -> int | None:
    """The state as a whole number, or None if it has none."""
    if state is None or state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
        return None
    try:
        return round(float(state.state))
    except ValueError:
        return None


def entity_entries(hass: HomeAssistant, entry: ConfigEntry) -> list[er.RegistryEntry]:
    """Registry entries of the config entry's entities."""
    return er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)


def find_controls(
    hass: HomeAssistant, entry: ConfigEntry, account_prefix: str
) -> list[Control]:
    """The enabled writable entities, by entity id (unique ids are `<target>_<key>`)."""
    prefix = f"{account_prefix}_"
    controls = []
    for entity in entity_entries(hass, entry):
        if entity.disabled_by is not None or entity.domain not in WRITABLE:
            continue
        unique_id = entity.unique_id
        if unique_id.startswith(prefix):
            target, key = ACCOUNT, unique_id.removeprefix(prefix)
        else:
            target, _, key = unique_id.partition("_")
        if key in WRITABLE[entity.domain]:
            controls.append(Control(entity.entity_id, key, target))
    return sorted(controls, key=lambda control: control.entity_id)


class Server:
    """What the simulator has for each setting."""

    def __init__(self, simulator: Simulator) -> None:
        """Read the given simulator's state."""
        self.simulator = simulator

    def device_field(self, device_id: str, name: str) -> Any:
        """One field of a device as the API lists it."""
        return self.simulator.device_payload(device_id, detail=False).get(name)

    def charging(self) -> ChargingSettings:
        """The user's charging configuration."""
        settings: ChargingSettings = self.simulator.world.users[
            self.simulator.user_id
        ].charging
        return settings

    def truth(self, control: Control) -> Any:
        """What the simulator has for the control's setting."""
        key = control.key
        if control.target == ACCOUNT:
            settings = self.charging()
            return {
                "smart_charging_mode": settings.mode,
                "hems_min_export_to_start": settings.min_export_to_start_w,
                "hems_max_import_before_stopping": settings.max_import_before_stopping_w,
            }[key]
        name = {**SWITCH_FIELDS, "charge_deadline": "charge_deadline_at"}.get(key, key)
        return self.device_field(control.target, name)


def shows(control: Control, state: State, truth: Any) -> bool:
    """Tell whether an entity's state is the server's value."""
    if control.key in SWITCH_FIELDS:
        return state.state == ("on" if truth else "off")
    if control.key == "charge_deadline":
        return bool(state.state[:5] == truth)
    if control.key in SELECTS:
        return state.state == str(truth).lower()
    return bool(number(state) == truth)


class Planner:
    """Picks what a user changes next and to which value."""

    def __init__(
        self,
        hass: HomeAssistant,
        controls: list[Control],
        server: Server,
        rng: random.Random,
    ) -> None:
        """Plan writes on `controls`, drawing from `rng`."""
        self.hass = hass
        self.controls = controls
        self.server = server
        self.rng = rng

    def pick(self) -> Control | None:
        """A random available control (None if there is none)."""
        states = self.hass.states
        choices = [
            control
            for control in self.controls
            if (state := states.get(control.entity_id)) is not None
            and state.state not in (STATE_UNAVAILABLE, STATE_UNKNOWN)
        ]
        return self.rng.choice(choices) if choices else None

    def plan(self, control: Control) -> Plan | None:
        """Choose a new, valid value for the control (None if there is none)."""
        state = self.hass.states.get(control.entity_id)
        assert state is not None
        key, target, rng, server = control.key, control.target, self.rng, self.server
        label = f"{control.entity_id} {state.state!r} -> "
        if key in SWITCH_FIELDS:
            want = state.state != "on"
            name = SWITCH_FIELDS[key]
            wanted_state = "on" if want else "off"
            return Plan(
                "switch",
                "turn_on" if want else "turn_off",
                {},
                label + wanted_state,
                lambda: server.device_field(target, name) is want,
                lambda shown: shown is not None and shown.state == wanted_state,
            )
        if key in SELECTS:
            options = [
                str(o) for o in state.attributes.get("options", ()) if o != state.state
            ]
            if not options:
                return None
            option = rng.choice(options)

            def selected() -> bool:
                if key == "smart_charging_mode":
                    return bool(server.charging().mode == option)
                return str(server.device_field(target, key)).lower() == option

            return Plan(
                "select",
                "select_option",
                {"option": option},
                label + option,
                selected,
                lambda shown: shown is not None and shown.state == option,
            )
        if key == "charge_deadline":
            shown_time = state.state[:5]
            slots = [f"{h:02d}:{m:02d}" for h in range(24) for m in range(0, 60, 5)]
            value = rng.choice([slot for slot in slots if slot != shown_time])
            return Plan(
                "time",
                "set_value",
                {"time": f"{value}:00"},
                label + value,
                lambda: bool(
                    server.device_field(target, "charge_deadline_at") == value
                ),
                lambda shown: shown is not None and shown.state == f"{value}:00",
            )
        bounds = self._bounds(control)
        if bounds is None:
            return None
        low, high, step = bounds
        current = number(state)
        values = [v for v in range(low, high + 1, step) if v != current]
        if not values:
            return None
        chosen = rng.choice(values)

        def stored() -> bool:
            if target == ACCOUNT:
                settings = server.charging()
                return (
                    settings.min_export_to_start_w
                    if key == "hems_min_export_to_start"
                    else settings.max_import_before_stopping_w
                ) == chosen
            return bool(server.device_field(target, key) == chosen)

        return Plan(
            "number",
            "set_value",
            {"value": chosen},
            label + str(chosen),
            stored,
            lambda shown: number(shown) == chosen,
        )

    def _bounds(self, control: Control) -> tuple[int, int, int] | None:
        """Return the valid (low, high, step) of a number, given the related settings shown."""
        key = control.key
        if key == "minimum_charge_limit":
            return 0, 100, 1
        if key in BATTERY_LIMITS:
            other = number(self._sibling(control, _other(BATTERY_LIMITS, key)))
            if other is None:
                return None
            return (0, other, 1) if key == "min_battery_charge" else (other, 100, 1)
        if key in HEMS_THRESHOLDS:
            other = number(self._sibling(control, _other(HEMS_THRESHOLDS, key)))
            if other is None:
                return None
            low = max(
                0, math.ceil((self.server.charging().min_band_w - other) / 10) * 10
            )
            return low, max(low, 10000), 10
        return None

    def _sibling(self, control: Control, key: str) -> State | None:
        for other in self.controls:
            if other.target == control.target and other.key == key:
                return self.hass.states.get(other.entity_id)
        return None


def _other(pair: tuple[str, str], key: str) -> str:
    return pair[1] if key == pair[0] else pair[0]
