"""What every part of the demo (`scripts/develop`) shares: paths, the demo's login, errors, log.

The demo's modules are imported as `scripts.lib.*` (the names mypy gives them, mypy_path "."),
so the entry points (`develop.py`, `develop_screenshot.py`) put the checkout on sys.path first.
"""

from __future__ import annotations

from pathlib import Path
import sys

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config"
DASHBOARD = CONFIG / "dashboards" / "podero.yaml"
DASHBOARD_URL_PATH = "podero-demo"
DASHBOARD_PATH = f"/{DASHBOARD_URL_PATH}/home"

# The local Home Assistant user the demo creates (printed by scripts/develop).
USER_NAME = "Demo"
USERNAME = "demo"
PASSWORD = "podero-demo"

HEAT_PUMP_SWITCH = "switch.nibe_heat_pump_smart_optimization"


class DemoError(Exception):
    """The demo could not be started or a check failed; the message says why."""


def log(message: str) -> None:
    """Progress for humans, on stderr (stdout carries the JSON line)."""
    print(f"develop: {message}", file=sys.stderr, flush=True)
