"""Users endpoints."""

from podero_simulator import Simulator

from .helpers import Api

USER_KEYS = {
    "id", "external_user_id", "role", "email", "first_name", "last_name", "street_and_number",
    "street_add_info", "zip_code", "town", "country", "latitude", "longitude",
    "location_last_updated", "deleted_at",
}  # fmt: skip


async def test_user_list_has_the_household_and_a_user_without_devices(api: Api) -> None:
    """The demo organisation lists two active users."""
    users = await api.get(api.org_path("/users"))
    assert [user["id"] for user in users] == [api.sim.user_id, api.sim.second_user_id]
    assert set(users[0]) == USER_KEYS


async def test_get_user_returns_the_user_object(api: Api) -> None:
    """``GET /users/{id}`` answers the user's profile."""
    user = await api.get(api.path())
    assert (user["email"], user["zip_code"]) == ("peter@example.com", "1010")


async def test_deleted_user_is_hidden_unless_included(api: Api, sim: Simulator) -> None:
    """A soft-deleted user is hidden from list and detail unless ``include_deleted``."""
    path = api.path(user_id=sim.deleted_user_id)
    await api.get(path, 404)
    assert (await api.get(path, params={"include_deleted": "1"}))["deleted_at"]
    users = await api.get(api.org_path("/users"), params={"include_deleted": "true"})
    deleted = [user["id"] for user in users if user["deleted_at"] is not None]
    assert deleted == [sim.deleted_user_id]


async def test_bad_include_deleted_is_422(api: Api) -> None:
    """A non-boolean ``include_deleted`` fails validation."""
    params = {"include_deleted": "maybe"}
    body = await api.get(api.org_path("/users"), 422, params=params)
    assert body["detail"][0]["loc"] == ["query", "include_deleted"]
