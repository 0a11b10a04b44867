"""Device list, detail and partial update (PUT) for the four device types."""

from __future__ import annotations

import pytest

from podero_simulator import Simulator

from .helpers import Api, device_id

KINDS = ("heat-pumps", "electric-vehicles", "inverters", "wallboxes")


@pytest.mark.parametrize("kind", KINDS)
async def test_list_is_a_plain_array_of_the_households_devices(
    api: Api, sim: Simulator, kind: str
) -> None:
    """Each list endpoint returns one object for the demo household, without ``actions``."""
    devices = await api.get(kind)
    assert [device["id"] for device in devices] == [device_id(sim, kind)]
    assert "actions" not in devices[0]
    assert devices[0]["owner"]["id"] == sim.user_id


@pytest.mark.parametrize("kind", KINDS)
async def test_detail_adds_actions(api: Api, sim: Simulator, kind: str) -> None:
    """Detail = list object + ``actions`` (empty while authenticated)."""
    detail = await api.get(f"{kind}/{device_id(sim, kind)}")
    assert detail["actions"] == []
    assert detail["action_needed"] is False


async def test_demo_devices_have_stable_ids_and_models(api: Api) -> None:
    """The demo household is the same in every run."""
    models = {kind: (await api.get(kind))[0] for kind in KINDS}
    assert models["heat-pumps"]["id"] == "a1c3e5f7-0b2d-4f6a-8c1e-3a5b7c9d1e2f"
    assert models["electric-vehicles"]["device_model"]["manufacturer"] == "Tesla"
    assert models["inverters"]["device_model"]["model"] == "Symo GEN24 10.0 Plus"
    assert models["heat-pumps"]["price_zone"] == "AT"


async def test_unauthenticated_device_needs_reauthentication(
    api: Api, sim: Simulator
) -> None:
    """``is_authenticated`` false → ``action_needed`` and a ``reauthenticate`` cue."""
    hp = device_id(sim, "heat-pumps")
    sim.patch_device(hp, {"is_authenticated": False})
    detail = await api.get(f"heat-pumps/{hp}")
    assert detail["action_needed"] is True
    assert detail["actions"][0]["code"] == "reauthenticate"
    assert detail["actions"][0]["resolution_link"]["required_parameters"] == [
        "successUrl",
        "cancelUrl",
    ]


async def test_unknown_device_is_404(api: Api) -> None:
    """A well-formed unknown id → 404."""
    assert await api.get("heat-pumps/00000000-0000-4000-8000-000000000000", 404) == {
        "detail": "Not Found"
    }


async def test_device_under_the_wrong_type_is_404(api: Api, sim: Simulator) -> None:
    """An EV id on the heat-pump path is not found."""
    await api.get(f"heat-pumps/{device_id(sim, 'electric-vehicles')}", 404)


async def test_non_uuid_device_id_is_422(api: Api) -> None:
    """Django Ninja rejects a non-UUID path id with 422."""
    body = await api.get("heat-pumps/123", 422)
    assert body["detail"][0]["loc"] == ["path", "heat_pump_id"]


async def test_soft_deleted_device_is_hidden_unless_included(
    api: Api, sim: Simulator
) -> None:
    """``deleted_at`` hides a device from list and detail unless ``include_deleted``."""
    hp = device_id(sim, "heat-pumps")
    sim.remove_device(hp, soft=True)
    assert await api.get("heat-pumps") == []
    await api.get(f"heat-pumps/{hp}", 404)
    listed = await api.get("heat-pumps", params={"include_deleted": "true"})
    assert listed[0]["deleted_at"] is not None
    assert (await api.get(f"heat-pumps/{hp}", params={"include_deleted": "true"}))[
        "id"
    ] == hp


async def test_put_changes_only_the_sent_fields(api: Api, sim: Simulator) -> None:
    """Partial update: one field changes, everything else stays as it was."""
    hp = device_id(sim, "heat-pumps")
    before = await api.get(f"heat-pumps/{hp}")
    after = await api.put(f"heat-pumps/{hp}", {"optimization_level": "Max"})
    assert after["optimization_level"] == "Max"
    for key in (
        "minimum_temperature_limit",
        "dhw_standard_temperature",
        "is_smart_optimization_active",
    ):
        assert after[key] == before[key]
    assert (await api.get(f"heat-pumps/{hp}"))["optimization_level"] == "Max"


