"""Run the demo: the simulator's `demo` household and Home Assistant, set up over HA's REST API.

`scripts/develop` calls this with the Python of `.venv`; it talks to both processes over HTTP
(urllib, and aiohttp for HA's websocket API). Home Assistant runs as its own `hass` process —
the pinned one of `.venv` or another (`--hass`, e.g. `.venv-latest/bin/hass` for
`scripts/develop --ha latest`).

Set-up, in this order, each step idempotent so a persistent config dir can be reused:

1. the simulator (`python -m podero_simulator --scenario demo`), read its credentials line;
2. Home Assistant with the repository's `config/` (or a temporary copy on free ports), the
   integration linked in as `custom_components/podero`, `--skip-pip`;
3. onboarding over `/api/onboarding/*` (a local admin user, printed), or a login over
   `/auth/login_flow` when the config dir is already onboarded; then confirming the HTTP
   settings Home Assistant took over from configuration.yaml (websocket `http/config/promote`);
4. the Podero config flow over `/api/config/config_entries/flow` against the simulator (any
   existing Podero entry is removed first: the simulator starts afresh every time), then the
   options flow with the shortest scan interval so the dashboard moves;
5. Home Assistant's Energy dashboard (websocket `energy/save_prefs`, what its settings page
   sends): grid, solar and home battery from the inverter's statistics, the heat pump and the
   EV as devices. It waits for the integration's first energy-history import (a minute after
   setup) and leaves Energy settings that exist already alone.

Modes: interactive (banner, serve until Ctrl-C), `--check` (verify, one JSON line, exit) and
`--json` (one JSON line with URLs and credentials, then serve until SIGINT/SIGTERM; used by the
browser test and `scripts/screenshot`). Children run in their own process group and get
SIGTERM if this process dies, so none is left behind.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator, Mapping
import contextlib
import ctypes
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import json
import os
from pathlib import Path
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config"
DASHBOARD = CONFIG / "dashboards" / "podero.yaml"
DASHBOARD_URL_PATH = "podero-demo"
DASHBOARD_PATH = f"/{DASHBOARD_URL_PATH}/home"
CONFIG_FILES = ("configuration.yaml", "automations.yaml", "scripts.yaml", "scenes.yaml")

# The local Home Assistant user the demo creates (printed by scripts/develop).
USER_NAME = "Demo"
USERNAME = "demo"
PASSWORD = "podero-demo"

HEAT_PUMP_SWITCH = "switch.nibe_heat_pump_smart_optimization"
# Repair issues about `http:` in configuration.yaml, which the demo keeps deliberately.
HTTP_YAML_ISSUES = ("deprecated_yaml", "yaml_still_present_after_migration")
MIN_SCAN_INTERVAL_S = 30
DEFAULT_SPEED = 60.0

# The Podero series the Energy dashboard uses, by role: (simulator device kind, series key of
# custom_components/podero/history.py SERIES).
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
# How far back `--check` looks for hourly rows of the Energy dashboard's statistics.
CHECK_HOURS = 48

START_TIMEOUT_S = 300.0
RESTART_EXIT_CODE = 100  # hass exits with it when a restart is asked for
STOP_TIMEOUT_S = 60.0


class DemoError(Exception):
    """The demo could not be started or a check failed; the message says why."""


class Stop(Exception):
    """SIGTERM or SIGHUP arrived: stop like Ctrl-C."""


def log(message: str) -> None:
    """Progress for humans, on stderr (stdout carries the JSON line)."""
    print(f"develop: {message}", file=sys.stderr, flush=True)


# --- processes --------------------------------------------------------------------------------

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the parent dies, even by SIGKILL (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def spawn(args: list[str], *, log_path: Path, **kwargs: Any) -> subprocess.Popen[bytes]:
    """Start a child in its own process group (Ctrl-C reaches only us; we stop it in order)."""
    with log_path.open("ab") as log_file:
        return subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=kwargs.pop("stdout", log_file),
            stderr=log_file,
            cwd=kwargs.pop("cwd", ROOT),
            start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - no threads here
            **kwargs,
        )


def stop(proc: subprocess.Popen[bytes] | None, name: str, timeout: float) -> None:
    """SIGTERM, wait, then SIGKILL; never raises."""
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        log(f"{name} did not stop within {timeout:.0f} s, killing it")
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    """True when something accepts connections on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def tail(path: Path, lines: int = 30) -> str:
    """The last lines of a log file, for error messages."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


# --- HTTP -------------------------------------------------------------------------------------


@dataclass
class Http:
    """A tiny JSON client for Home Assistant's and the simulator's HTTP APIs."""

    base_url: str
    token: str | None = None

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        form: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        expect: tuple[int, ...] = (200, 201),
    ) -> Any:
        """Send a request; return the decoded JSON answer (None when empty)."""
        headers = {"Accept": "application/json"}
        data: bytes | None = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(
            self.base_url + path, data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        if status not in expect:
            raise HttpStatusError(method, path, status, raw.decode(errors="replace"))
        return json.loads(raw) if raw.strip() else None

    def get(self, path: str, **kwargs: Any) -> Any:
        """GET path."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        """POST a JSON body (or `form=`)."""
        return self.request("POST", path, body, **kwargs)


class HttpStatusError(DemoError):
    """An HTTP answer with an unexpected status."""

    def __init__(self, method: str, path: str, status: int, text: str) -> None:
        """Keep the status for callers that accept some errors."""
        super().__init__(f"{method} {path} -> {status}: {text[:300]}")
        self.status = status


def wait_for(
    what: str,
    probe: Any,
    *,
    timeout: float,
    procs: Mapping[str, tuple[subprocess.Popen[bytes], Path]] = {},
    interval: float = 0.5,
) -> Any:
    """Call probe() until it returns a truthy value; fail early if a child process died."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        for name, (proc, log_path) in procs.items():
            if proc.poll() is not None:
                raise DemoError(
                    f"{name} exited with status {proc.returncode} while waiting for {what}; "
                    f"last lines of {log_path}:\n{tail(log_path)}"
                )
        try:
            if result := probe():
                return result
        except (OSError, DemoError) as err:  # not up yet
            last_error = err
        time.sleep(interval)
    raise DemoError(
        f"timed out after {timeout:.0f} s waiting for {what}"
        + (f" ({last_error})" if last_error else "")
    )


