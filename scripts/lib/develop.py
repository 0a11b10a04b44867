"""`scripts/develop`: run the demo household with Home Assistant, from the command line.

`scripts/develop` calls this with the Python of `.venv` (after it picked the `hass` to run,
`--hass`). The demo itself is develop_demo.Demo; this module chooses the config dir and ports,
then runs one of three modes: interactive (banner, serve until Ctrl-C), `--check` (verify with
develop_checks, one JSON line, exit) and `--json` (one JSON line with URLs and credentials,
then serve until SIGINT/SIGTERM; used by the browser test and `scripts/screenshot`).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import shutil
import signal
import sys
import tempfile
import time
from typing import Any

# Imported as scripts.lib.*: the module names mypy gives these files (mypy_path ".").
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.lib.develop_checks import check
from scripts.lib.develop_common import CONFIG, ROOT, DemoError, log
from scripts.lib.develop_config import configured_port, reset
from scripts.lib.develop_demo import DEFAULT_SPEED, Demo, running
from scripts.lib.develop_processes import free_port, port_in_use


class Stop(Exception):
    """SIGTERM or SIGHUP arrived: stop like Ctrl-C."""


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
    Logs             {demo.config_dir / "home-assistant.log"}, {demo.processes.sim_log}

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
