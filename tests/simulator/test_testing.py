"""``podero_simulator.testing.serve`` on a real loopback socket."""

import asyncio
import time

import aiohttp
from aiohttp import web

from podero_simulator import Simulator
from podero_simulator.testing import serve

from .helpers import PREFIX


async def test_serve_yields_a_base_url_and_cleans_up(
    socket_enabled: None, app: web.Application, sim: Simulator
) -> None:
    """The URL answers inside the block; leaving it ends hung requests and serving."""
    path = f"{PREFIX}/org/{sim.org_id}/users/{sim.user_id}/heat-pumps"
    headers = {"Authorization": f"Bearer {sim.static_token}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with serve(app, host="127.0.0.1", port=0) as base_url:
            assert base_url.startswith("http://127.0.0.1:")
            async with session.get(base_url + path) as response:
                assert response.status == 200
            sim.faults.script(kind="hang")
            pending = asyncio.create_task(session.get(base_url + path))
            await asyncio.sleep(0.2)
            assert not pending.done()
            started = time.monotonic()
        (hung,) = await asyncio.gather(pending, return_exceptions=True)
        assert time.monotonic() - started < 3
        if isinstance(hung, aiohttp.ClientResponse):
            assert hung.status == 503
            hung.release()
        try:
            async with session.get(base_url + path) as response:
                raise AssertionError(f"still serving: {response.status}")
        except aiohttp.ClientConnectionError:
            pass
