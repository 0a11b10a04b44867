"""The demo: the simulator's `demo` household and Home Assistant, set up over HA's own APIs.

Home Assistant runs as its own `hass` process — the pinned one of `.venv` or another (e.g.
`.venv-latest/bin/hass` for `scripts/develop --ha latest`). `Demo.start` runs the set-up in
this order, each step idempotent so a persistent config dir can be reused:

1. the simulator (`python -m podero_simulator --scenario demo`), read its credentials line;
2. Home Assistant with the repository's `config/` (or a temporary copy on free ports), the
   integration linked in as `custom_components/podero`, `--skip-pip` (develop_config);
3. onboarding or login, the HTTP settings, Podero's config and options flow (develop_setup);
4. the Energy dashboard from Podero's statistics (develop_energy).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
import contextlib
from dataclasses import dataclass, field
from pathlib import Path
import time
from typing import Any
import urllib.parse

from scripts.lib.develop_client import HomeAssistantApi, SimulatorApi
from scripts.lib.develop_common import (
    CONFIG,
    DASHBOARD_PATH,
    PASSWORD,
    USERNAME,
    DemoError,
    log,
)
from scripts.lib.develop_config import prepare_config
from scripts.lib.develop_energy import set_up_energy, wait_for_statistics
from scripts.lib.develop_processes import (
    RESTART_EXIT_CODE,
    START_TIMEOUT_S,
    Processes,
    port_in_use,
    wait_for,
)
from scripts.lib.develop_setup import authenticate, confirm_http_config, set_up_podero

DEFAULT_SPEED = 60.0


@dataclass
class Demo:
    """A running simulator and Home Assistant, set up for the demo household."""

    config_dir: Path
    ha_port: int
    sim_port: int
    hass_bin: Path
    speed: float
    log_dir: Path
    credentials: dict[str, Any] = field(default_factory=dict)
    entry_id: str | None = None
    processes: Processes = field(init=False)
    ha: HomeAssistantApi = field(init=False)
    sim: SimulatorApi = field(init=False)

    def __post_init__(self) -> None:
        """Clients for both processes (they answer once started)."""
        self.processes = Processes(self.log_dir)
        self.ha = HomeAssistantApi(self.ha_url)
        self.sim = SimulatorApi(f"http://127.0.0.1:{self.sim_port}")

    @property
    def ha_url(self) -> str:
        """Home Assistant's base URL."""
        return f"http://127.0.0.1:{self.ha_port}"

    @property
    def in_repo(self) -> bool:
        """Whether the demo runs on the repository's config/ (not a temporary copy)."""
        return self.config_dir.resolve() == CONFIG.resolve()

    def start(self) -> None:
        """Start both processes and set Home Assistant up; raise DemoError on failure."""
        started = time.monotonic()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for port, what in (
            (self.ha_port, "Home Assistant"),
            (self.sim_port, "the simulator"),
        ):
            if port and port_in_use(port):
                raise DemoError(
                    f"port {port} for {what} is in use (another scripts/develop?); "
                    "stop it or choose another port"
                )
        self.credentials = self.processes.start_simulator(self.sim_port, self.speed)
        self.sim = SimulatorApi(self.credentials["base_url"])
        self.sim_port = int(urllib.parse.urlsplit(self.sim.base_url).port or 0)
        prepare_config(self.config_dir, port=None if self.in_repo else self.ha_port)
        self._start_hass()
        what = "Home Assistant's HTTP server"
        if self.in_repo:
            what += (
                " (Home Assistant keeps the port of config/'s first start in its storage;"
                " if configuration.yaml changed since, `scripts/develop --reset`)"
            )
        wait_for(
            what,
            # 400 "onboarding_required" before onboarding: the server is up all the same.
            lambda: self.ha.get("/auth/providers", expect=(200, 400)) is not None,
            timeout=START_TIMEOUT_S,
            procs=self.processes.watched(),
        )
        authenticate(self.ha, self.config_dir)
        confirm_http_config(self.ha)
        wait_for(
            "Home Assistant to finish starting",
            lambda: self.ha.get("/api/config").get("state") == "RUNNING",
            timeout=START_TIMEOUT_S,
            procs=self.processes.watched(),
        )
        self.entry_id = set_up_podero(
            self.ha, self.credentials, watch=self.processes.watched()
        )
        set_up_energy(
            self.ha,
            self.sim,
            config_dir=self.config_dir,
            watch=self.processes.watched(),
        )
        log(f"ready after {time.monotonic() - started:.0f} s")

    def _start_hass(self) -> None:
        self.processes.start_hass(self.hass_bin, self.config_dir)
        log(
            f"Home Assistant starting on {self.ha_url} (log: {self.processes.hass_log})"
        )

    def serve(self) -> int:
        """Wait while Home Assistant runs; start it again when it asks for a restart.

        Return its exit status when it stops for another reason.
        """
        while True:
            status = self.processes.wait_hass()
            if status != RESTART_EXIT_CODE:
                return status
            log("Home Assistant asked for a restart")
            self._start_hass()
            wait_for(
                "Home Assistant's HTTP server after the restart",
                lambda: self.ha.get("/auth/providers", expect=(200,)) is not None,
                timeout=START_TIMEOUT_S,
                procs=self.processes.watched(),
            )
            log("Home Assistant is running again")

    def wait_for_statistics(self, ids: Iterable[str]) -> None:
        """Wait until the recorder lists every statistic id (the first import has run)."""
        wait_for_statistics(
            self.ha, ids, config_dir=self.config_dir, watch=self.processes.watched()
        )

    def close(self) -> None:
        """Stop Home Assistant (it writes its state), then the simulator."""
        self.processes.close()

    def info(self) -> dict[str, Any]:
        """URLs and credentials of the running demo (the `--json` line)."""
        return {
            "ha_url": self.ha_url,
            "dashboard_url": self.ha_url + DASHBOARD_PATH,
            "username": USERNAME,
            "password": PASSWORD,
            "config_dir": str(self.config_dir),
            "ha_log": str(self.processes.hass_log),
            "simulator_url": self.credentials.get("base_url"),
            "admin_url": self.credentials.get("admin_url"),
            "entry_id": self.entry_id,
        }


@contextlib.contextmanager
def running(demo: Demo) -> Iterator[Demo]:
    """Start the demo, yield it, always stop both processes."""
    try:
        demo.start()
        yield demo
    finally:
        demo.close()
