"""Translate API client errors into Home Assistant errors the user can read."""

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import (
    PoderoAuthenticationError,
    PoderoConflictError,
    PoderoConnectionError,
    PoderoError,
    PoderoForbiddenError,
    PoderoInvalidIdError,
    PoderoMalformedResponseError,
    PoderoNotFoundError,
    PoderoRateLimitError,
    PoderoServerError,
    PoderoTimeoutError,
    PoderoValidationError,
)
from .const import DOMAIN

# 409 reasons Podero documents for boosts, each with its own friendly message.
_CONFLICT_KEYS = {
    "already_charging": "boost_already_charging",
    "fully_charged": "boost_fully_charged",
    "no_active_session": "boost_no_active_session",
}


def translated_error(err: PoderoError) -> HomeAssistantError:
    """Return the translated Home Assistant error for a failed API call.

    Problems the user can fix by asking differently (409 conflicts, 400/422 rejections, bad
    ids) are ServiceValidationErrors; the API or network failing is a HomeAssistantError.
    """
    key: str
    placeholders: dict[str, str] = {}
    validation = False
    match err:
        case PoderoConflictError():
            validation = True
            key = _CONFLICT_KEYS.get(err.reason or "", "conflict")
            placeholders = {"reason": err.reason or err.message}
        case PoderoValidationError():
            validation = True
            key = "rejected"
            placeholders = {"message": err.message}
        case PoderoInvalidIdError():
            validation = True
            key = "invalid_id"
        case PoderoAuthenticationError():
            key = "auth_failed"
        case PoderoForbiddenError():
            key = "forbidden"
        case PoderoNotFoundError():
            key = "not_found"
        case PoderoRateLimitError():
            key = "rate_limited"
            placeholders = {"retry_after": f"{err.retry_after or 60:.0f}"}
        case PoderoTimeoutError():
            key = "timeout"
        case PoderoConnectionError():
            key = "cannot_connect"
        case PoderoMalformedResponseError():
            key = "malformed_response"
        case PoderoServerError():
            key = "server_error"
            placeholders = {"status": str(err.status)}
        case _:
            key = "api_error"
            placeholders = {"error": str(err)}
    error_type = ServiceValidationError if validation else HomeAssistantError
    return error_type(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )
