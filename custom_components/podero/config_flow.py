"""Config flow: environment and credentials, then the user whose devices to show.

`user` -> `api_token` | `client_credentials` -> `user_select` (a list of the organisation's
users, or a text field where listing is not allowed). Reauth asks for new credentials of the
same method; reconfigure changes environment, URL and credentials. All is checked against the API.
"""

from collections.abc import Mapping
from enum import StrEnum
import logging
from typing import Any, override

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio

from .api import (
    HeatPump,
    OrganisationUser,
    PoderoAuthenticationError,
    PoderoClient,
    PoderoConnectionError,
    PoderoError,
    PoderoForbiddenError,
    PoderoInsecureUrlError,
    PoderoInvalidIdError,
    PoderoInvalidUrlError,
    PoderoNotFoundError,
    PoderoResponseError,
    normalize_base_url,
    validate_uuid,
)
from .connection import create_client
from .const import (
    CONF_API_TOKEN,
    CONF_AUTH_METHOD,
    CONF_BASE_URL,
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_ENVIRONMENT,
    CONF_ORG_ID,
    CONF_USER_ID,
    DOMAIN,
    ENVIRONMENT_URLS,
    AuthMethod,
    Environment,
)
from .options_flow import PoderoOptionsFlow

_LOGGER = logging.getLogger(__name__)

# Real tokens and secrets are far shorter; anything longer is a paste gone wrong.
_MAX_SECRET_LENGTH = 2048

_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_TEXT = TextSelector()
_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))


def _choice(key: str, options: type[StrEnum]) -> SelectSelector:
    config = SelectSelectorConfig(
        options=list(options), translation_key=key, mode=SelectSelectorMode.LIST
    )
    return SelectSelector(config)


def _connection_schema(*, with_org_id: bool) -> probatio.Schema:
    fields: dict[Any, Any] = {
        probatio.Required(CONF_ENVIRONMENT, default=Environment.PRODUCTION): _choice(
            CONF_ENVIRONMENT, Environment
        ),
        probatio.Optional(CONF_BASE_URL): _URL,
        probatio.Required(CONF_AUTH_METHOD, default=AuthMethod.API_TOKEN): _choice(
            CONF_AUTH_METHOD, AuthMethod
        ),
    }
    if with_org_id:
        fields[probatio.Required(CONF_ORG_ID)] = _TEXT
    return probatio.Schema(fields)


CREDENTIAL_SCHEMAS = {
    AuthMethod.API_TOKEN: probatio.Schema(
        {probatio.Required(CONF_API_TOKEN): _PASSWORD}
    ),
    AuthMethod.CLIENT_CREDENTIALS: probatio.Schema(
        {
            probatio.Required(CONF_CLIENT_ID): _TEXT,
            probatio.Required(CONF_CLIENT_SECRET): _PASSWORD,
        }
    ),
}


