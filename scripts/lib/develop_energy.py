"""Home Assistant's Energy dashboard, fed by the statistics Podero's integration imports.

The demo saves the Energy settings its settings page would (websocket `energy/save_prefs`):
grid, solar and home battery from the inverter's statistics, the heat pump and the EV as
devices. It waits for the integration's first energy-history import (a minute after setup)
and leaves Energy settings that exist already alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from scripts.lib.develop_client import HomeAssistantApi, SimulatorApi
from scripts.lib.develop_common import DemoError, log
from scripts.lib.develop_config import HA_LOG, podero_log_errors
from scripts.lib.develop_processes import Watched, wait_for

# The Podero series the Energy dashboard uses, by role: (simulator device kind, series key of
# custom_components/podero/statistics.py SERIES).
ENERGY_SERIES = {
    "grid_import": ("inverters", "grid_import"),
    "grid_export": ("inverters", "grid_export"),
    "grid_cost": ("inverters", "grid_cost"),
    "solar": ("inverters", "solar_production"),
    "battery_charge": ("inverters", "battery_charge"),
    "battery_discharge": ("inverters", "battery_discharge"),
    "heat_pump": ("heat-pumps", "consumption"),
    "ev": ("electric-vehicles", "charged_energy"),
}
# The integration's first import starts a minute after setup (HISTORY_FIRST_RUN) and takes
# seconds; the rest is room for a slow machine.
STATISTICS_TIMEOUT_S = 240.0


def statistic_id(device_id: str, series: str) -> str:
    """The external statistic id the integration imports a device's series under.

    The scheme of custom_components/podero/statistics.py, restated so the script does not import
    Home Assistant: `podero:<device id, lower case, `_` for `-`>_<series>`.
    """
    return f"podero:{device_id.replace('-', '_').lower()}_{series}"


def energy_statistics(sim: SimulatorApi) -> dict[str, str]:
    """The statistic id of each ENERGY_SERIES role, for the simulator's devices."""
    devices = {kind: sim.device(kind)[0] for kind, _ in ENERGY_SERIES.values()}
    return {
        role: statistic_id(devices[kind], series)
        for role, (kind, series) in ENERGY_SERIES.items()
    }


def energy_prefs(ids: Mapping[str, str]) -> dict[str, Any]:
    """The Energy settings (`energy/save_prefs`) for Podero's statistics, by ENERGY_SERIES role."""
    return {
        "energy_sources": [
            {
                "type": "grid",
                "stat_energy_from": ids["grid_import"],
                "stat_energy_to": ids["grid_export"],
                # Imports priced at Podero's spot price; exports have no tariff in its data.
                "stat_cost": ids["grid_cost"],
                "stat_compensation": None,
                "cost_adjustment_day": 0,
            },
            {
                "type": "solar",
                "stat_energy_from": ids["solar"],
                "config_entry_solar_forecast": None,
            },
            # Without the battery its flows would count as home consumption.
            {
                "type": "battery",
                "stat_energy_from": ids["battery_discharge"],
                "stat_energy_to": ids["battery_charge"],
            },
        ],
        "device_consumption": [
            {"stat_consumption": ids["heat_pump"]},
            {"stat_consumption": ids["ev"]},
        ],
    }


def referenced_statistics(prefs: Mapping[str, Any]) -> set[str]:
    """Every statistic id Energy settings (`energy/get_prefs`) refer to."""
    items = [
        item
        for key in ("energy_sources", "device_consumption", "device_consumption_water")
        for item in prefs.get(key) or []
    ]
    return {
        value
        for item in items
        for key, value in item.items()
        if key.startswith("stat_") and isinstance(value, str)
    }


def validation_issues(validation: Mapping[str, Any]) -> list[str]:
    """`energy/validate`'s issues as `type: statistic ids` lines."""
    return sorted(
        f"{issue['type']}: {', '.join(sorted(str(e[0]) for e in issue['affected_entities']))}"
        for groups in validation.values()
        for issues in groups
        for issue in issues
    )


def set_up_energy(
    ha: HomeAssistantApi, sim: SimulatorApi, *, config_dir: Path, watch: Watched
) -> None:
    """Put Podero's statistics on the Energy dashboard unless Energy settings exist.

    Saved settings, even empty ones, are the user's choice on a reused config dir.
    """
    ids = energy_statistics(sim)
    wait_for_statistics(ha, ids.values(), config_dir=config_dir, watch=watch)
    (prefs,) = ha.ask({"type": "energy/get_prefs"})
    if prefs["success"]:
        log("Energy dashboard: keeping the Energy settings of an earlier run")
        return
    (saved,) = ha.ask({"type": "energy/save_prefs", **energy_prefs(ids)})
    if not saved["success"]:
        raise DemoError(f"cannot save the Energy settings: {saved['error']}")
    log("Energy dashboard: grid, solar, battery, heat pump and EV from Podero")


def wait_for_statistics(
    ha: HomeAssistantApi, ids: Iterable[str], *, config_dir: Path, watch: Watched
) -> None:
    """Wait until the recorder lists every statistic id (the first import has run)."""
    wanted = set(ids)
    missing = set(wanted)

    def imported() -> bool:
        missing.clear()
        missing.update(wanted - ha.imported_statistics())
        return not missing

    if imported():
        return
    log("waiting for Podero's first energy-history import (a minute after setup)")
    try:
        wait_for(
            "Podero's energy statistics",
            imported,
            timeout=STATISTICS_TIMEOUT_S,
            procs=watch,
            interval=5,
        )
    except DemoError as err:
        problems = podero_log_errors(config_dir, ("WARNING", "ERROR"))
        raise DemoError(
            f"{err}; not imported: {', '.join(sorted(missing))}. The integration "
            "imports them a minute after setup; its warnings and errors in "
            f"{config_dir / HA_LOG}:\n" + ("\n".join(problems[-10:]) or "(none)")
        ) from None
    log(f"{len(wanted)} energy statistics imported")
