"""Build the API client from what a config entry (or a config flow) stores."""

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util.json import json_loads

from .api import ClientCredentialsAuth, PoderoAuth, PoderoClient, StaticTokenAuth
from .const import (
    CONF_API_TOKEN,
    CONF_AUTH_METHOD,
    CONF_BASE_URL,
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_ORG_ID,
    CONF_USER_ID,
    AuthMethod,
)


def auth_from_data(data: Mapping[str, Any]) -> PoderoAuth:
    """Return the authentication strategy the stored credentials call for."""
    if data[CONF_AUTH_METHOD] == AuthMethod.CLIENT_CREDENTIALS:
        return ClientCredentialsAuth(data[CONF_CLIENT_ID], data[CONF_CLIENT_SECRET])
    return StaticTokenAuth(data[CONF_API_TOKEN])


def create_client(hass: HomeAssistant, data: Mapping[str, Any]) -> PoderoClient:
    """Return a client on Home Assistant's shared HTTP session (orjson for big lists)."""
    return PoderoClient(
        async_get_clientsession(hass),
        data[CONF_BASE_URL],
        auth_from_data(data),
        data[CONF_ORG_ID],
        data.get(CONF_USER_ID),
        json_loads=json_loads,
    )
