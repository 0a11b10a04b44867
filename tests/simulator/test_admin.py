"""The ``/_sim`` admin API."""

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient
import pytest

from podero_simulator import Simulator

from .helpers import EV, HP, INV, KINDS, PREFIX, WB, Api

Admin = Callable[..., Awaitable[Any]]
ROUTE = PREFIX + "/org/{org_id}/users/{user_id}/heat-pumps"
BAD_REQUESTS = [
    ("PUT", "/faults", {"p_explode": 1}),
    ("PUT", "/faults", {"p_5xx": "high"}),
    ("PUT", "/faults", {"p_429": 2}),
    ("POST", "/faults/script", {"kind": "meteor"}),
    ("POST", "/clock", {"advance_s": -1}),
    ("POST", "/clock", {"advance_s": "soon"}),
    ("POST", "/clock", {"speed": 0}),
    ("POST", "/devices", {"type": "toasters"}),
    ("POST", "/devices", {"type": INV, "user_id": "nobody"}),
    ("POST", "/devices", {"type": INV, "fields": [1]}),
    ("POST", "/devices/{heat-pumps}/plug", {"plugged_in": True}),
    ("POST", "/devices/{wallboxes}/plug", {"plugged_in": "yes"}),
]


@pytest.fixture
def admin(client: TestClient[Any, Any]) -> Admin:
    """``admin(method, path, status=200, **kwargs)``: call ``/_sim``, return its JSON."""

    async def call(method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        response = await client.request(method, "/_sim" + path, **kwargs)
        assert response.status == status, await response.text()
        return None if status == 204 else await response.json()

    return call


async def test_state_dumps_everything(admin: Admin, sim: Simulator) -> None:
    """``GET /_sim/state``: scenario, time, credentials, users, devices, tokens, faults."""
    state = await admin("GET", "/state")
    assert (state["scenario"], state["now"]) == ("demo", "2026-01-15T11:00:00Z")
    assert state["credentials"]["token"] == sim.static_token
    assert len(state["devices"]) == 4
    assert {user["id"] for user in state["users"]} >= {sim.user_id, sim.second_user_id}
    assert state["faults"]["scripts"] == []


async def test_reset_restores_the_initial_state(
    admin: Admin, api: Api, sim: Simulator
) -> None:
    """Reset: devices, clock, log and faults back to the start; static token still valid."""
    await api.put(api.device(HP), {"comment": "changed"})
    sim.advance(3600)
    sim.faults.script(kind="5xx", count=None)
    issued = sim.issue_token()
    assert (await admin("POST", "/reset"))["now"] == "2026-01-15T11:00:00Z"
    assert sim.requests() == []
    assert (await api.get(api.device(HP)))["comment"] is None
    await api.get(HP, 401, token=issued)


async def test_faults_get_and_put(admin: Admin) -> None:
    """Settings are readable and partially writable."""
    body = await admin("PUT", "/faults", json={"p_5xx": 0.25, "retry_after": 3})
    assert (body["settings"]["p_5xx"], body["settings"]["retry_after"]) == (0.25, 3)
    assert (await admin("GET", "/faults"))["settings"]["latency_ms"] == 0


async def test_fault_scripts_over_http(admin: Admin, sim: Simulator) -> None:
    """POST adds a script, DELETE removes one or all."""
    script = {"kind": "5xx", "count": 2, "match": "GET /api/*"}
    first = await admin("POST", "/faults/script", 201, json=script)
    await admin("POST", "/faults/script", 201, json={"kind": "429", "count": None})
    scripts = (await admin("GET", "/faults"))["scripts"]
    assert [script["kind"] for script in scripts] == ["5xx", "429"]
    await admin("DELETE", f"/faults/script?id={first['id']}", 204)
    assert [script["kind"] for script in sim.faults.dump()["scripts"]] == ["429"]
    await admin("DELETE", "/faults/script", 204)
    assert sim.faults.scripts == []


async def test_request_log_and_counters(admin: Admin, api: Api) -> None:
    """Entries carry method, path, route, status, time; counters count per route template."""
    await api.get(HP)
    await api.get(HP)
    await api.get(api.device(HP))
    await api.get("/nope", 404)
    await api.get("/nope/either", 404)
    entry = (await admin("GET", "/requests"))[0]
    assert (entry["method"], entry["route"], entry["status"]) == ("GET", ROUTE, 200)
    assert (entry["at"], entry["path"]) == ("2026-01-15T11:00:00Z", api.path(f"/{HP}"))
    assert await admin("GET", "/counters") == {
        f"GET {ROUTE}": 2,
        f"GET {ROUTE}/{{heat_pump_id}}": 1,
        "GET <unmatched>": 2,
    }


async def test_request_log_can_be_cleared(
    admin: Admin, api: Api, sim: Simulator
) -> None:
    """``?clear=1`` after reading, DELETE, and counters ``?clear=1``."""
    await api.get(HP)
    assert len(await admin("GET", "/requests?clear=1")) == 1
    assert sim.requests() == []
    await api.get(HP)
    await admin("DELETE", "/requests", 204)
    assert sim.counters() == {}
    await api.get(HP)
    assert sum((await admin("GET", "/counters?clear=1")).values()) == 1
    assert sim.counters() == {}


def test_request_log_is_bounded_but_counters_exact(sim: Simulator) -> None:
    """Old entries fall out; counters keep counting."""
    log = sim.log.__class__(max_entries=3)
    for _ in range(5):
        log.start("GET", "/x", "/x", None)
    assert len(log.list()) == 3
    assert log.counters["GET /x"] == 5


async def test_revoke_one_and_all_tokens(admin: Admin, api: Api) -> None:
    """Revoke a given token, or all of them (the static one too) without a body."""
    token = api.sim.issue_token()
    revoked = await admin("POST", "/tokens/revoke", json={"token": token})
    assert revoked == {"revoked": 1}
    await api.get(HP, 401, token=token)
    await api.get(HP)
    await admin("POST", "/tokens/revoke")
    await api.get(HP, 401)


async def test_expire_tokens(admin: Admin, api: Api, sim: Simulator) -> None:
    """All issued tokens expire now; the static token keeps working."""
    token = sim.issue_token(user_id=sim.user_id)
    assert (await admin("POST", "/tokens/expire"))["expired"] == 1
    await api.get(HP, 401, token=token)
    await api.get(HP)


async def test_clock_advance_and_speed(admin: Admin) -> None:
    """``POST /_sim/clock`` advances time and changes the speed."""
    body = await admin("POST", "/clock", json={"advance_s": 90})
    assert body["now"] == "2026-01-15T11:01:30Z"
    assert (await admin("POST", "/clock", json={"speed": 10}))["speed"] == 10
    assert (await admin("GET", "/clock"))["advanced_s"] == 90


@pytest.mark.parametrize(("method", "path", "body"), BAD_REQUESTS)
async def test_bad_admin_requests_are_400(
    admin: Admin, api: Api, method: str, path: str, body: dict[str, Any]
) -> None:
    """Unknown names, kinds, types and users, bad numbers and flags → 400 ``error``."""
    path = path.format_map({kind: api.id(kind) for kind in KINDS})
    assert "error" in await admin(method, path, 400, json=body)


async def test_add_device_to_a_user(admin: Admin, api: Api) -> None:
    """A new device appears in the owner's list."""
    new = {"type": INV, "fields": {"comment": "new"}}
    body = await admin("POST", "/devices", 201, json=new)
    listed = await api.get(INV)
    assert listed[-1]["id"] == body["id"]
    assert body["comment"] == "new"
    assert body["building"] == listed[0]["building"]


async def test_add_device_in_a_new_building_for_another_user(
    admin: Admin, api: Api, sim: Simulator
) -> None:
    """``new_site`` and ``user_id`` choose where the device lives."""
    new = {"type": WB, "user_id": sim.second_user_id, "new_site": True}
    body = await admin("POST", "/devices", 201, json=new)
    listed = await api.get(api.path(f"/{WB}", sim.second_user_id))
    assert [device["id"] for device in listed] == [body["id"]]


async def test_delete_device_hard_and_soft(admin: Admin, api: Api) -> None:
    """Hard delete → 404; soft delete → ``deleted_at``; unknown id → 404."""
    hp_path, ev_path = api.device(HP), api.device(EV)
    await admin("DELETE", f"/devices/{api.id(HP)}", 204)
    await api.get(hp_path, 404)
    await admin("DELETE", f"/devices/{api.id(EV)}?soft=1", 204)
    ev = await api.get(ev_path, params={"include_deleted": "true"})
    assert ev["deleted_at"] == "2026-01-15T11:00:00Z"
    await admin("DELETE", "/devices/nothing", 404)


async def test_patch_overwrites_raw_fields(
    admin: Admin, api: Api, sim: Simulator
) -> None:
    """Unknown keys, odd enum values and wrong types reach clients verbatim."""
    raw = {
        "optimization_level": "Turbo", "new_field": 1, "current_mode": "eco",
        "minimum_temperature_limit": "cold", "connection_status": "error",
    }  # fmt: skip
    body = await admin("PATCH", f"/devices/{api.id(HP)}", json=raw)
    assert body.items() >= raw.items()
    assert (await api.get(HP))[0]["new_field"] == 1
    sim.advance(3600)
    assert sim.device_payload(api.id(HP))["current_power_consumption_w"] > 0
    sim.clear_overrides(api.id(HP))
    assert "new_field" not in sim.device_payload(api.id(HP))


@pytest.mark.parametrize(
    ("kind", "patch", "expected"),
    [
        (EV, {"battery_level": 30, "is_plugged_in": False}, {}),
        (HP, {"indoor_actual_temperature": 18.0, "dhw_temperature": 40.0}, {}),
        (INV, {"battery_charge_level_percent": 70}, {}),
        (
            WB,
            {"is_ocpp_connected": False, "is_plugged_in": False},
            {"connection": "offline", "mode": "UNKNOWN", "is_plugged_in": False},
        ),
        (WB, {"is_authenticated": False}, {"mode": "UNAVAILABLE"}),
    ],
    ids=["ev-soc-plug", "hp-temperatures", "inverter-soc", "wallbox-ocpp", "wb-auth"],
)
async def test_patch_live_state(
    admin: Admin, api: Api, kind: str, patch: dict[str, Any], expected: dict[str, Any]
) -> None:
    """Raw PATCH of live values changes the model (and what follows from it, if given)."""
    body = await admin("PATCH", f"/devices/{api.id(kind)}", json=patch)
    wanted = (expected or patch).items()
    assert body.items() >= wanted
    assert api.sim.device_payload(api.id(kind)).items() >= wanted


async def test_patch_with_non_object_is_422(admin: Admin, api: Api) -> None:
    """The PATCH body must be an object."""
    await admin("PATCH", f"/devices/{api.id(HP)}", 422, json=[1])


async def test_plug_endpoint(admin: Admin, api: Api) -> None:
    """``POST /_sim/devices/{id}/plug`` plugs a charger in or out."""
    plug = {"plugged_in": False}
    body = await admin("POST", f"/devices/{api.id(EV)}/plug", json=plug)
    assert (body["is_plugged_in"], body["boost_state"]) == (False, "unavailable")


async def test_energy_endpoint(admin: Admin, api: Api) -> None:
    """``GET /_sim/devices/{id}/energy`` answers the true energy; ``from`` is required."""
    path = f"/devices/{api.id(HP)}/energy?series=estimated_consumption"
    day = "&from=2026-01-14T11:00:00Z&to=2026-01-15T11:00:00Z"
    assert (await admin("GET", path + day))["wh"] > 1000
    await admin("GET", path, 400)
