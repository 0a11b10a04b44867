"""Typed application keys."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .simulator import Simulator

SIMULATOR: web.AppKey[Simulator] = web.AppKey("simulator", Simulator)
"""Where the app keeps its :class:`Simulator` (``app[SIMULATOR]``)."""

LOG_ENTRY: web.RequestKey[dict[str, Any]] = web.RequestKey("log_entry", dict)
"""The request-log entry of the running request (handlers may annotate it)."""
