"""The ``/_sim`` admin API."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
import pytest

from podero_simulator import Simulator

from .helpers import PREFIX, Api, device_id

ClientT = TestClient[Any, Any]


async def admin(
    client: ClientT, method: str, path: str, status: int = 200, **kwargs: Any
) -> Any:
    """Call the admin API and return its JSON (None for 204)."""
    response = await client.request(method, "/_sim" + path, **kwargs)
    text = await response.text()
    assert response.status == status, text
    return None if response.status == 204 else await response.json()


async def test_state_dumps_everything(client: ClientT, sim: Simulator) -> None:
    """``GET /_sim/state``: scenario, time, credentials, users, devices, tokens, faults."""
    state = await admin(client, "GET", "/state")
    assert state["scenario"] == "demo"
    assert state["now"] == "2026-01-15T11:00:00Z"
    assert state["credentials"]["token"] == sim.static_token
    assert len(state["devices"]) == 4
    assert {user["id"] for user in state["users"]} >= {sim.user_id, sim.second_user_id}
    assert state["faults"]["scripts"] == []


async def test_reset_restores_the_initial_state(
    client: ClientT, api: Api, sim: Simulator
) -> None:
    """Reset: devices, clock, log and faults back to the start; static token still valid."""
    hp = device_id(sim, "heat-pumps")
    await api.put(f"heat-pumps/{hp}", {"comment": "changed"})
    sim.advance(3600)
    sim.faults.script(kind="5xx", count=None)
    issued = sim.issue_token()
    assert (await admin(client, "POST", "/reset"))["now"] == "2026-01-15T11:00:00Z"
    assert sim.requests() == []
    assert (await api.get(f"heat-pumps/{hp}"))["comment"] is None
    await api.get("heat-pumps", 401, token=issued)


async def test_faults_get_and_put(client: ClientT, sim: Simulator) -> None:
    """Settings are readable and partially writable."""
    body = await admin(client, "PUT", "/faults", json={"p_5xx": 0.25, "retry_after": 3})
    assert body["settings"]["p_5xx"] == 0.25
    assert body["settings"]["retry_after"] == 3
    assert (await admin(client, "GET", "/faults"))["settings"]["latency_ms"] == 0


@pytest.mark.parametrize("body", [{"p_explode": 1}, {"p_5xx": "high"}, {"p_429": 2}])
async def test_bad_fault_settings_are_400(
    client: ClientT, body: dict[str, Any]
) -> None:
    """Unknown names, non-numbers and probabilities outside 0..1."""
    assert "error" in await admin(client, "PUT", "/faults", 400, json=body)


async def test_fault_scripts_over_http(
    client: ClientT, api: Api, sim: Simulator
) -> None:
    """POST adds a script, DELETE removes one or all."""
    first = await admin(
        client,
        "POST",
        "/faults/script",
        201,
        json={"kind": "5xx", "count": 2, "match": "GET /api/*"},
    )
    await admin(
        client, "POST", "/faults/script", 201, json={"kind": "429", "count": None}
    )
    assert [s["kind"] for s in (await admin(client, "GET", "/faults"))["scripts"]] == [
        "5xx",
        "429",
    ]
    await admin(client, "DELETE", f"/faults/script?id={first['id']}", 204)
    assert [s["kind"] for s in sim.faults.dump()["scripts"]] == ["429"]
    await admin(client, "DELETE", "/faults/script", 204)
    assert sim.faults.scripts == []


async def test_bad_fault_script_is_400(client: ClientT) -> None:
    """Unknown kinds are rejected."""
    await admin(client, "POST", "/faults/script", 400, json={"kind": "meteor"})


async def test_request_log_and_counters(
    client: ClientT, api: Api, sim: Simulator
) -> None:
    """Entries carry method, path, route, status, time; counters count per route template."""
    await api.get("heat-pumps")
    await api.get("heat-pumps")
    await api.get(f"heat-pumps/{device_id(sim, 'heat-pumps')}")
    entries = await admin(client, "GET", "/requests")
    assert entries[0]["method"] == "GET"
    assert entries[0]["route"] == PREFIX + "/org/{org_id}/users/{user_id}/heat-pumps"
    assert entries[0]["status"] == 200
    assert entries[0]["at"] == "2026-01-15T11:00:00Z"
    assert entries[0]["path"] == api.path("/heat-pumps")
    counters = await admin(client, "GET", "/counters")
    assert counters == {
        "GET " + PREFIX + "/org/{org_id}/users/{user_id}/heat-pumps": 2,
        "GET " + PREFIX + "/org/{org_id}/users/{user_id}/heat-pumps/{heat_pump_id}": 1,
    }


async def test_unmatched_paths_are_counted_together(client: ClientT, api: Api) -> None:
    """Unknown paths share one counter key."""
    await api.get("/nope", 404)
    assert await admin(client, "GET", "/counters") == {"GET <unmatched>": 1}


async def test_request_log_can_be_cleared(
    client: ClientT, api: Api, sim: Simulator
) -> None:
    """``?clear=1`` after reading, DELETE, and counters ``?clear=1``."""
    await api.get("heat-pumps")
    assert len(await admin(client, "GET", "/requests?clear=1")) == 1
    assert sim.requests() == []
    await api.get("heat-pumps")
    await admin(client, "DELETE", "/requests", 204)
    assert sim.counters() == {}
    await api.get("heat-pumps")
    assert sum((await admin(client, "GET", "/counters?clear=1")).values()) == 1
    assert sim.counters() == {}


async def test_request_log_is_bounded_but_counters_exact(sim: Simulator) -> None:
    """Old entries fall out; counters keep counting."""
    log = sim.log.__class__(max_entries=3)
    for _ in range(5):
        log.start("GET", "/x", "/x", None)
    assert len(log.list()) == 3
    assert log.counters["GET /x"] == 5


async def test_revoke_one_and_all_tokens(
    client: ClientT, api: Api, sim: Simulator
) -> None:
    """Revoke a given token, or all of them without a body."""
    token = sim.issue_token()
    assert (await admin(client, "POST", "/tokens/revoke", json={"token": token}))[
        "revoked"
    ] == 1
    await api.get("heat-pumps", 401, token=token)
    await api.get("heat-pumps")
    await admin(client, "POST", "/tokens/revoke")
    await api.get("heat-pumps", 401)


async def test_revoking_a_refresh_token(sim: Simulator) -> None:
    """Refresh tokens can be revoked too."""
    refresh = sim.tokens.issue_refresh(sim.org_id, sim.user_id)
    assert sim.revoke_tokens(refresh.value) == 1
    assert sim.tokens.use_refresh(refresh.value) is None


async def test_expire_tokens(client: ClientT, api: Api, sim: Simulator) -> None:
    """All issued tokens expire now."""
    token = sim.issue_token(user_id=sim.user_id)
    assert (await admin(client, "POST", "/tokens/expire"))["expired"] == 1
    await api.get("heat-pumps", 401, token=token)


async def test_clock_advance_and_speed(client: ClientT, sim: Simulator) -> None:
    """``POST /_sim/clock`` advances time and changes the speed."""
    body = await admin(client, "POST", "/clock", json={"advance_s": 90})
    assert body["now"] == "2026-01-15T11:01:30Z"
    body = await admin(client, "POST", "/clock", json={"speed": 10})
    assert body["speed"] == 10
    assert (await admin(client, "GET", "/clock"))["advanced_s"] == 90


@pytest.mark.parametrize(
    "body", [{"advance_s": -1}, {"advance_s": "soon"}, {"speed": 0}]
)
async def test_bad_clock_requests_are_400(
    client: ClientT, body: dict[str, Any]
) -> None:
    """Time only moves forward, at a positive speed."""
    await admin(client, "POST", "/clock", 400, json=body)


async def test_add_device_to_a_user(client: ClientT, api: Api, sim: Simulator) -> None:
    """A new device appears in the owner's list."""
    body = await admin(
        client,
        "POST",
        "/devices",
        201,
        json={"type": "inverters", "fields": {"comment": "new"}},
    )
    listed = await api.get("inverters")
    assert [device["id"] for device in listed][-1] == body["id"]
    assert body["comment"] == "new"
    assert body["building"] == listed[0]["building"]


