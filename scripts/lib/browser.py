"""Headless Debian Chromium, driven by Playwright, against the running demo.

Used by the browser test (tests/browser/) and `scripts/screenshot`. Playwright never downloads
a browser here: it starts Debian's `/usr/bin/chromium` (package `chromium`; `chromium-driver`
comes along for Selenium users), which `ensure_chromium()` installs with apt-get when missing
(as root, else through `sudo -n`). Home Assistant's frontend is web components in shadow
roots; Playwright's CSS locators pierce them, so `hui-tile-card` finds every tile on the page.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
import os
from pathlib import Path
import shutil
import subprocess
import sys
import tempfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page

CHROMIUM = Path(os.environ.get("PODERO_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PACKAGES = ("chromium", "chromium-driver")
# Headless on a machine without a display, a GPU or a network beyond loopback: without the
# background-networking switches Chromium keeps trying to reach Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
]
TIMEOUT_MS = 30_000


class ChromiumUnavailableError(RuntimeError):
    """Chromium is not installed and cannot be installed here."""


def ensure_chromium() -> Path:
    """Return Debian's Chromium, installing `chromium` and `chromium-driver` if missing."""
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return CHROMIUM
    if shutil.which("apt-get") is None:
        raise ChromiumUnavailableError(f"{CHROMIUM} is missing and there is no apt-get")
    if os.geteuid() == 0:
        prefix: list[str] = []
    elif (
        shutil.which("sudo")
        and not subprocess.run(
            ["sudo", "-n", "true"],
            capture_output=True,
            check=False,
        ).returncode
    ):
        prefix = ["sudo", "-n"]
    else:
        raise ChromiumUnavailableError(
            f"{CHROMIUM} is missing; install it with "
            f"`sudo apt-get install -y {' '.join(PACKAGES)}`"
        )
    print(f"installing {' '.join(PACKAGES)} with apt-get", file=sys.stderr, flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", *PACKAGES],
    ):
        proc = subprocess.run(
            [*prefix, *command], capture_output=True, text=True, env=env, check=False
        )
        if proc.returncode:
            raise ChromiumUnavailableError(
                f"{' '.join(command)} failed: {proc.stderr.strip()[-1000:]}"
            )
    if not CHROMIUM.exists():
        raise ChromiumUnavailableError(f"apt-get installed no {CHROMIUM}")
    return CHROMIUM


@contextlib.contextmanager
def chromium() -> Iterator[BrowserContext]:
    """Headless Chromium with a fresh profile (`--user-data-dir`), closed afterwards."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    executable = ensure_chromium()
    with (
        tempfile.TemporaryDirectory(prefix="podero-chromium-") as profile,
        sync_playwright() as playwright,
    ):
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(executable),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
            locale="en-US",
            timezone_id="Europe/Vienna",
        )
        try:
            yield context
        finally:
            context.close()


def log_in(page: Page, base_url: str, username: str, password: str, path: str) -> None:
    """Open path, log in on Home Assistant's login page, wait until path is shown."""
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(base_url + path)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{path}")


def section(page: Page, heading: str) -> Locator:
    """The dashboard section whose heading card reads `heading`."""
    return page.locator("hui-grid-section").filter(
        has=page.locator("hui-heading-card", has_text=heading)
    )


def tile(page: Page, heading: str, name: str) -> Locator:
    """The tile card called `name` in the section `heading`."""
    return section(page, heading).locator("hui-tile-card").filter(has_text=name)
