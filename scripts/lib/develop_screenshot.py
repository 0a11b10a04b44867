"""Screenshots of the demo for the README: `scripts/screenshot`.

Starts the demo like `scripts/develop --json` (temporary config dir, free ports, simulator at
speed 60; the demo waits for the integration's energy-history import and puts it on Home
Assistant's Energy dashboard), lets the dashboard collect a few minutes of readings, then logs
in with headless Chromium and saves PNGs into docs/images/:

    dashboard.png          the "Podero" dashboard (full page)
    device-heat-pump.png   the heat pump's device page (controls, sensors, diagnostics)
    device-ev.png          the EV's device page
    energy.png             Home Assistant's Energy dashboard for yesterday, a whole day of
                           Podero's statistics (grid, solar, battery, heat pump, EV)

Progress on stderr; the paths written on stdout.
"""

from __future__ import annotations

import argparse
from pathlib import Path
import re
import sys
import tempfile
import time
from typing import TYPE_CHECKING

# Imported as scripts.lib.*: the module names mypy gives these files (mypy_path ".").
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.lib.browser import chromium, ensure_chromium, log_in, section
from scripts.lib.develop_common import (
    DASHBOARD_PATH,
    HEAT_PUMP_SWITCH,
    PASSWORD,
    ROOT,
    USERNAME,
    DemoError,
    log,
)
from scripts.lib.develop_config import HA_LOG, dashboard_entities
from scripts.lib.develop_demo import DEFAULT_SPEED, Demo, running
from scripts.lib.develop_processes import free_port, tail

if TYPE_CHECKING:
    from playwright.sync_api import Page

OUT = ROOT / "docs" / "images"
WIDTH = 1280
# Entities whose device pages are shown.
DEVICES = {
    "device-heat-pump.png": HEAT_PUMP_SWITCH,
    "device-ev.png": "switch.tesla_model_3_smart_optimization",
}
ENERGY_PATH = "/energy"
# The Energy dashboard's sources table once a day with sunshine has loaded.
SOLAR_TOTAL = re.compile(r"Solar total\s*(?!0 kWh)\d")


def device_page(demo: Demo, entity_id: str) -> str:
    """The path of the device page of the device an entity belongs to."""
    (answer,) = demo.ha.ask(
        {"type": "config/entity_registry/get", "entity_id": entity_id}
    )
    if not answer["success"]:
        raise DemoError(f"{entity_id} is not registered: {answer}")
    return f"/config/devices/device/{answer['result']['device_id']}"


def settle(page: Page) -> None:
    """Let charts draw and animations end before a screenshot."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(3000)


def shoot_energy(page: Page, base_url: str, path: Path) -> None:
    """The Energy dashboard, yesterday: today has only the hours since midnight."""
    page.goto(base_url + ENERGY_PATH)
    page.locator("hui-energy-period-selector").get_by_role(
        "button", name="Previous"
    ).click()
    # Not the page offering to configure Energy, nor a day without data.
    page.locator("hui-energy-sources-table-card tr").filter(
        has_text=SOLAR_TOTAL
    ).wait_for()
    settle(page)
    # The period selector floats over the cards at the bottom of the window; in a window as
    # tall as the page it sits below them.
    height = int(page.evaluate("document.documentElement.scrollHeight"))
    page.set_viewport_size({"width": WIDTH, "height": height})
    settle(page)
    page.screenshot(path=path)
    page.set_viewport_size({"width": WIDTH, "height": 900})


def shoot(demo: Demo, out: Path) -> list[Path]:
    """Log in and take every screenshot; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    # Before the browser starts: Playwright's sync API keeps its event loop marked running.
    pages = {name: device_page(demo, entity_id) for name, entity_id in DEVICES.items()}
    with chromium() as browser:
        page = browser.pages[0]
        page.set_viewport_size({"width": WIDTH, "height": 900})
        log_in(page, demo.ha_url, USERNAME, PASSWORD, DASHBOARD_PATH)
        section(page, "Power and battery").locator(
            "hui-history-graph-card"
        ).first.wait_for()
        settle(page)
        path = out / "dashboard.png"
        page.screenshot(path=path, full_page=True)
        written.append(path)
        for name, device_path in pages.items():
            page.goto(demo.ha_url + device_path)
            page.locator("ha-device-entities-card").first.wait_for()
            settle(page)
            path = out / name
            page.screenshot(path=path, full_page=True)
            written.append(path)
        path = out / "energy.png"
        shoot_energy(page, demo.ha_url, path)
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(prog="scripts/screenshot", description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT, help="directory for the PNGs")
    parser.add_argument(
        "--wait",
        type=float,
        default=240,
        help="seconds of readings to collect before the screenshots (default 240)",
    )
    parser.add_argument("--hass", type=Path, default=ROOT / ".venv/bin/hass")
    args = parser.parse_args(argv)
    ensure_chromium()
    with tempfile.TemporaryDirectory(prefix="podero-screenshot-") as tmp:
        demo = Demo(
            config_dir=Path(tmp),
            ha_port=free_port(),
            sim_port=0,
            hass_bin=args.hass,
            speed=DEFAULT_SPEED,
            log_dir=Path(tmp),
        )
        try:
            with running(demo):
                started = time.monotonic()
                demo.wait_for_statistics(e for e in dashboard_entities() if ":" in e)
                if (left := args.wait - (time.monotonic() - started)) > 0:
                    log(f"collecting readings for {left:.0f} s more")
                    time.sleep(left)
                for path in shoot(demo, args.out):
                    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        except DemoError as err:
            log(f"failed: {err}\n{tail(demo.config_dir / HA_LOG)}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
