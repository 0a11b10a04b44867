"""The demo household in a real browser: Debian's Chromium, driven by Playwright.

`scripts/develop --json` starts the simulator and Home Assistant as subprocesses, on free
ports with a temporary config dir, onboarded and with Podero set up through its config flow
(the same code path as `scripts/develop`). Each test logs in on Home Assistant's login page
as a person would, works the "Podero" dashboard, and checks in the simulator that what it did
in the UI reached Podero's API. Chromium is installed with apt-get when missing (in CI too);
these tests skip only where that is impossible outside CI.
"""

from collections.abc import Iterator
from dataclasses import dataclass
import json
import os
from pathlib import Path
import re
import select
import signal
import subprocess
import sys
from typing import Any
import urllib.request

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "lib"))

from browser import (  # noqa: E402
    ChromiumUnavailableError,
    chromium,
    ensure_chromium,
    log_in,
    section,
    tile,
)
from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = pytest.mark.usefixtures("socket_enabled")
# A UI change waits for Home Assistant, the integration and the simulator in turn.
expect.set_options(timeout=20_000)

START_TIMEOUT_S = 300
# What the demo's dashboard shows, top to bottom.
HEADINGS = (
    "Heat pump",
    "Electric vehicle",
    "Solar and home battery",
    "Wallbox and smart charging",
    "Power and battery",
)


@dataclass(frozen=True)
class RunningDemo:
    """The `scripts/develop --json` line, and a view into the simulator."""

    info: dict[str, Any]

    def _admin(self, path: str, method: str = "GET") -> Any:
        request = urllib.request.Request(self.info["admin_url"] + path, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def device(self, kind: str) -> tuple[str, dict[str, Any]]:
        """(id, API payload) of the household's only device of a kind."""
        (found,) = [
            (device_id, device["payload"])
            for device_id, device in self._admin("/state")["devices"].items()
            if device["kind"] == kind
        ]
        return found

    def clear_requests(self) -> None:
        """Forget the simulator's request log."""
        self._admin("/requests", "DELETE")

    def statuses(self, method: str, path_end: str) -> list[int]:
        """Statuses of the logged requests with this method whose path ends so."""
        return [
            entry["status"]
            for entry in self._admin("/requests")
            if entry["method"] == method and entry["path"].endswith(path_end)
        ]

    def open_dashboard(self, page: Page) -> None:
        """Log in as the demo user and wait for the Podero dashboard."""
        log_in(
            page,
            self.info["ha_url"],
            self.info["username"],
            self.info["password"],
            self.info["dashboard_url"].removeprefix(self.info["ha_url"]),
        )
        expect(section(page, HEADINGS[0])).to_be_visible()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDemo]:
    """The demo, started once for this module and stopped (both processes) afterwards."""
    try:
        ensure_chromium()
    except ChromiumUnavailableError as err:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Chromium: {err}")
    log = tmp_path_factory.mktemp("demo") / "develop.log"
    with log.open("wb") as log_file:
        # Speed 1: simulated time is real time, so no charge finishes while a test runs.
        proc = subprocess.Popen(
            [str(ROOT / "scripts" / "develop"), "--json", "--speed", "1"],
            stdout=subprocess.PIPE,
            stderr=log_file,
            stdin=subprocess.DEVNULL,
        )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], START_TIMEOUT_S)
        line = proc.stdout.readline() if ready else b""
        if not line:
            pytest.fail(
                f"scripts/develop --json did not start:\n{log.read_text()[-3000:]}"
            )
        yield RunningDemo(json.loads(line))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(90)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_logging_in_opens_the_podero_dashboard(demo: RunningDemo) -> None:
    """The demo user lands on a dashboard with every section and live readings."""
    with chromium() as browser:
        page = browser.pages[0]
        demo.open_dashboard(page)

        for heading in HEADINGS:
            expect(section(page, heading)).to_be_visible()
        expect(tile(page, "Heat pump", "Power")).to_contain_text(re.compile(r"\d W"))
        expect(tile(page, "Electric vehicle", "Battery")).to_contain_text("%")
        expect(page.locator("hui-history-graph-card")).to_have_count(2)


def test_toggling_the_heat_pumps_smart_optimization_reaches_podero(
    demo: RunningDemo,
) -> None:
    """The tile's switch writes the heat pump at Podero and shows the new state."""
    device_id, before = demo.device("heat-pumps")
    was_on = before["is_smart_optimization_active"]
    with chromium() as browser:
        page = browser.pages[0]
        demo.open_dashboard(page)
        switch = tile(page, "Heat pump", "Smart optimization")
        expect(switch).to_contain_text("On" if was_on else "Off")
        demo.clear_requests()

        switch.locator("ha-control-switch").click()

        expect(switch).to_contain_text("Off" if was_on else "On")
    assert demo.statuses("PUT", f"/heat-pumps/{device_id}") == [200]
    assert demo.device("heat-pumps")[1]["is_smart_optimization_active"] is not was_on


def test_pressing_charge_now_starts_charging_the_ev_at_podero(
    demo: RunningDemo,
) -> None:
    """The dashboard's Charge now button asks Podero to charge the EV right away."""
    ev_id, before = demo.device("electric-vehicles")
    assert before["boost_state"] == "available"
    with chromium() as browser:
        page = browser.pages[0]
        demo.open_dashboard(page)
        demo.clear_requests()

        page.locator("hui-button-card").filter(has_text="Charge now").click()

        expect(tile(page, "Electric vehicle", "Charge now")).to_contain_text(
            re.compile("Starting|Charging")
        )
    assert demo.statuses("POST", f"/electric-vehicles/{ev_id}/boost") == [204]
    assert demo.device("electric-vehicles")[1]["boost_state"] in (
        "requested",
        "ongoing",
    )


def test_the_energy_dashboard_shows_podero_statistics(demo: RunningDemo) -> None:
    """Home Assistant's Energy dashboard shows yesterday's solar, grid, heat pump and EV."""
    with chromium() as browser:
        page = browser.pages[0]
        demo.open_dashboard(page)
        page.goto(demo.info["ha_url"] + "/energy")

        # Yesterday: a whole day of the history the integration imported at setup.
        page.locator("hui-energy-period-selector").get_by_role(
            "button", name="Previous"
        ).click()

        totals = page.locator("hui-energy-sources-table-card")
        expect(totals).to_contain_text(re.compile(r"Solar total\s*(?!0 kWh)\d"))
        expect(totals).to_contain_text(re.compile(r"Grid total\s*(?!0 kWh)\d"))
        devices = page.locator("hui-energy-devices-detail-graph-card")
        expect(devices).to_contain_text("Nibe heat pump consumption")
        expect(devices).to_contain_text("Tesla Model 3 charged energy")