def websocket(
    base_url: str, token: str, commands: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Send commands over Home Assistant's websocket API; return the answers in order."""
    import asyncio  # noqa: PLC0415

    import aiohttp  # noqa: PLC0415 - in .venv with Home Assistant

    async def ask() -> list[dict[str, Any]]:
        answers = []
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(
                f"{base_url}/api/websocket",
                timeout=aiohttp.ClientWSTimeout(ws_close=30),
            ) as ws,
        ):
            await ws.receive_json(timeout=30)  # auth_required
            await ws.send_json({"type": "auth", "access_token": token})
            if (await ws.receive_json(timeout=30))["type"] != "auth_ok":
                raise DemoError("the websocket API refused the access token")
            for number, command in enumerate(commands, start=1):
                await ws.send_json({"id": number, **command})
                while (answer := await ws.receive_json(timeout=120)).get(
                    "id"
                ) != number:
                    pass
                answers.append(answer)
        return answers

    return asyncio.run(ask())


# --- configuration ----------------------------------------------------------------------------


def prepare_config(config_dir: Path, *, port: int | None) -> None:
    """Make config_dir a Home Assistant config dir for the demo.

    The repository's `config/` is used in place (port None); otherwise its YAML files and
    dashboards are copied into config_dir with the HTTP port replaced. Either way
    `custom_components/podero` points at the integration in this checkout.
    """
    if config_dir.resolve() != CONFIG.resolve():
        config_dir.mkdir(parents=True, exist_ok=True)
        for name in CONFIG_FILES:
            shutil.copy2(CONFIG / name, config_dir / name)
        shutil.copytree(
            CONFIG / "dashboards", config_dir / "dashboards", dirs_exist_ok=True
        )
    if port is not None:
        path = config_dir / "configuration.yaml"
        text, count = re.subn(
            r"(?m)^(\s+server_port:\s*)\d+\s*$", rf"\g<1>{port}", path.read_text()
        )
        if count != 1:
            raise DemoError(
                f"{path}: expected exactly one `server_port:` line under http:"
            )
        path.write_text(text)
    link = config_dir / "custom_components"
    target = ROOT / "custom_components"
    if link.is_symlink() and link.resolve() == target.resolve():
        return
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.is_dir():
        raise DemoError(
            f"{link} is a directory; remove it so the integration of this checkout is used"
        )
    link.symlink_to(os.path.relpath(target, config_dir), target_is_directory=True)


