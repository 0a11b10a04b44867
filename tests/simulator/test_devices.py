"""Device list, detail and partial update (PUT) for the four device types."""

import pytest

from podero_simulator import Simulator

from .helpers import EV, HP, INV, KINDS, WB, Api

UNKNOWN = "00000000-0000-4000-8000-000000000000"
BUILDING = "11111111-2222-4333-8444-555555555555"
POLICY_STAMP = {"charge_policy_last_updated_at": "2026-01-15T11:00:00Z"}


@pytest.mark.parametrize("kind", KINDS)
async def test_list_holds_the_households_devices_and_detail_adds_actions(
    api: Api, sim: Simulator, kind: str
) -> None:
    """A list endpoint returns the household's objects; detail adds ``actions`` (empty)."""
    devices = await api.get(kind)
    assert [device["id"] for device in devices] == [api.id(kind)]
    assert devices[0]["owner"]["id"] == sim.user_id
    detail = await api.get(api.device(kind))
    assert detail == devices[0] | {"actions": []}
    assert detail["action_needed"] is False


async def test_demo_devices_have_stable_ids_and_models(api: Api) -> None:
    """The demo household is the same in every run."""
    hp, ev, inv = [(await api.get(kind))[0] for kind in (HP, EV, INV)]
    assert hp["id"] == "a1c3e5f7-0b2d-4f6a-8c1e-3a5b7c9d1e2f"
    assert (hp["device_model"]["model"], hp["price_zone"]) == ("S2125-8", "AT")
    assert ev["device_model"]["manufacturer"] == "Tesla"
    assert inv["device_model"]["model"] == "Symo GEN24 10.0 Plus"


async def test_unauthenticated_device_needs_reauthentication(api: Api) -> None:
    """``is_authenticated`` false → ``action_needed`` and a ``reauthenticate`` cue."""
    api.sim.patch_device(api.id(HP), {"is_authenticated": False})
    detail = await api.get(api.device(HP))
    assert detail["action_needed"] is True
    action = detail["actions"][0]
    assert action["code"] == "reauthenticate"
    required = action["resolution_link"]["required_parameters"]
    assert required == ["successUrl", "cancelUrl"]


@pytest.mark.parametrize("kind", [HP, EV], ids=["unknown-id", "ev-id-on-hp-path"])
async def test_unknown_device_or_wrong_type_is_404(api: Api, kind: str) -> None:
    """A well-formed unknown id, or an EV id on the heat-pump path → 404."""
    ids = {HP: UNKNOWN, EV: api.id(EV)}
    assert await api.get(f"{HP}/{ids[kind]}", 404) == {"detail": "Not Found"}


async def test_non_uuid_device_id_is_422(api: Api) -> None:
    """Django Ninja rejects a non-UUID path id with 422."""
    body = await api.get(f"{HP}/123", 422)
    assert body["detail"][0]["loc"] == ["path", "heat_pump_id"]


async def test_soft_deleted_device_is_hidden_unless_included(api: Api) -> None:
    """``deleted_at`` hides a device from list, detail and PUT unless ``include_deleted``."""
    api.sim.remove_device(api.id(HP), soft=True)
    assert await api.get(HP) == []
    await api.get(api.device(HP), 404)
    await api.put(api.device(HP), {"comment": "x"}, 404)
    included = {"include_deleted": "true"}
    assert (await api.get(HP, params=included))[0]["deleted_at"] is not None
    assert (await api.get(api.device(HP), params=included))["id"] == api.id(HP)


async def test_put_changes_only_the_sent_fields(api: Api, sim: Simulator) -> None:
    """PUT answers 200 with the whole object: the sent field and ``updated_at`` change."""
    sim.advance(60)
    before = await api.get(api.device(HP))
    after = await api.put(api.device(HP), {"optimization_level": "Max"})
    changed = {"optimization_level": "Max", "updated_at": "2026-01-15T11:01:00Z"}
    assert after == before | changed
    assert await api.get(api.device(HP)) == after


async def test_put_ignores_unknown_and_read_only_fields(api: Api) -> None:
    """Unknown and read-only keys are ignored (pydantic default) and noted in the log."""
    body = await api.put(
        api.device(EV), {"battery_level": 5, "colour": "red", "charge_target_min": 40}
    )
    assert body["battery_level"] == 62
    assert "colour" not in body
    assert body["charge_target_min"] == 40
    assert api.sim.requests()[-1]["ignored_fields"] == ["battery_level", "colour"]


async def test_put_deleted_at_soft_deletes(api: Api) -> None:
    """Setting ``deleted_at`` via PUT hides the device from the list."""
    await api.put(api.device(WB), {"deleted_at": "2026-01-15T11:00:00+00:00"})
    assert await api.get(WB) == []


@pytest.mark.parametrize(
    ("kind", "sent", "stored"),
    [
        (INV, {"building_id": BUILDING}, {"building": BUILDING}),
        (
            HP,
            {"away_mode_start": "2026-02-01T08:00:00+01:00"},
            {"away_mode_start": "2026-02-01T07:00:00Z"},
        ),
        (
            EV,
            {"charge_deadline_at": "06:30"},
            {"charge_deadline_at": "06:30"} | POLICY_STAMP,
        ),
    ],
    ids=["building-id", "utc-z", "policy-stamp"],
)
async def test_put_stores_fields_in_the_api_shape(
    api: Api, kind: str, sent: dict[str, str], stored: dict[str, str]
) -> None:
    """``building_id`` sets ``building``, datetimes become UTC ``Z``, policy edits stamp."""
    assert (await api.put(api.device(kind), sent)).items() >= stored.items()


async def test_put_with_invalid_json_is_400(api: Api) -> None:
    """A body that is not JSON → 400 ``Cannot parse request body``."""
    headers = {"Content-Type": "application/json"}
    response = await api.request("PUT", api.device(HP), data="{", headers=headers)
    assert response.status == 400
    assert await response.json() == {"detail": "Cannot parse request body"}


async def test_put_with_non_object_body_is_422(api: Api) -> None:
    """A JSON array body fails validation at ``["body"]``."""
    body = await api.put(api.device(HP), [1, 2], 422)
    assert body["detail"][0]["loc"] == ["body"]
