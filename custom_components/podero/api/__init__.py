"""Async client for the Podero Partner API: no Home Assistant imports, so it can ship alone.

It needs only aiohttp and yarl; the package re-exports the public names each module defines.
"""

from .auth import *
from .changes import *
from .client import *
from .enums import *
from .errors import *
from .models import *
from .transport import DEFAULT_REQUEST_TIMEOUT_S as DEFAULT_REQUEST_TIMEOUT_S
from .validation import *
