"""Podero Partner API simulator: a stateful aiohttp server with physics and faults."""

from __future__ import annotations

from .app import create_app
from .faults import FaultSettings
from .keys import SIMULATOR
from .simulator import Simulator

__all__ = ["SIMULATOR", "FaultSettings", "Simulator", "create_app"]
