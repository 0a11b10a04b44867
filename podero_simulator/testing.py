"""Run the simulator on a real loopback socket inside a test or tool."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

SHUTDOWN_TIMEOUT_S = 2.0


@asynccontextmanager
async def serve(
    app: web.Application, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[str]:
    """Serve ``app`` and yield its base URL (``http://host:port``); tear down fully on exit.

    Hung requests are released on shutdown, and anything still running after
    ``SHUTDOWN_TIMEOUT_S`` is cancelled, so no task or timer outlives the block.
    """
    runner = web.AppRunner(
        app,
        handle_signals=False,
        shutdown_timeout=SHUTDOWN_TIMEOUT_S,
        access_log=None,
        # A client that gives up cancels its (possibly hung) handler at once.
        handler_cancellation=True,
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0]
        yield f"http://{host}:{bound[1]}"
    finally:
        await runner.cleanup()
