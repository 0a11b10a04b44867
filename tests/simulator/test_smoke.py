"""The fixtures work: the demo household answers over HTTP."""

from __future__ import annotations

from .helpers import Api


async def test_heat_pump_list_answers_with_the_static_token(api: Api) -> None:
    """The demo household lists one heat pump."""
    devices = await api.get("heat-pumps")
    assert [device["device_model"]["model"] for device in devices] == ["S2125-8"]