def _base_url(user_input: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """Return (base URL, None) or (None, error key) for the chosen environment."""
    environment = user_input[CONF_ENVIRONMENT]
    if environment in ENVIRONMENT_URLS:
        return ENVIRONMENT_URLS[Environment(environment)], None
    try:
        return normalize_base_url(str(user_input.get(CONF_BASE_URL) or "")), None
    except PoderoInsecureUrlError:
        return None, "insecure_url"
    except PoderoInvalidUrlError:
        return None, "invalid_url"


def _clean_credentials(user_input: Mapping[str, Any]) -> dict[str, str] | None:
    """Strip pasted credentials; None if any is empty, too long or contains whitespace."""
    cleaned = {key: str(value).strip() for key, value in user_input.items()}
    usable = all(
        0 < len(value) <= _MAX_SECRET_LENGTH
        and value.isprintable()
        and not any(char.isspace() for char in value)
        for value in cleaned.values()
    )
    return cleaned if usable else None


def _error_key(err: PoderoError) -> str:
    """Return the form error for a failed API check."""
    for error_types, key in (
        (PoderoAuthenticationError, "invalid_auth"),
        (PoderoForbiddenError | PoderoNotFoundError, "forbidden"),
        (PoderoConnectionError | PoderoResponseError, "cannot_connect"),
    ):
        if isinstance(err, error_types):
            return key
    _LOGGER.error("Unexpected answer from Podero while setting up: %s", err)
    return "unknown"


class PoderoConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up a Podero account."""

    VERSION = 1

    def __init__(self) -> None:
        """Start with nothing chosen."""
        self._connection: dict[str, Any] = {}
        self._users: list[OrganisationUser] | None = None

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> PoderoOptionsFlow:
        return PoderoOptionsFlow()

    # --- new entry ----------------------------------------------------------------------------

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose environment, authentication method and organisation."""
        errors: dict[str, str] = {}
        if user_input is not None:
            base_url, url_error = _base_url(user_input)
            if url_error:
                errors[CONF_BASE_URL] = url_error
            try:
                org_id = validate_uuid(user_input[CONF_ORG_ID], "organisation id")
            except PoderoInvalidIdError:
                errors[CONF_ORG_ID] = "invalid_uuid"
            if not errors:
                return await self._async_step_credentials(user_input, base_url, org_id)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                _connection_schema(with_org_id=True), user_input or {}
            ),
            errors=errors,
        )

    async def async_step_api_token(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Enter an API token."""
        return await self._async_credentials(AuthMethod.API_TOKEN, user_input)

    async def async_step_client_credentials(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Enter OAuth client credentials."""
        return await self._async_credentials(AuthMethod.CLIENT_CREDENTIALS, user_input)

    async def _async_step_credentials(
        self, user_input: Mapping[str, Any], base_url: str | None, org_id: str
    ) -> ConfigFlowResult:
        self._connection = {
            CONF_ENVIRONMENT: user_input[CONF_ENVIRONMENT],
            CONF_BASE_URL: base_url,
            CONF_AUTH_METHOD: user_input[CONF_AUTH_METHOD],
            CONF_ORG_ID: org_id,
        }
        if user_input[CONF_AUTH_METHOD] == AuthMethod.CLIENT_CREDENTIALS:
            return await self.async_step_client_credentials()
        return await self.async_step_api_token()

    async def _async_credentials(
        self, method: AuthMethod, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            credentials = _clean_credentials(user_input)
            if credentials is None:
                errors["base"] = "invalid_credentials"
            else:
                self._connection.update(credentials)
                if self.source == SOURCE_RECONFIGURE:
                    return await self._async_finish_reconfigure(method, errors)
                try:
                    users = await self._client().list_users()
                except PoderoForbiddenError:
                    self._users = None
                    return await self.async_step_user_select()
                except PoderoError as err:
                    errors["base"] = _error_key(err)
                else:
                    self._users = [user for user in users if user.deleted_at is None]
                    return await self.async_step_user_select()
        return self.async_show_form(
            step_id=method.value, data_schema=CREDENTIAL_SCHEMAS[method], errors=errors
        )

    async def async_step_user_select(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the user whose devices to show (or type the id if listing is not allowed)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                user_id = validate_uuid(user_input[CONF_USER_ID], "user id")
            except PoderoInvalidIdError:
                errors[CONF_USER_ID] = "invalid_uuid"
            else:
                await self.async_set_unique_id(
                    f"{self._connection[CONF_ORG_ID]}_{user_id}"
                )
                self._abort_if_unique_id_configured()
                if error := await self._async_check_access(user_id):
                    errors["base"] = error
                else:
                    data = {**self._connection, CONF_USER_ID: user_id}
                    return self.async_create_entry(
                        title=self._title(user_id), data=data
                    )
        if self._users:
            options = [
                SelectOptionDict(value=user.id, label=user.display_name)
                for user in self._users
            ]
            selector: Any = SelectSelector(
                SelectSelectorConfig(options=options, mode=SelectSelectorMode.DROPDOWN)
            )
        else:
            selector = _TEXT
        return self.async_show_form(
            step_id="user_select",
            data_schema=probatio.Schema({probatio.Required(CONF_USER_ID): selector}),
            errors=errors,
        )

    def _title(self, user_id: str) -> str:
        for user in self._users or ():
            if user.id == user_id:
                return user.display_name
        return f"Podero {user_id[:8]}"

    # --- reauthentication ---------------------------------------------------------------------

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Podero rejected the stored credentials."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Enter new credentials for the same account."""
        entry = self._get_reauth_entry()
        method = AuthMethod(entry.data[CONF_AUTH_METHOD])
        errors: dict[str, str] = {}
        if user_input is not None:
            credentials = _clean_credentials(user_input)
            if credentials is None:
                errors["base"] = "invalid_credentials"
            else:
                self._connection = {**entry.data, **credentials}
                if error := await self._async_check_access(entry.data[CONF_USER_ID]):
                    errors["base"] = error
                else:
                    return self.async_update_reload_and_abort(
                        entry, data_updates=credentials
                    )
        schema = CREDENTIAL_SCHEMAS[method]
        if method is AuthMethod.CLIENT_CREDENTIALS:
            schema = self.add_suggested_values_to_schema(
                schema, {CONF_CLIENT_ID: entry.data.get(CONF_CLIENT_ID)}
            )
        return self.async_show_form(
            step_id="reauth_confirm", data_schema=schema, errors=errors
        )

    # --- reconfiguration ----------------------------------------------------------------------

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change environment, URL or credentials of this account."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            base_url, url_error = _base_url(user_input)
            if url_error:
                errors[CONF_BASE_URL] = url_error
            else:
                return await self._async_step_credentials(
                    user_input, base_url, entry.data[CONF_ORG_ID]
                )
        suggested = user_input or {
            key: entry.data.get(key)
            for key in (CONF_ENVIRONMENT, CONF_BASE_URL, CONF_AUTH_METHOD)
        }
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                _connection_schema(with_org_id=False), suggested
            ),
            errors=errors,
        )

    async def _async_finish_reconfigure(
        self, method: AuthMethod, errors: dict[str, str]
    ) -> ConfigFlowResult:
        entry = self._get_reconfigure_entry()
        if error := await self._async_check_access(entry.data[CONF_USER_ID]):
            errors["base"] = error
            return self.async_show_form(
                step_id=method.value,
                data_schema=CREDENTIAL_SCHEMAS[method],
                errors=errors,
            )
        # Credentials of the other method must not linger in the entry.
        stale = {CONF_API_TOKEN, CONF_CLIENT_ID, CONF_CLIENT_SECRET}
        data = {key: value for key, value in entry.data.items() if key not in stale}
        return self.async_update_reload_and_abort(
            entry, data={**data, **self._connection}
        )

    # --- shared -------------------------------------------------------------------------------

    def _client(self, user_id: str | None = None) -> PoderoClient:
        return create_client(self.hass, {**self._connection, CONF_USER_ID: user_id})

    async def _async_check_access(self, user_id: str) -> str | None:
        """Read the user's devices once; return the form error if that fails."""
        try:
            await self._client(user_id).list_devices(HeatPump)
        except PoderoError as err:
            return _error_key(err)
        return None