async def test_add_device_in_a_new_building_for_another_user(
    client: ClientT, api: Api, sim: Simulator
) -> None:
    """``new_site`` and ``user_id`` choose where the device lives."""
    body = await admin(
        client,
        "POST",
        "/devices",
        201,
        json={"type": "wallboxes", "user_id": sim.second_user_id, "new_site": True},
    )
    path = f"{PREFIX}/org/{sim.org_id}/users/{sim.second_user_id}/wallboxes"
    assert [device["id"] for device in await api.get(path)] == [body["id"]]


@pytest.mark.parametrize(
    "body",
    [
        {"type": "toasters"},
        {"type": "inverters", "user_id": "nobody"},
        {"type": "inverters", "fields": [1]},
    ],
)
async def test_bad_device_additions_are_400(
    client: ClientT, body: dict[str, Any]
) -> None:
    """Unknown types, users and non-object fields."""
    await admin(client, "POST", "/devices", 400, json=body)


async def test_delete_device_hard_and_soft(
    client: ClientT, api: Api, sim: Simulator
) -> None:
    """Hard delete → 404; soft delete → ``deleted_at``."""
    hp = device_id(sim, "heat-pumps")
    ev = device_id(sim, "electric-vehicles")
    await admin(client, "DELETE", f"/devices/{hp}", 204)
    await api.get(f"heat-pumps/{hp}", 404)
    await admin(client, "DELETE", f"/devices/{ev}?soft=1", 204)
    assert (
        await api.get(f"electric-vehicles/{ev}", params={"include_deleted": "true"})
    )["deleted_at"] == "2026-01-15T11:00:00Z"


