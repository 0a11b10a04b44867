"""Constants of the Podero integration."""

from datetime import timedelta
from enum import StrEnum
import logging
from typing import Final

DOMAIN: Final = "podero"
# Podero reports money in euros; the unit of monetary sensors and statistics.
EUR: Final = "EUR"
LOGGER = logging.getLogger(__package__)

PRODUCTION_URL: Final = "https://app.podero.com"
SANDBOX_URL: Final = "https://sandbox-app.podero.com"


class Environment(StrEnum):
    """Where the Partner API lives."""

    PRODUCTION = "production"
    SANDBOX = "sandbox"
    CUSTOM = "custom"


ENVIRONMENT_URLS: Final = {
    Environment.PRODUCTION: PRODUCTION_URL,
    Environment.SANDBOX: SANDBOX_URL,
}


class AuthMethod(StrEnum):
    """How the integration authenticates against the Partner API."""

    API_TOKEN = "api_token"
    CLIENT_CREDENTIALS = "client_credentials"


CONF_ENVIRONMENT: Final = "environment"
CONF_BASE_URL: Final = "base_url"
CONF_AUTH_METHOD: Final = "auth_method"
CONF_API_TOKEN: Final = "api_token"
CONF_CLIENT_ID: Final = "client_id"
CONF_CLIENT_SECRET: Final = "client_secret"
CONF_ORG_ID: Final = "org_id"
CONF_USER_ID: Final = "user_id"

# Podero asks partners to poll device state every 5-15 minutes and never more often than 30 s.
DEFAULT_SCAN_INTERVAL: Final = timedelta(minutes=5)
MIN_SCAN_INTERVAL: Final = timedelta(seconds=30)
MAX_SCAN_INTERVAL: Final = timedelta(minutes=60)

# Device types the account does not have yet, and the owner-level charging configuration, change
# rarely; they are fetched on this slower cadence so a regular refresh costs one request per
# device type the account has.
DISCOVERY_INTERVAL: Final = timedelta(minutes=30)

# While a boost is `requested`, Podero suggests polling about every 3 s; we stop after 60 s.
BOOST_POLL_INTERVAL: Final = timedelta(seconds=3)
BOOST_POLL_TIMEOUT: Final = timedelta(seconds=60)

# When a 429 carries no Retry-After, wait this long before asking that endpoint again.
DEFAULT_RETRY_AFTER: Final = timedelta(seconds=60)
# Longest Retry-After honoured; a server asking for more is asked again after this.
MAX_RETRY_AFTER: Final = timedelta(hours=1)

# Energy history (long-term statistics, sessions, savings): read hourly, re-importing the
# last hours to pick up Podero's late corrections, backfilling this far on first setup.
HISTORY_INTERVAL: Final = timedelta(hours=1)
HISTORY_FIRST_RUN: Final = timedelta(minutes=1)
HISTORY_REIMPORT: Final = timedelta(hours=3)
HISTORY_PARALLEL_DEVICES: Final = 4
CONF_BACKFILL_DAYS: Final = "backfill_days"
DEFAULT_BACKFILL: Final = timedelta(days=30)
MAX_BACKFILL: Final = timedelta(days=365)
