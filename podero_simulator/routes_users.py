"""Users endpoints."""

from __future__ import annotations

from aiohttp import web

from .api import (
    PREFIX,
    authenticate,
    bool_param,
    caller,
    check_org,
    json_response,
    path_uuids,
    simulator,
)


async def list_users(request: web.Request) -> web.Response:
    """``GET /org/{org_id}/users``; an end-user token only sees itself."""
    token = authenticate(request)
    org_id = path_uuids(request, "org_id")["org_id"]
    check_org(token, org_id)
    include_deleted = bool_param(request, "include_deleted")
    users = [
        user
        for user in simulator(request).world.org_users(org_id)
        if (include_deleted or user.deleted_at is None)
        and (token.user_id is None or user.id == token.user_id)
    ]
    return json_response([user.payload() for user in users])


async def get_user(request: web.Request) -> web.Response:
    """``GET /org/{org_id}/users/{user_id}``."""
    return json_response(caller(request).user.payload())


def add_routes(router: web.UrlDispatcher) -> None:
    """Register the users endpoints."""
    router.add_get(PREFIX + "/org/{org_id}/users", list_users)
    router.add_get(PREFIX + "/org/{org_id}/users/{user_id}", get_user)