async def test_unknown_device_is_404(client: ClientT) -> None:
    """Admin device routes answer 404 for unknown ids."""
    await admin(client, "DELETE", "/devices/nothing", 404)


async def test_patch_overwrites_raw_fields(
    client: ClientT, api: Api, sim: Simulator
) -> None:
    """Unknown keys, odd enum values and wrong types reach clients verbatim."""
    hp = device_id(sim, "heat-pumps")
    body = await admin(
        client,
        "PATCH",
        f"/devices/{hp}",
        json={
            "optimization_level": "Turbo",
            "new_field": 1,
            "current_mode": "eco",
            "minimum_temperature_limit": "cold",
            "connection_status": "error",
        },
    )
    assert body["optimization_level"] == "Turbo"
    assert body["new_field"] == 1
    assert body["current_mode"] == "eco"
    assert body["minimum_temperature_limit"] == "cold"
    assert body["connection_status"] == "error"
    listed = (await api.get("heat-pumps"))[0]
    assert listed["new_field"] == 1
    sim.advance(3600)
    assert sim.device_payload(hp)["current_power_consumption_w"] > 0
    sim.clear_overrides(hp)
    assert "new_field" not in sim.device_payload(hp)


async def test_patch_live_state(client: ClientT, api: Api, sim: Simulator) -> None:
    """Raw PATCH of live values changes the model (battery level, temperatures, plug, OCPP)."""
    ev = device_id(sim, "electric-vehicles")
    assert (
        await admin(
            client,
            "PATCH",
            f"/devices/{ev}",
            json={"battery_level": 30, "is_plugged_in": False},
        )
    )["battery_level"] == 30
    assert sim.device_payload(ev)["is_plugged_in"] is False
    hp = device_id(sim, "heat-pumps")
    body = await admin(
        client,
        "PATCH",
        f"/devices/{hp}",
        json={"indoor_actual_temperature": 18.0, "dhw_temperature": 40.0},
    )
    assert (body["indoor_actual_temperature"], body["dhw_temperature"]) == (18.0, 40.0)
    inv = device_id(sim, "inverters")
    assert (
        await admin(
            client,
            "PATCH",
            f"/devices/{inv}",
            json={"battery_charge_level_percent": 70},
        )
    )["battery_charge_level_percent"] == 70
    wb = device_id(sim, "wallboxes")
    body = await admin(
        client,
        "PATCH",
        f"/devices/{wb}",
        json={"is_ocpp_connected": False, "is_plugged_in": False},
    )
    assert (body["connection"], body["mode"], body["is_plugged_in"]) == (
        "offline",
        "UNKNOWN",
        False,
    )
    body = await admin(
        client, "PATCH", f"/devices/{wb}", json={"is_authenticated": False}
    )
    assert body["mode"] == "UNAVAILABLE"


async def test_patch_with_non_object_is_422(client: ClientT, sim: Simulator) -> None:
    """The PATCH body must be an object."""
    await admin(
        client, "PATCH", f"/devices/{device_id(sim, 'heat-pumps')}", 422, json=[1]
    )


async def test_plug_endpoint(client: ClientT, sim: Simulator) -> None:
    """``POST /_sim/devices/{id}/plug``."""
    ev = device_id(sim, "electric-vehicles")
    body = await admin(
        client, "POST", f"/devices/{ev}/plug", json={"plugged_in": False}
    )
    assert (body["is_plugged_in"], body["boost_state"]) == (False, "unavailable")


async def test_plug_requires_a_charger_and_a_boolean(
    client: ClientT, sim: Simulator
) -> None:
    """Heat pumps cannot be plugged; the flag must be a boolean."""
    await admin(
        client,
        "POST",
        f"/devices/{device_id(sim, 'heat-pumps')}/plug",
        400,
        json={"plugged_in": True},
    )
    await admin(
        client,
        "POST",
        f"/devices/{device_id(sim, 'wallboxes')}/plug",
        400,
        json={"plugged_in": "yes"},
    )


async def test_energy_endpoint(client: ClientT, sim: Simulator) -> None:
    """``GET /_sim/devices/{id}/energy`` answers the true energy."""
    hp = device_id(sim, "heat-pumps")
    body = await admin(
        client,
        "GET",
        f"/devices/{hp}/energy?series=estimated_consumption&from=2026-01-14T11:00:00Z&to=2026-01-15T11:00:00Z",
    )
    assert body["wh"] > 1000
    await admin(client, "GET", f"/devices/{hp}/energy?series=power", 400)
