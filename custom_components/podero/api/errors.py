"""Typed errors raised by the Podero Partner API client.

Messages carry what a user or a log reader needs (status, the server's explanation) and never a
credential: the client scrubs known secrets from server text before it lands in an exception.
"""


class PoderoError(Exception):
    """Base class for every error of the Podero client."""


class PoderoInvalidIdError(PoderoError, ValueError):
    """A path id (organisation, user or device) is not a UUID; no request was sent."""


class PoderoConnectionError(PoderoError):
    """The API could not be reached (DNS, TCP, TLS, or the connection dropped)."""


class PoderoTimeoutError(PoderoConnectionError):
    """The API did not answer within the request timeout."""


class PoderoMalformedResponseError(PoderoError):
    """The API answered with a body that is not the JSON shape we expect."""


class PoderoResponseError(PoderoError):
    """The API answered with an error status."""

    def __init__(self, status: int, message: str) -> None:
        """Keep the HTTP status next to the message."""
        super().__init__(message)
        self.status = status
        self.message = message


class PoderoAuthenticationError(PoderoResponseError):
    """401: the token or client credentials were rejected (after one renewal, if possible)."""


class PoderoForbiddenError(PoderoResponseError):
    """403: the credentials are valid but may not access this organisation or user."""


class PoderoNotFoundError(PoderoResponseError):
    """404: the organisation, user or device does not exist (any more)."""


class PoderoConflictError(PoderoResponseError):
    """409: the command does not fit the device's state (e.g. boost while already charging)."""

    def __init__(
        self, status: int, message: str, *, state: str | None, reason: str | None
    ) -> None:
        """Keep the device state and the machine-readable reason the API gave."""
        super().__init__(status, message)
        self.state = state
        self.reason = reason


class PoderoValidationError(PoderoResponseError):
    """400/422: the API refused the request body or parameters."""

    def __init__(
        self, status: int, message: str, *, fields: tuple[str, ...] = ()
    ) -> None:
        """Keep the names of the offending fields, when the API tells them."""
        super().__init__(status, message)
        self.fields = fields


class PoderoRateLimitError(PoderoResponseError):
    """429: too many requests; `retry_after` says how many seconds to wait, when known."""

    def __init__(self, status: int, message: str, *, retry_after: float | None) -> None:
        """Keep the server's Retry-After in seconds."""
        super().__init__(status, message)
        self.retry_after = retry_after


class PoderoServerError(PoderoResponseError):
    """5xx (or any other unexpected status): the API failed; retrying later may help."""


class PoderoInvalidUrlError(PoderoError, ValueError):
    """The API base URL is not an absolute http(s) URL of a host."""


class PoderoInsecureUrlError(PoderoInvalidUrlError):
    """The API base URL is plain http to a host other than this machine."""
