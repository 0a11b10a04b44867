"""What a caller reads when a Podero request fails: one translated message per kind of failure.

Every write goes through `PoderoCoordinator.async_call`, which raises what `translated_error`
returns; the integration tests cover the usual failures end to end. This table is the whole
contract: problems the user can fix by asking differently are ServiceValidationErrors (Home
Assistant does not log them as errors), and each message has its placeholders filled in.
"""

import json
from pathlib import Path

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest

from custom_components.podero.api import (
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
from custom_components.podero.const import DOMAIN
from custom_components.podero.errors import translated_error

EN = Path(__file__).parents[1] / "custom_components" / DOMAIN / "translations/en.json"
MESSAGES = {
    key: value["message"]
    for key, value in json.loads(EN.read_text(encoding="utf-8"))["exceptions"].items()
}


def conflict(reason: str | None, message: str = "Conflict") -> PoderoConflictError:
    """A 409 as the client raises it."""
    return PoderoConflictError(409, message, state="charging", reason=reason)


@pytest.mark.parametrize(
    ("error", "error_type", "message"),
    [
        pytest.param(
            conflict("already_charging"),
            ServiceValidationError,
            "The vehicle is already charging.",
            id="boost-already-charging",
        ),
        pytest.param(
            conflict(None, "Device is offline"),
            ServiceValidationError,
            "The device cannot do that right now (Device is offline).",
            id="other-conflict",
        ),
        pytest.param(
            PoderoValidationError(422, "charge_percentage: must be at most 100"),
            ServiceValidationError,
            "Podero rejected the change: charge_percentage: must be at most 100",
            id="rejected",
        ),
        pytest.param(
            PoderoInvalidIdError("The heat-pumps id is not a UUID"),
            ServiceValidationError,
            "The device ID is not valid.",
            id="invalid-id",
        ),
        pytest.param(
            PoderoAuthenticationError(401, "HTTP 401"),
            HomeAssistantError,
            "Podero rejected the credentials. Reauthenticate the Podero integration.",
            id="auth-failed",
        ),
        pytest.param(
            PoderoForbiddenError(403, "HTTP 403"),
            HomeAssistantError,
            "Podero refused access to this device or account.",
            id="forbidden",
        ),
        pytest.param(
            PoderoNotFoundError(404, "HTTP 404"),
            HomeAssistantError,
            "Podero no longer knows this device.",
            id="not-found",
        ),
        pytest.param(
            PoderoRateLimitError(429, "HTTP 429", retry_after=30),
            HomeAssistantError,
            "Podero asked to slow down. Try again in 30 seconds.",
            id="rate-limited",
        ),
        pytest.param(
            PoderoRateLimitError(429, "HTTP 429", retry_after=None),
            HomeAssistantError,
            "Podero asked to slow down. Try again in 60 seconds.",
            id="rate-limited-without-retry-after",
        ),
        pytest.param(
            PoderoTimeoutError("PUT .../heat-pumps/... timed out after 30 s"),
            HomeAssistantError,
            "Podero did not answer in time.",
            id="timeout",
        ),
        pytest.param(
            PoderoConnectionError("PUT .../heat-pumps/... failed: ClientOSError"),
            HomeAssistantError,
            "Could not reach Podero.",
            id="cannot-connect",
        ),
        pytest.param(
            PoderoMalformedResponseError("Expected a heat-pumps object"),
            HomeAssistantError,
            "Podero sent an answer that could not be read.",
            id="malformed-response",
        ),
        pytest.param(
            PoderoServerError(503, "HTTP 503"),
            HomeAssistantError,
            "Podero had a server error (HTTP 503). Try again later.",
            id="server-error",
        ),
        pytest.param(
            PoderoError("This client is not bound to a user"),
            HomeAssistantError,
            "The Podero request failed: This client is not bound to a user",
            id="any-other-client-error",
        ),
    ],
)
def test_each_failure_has_its_own_readable_message(
    error: PoderoError, error_type: type[HomeAssistantError], message: str
) -> None:
    """The error class tells fixable from not; the message names what went wrong."""
    translated = translated_error(error)

    assert type(translated) is error_type
    assert translated.translation_domain == DOMAIN
    assert translated.translation_key is not None
    placeholders = translated.translation_placeholders or {}
    assert MESSAGES[translated.translation_key].format(**placeholders) == message
