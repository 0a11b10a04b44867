"""Screenshots of the demo for the README: `scripts/screenshot`.

Starts the demo like `scripts/develop --json` (temporary config dir, free ports, simulator at
speed 60), lets the dashboard collect a few minutes of readings and the integration import its
energy history, then logs in with headless Chromium and saves PNGs into docs/images/:

    dashboard.png          the "Podero" dashboard (full page)
    device-heat-pump.png   the heat pump's device page (controls, sensors, diagnostics)
    device-ev.png          the EV's device page

Progress on stderr; the paths written on stdout.
"""

from __future__ import annotations

import argparse
from pathlib import Path
import sys
import tempfile
import time
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import chromium, ensure_chromium, log_in, section
import develop

if TYPE_CHECKING:
    from playwright.sync_api import Page

OUT = develop.ROOT / "docs" / "images"
WIDTH = 1280
# Entities whose device pages are shown.
DEVICES = {
    "device-heat-pump.png": develop.HEAT_PUMP_SWITCH,
    "device-ev.png": "switch.tesla_model_3_smart_optimization",
}


def wait_for_statistics(demo: develop.Demo, timeout: float) -> None:
    """Wait until the statistics the dashboard graphs have been imported."""
    wanted = {e for e in develop.dashboard_entities() if ":" in e}
    assert demo.ha.token

    def imported() -> bool:
        (answer,) = develop.websocket(
            demo.ha_url,
            demo.ha.token or "",
            [{"type": "recorder/list_statistic_ids", "statistic_type": "sum"}],
        )
        have = {s["statistic_id"] for s in answer.get("result") or []}
        return wanted <= have

    develop.wait_for("the energy history import", imported, timeout=timeout, interval=5)


def device_page(demo: develop.Demo, entity_id: str) -> str:
    """The path of the device page of the device an entity belongs to."""
    assert demo.ha.token
    (answer,) = develop.websocket(
        demo.ha_url,
        demo.ha.token,
        [{"type": "config/entity_registry/get", "entity_id": entity_id}],
    )
    if not answer["success"]:
        raise develop.DemoError(f"{entity_id} is not registered: {answer}")
    return f"/config/devices/device/{answer['result']['device_id']}"


def settle(page: Page) -> None:
    """Let charts draw and animations end before a screenshot."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(3000)


def shoot(demo: develop.Demo, out: Path) -> list[Path]:
    """Log in and take every screenshot; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    # Before the browser starts: Playwright's sync API keeps its event loop marked running.
    pages = {name: device_page(demo, entity_id) for name, entity_id in DEVICES.items()}
    with chromium() as browser:
        page = browser.pages[0]
        page.set_viewport_size({"width": WIDTH, "height": 900})
        log_in(
            page,
            demo.ha_url,
            develop.USERNAME,
            develop.PASSWORD,
            develop.DASHBOARD_PATH,
        )
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
    parser.add_argument("--hass", type=Path, default=develop.ROOT / ".venv/bin/hass")
    args = parser.parse_args(argv)
    ensure_chromium()
    with tempfile.TemporaryDirectory(prefix="podero-screenshot-") as tmp:
        demo = develop.Demo(
            config_dir=Path(tmp),
            ha_port=develop.free_port(),
            sim_port=0,
            hass_bin=args.hass,
            speed=develop.DEFAULT_SPEED,
            log_dir=Path(tmp),
        )
        try:
            with develop.running(demo):
                started = time.monotonic()
                wait_for_statistics(demo, timeout=max(args.wait, 180))
                if (left := args.wait - (time.monotonic() - started)) > 0:
                    develop.log(f"collecting readings for {left:.0f} s more")
                    time.sleep(left)
                for path in shoot(demo, args.out):
                    print(
                        path.relative_to(develop.ROOT)
                        if path.is_relative_to(develop.ROOT)
                        else path
                    )
        except develop.DemoError as err:
            develop.log(
                f"failed: {err}\n{develop.tail(demo.config_dir / 'home-assistant.log')}"
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
