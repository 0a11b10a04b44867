"""The demo's child processes: the simulator and Home Assistant, started, watched and stopped.

Children run in their own process group (Ctrl-C reaches only us; we stop them in order) and get
SIGTERM if this process dies, so none is left behind.
"""

from __future__ import annotations

from collections.abc import Mapping
import contextlib
import ctypes
from dataclasses import dataclass
import json
import os
from pathlib import Path
import select
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from scripts.lib.develop_common import ROOT, DemoError, log

START_TIMEOUT_S = 300.0
RESTART_EXIT_CODE = 100  # hass exits with it when a restart is asked for
STOP_TIMEOUT_S = 60.0

_PR_SET_PDEATHSIG = 1

# Children to watch while waiting: a name for messages -> (process, its log file).
type Watched = Mapping[str, tuple[subprocess.Popen[bytes], Path]]


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


def wait_for(
    what: str,
    probe: Any,
    *,
    timeout: float,
    procs: Watched | None = None,
    interval: float = 0.5,
) -> Any:
    """Call probe() until it returns a truthy value; fail early if a child process died."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        for name, (proc, log_path) in (procs or {}).items():
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


@dataclass
class Processes:
    """The simulator and Home Assistant of one demo, each with its log in log_dir."""

    log_dir: Path
    simulator: subprocess.Popen[bytes] | None = None
    hass: subprocess.Popen[bytes] | None = None

    @property
    def hass_log(self) -> Path:
        """Where Home Assistant's console output goes."""
        return self.log_dir / "hass.console.log"

    @property
    def sim_log(self) -> Path:
        """Where the simulator's stderr goes."""
        return self.log_dir / "simulator.log"

    def watched(self) -> dict[str, tuple[subprocess.Popen[bytes], Path]]:
        """The running children, for wait_for to notice one dying."""
        procs = {}
        if self.simulator:
            procs["the simulator"] = (self.simulator, self.sim_log)
        if self.hass:
            procs["Home Assistant"] = (self.hass, self.hass_log)
        return procs

    def start_simulator(self, port: int, speed: float) -> dict[str, Any]:
        """Start the simulator's demo household; return its credentials line.

        Port 0 lets the simulator choose; the line's `base_url` says where it listens.
        """
        self.simulator = spawn(
            [
                sys.executable,
                "-m",
                "podero_simulator",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--scenario",
                "demo",
                "--speed",
                f"{speed:g}",
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
        credentials: dict[str, Any] = json.loads(line)
        log(f"simulator (demo household, speed {speed:g}) on {credentials['base_url']}")
        return credentials

    def start_hass(self, hass_bin: Path, config_dir: Path) -> None:
        """Start Home Assistant on config_dir (requirements are installed up front)."""
        self.hass = spawn(
            [
                str(hass_bin),
                "--config",
                str(config_dir),
                "--skip-pip",
                "--log-no-color",
            ],
            log_path=self.hass_log,
        )

    def wait_hass(self) -> int:
        """Wait until Home Assistant exits; return its status."""
        assert self.hass
        return self.hass.wait()

    def close(self) -> None:
        """Stop Home Assistant (it writes its state), then the simulator."""
        if self.hass and self.hass.poll() is None:
            log("stopping Home Assistant")
        stop(self.hass, "Home Assistant", STOP_TIMEOUT_S)
        stop(self.simulator, "the simulator", 10)
