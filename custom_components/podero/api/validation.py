"""Checks applied before anything is put into a URL."""

import ipaddress
import re

from yarl import URL

from .errors import PoderoInsecureUrlError, PoderoInvalidIdError, PoderoInvalidUrlError

# Canonical 8-4-4-4-12 form only: uuid.UUID() would also accept braces, URNs and bare hex.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_MAX_URL_LENGTH = 2048


def validate_uuid(value: object, what: str) -> str:
    """Return the id in lower case, or raise PoderoInvalidIdError if it is not a UUID."""
    if not isinstance(value, str) or not _UUID.fullmatch(
        candidate := value.strip().lower()
    ):
        raise PoderoInvalidIdError(f"The {what} is not a UUID")
    return candidate


def is_loopback_host(host: str) -> bool:
    """Whether host names this machine (where plain http cannot be intercepted)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def normalize_base_url(value: str) -> str:
    """Return `scheme://host[:port]` of an API base URL, or raise why it is unusable.

    The Partner API lives at the root of its host, so paths, queries, fragments and user info are
    refused rather than silently dropped. Plain http is only accepted for loopback hosts (a local
    simulator); anything that leaves the machine must use https.
    """
    if not isinstance(value, str) or len(value) > _MAX_URL_LENGTH:
        raise PoderoInvalidUrlError("The URL is not valid")
    try:
        url = URL(value.strip())
    except (TypeError, ValueError) as err:
        raise PoderoInvalidUrlError("The URL is not valid") from err
    if (
        url.scheme not in ("http", "https")
        or not url.host
        or url.user is not None
        or url.password is not None
        or url.path not in ("", "/")
        or url.query_string
        or url.fragment
    ):
        raise PoderoInvalidUrlError(
            "The URL must be http(s)://host[:port] without a path"
        )
    if url.scheme == "http" and not is_loopback_host(url.host):
        raise PoderoInsecureUrlError("Plain http is only allowed for this machine")
    return str(url.origin())
