"""Application factory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from . import (
    admin,
    routes_auth,
    routes_charging,
    routes_data,
    routes_devices,
    routes_ev,
    routes_users,
)
from .faults import FaultSettings
from .keys import SIMULATOR
from .middleware import pipeline
from .simulator import Simulator


async def _on_startup(app: web.Application) -> None:
    app[SIMULATOR].faults.release.clear()


async def _on_shutdown(app: web.Application) -> None:
    # Hung requests would otherwise keep the server's graceful shutdown waiting.
    app[SIMULATOR].faults.release.set()


def create_app(
    scenario: str = "demo",
    *,
    devices: int | None = None,
    seed: int = 0,
    speed: float = 1.0,
    token_lifetime: float = 36000,
    faults: FaultSettings | None = None,
    clock: Callable[[], datetime] | None = None,
) -> web.Application:
    """Build the simulator app; ``app[SIMULATOR]`` is the :class:`Simulator`."""
    sim = Simulator(
        scenario,
        devices=devices,
        seed=seed,
        speed=speed,
        token_lifetime=token_lifetime,
        faults=faults,
        clock=clock,
    )
    app = web.Application(middlewares=[pipeline])
    app[SIMULATOR] = sim
    for module in (
        routes_auth,
        routes_users,
        routes_devices,
        routes_ev,
        routes_charging,
        routes_data,
        admin,
    ):
        module.add_routes(app.router)
    app.on_startup.append(_on_startup)
    app.on_shutdown.append(_on_shutdown)
    return app
