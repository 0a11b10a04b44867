"""How a Podero device is called outside its own entities (repair issues, statistics).

Once registered, a device is called what the device page says (tests/test_issues.py); these
tests are about a device Home Assistant has not registered (no entity of it was added).
"""

from typing import Any

from homeassistant.core import HomeAssistant
import pytest

from custom_components.podero.api import HeatPump
from custom_components.podero.naming import device_display_name
from podero_simulator import Simulator
from podero_simulator.scenarios import HEAT_PUMP_ID


def heat_pump(device_model: dict[str, Any] | None = None) -> HeatPump:
    """The demo heat pump as Podero lists it, optionally with another `device_model`."""
    payload = Simulator().device_payload(HEAT_PUMP_ID)
    if device_model is not None:
        payload["device_model"] = device_model
    return HeatPump.parse(payload)  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("device_model", "name"),
    [
        pytest.param(None, "Nibe S2125-8", id="make-and-model"),
        pytest.param({"manufacturer": "Nibe"}, "Nibe", id="make-only"),
        pytest.param({}, HEAT_PUMP_ID, id="nothing-but-its-id"),
    ],
)
async def test_an_unregistered_device_is_called_by_make_and_model(
    hass: HomeAssistant, device_model: dict[str, Any] | None, name: str
) -> None:
    """Without a registry entry the name is make and model, or the Podero id as a last resort."""
    assert device_display_name(hass, "any-entry", heat_pump(device_model)) == name
