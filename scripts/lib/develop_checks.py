"""`scripts/develop --check`: verify a running demo over Home Assistant's and the simulator's APIs.

`check` returns one JSON-ready dict: the Podero entities and the dashboard's entities, the
integrations configuration.yaml loads, what the frontend asks before it shows a dashboard, the
Energy dashboard's statistics, a switch round trip to the simulator and the integration's
errors in Home Assistant's log. `ok` is true only when every part is.
"""

from __future__ import annotations

import contextlib
from typing import Any

from scripts.lib.develop_client import HomeAssistantApi, SimulatorApi
from scripts.lib.develop_common import DASHBOARD_URL_PATH, HEAT_PUMP_SWITCH, DemoError
from scripts.lib.develop_config import (
    configured_domains,
    dashboard_entities,
    podero_log_errors,
)
from scripts.lib.develop_demo import Demo
from scripts.lib.develop_energy import referenced_statistics, validation_issues
from scripts.lib.develop_processes import wait_for

# How far back `--check` looks for hourly rows of the Energy dashboard's statistics.
CHECK_HOURS = 48


def round_trip(ha: HomeAssistantApi, sim: SimulatorApi) -> dict[str, Any]:
    """Toggle the heat pump's smart optimization off and on over HA's REST API.

    Each call must reach the simulator as a PUT of the heat pump, change the simulator's
    device and come back as the entity's state.
    """
    device_id, payload = sim.device("heat-pumps")
    result: dict[str, Any] = {
        "entity": HEAT_PUMP_SWITCH,
        "device": device_id,
        "steps": [],
    }
    start = payload["is_smart_optimization_active"]
    for want in (not start, start):
        sim.forget_requests()
        service = "turn_on" if want else "turn_off"
        ha.post(f"/api/services/switch/{service}", {"entity_id": HEAT_PUMP_SWITCH})
        puts = sim.requests("PUT", f"/heat-pumps/{device_id}")
        _, payload = sim.device("heat-pumps")
        expected = "on" if want else "off"
        with contextlib.suppress(DemoError):
            wait_for(
                f"{HEAT_PUMP_SWITCH} to become {expected}",
                lambda expected=expected: ha.state(HEAT_PUMP_SWITCH) == expected,
                timeout=30,
            )
        step = {
            "service": f"switch.{service}",
            "simulator_puts": [r["status"] for r in puts],
            "simulator_value": payload["is_smart_optimization_active"],
            "ha_state": ha.state(HEAT_PUMP_SWITCH),
        }
        step["ok"] = (
            bool(puts)
            and all(r["status"] == 200 for r in puts)
            and payload["is_smart_optimization_active"] is want
            and step["ha_state"] == expected
        )
        result["steps"].append(step)
    result["ok"] = all(step["ok"] for step in result["steps"])
    return result


def frontend(ha: HomeAssistantApi) -> dict[str, Any]:
    """Ask the websocket API what the frontend asks before it shows a dashboard.

    `get_services` fails when an integration's requirements are missing (the UI then never
    leaves "Loading..."), and `lovelace/config` returns the Podero dashboard as Home Assistant
    parsed it from config/dashboards/.
    """
    services, dashboard, listed = ha.ask(
        {"type": "get_services"},
        {"type": "lovelace/config", "url_path": DASHBOARD_URL_PATH},
        {"type": "lovelace/dashboards/list"},
    )
    views = dashboard.get("result", {}).get("views", []) if dashboard["success"] else []
    cards = sum(
        len(section.get("cards", []))
        for view in views
        for section in view.get("sections", [])
    )
    result = {
        "services": services["success"] and len(services["result"]),
        "dashboard_listed": any(
            d.get("url_path") == DASHBOARD_URL_PATH for d in listed.get("result") or []
        ),
        "dashboard_views": len(views),
        "dashboard_cards": cards,
    }
    if not services["success"]:
        result["services_error"] = services.get("error")
    if not dashboard["success"]:
        result["dashboard_error"] = dashboard.get("error")
    result["ok"] = bool(result["services"] and result["dashboard_listed"] and cards)
    return result


def energy_dashboard(ha: HomeAssistantApi) -> dict[str, Any]:
    """Check the Energy dashboard's settings: Podero statistics with recent hourly data.

    Every `podero:` statistic the Energy settings refer to must have rows in the last
    CHECK_HOURS hours, and `energy/validate` (the settings page's checks) must find no issue.
    """
    prefs, validation = ha.ask(
        {"type": "energy/get_prefs"}, {"type": "energy/validate"}
    )
    used = {
        s
        for s in referenced_statistics(prefs.get("result") or {})
        if s.startswith("podero:")
    }
    rows = ha.hourly_rows(used, CHECK_HOURS)
    result: dict[str, Any] = {
        "energy_statistics": sum(1 for count in rows.values() if count),
        "energy_hours": sum(rows.values()),
        "energy_statistics_empty": sorted(s for s, count in rows.items() if not count),
        "energy_issues": validation_issues(validation.get("result") or {}),
    }
    result["ok"] = bool(
        result["energy_statistics"]
        and not result["energy_statistics_empty"]
        and not result["energy_issues"]
    )
    return result


def check(demo: Demo) -> dict[str, Any]:
    """Verify the running demo over HTTP; return the result (ok: bool)."""
    ha = demo.ha
    config = ha.get("/api/config")
    entities = ha.podero_entities()
    states = {s["entity_id"]: s["state"] for s in ha.get("/api/states")}
    referenced = dashboard_entities()
    wanted = [e for e in referenced if ":" not in e]
    # External statistics (`podero:...`): the demo waited for the first import.
    missing = [e for e in wanted if e not in states] + sorted(
        {e for e in referenced if ":" in e} - ha.imported_statistics()
    )
    unavailable = sorted(e for e in entities if states.get(e) == "unavailable")
    components = set(config.get("components", []))
    missing_components = sorted(configured_domains(demo.config_dir) - components)
    ui = frontend(ha)
    energy = energy_dashboard(ha)
    trip = round_trip(ha, demo.sim)
    errors = podero_log_errors(demo.config_dir)
    result: dict[str, Any] = {
        "ok": False,
        "ha_version": config.get("version"),
        "podero_entities": len(entities),
        "unavailable_entities": unavailable,
        "dashboard_entities": len(wanted),
        "dashboard_statistics": len(referenced) - len(wanted),
        "dashboard_missing": missing,
        "components_missing": missing_components,
        "frontend": ui,
        **{key: value for key, value in energy.items() if key != "ok"},
        "round_trip": trip,
        "podero_log_errors": errors,
    }
    result["ok"] = bool(
        entities
        and not missing
        and not unavailable
        and not missing_components
        and ui["ok"]
        and energy["ok"]
        and trip["ok"]
        and not errors
    )
    return result