def configured_port(config_dir: Path) -> int:
    """The `server_port` of config_dir's configuration.yaml (8123 if absent)."""
    text = (config_dir / "configuration.yaml").read_text()
    match = re.search(r"(?m)^\s+server_port:\s*(\d+)\s*$", text)
    return int(match.group(1)) if match else 8123


def configured_domains(config_dir: Path) -> set[str]:
    """Top-level integrations of configuration.yaml (what must be loaded)."""
    text = (config_dir / "configuration.yaml").read_text()
    return set(re.findall(r"(?m)^([a-z0-9_]+):", text)) - {"homeassistant"}


def dashboard_entities(path: Path = DASHBOARD) -> list[str]:
    """Every entity (or `domain:id` statistic) id the dashboard refers to, in order."""
    # PyYAML comes with Home Assistant in .venv, without type stubs.
    import yaml  # type: ignore[import-untyped]  # noqa: PLC0415

    found: dict[str, None] = {}

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("entity", "entity_id") and isinstance(value, str):
                    found[value] = None
                elif key == "entities" and isinstance(value, list):
                    for item in value:
                        if isinstance(item, str):
                            found[item] = None
                visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(yaml.safe_load(path.read_text()))
    return list(found)


# --- the Energy dashboard ---------------------------------------------------------------------


def statistic_id(device_id: str, series: str) -> str:
    """The external statistic id the integration imports a device's series under.

    The scheme of custom_components/podero/history.py, restated so the script does not import
    Home Assistant: `podero:<device id, lower case, `_` for `-`>_<series>`.
    """
    return f"podero:{device_id.replace('-', '_').lower()}_{series}"


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


# --- the demo ---------------------------------------------------------------------------------


