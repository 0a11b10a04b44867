"""Async client for the Podero Partner API (no Home Assistant imports).

Kept free of Home Assistant so it can be published as its own package: it needs only aiohttp and
yarl, takes an injected `aiohttp.ClientSession`, returns typed models and raises typed errors.
The package re-exports the public names each module defines.
"""

from .auth import *
from .changes import *
from .client import *
from .enums import *
from .errors import *
from .models import *
from .transport import DEFAULT_REQUEST_TIMEOUT_S as DEFAULT_REQUEST_TIMEOUT_S
from .validation import *
