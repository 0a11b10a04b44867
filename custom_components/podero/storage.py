"""The config entry's stores: one naming rule, one way to remove them."""

from collections.abc import Mapping, Sequence
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN

STORAGE_VERSION = 1
# What each store holds; the keys are part of the stored files' names.
PAUSES = "pauses"
STATISTICS = "statistics"


def entry_store[T: Mapping[str, Any] | Sequence[Any]](
    hass: HomeAssistant, entry_id: str, purpose: str
) -> Store[T]:
    """Return the store `<domain>.<entry id>.<purpose>` of one config entry."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.{purpose}")


async def async_remove_stores(hass: HomeAssistant, entry_id: str) -> None:
    """Delete every store of a removed config entry."""
    for purpose in (PAUSES, STATISTICS):
        store: Store[Any] = entry_store(hass, entry_id, purpose)
        await store.async_remove()
