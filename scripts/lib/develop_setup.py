"""Bring a started Home Assistant to where the demo needs it, over its own APIs.

Each step is idempotent, so a persistent config dir can be reused:

1. onboarding over `/api/onboarding/*` (a local admin user, printed), or a login over
   `/auth/login_flow` when the config dir is already onboarded;
2. confirming the HTTP settings Home Assistant took over from configuration.yaml (websocket
   `http/config/promote`);
3. the Podero config flow over `/api/config/config_entries/flow` against the simulator (any
   existing Podero entry is removed first: the simulator starts afresh every time), then the
   options flow with the shortest scan interval so the dashboard moves.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scripts.lib.develop_client import HomeAssistantApi, HttpStatusError
from scripts.lib.develop_common import (
    HEAT_PUMP_SWITCH,
    PASSWORD,
    USER_NAME,
    USERNAME,
    DemoError,
    log,
)
from scripts.lib.develop_processes import Watched, wait_for

# Repair issues about `http:` in configuration.yaml, which the demo keeps deliberately.
HTTP_YAML_ISSUES = ("deprecated_yaml", "yaml_still_present_after_migration")
MIN_SCAN_INTERVAL_S = 30
FLOW = "/api/config/config_entries/flow"
OPTIONS_FLOW = "/api/config/config_entries/options/flow"


# -- onboarding and login


def authenticate(ha: HomeAssistantApi, config_dir: Path) -> None:
    """Onboard Home Assistant or log in as the demo user; leave the access token in ha."""
    client_id = f"{ha.base_url}/"
    try:
        steps = {s["step"]: s["done"] for s in ha.get("/api/onboarding")}
    except HttpStatusError as err:
        if err.status != 404:
            raise
        steps = {}  # onboarded: the onboarding views are gone
    if steps and not steps.get("user"):
        log(f"onboarding: creating the user {USERNAME!r}")
        answer = ha.post(
            "/api/onboarding/users",
            {
                "client_id": client_id,
                "name": USER_NAME,
                "username": USERNAME,
                "password": PASSWORD,
                "language": "en",
            },
        )
        _exchange(ha, answer["auth_code"])
    else:
        _login(ha, config_dir)
    for step in ("core_config", "analytics", "integration"):
        if steps and not steps.get(step):
            body = (
                {
                    "client_id": client_id,
                    "redirect_uri": f"{ha.base_url}/?auth_callback=1",
                }
                if step == "integration"
                else {}
            )
            ha.post(f"/api/onboarding/{step}", body)
    if steps:
        log("onboarding done")


def _login(ha: HomeAssistantApi, config_dir: Path) -> None:
    """Log in as the demo user through the login flow (an onboarded config dir)."""
    client_id = f"{ha.base_url}/"
    flow = ha.post(
        "/auth/login_flow",
        {
            "client_id": client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{ha.base_url}/?auth_callback=1",
        },
    )
    result = ha.post(
        f"/auth/login_flow/{flow['flow_id']}",
        {"client_id": client_id, "username": USERNAME, "password": PASSWORD},
    )
    if result.get("type") != "create_entry":
        raise DemoError(
            f"cannot log in as {USERNAME!r} to the existing {config_dir}: "
            f"{result.get('errors')}; run `scripts/develop --reset` to start from scratch"
        )
    _exchange(ha, result["result"])


def _exchange(ha: HomeAssistantApi, code: str) -> None:
    """Trade an authorization code for the access token."""
    token = ha.post(
        "/auth/token",
        form={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": f"{ha.base_url}/",
        },
    )
    ha.token = token["access_token"]


# -- the HTTP settings


def confirm_http_config(ha: HomeAssistantApi) -> None:
    """Confirm the HTTP settings taken over from configuration.yaml.

    Since 2026.10 Home Assistant moves `http:` from YAML into storage on the first start, as
    a *pending* configuration that it reverts (to all interfaces, port 8123) and restarts
    for unless an admin confirms it within five minutes. It also raises a repair issue
    asking to remove `http:` from the YAML; the demo keeps it on purpose (that is how a
    temporary config dir gets its free port, bound to loopback from the first start), so
    the issue is dismissed.
    """
    answer, issues = ha.ask({"type": "http/config"}, {"type": "repairs/list_issues"})
    dismiss = [
        {
            "type": "repairs/ignore_issue",
            "domain": "http",
            "issue_id": issue["issue_id"],
            "ignore": True,
        }
        for issue in (issues.get("result") or {}).get("issues", [])
        if issue["domain"] == "http"
        and issue["issue_id"] in HTTP_YAML_ISSUES
        and not issue.get("ignored")
    ]
    if dismiss:
        ha.ask(*dismiss)
    if not answer["success"]:
        return  # a release without the HTTP config store
    config = answer["result"]
    pending = config.get("pending")
    if (
        config.get("active_config_type") == "pending"
        and pending
        and not pending.get("error")
    ):
        (promoted,) = ha.ask({"type": "http/config/promote"})
        if not promoted["success"]:
            raise DemoError(
                f"cannot confirm the HTTP configuration: {promoted['error']}"
            )
        host = pending.get("server_host") or "all interfaces"
        if isinstance(host, list):
            host = ", ".join(host)
        log(
            "confirmed the HTTP settings of configuration.yaml "
            f"({host}, port {pending.get('server_port')})"
        )


# -- the integration


def set_up_podero(
    ha: HomeAssistantApi, credentials: Mapping[str, Any], *, watch: Watched
) -> str:
    """Add Podero through its config flow against the simulator; return the entry id."""
    for entry in ha.podero_entries():
        log(f"removing the Podero entry of an earlier run ({entry['title']})")
        ha.request("DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}")
    answers = {
        "user": {
            "environment": "custom",
            "base_url": credentials["base_url"],
            "auth_method": "api_token",
            "org_id": credentials["org_id"],
        },
        "api_token": {"api_token": credentials["token"]},
        "user_select": {"user_id": credentials["user_id"]},
    }
    result = ha.post(FLOW, {"handler": "podero"})
    result = _drive_flow(ha, FLOW, result, answers)
    entry = result["result"]
    entry_id = str(entry["entry_id"])
    if entry.get("state") != "loaded":
        raise DemoError(f"the Podero entry did not load: {entry}")
    log(f"Podero set up through the config flow: {result['title']}")
    _set_scan_interval(ha, entry_id, watch=watch)
    return entry_id


def _drive_flow(
    ha: HomeAssistantApi,
    path: str,
    result: dict[str, Any],
    answers: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    """Answer each form of a data-entry flow until it creates an entry."""
    seen = set()
    while result.get("type") == "form":
        step = result["step_id"]
        if result.get("errors"):
            raise DemoError(f"{path} step {step!r} failed: {result['errors']}")
        if step in seen or step not in answers:
            raise DemoError(f"{path}: unexpected step {step!r}: {result}")
        seen.add(step)
        result = ha.post(f"{path}/{result['flow_id']}", dict(answers[step]))
    if result.get("type") != "create_entry":
        raise DemoError(f"{path} ended with {result.get('type')}: {result}")
    return result


def _set_scan_interval(ha: HomeAssistantApi, entry_id: str, *, watch: Watched) -> None:
    """Options flow: the shortest scan interval; every other option keeps its default."""
    form = ha.post(OPTIONS_FLOW, {"handler": entry_id})
    answer = {
        item["name"]: item["default"]
        for item in form.get("data_schema", [])
        if "default" in item
    }
    answer["scan_interval"] = MIN_SCAN_INTERVAL_S
    _drive_flow(ha, OPTIONS_FLOW, form, {"init": answer})
    log(f"scan interval set to {MIN_SCAN_INTERVAL_S} s (options flow)")
    wait_for(
        "the Podero entry to reload",
        lambda: (
            any(
                e["entry_id"] == entry_id and e["state"] == "loaded"
                for e in ha.podero_entries()
            )
            and ha.state(HEAT_PUMP_SWITCH) not in (None, "unavailable")
        ),
        timeout=60,
        procs=watch,
    )