async def test_put_returns_the_full_object_with_updated_at(
    api: Api, sim: Simulator
) -> None:
    """PUT answers 200 with the whole updated object."""
    hp = device_id(sim, "heat-pumps")
    sim.advance(60)
    body = await api.put(f"heat-pumps/{hp}", {"comment": "hello"})
    assert body["comment"] == "hello"
    assert body["updated_at"] == "2026-01-15T11:01:00Z"
    assert "actions" in body


async def test_put_ignores_unknown_and_read_only_fields(
    api: Api, sim: Simulator
) -> None:
    """Unknown and read-only keys are ignored (pydantic default) and noted in the log."""
    ev = device_id(sim, "electric-vehicles")
    body = await api.put(
        f"electric-vehicles/{ev}",
        {"battery_level": 5, "colour": "red", "charge_target_min": 40},
    )
    assert body["battery_level"] == 62
    assert "colour" not in body
    assert body["charge_target_min"] == 40
    assert sim.requests()[-1]["ignored_fields"] == ["battery_level", "colour"]


async def test_put_building_id_moves_the_building_reference(
    api: Api, sim: Simulator
) -> None:
    """``building_id`` in the body sets ``building``."""
    building = "11111111-2222-4333-8444-555555555555"
    body = await api.put(
        f"inverters/{device_id(sim, 'inverters')}", {"building_id": building}
    )
    assert body["building"] == building


async def test_put_deleted_at_soft_deletes(api: Api, sim: Simulator) -> None:
    """Setting ``deleted_at`` via PUT hides the device from the list."""
    wb = device_id(sim, "wallboxes")
    await api.put(f"wallboxes/{wb}", {"deleted_at": "2026-01-15T11:00:00+00:00"})
    assert await api.get("wallboxes") == []


async def test_put_normalises_datetimes_to_utc_z(api: Api, sim: Simulator) -> None:
    """Datetimes are stored and echoed as UTC with ``Z``."""
    hp = device_id(sim, "heat-pumps")
    body = await api.put(
        f"heat-pumps/{hp}", {"away_mode_start": "2026-02-01T08:00:00+01:00"}
    )
    assert body["away_mode_start"] == "2026-02-01T07:00:00Z"


async def test_put_charge_deadline_updates_policy_timestamp(
    api: Api, sim: Simulator
) -> None:
    """Changing an EV charge-policy field stamps ``charge_policy_last_updated_at``."""
    ev = device_id(sim, "electric-vehicles")
    body = await api.put(f"electric-vehicles/{ev}", {"charge_deadline_at": "06:30"})
    assert body["charge_deadline_at"] == "06:30"
    assert body["charge_policy_last_updated_at"] == "2026-01-15T11:00:00Z"


async def test_put_to_deleted_device_is_404(api: Api, sim: Simulator) -> None:
    """A soft-deleted device cannot be updated."""
    hp = device_id(sim, "heat-pumps")
    sim.remove_device(hp, soft=True)
    await api.put(f"heat-pumps/{hp}", {"comment": "x"}, 404)


async def test_put_with_invalid_json_is_400(api: Api, sim: Simulator) -> None:
    """A body that is not JSON → 400 ``Cannot parse request body``."""
    response = await api.request(
        "PUT",
        f"heat-pumps/{device_id(sim, 'heat-pumps')}",
        data="{",
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 400
    assert await response.json() == {"detail": "Cannot parse request body"}


async def test_put_with_non_object_body_is_422(api: Api, sim: Simulator) -> None:
    """A JSON array body fails validation at ``["body"]``."""
    body = await api.put(f"heat-pumps/{device_id(sim, 'heat-pumps')}", [1, 2], 422)
    assert body["detail"][0]["loc"] == ["body"]
