"""How a Podero device is called outside its own entities (repairs, statistics)."""

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .api import Device
from .const import DOMAIN


def device_display_name(hass: HomeAssistant, entry_id: str, device: Device) -> str:
    """Return the name the user sees for the device (their own name if they gave one)."""
    registered = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, device.id), entry_id
    )
    if registered is not None and (registered.name_by_user or registered.name):
        return str(registered.name_by_user or registered.name)
    model = device.device_model
    return (
        " ".join(part for part in (model.manufacturer, model.model) if part)
        or device.id
    )
