"""``podero_simulator.testing.serve`` on a real loopback socket."""

from __future__ import annotations

import aiohttp

from podero_simulator import SIMULATOR, create_app
from podero_simulator.testing import serve

from .helpers import PREFIX, ManualClock


async def test_serve_yields_a_base_url_and_cleans_up(
    socket_enabled: None, clock: ManualClock
) -> None:
    """The URL answers while inside the block and stops answering after it."""
    app = create_app(clock=clock)
    sim = app[SIMULATOR]
    path = f"{PREFIX}/org/{sim.org_id}/users/{sim.user_id}/heat-pumps"
    async with aiohttp.ClientSession() as session:
        async with serve(app, host="127.0.0.1", port=0) as base_url:
            assert base_url.startswith("http://127.0.0.1:")
            async with session.get(
                base_url + path, headers={"Authorization": f"Bearer {sim.static_token}"}
            ) as response:
                assert response.status == 200
        try:
            async with session.get(base_url + path) as response:
                raise AssertionError(f"still serving: {response.status}")
        except aiohttp.ClientConnectionError:
            pass