@dataclass
class Demo:
    """A running simulator and Home Assistant, set up for the demo household."""

    config_dir: Path
    ha_port: int
    sim_port: int
    hass_bin: Path
    speed: float
    log_dir: Path
    simulator: subprocess.Popen[bytes] | None = None
    hass: subprocess.Popen[bytes] | None = None
    credentials: dict[str, Any] = field(default_factory=dict)
    ha: Http = field(init=False)
    sim: Http = field(init=False)
    entry_id: str | None = None

    def __post_init__(self) -> None:
        """Clients for both processes (they answer once started)."""
        self.ha = Http(self.ha_url)
        self.sim = Http(f"http://127.0.0.1:{self.sim_port}")

    @property
    def ha_url(self) -> str:
        """Home Assistant's base URL."""
        return f"http://127.0.0.1:{self.ha_port}"

    @property
    def hass_log(self) -> Path:
        """Where Home Assistant's console output goes."""
        return self.log_dir / "hass.console.log"

    @property
    def sim_log(self) -> Path:
        """Where the simulator's stderr goes."""
        return self.log_dir / "simulator.log"

    def _procs(self) -> dict[str, tuple[subprocess.Popen[bytes], Path]]:
        procs = {}
        if self.simulator:
            procs["the simulator"] = (self.simulator, self.sim_log)
        if self.hass:
            procs["Home Assistant"] = (self.hass, self.hass_log)
        return procs

    # -- start / stop

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
        self._start_simulator()
        prepare_config(self.config_dir, port=None if self._in_repo else self.ha_port)
        self._spawn_hass()
        what = "Home Assistant's HTTP server"
        if self._in_repo:
            what += (
                " (Home Assistant keeps the port of config/'s first start in its storage;"
                " if configuration.yaml changed since, `scripts/develop --reset`)"
            )
        wait_for(
            what,
            # 400 "onboarding_required" before onboarding: the server is up all the same.
            lambda: self.ha.get("/auth/providers", expect=(200, 400)) is not None,
            timeout=START_TIMEOUT_S,
            procs=self._procs(),
        )
        self._authenticate()
        self._confirm_http_config()
        wait_for(
            "Home Assistant to finish starting",
            lambda: self.ha.get("/api/config").get("state") == "RUNNING",
            timeout=START_TIMEOUT_S,
            procs=self._procs(),
        )
        self._set_up_integration()
        self._set_up_energy()
        log(f"ready after {time.monotonic() - started:.0f} s")

    def _spawn_hass(self) -> None:
        self.hass = spawn(
            [
                str(self.hass_bin),
                "--config",
                str(self.config_dir),
                "--skip-pip",
                "--log-no-color",
            ],
            log_path=self.hass_log,
        )
        log(f"Home Assistant starting on {self.ha_url} (log: {self.hass_log})")

    def serve(self) -> int:
        """Wait while Home Assistant runs; start it again when it asks for a restart.

        Return its exit status when it stops for another reason.
        """
        while True:
            assert self.hass
            status = self.hass.wait()
            if status != RESTART_EXIT_CODE:
                return status
            log("Home Assistant asked for a restart")
            self._spawn_hass()
            wait_for(
                "Home Assistant's HTTP server after the restart",
                lambda: self.ha.get("/auth/providers", expect=(200,)) is not None,
                timeout=START_TIMEOUT_S,
                procs=self._procs(),
            )
            log("Home Assistant is running again")

    @property
    def _in_repo(self) -> bool:
        return self.config_dir.resolve() == CONFIG.resolve()

    def close(self) -> None:
        """Stop Home Assistant (it writes its state), then the simulator."""
        if self.hass and self.hass.poll() is None:
            log("stopping Home Assistant")
        stop(self.hass, "Home Assistant", STOP_TIMEOUT_S)
        stop(self.simulator, "the simulator", 10)

    def _start_simulator(self) -> None:
        self.simulator = spawn(
            [
                sys.executable,
                "-m",
                "podero_simulator",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.sim_port),
                "--scenario",
                "demo",
                "--speed",
                f"{self.speed:g}",
            ],
            log_path=self.sim_log,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert self.simulator.stdout is not None
        ready, _, _ = select.select([self.simulator.stdout], [], [], 60)
        line = self.simulator.stdout.readline() if ready else b""
        if not line:
            raise DemoError(f"the simulator did not start:\n{tail(self.sim_log)}")
        self.credentials = json.loads(line)
        self.sim_port = int(
            urllib.parse.urlsplit(self.credentials["base_url"]).port or 0
        )
        self.sim = Http(self.credentials["base_url"])
        log(
            f"simulator (demo household, speed {self.speed:g}) on {self.credentials['base_url']}"
        )

    # -- onboarding and login

    def _authenticate(self) -> None:
        client_id = f"{self.ha_url}/"
        try:
            steps = {s["step"]: s["done"] for s in self.ha.get("/api/onboarding")}
        except HttpStatusError as err:
            if err.status != 404:
                raise
            steps = {}  # onboarded: the onboarding views are gone
        if steps and not steps.get("user"):
            log(f"onboarding: creating the user {USERNAME!r}")
            answer = self.ha.post(
                "/api/onboarding/users",
                {
                    "client_id": client_id,
                    "name": USER_NAME,
                    "username": USERNAME,
                    "password": PASSWORD,
                    "language": "en",
                },
            )
            self._exchange(answer["auth_code"])
        else:
            self._login()
        for step in ("core_config", "analytics", "integration"):
            if steps and not steps.get(step):
                body = (
                    {
                        "client_id": client_id,
                        "redirect_uri": f"{self.ha_url}/?auth_callback=1",
                    }
                    if step == "integration"
                    else {}
                )
                self.ha.post(f"/api/onboarding/{step}", body)
        if steps:
            log("onboarding done")

    def _confirm_http_config(self) -> None:
        """Confirm the HTTP settings taken over from configuration.yaml.

        Since 2026.10 Home Assistant moves `http:` from YAML into storage on the first start, as
        a *pending* configuration that it reverts (to all interfaces, port 8123) and restarts
        for unless an admin confirms it within five minutes. It also raises a repair issue
        asking to remove `http:` from the YAML; the demo keeps it on purpose (that is how a
        temporary config dir gets its free port, bound to loopback from the first start), so
        the issue is dismissed.
        """
        assert self.ha.token
        answer, issues = websocket(
            self.ha_url,
            self.ha.token,
            [{"type": "http/config"}, {"type": "repairs/list_issues"}],
        )
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
            websocket(self.ha_url, self.ha.token, dismiss)
        if not answer["success"]:
            return  # a release without the HTTP config store
        config = answer["result"]
        pending = config.get("pending")
        if (
            config.get("active_config_type") == "pending"
            and pending
            and not pending.get("error")
        ):
            (promoted,) = websocket(
                self.ha_url, self.ha.token, [{"type": "http/config/promote"}]
            )
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

    def _login(self) -> None:
        """Log in as the demo user through the login flow (an onboarded config dir)."""
        client_id = f"{self.ha_url}/"
        flow = self.ha.post(
            "/auth/login_flow",
            {
                "client_id": client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{self.ha_url}/?auth_callback=1",
            },
        )
        result = self.ha.post(
            f"/auth/login_flow/{flow['flow_id']}",
            {"client_id": client_id, "username": USERNAME, "password": PASSWORD},
        )
        if result.get("type") != "create_entry":
            raise DemoError(
                f"cannot log in as {USERNAME!r} to the existing {self.config_dir}: "
                f"{result.get('errors')}; run `scripts/develop --reset` to start from scratch"
            )
        self._exchange(result["result"])

    def _exchange(self, code: str) -> None:
        token = self.ha.post(
            "/auth/token",
            form={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": f"{self.ha_url}/",
            },
        )
        self.ha.token = token["access_token"]

    # -- the integration

    def _set_up_integration(self) -> None:
        for entry in self.ha.get("/api/config/config_entries/entry?domain=podero"):
            log(f"removing the Podero entry of an earlier run ({entry['title']})")
            self.ha.request(
                "DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}"
            )
        creds = self.credentials
        answers = {
            "user": {
                "environment": "custom",
                "base_url": creds["base_url"],
                "auth_method": "api_token",
                "org_id": creds["org_id"],
            },
            "api_token": {"api_token": creds["token"]},
            "user_select": {"user_id": creds["user_id"]},
        }
        result = self.ha.post("/api/config/config_entries/flow", {"handler": "podero"})
        result = self._drive_flow("/api/config/config_entries/flow", result, answers)
        entry = result["result"]
        self.entry_id = entry["entry_id"]
        if entry.get("state") != "loaded":
            raise DemoError(f"the Podero entry did not load: {entry}")
        log(f"Podero set up through the config flow: {result['title']}")
        self._set_scan_interval()

    def _drive_flow(
        self,
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
            result = self.ha.post(f"{path}/{result['flow_id']}", dict(answers[step]))
        if result.get("type") != "create_entry":
            raise DemoError(f"{path} ended with {result.get('type')}: {result}")
        return result

    def _set_scan_interval(self) -> None:
        """Options flow: the shortest scan interval; every other option keeps its default."""
        path = "/api/config/config_entries/options/flow"
        form = self.ha.post(path, {"handler": self.entry_id})
        answer = {
            item["name"]: item["default"]
            for item in form.get("data_schema", [])
            if "default" in item
        }
        answer["scan_interval"] = MIN_SCAN_INTERVAL_S
        self._drive_flow(path, form, {"init": answer})
        log(f"scan interval set to {MIN_SCAN_INTERVAL_S} s (options flow)")
        wait_for(
            "the Podero entry to reload",
            lambda: (
                any(
                    e["entry_id"] == self.entry_id and e["state"] == "loaded"
                    for e in self.ha.get(
                        "/api/config/config_entries/entry?domain=podero"
                    )
                )
                and self.state(HEAT_PUMP_SWITCH) not in (None, "unavailable")
            ),
            timeout=60,
            procs=self._procs(),
        )

    # -- the Energy dashboard

    def _set_up_energy(self) -> None:
        """Put Podero's statistics on the Energy dashboard unless Energy settings exist.

        Saved settings, even empty ones, are the user's choice on a reused config dir.
        """
        ids = self.energy_statistics()
        self.wait_for_statistics(ids.values())
        (prefs,) = self.ask({"type": "energy/get_prefs"})
        if prefs["success"]:
            log("Energy dashboard: keeping the Energy settings of an earlier run")
            return
        (saved,) = self.ask({"type": "energy/save_prefs", **energy_prefs(ids)})
        if not saved["success"]:
            raise DemoError(f"cannot save the Energy settings: {saved['error']}")
        log("Energy dashboard: grid, solar, battery, heat pump and EV from Podero")

    def wait_for_statistics(self, ids: Iterable[str]) -> None:
        """Wait until the recorder lists every statistic id (the first import has run)."""
        wanted = set(ids)
        missing = set(wanted)

        def imported() -> bool:
            missing.clear()
            missing.update(wanted - self.imported_statistics())
            return not missing

        if imported():
            return
        log("waiting for Podero's first energy-history import (a minute after setup)")
        try:
            wait_for(
                "Podero's energy statistics",
                imported,
                timeout=STATISTICS_TIMEOUT_S,
                procs=self._procs(),
                interval=5,
            )
        except DemoError as err:
            problems = podero_log_errors(self, ("WARNING", "ERROR"))
            raise DemoError(
                f"{err}; not imported: {', '.join(sorted(missing))}. The integration "
                "imports them a minute after setup; its warnings and errors in "
                f"{self.config_dir / 'home-assistant.log'}:\n"
                + ("\n".join(problems[-10:]) or "(none)")
            ) from None
        log(f"{len(wanted)} energy statistics imported")

    # -- queries

    def ask(self, *commands: dict[str, Any]) -> list[dict[str, Any]]:
        """Send commands over the websocket API as the demo user; the answers in order."""
        assert self.ha.token
        return websocket(self.ha_url, self.ha.token, list(commands))

    def energy_statistics(self) -> dict[str, str]:
        """The statistic id of each ENERGY_SERIES role, for the simulator's devices."""
        devices = {kind: self.sim_device(kind)[0] for kind, _ in ENERGY_SERIES.values()}
        return {
            role: statistic_id(devices[kind], series)
            for role, (kind, series) in ENERGY_SERIES.items()
        }

    def imported_statistics(self) -> set[str]:
        """Ids of the statistics with sums that the recorder has (imported or compiled)."""
        (answer,) = self.ask(
            {"type": "recorder/list_statistic_ids", "statistic_type": "sum"}
        )
        return {s["statistic_id"] for s in answer.get("result") or []}

    def hourly_rows(self, ids: Iterable[str], hours: int) -> dict[str, int]:
        """How many hourly rows each statistic has over the last `hours` hours."""
        wanted = sorted(ids)
        if not wanted:
            return {}
        start = datetime.now(UTC) - timedelta(hours=hours)
        (answer,) = self.ask(
            {
                "type": "recorder/statistics_during_period",
                "start_time": start.isoformat(),
                "statistic_ids": wanted,
                "period": "hour",
                "types": ["change"],
            }
        )
        if not answer["success"]:
            raise DemoError(f"recorder/statistics_during_period: {answer['error']}")
        rows = answer["result"]
        return {statistic: len(rows.get(statistic, [])) for statistic in wanted}

    def state(self, entity_id: str) -> str | None:
        """An entity's state, or None if Home Assistant does not know it."""
        try:
            return str(self.ha.get(f"/api/states/{entity_id}")["state"])
        except HttpStatusError as err:
            if err.status == 404:
                return None
            raise

    def podero_entities(self) -> list[str]:
        """Entity ids that belong to the Podero integration."""
        text = self.ha.post(
            "/api/template",
            {"template": "{{ integration_entities('podero') | list | to_json }}"},
            expect=(200,),
        )
        return list(text) if isinstance(text, list) else json.loads(text)

    def sim_device(self, kind: str) -> tuple[str, dict[str, Any]]:
        """The (id, API payload) of the household's only device of a kind (e.g. heat-pumps)."""
        devices = [
            (device_id, device["payload"])
            for device_id, device in self.sim.get("/_sim/state")["devices"].items()
            if device["kind"] == kind
        ]
        if len(devices) != 1:
            raise DemoError(
                f"expected one {kind} in the simulator, found {len(devices)}"
            )
        return devices[0]

    def sim_requests(self, method: str, path_part: str) -> list[dict[str, Any]]:
        """Requests the simulator logged with this method whose path contains path_part."""
        return [
            r
            for r in self.sim.get("/_sim/requests")
            if r["method"] == method and path_part in r["path"]
        ]

    def info(self) -> dict[str, Any]:
        """URLs and credentials of the running demo (the `--json` line)."""
        return {
            "ha_url": self.ha_url,
            "dashboard_url": self.ha_url + DASHBOARD_PATH,
            "username": USERNAME,
            "password": PASSWORD,
            "config_dir": str(self.config_dir),
            "ha_log": str(self.hass_log),
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


# --- the check --------------------------------------------------------------------------------


def round_trip(demo: Demo) -> dict[str, Any]:
    """Toggle the heat pump's smart optimization off and on over HA's REST API.

    Each call must reach the simulator as a PUT of the heat pump, change the simulator's
    device and come back as the entity's state.
    """
    device_id, payload = demo.sim_device("heat-pumps")
    result: dict[str, Any] = {
        "entity": HEAT_PUMP_SWITCH,
        "device": device_id,
        "steps": [],
    }
    start = payload["is_smart_optimization_active"]
    for want in (not start, start):
        demo.sim.request("DELETE", "/_sim/requests", expect=(204,))
        service = "turn_on" if want else "turn_off"
        demo.ha.post(f"/api/services/switch/{service}", {"entity_id": HEAT_PUMP_SWITCH})
        puts = demo.sim_requests("PUT", f"/heat-pumps/{device_id}")
        _, payload = demo.sim_device("heat-pumps")
        expected = "on" if want else "off"
        with contextlib.suppress(DemoError):
            wait_for(
                f"{HEAT_PUMP_SWITCH} to become {expected}",
                lambda expected=expected: demo.state(HEAT_PUMP_SWITCH) == expected,
                timeout=30,
            )
        step = {
            "service": f"switch.{service}",
            "simulator_puts": [r["status"] for r in puts],
            "simulator_value": payload["is_smart_optimization_active"],
            "ha_state": demo.state(HEAT_PUMP_SWITCH),
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


def frontend(demo: Demo) -> dict[str, Any]:
    """Ask the websocket API what the frontend asks before it shows a dashboard.

    `get_services` fails when an integration's requirements are missing (the UI then never
    leaves "Loading..."), and `lovelace/config` returns the Podero dashboard as Home Assistant
    parsed it from config/dashboards/.
    """
    assert demo.ha.token
    services, dashboard, listed = websocket(
        demo.ha_url,
        demo.ha.token,
        [
            {"type": "get_services"},
            {"type": "lovelace/config", "url_path": DASHBOARD_URL_PATH},
            {"type": "lovelace/dashboards/list"},
        ],
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


def energy_dashboard(demo: Demo) -> dict[str, Any]:
    """Check the Energy dashboard's settings: Podero statistics with recent hourly data.

    Every `podero:` statistic the Energy settings refer to must have rows in the last
    CHECK_HOURS hours, and `energy/validate` (the settings page's checks) must find no issue.
    """
    prefs, validation = demo.ask(
        {"type": "energy/get_prefs"}, {"type": "energy/validate"}
    )
    used = {
        s
        for s in referenced_statistics(prefs.get("result") or {})
        if s.startswith("podero:")
    }
    rows = demo.hourly_rows(used, CHECK_HOURS)
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


def podero_log_errors(demo: Demo, levels: tuple[str, ...] = ("ERROR",)) -> list[str]:
    """Lines of Home Assistant's log at these levels that come from the integration."""
    path = demo.config_dir / "home-assistant.log"
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [
        line[:300]
        for line in lines
        if any(f" {level} " in line for level in levels)
        and ("custom_components.podero" in line or "[podero" in line)
    ]


def check(demo: Demo) -> dict[str, Any]:
    """Verify the running demo over HTTP; return the result (ok: bool)."""
    config = demo.ha.get("/api/config")
    entities = demo.podero_entities()
    states = {s["entity_id"]: s["state"] for s in demo.ha.get("/api/states")}
    referenced = dashboard_entities()
    wanted = [e for e in referenced if ":" not in e]
    # External statistics (`podero:...`): the demo waited for the first import.
    missing = [e for e in wanted if e not in states] + sorted(
        {e for e in referenced if ":" in e} - demo.imported_statistics()
    )
    unavailable = sorted(e for e in entities if states.get(e) == "unavailable")
    components = set(config.get("components", []))
    missing_components = sorted(configured_domains(demo.config_dir) - components)
    ui = frontend(demo)
    energy = energy_dashboard(demo)
    trip = round_trip(demo)
    errors = podero_log_errors(demo)
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


# --- command line -----------------------------------------------------------------------------


def _raise_stop(signum: int, _frame: Any) -> None:
    raise Stop(signal.Signals(signum).name)


def banner(demo: Demo) -> str:
    """What the interactive mode prints once everything is up."""
    info = demo.info()
    return f"""
  Podero demo is running.

    Home Assistant   {info["ha_url"]}
    Dashboard        {info["dashboard_url"]}
    Energy           {info["ha_url"]}/energy
    Log in as        {info["username"]} / {info["password"]}
    Simulator        {info["simulator_url"]} (admin: {info["admin_url"]}/state)
    Logs             {demo.config_dir / "home-assistant.log"}, {demo.sim_log}

  Press Ctrl-C to stop both.
"""


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Options of scripts/develop (the shell script handles --ha)."""
    parser = argparse.ArgumentParser(
        prog="scripts/develop",
        description="Run the simulator's demo household and Home Assistant with Podero set up.",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--check",
        action="store_true",
        help="headless: set up, verify over HA's APIs, print one JSON line, exit (0 = ok)",
    )
    mode.add_argument(
        "--json",
        action="store_true",
        help="print one JSON line (URLs, login) when ready, then serve until SIGINT/SIGTERM",
    )
    parser.add_argument(
        "--hass",
        type=Path,
        default=ROOT / ".venv" / "bin" / "hass",
        help="hass executable",
    )
    parser.add_argument(
        "--config",
        type=Path,
        help="config dir (default: config/ interactively; a temporary copy with --check/--json)",
    )
    parser.add_argument(
        "--port",
        type=int,
        help="Home Assistant's port (default: 8123 for config/, else free)",
    )
    parser.add_argument(
        "--sim-port",
        type=int,
        default=None,
        help="simulator port (default: 8124 or free)",
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=DEFAULT_SPEED,
        help=f"simulated seconds per real second (default {DEFAULT_SPEED:g})",
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="forget the state of config/ (users, entries, history) before starting",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep a temporary config dir"
    )
    return parser.parse_args(argv)


def reset(config_dir: Path) -> None:
    """Delete Home Assistant's runtime files (not the tracked YAML or dashboards)."""
    keep = {*CONFIG_FILES, "dashboards"}
    for path in config_dir.iterdir():
        if path.name in keep:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def main(argv: list[str]) -> int:
    """Run scripts/develop; return the exit status."""
    args = parse_args(argv)
    # Started in the background by a shell, SIGINT may arrive ignored; Ctrl-C must stop us.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGHUP, _raise_stop)
    temporary = args.config is None and (args.check or args.json)
    config_dir = (
        Path(tempfile.mkdtemp(prefix="podero-demo-"))
        if temporary
        else (args.config or CONFIG)
    )
    if args.reset:
        if temporary:
            log("--reset only applies to a persistent config dir; ignoring it")
        elif port_in_use(configured_port(config_dir)):
            log(
                f"--reset: Home Assistant is still running on {config_dir}; stop it first"
            )
            return 1
        else:
            log(f"--reset: removing Home Assistant's state from {config_dir}")
            reset(config_dir)
    in_repo = config_dir.resolve() == CONFIG.resolve()
    if in_repo and args.port not in (None, configured_port(CONFIG)):
        log(f"--port {args.port} ignored: config/ sets http.server_port")
    ha_port = configured_port(CONFIG) if in_repo else (args.port or free_port())
    sim_port = (
        args.sim_port if args.sim_port is not None else (0 if temporary else 8124)
    )
    log_dir = config_dir if not in_repo else ROOT / ".develop"
    demo = Demo(
        config_dir=config_dir,
        ha_port=ha_port,
        sim_port=sim_port,
        hass_bin=args.hass,
        speed=args.speed,
        log_dir=log_dir,
    )
    started = time.monotonic()
    status = 1
    failed = True
    try:
        with running(demo):
            if args.check:
                result = check(demo)
                result["seconds"] = round(time.monotonic() - started, 1)
                print(json.dumps(result), flush=True)
                status = 0 if result["ok"] else 1
            elif args.json:
                print(json.dumps(demo.info()), flush=True)
                while True:
                    time.sleep(3600)
            else:
                print(banner(demo), flush=True)
                log(f"Home Assistant exited with status {demo.serve()}")
                return 1
        failed = status != 0
    except KeyboardInterrupt, Stop:
        failed = False
        status = 130 if args.check else 0
    except DemoError as err:
        log(f"failed: {err}")
        if args.check:
            print(
                json.dumps(
                    {
                        "ok": False,
                        "error": str(err)[:2000],
                        "config_dir": str(config_dir),
                    }
                ),
                flush=True,
            )
    finally:
        if temporary and not args.keep and not failed:
            shutil.rmtree(config_dir, ignore_errors=True)
        elif temporary:
            log(f"kept {config_dir} (logs: home-assistant.log, hass.console.log)")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
