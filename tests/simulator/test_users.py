"""Users endpoints."""

from __future__ import annotations

from podero_simulator import Simulator

from .helpers import PREFIX, Api

USER_KEYS = {
    "id", "external_user_id", "role", "email", "first_name", "last_name", "street_and_number",
    "street_add_info", "zip_code", "town", "country", "latitude", "longitude",
    "location_last_updated", "deleted_at",
}  # fmt: skip


async def test_user_list_has_the_household_and_a_user_without_devices(
    api: Api, sim: Simulator
) -> None:
    """The demo organisation lists two active users."""
    users = await api.get(f"{PREFIX}/org/{sim.org_id}/users")
    assert [user["id"] for user in users] == [sim.user_id, sim.second_user_id]
    assert set(users[0]) == USER_KEYS


async def test_user_list_includes_deleted_on_request(api: Api, sim: Simulator) -> None:
    """``include_deleted=true`` adds the soft-deleted user."""
    users = await api.get(
        f"{PREFIX}/org/{sim.org_id}/users", params={"include_deleted": "true"}
    )
    deleted = [user for user in users if user["deleted_at"] is not None]
    assert [user["id"] for user in deleted] == [sim.deleted_user_id]


async def test_get_user_returns_the_user_object(api: Api, sim: Simulator) -> None:
    """``GET /users/{id}``."""
    user = await api.get(api.user_path)
    assert user["email"] == "peter@example.com"
    assert user["zip_code"] == "1010"


async def test_deleted_user_is_404_unless_included(api: Api, sim: Simulator) -> None:
    """A soft-deleted user is hidden from the detail endpoint by default."""
    path = f"{PREFIX}/org/{sim.org_id}/users/{sim.deleted_user_id}"
    await api.get(path, 404)
    assert (await api.get(path, params={"include_deleted": "1"}))[
        "deleted_at"
    ] is not None


async def test_bad_include_deleted_is_422(api: Api, sim: Simulator) -> None:
    """A non-boolean ``include_deleted`` fails validation."""
    body = await api.get(
        f"{PREFIX}/org/{sim.org_id}/users", 422, params={"include_deleted": "maybe"}
    )
    assert body["detail"][0]["loc"] == ["query", "include_deleted"]


async def test_user_without_devices_has_empty_lists(api: Api, sim: Simulator) -> None:
    """The second user owns nothing."""
    path = f"{PREFIX}/org/{sim.org_id}/users/{sim.second_user_id}/electric-vehicles"
    assert await api.get(path) == []
