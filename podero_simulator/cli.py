"""Command line: parse options, serve until SIGINT/SIGTERM, print one JSON start line."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import json
import signal
import sys

from aiohttp import web

from .app import create_app
from .faults import FaultSettings
from .keys import SIMULATOR
from .scenarios import SCENARIOS


def parser() -> argparse.ArgumentParser:
    """Build the argument parser."""
    p = argparse.ArgumentParser(prog="python -m podero_simulator", description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--scenario", choices=SCENARIOS, default="demo")
    p.add_argument(
        "--devices", type=int, default=None, help="fleet size (fleet scenario)"
    )
    p.add_argument(
        "--speed", type=float, default=1.0, help="simulated seconds per real second"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--token-lifetime", type=float, default=36000, help="seconds (simulated)"
    )
    p.add_argument("--latency-ms", type=float, default=0.0)
    p.add_argument("--p-5xx", type=float, default=0.0)
    p.add_argument("--p-429", type=float, default=0.0)
    p.add_argument("--retry-after", type=int, default=1)
    p.add_argument("--p-hang", type=float, default=0.0)
    p.add_argument("--p-malformed", type=float, default=0.0)
    p.add_argument("--p-revoke", type=float, default=0.0)
    return p


def build_app(args: argparse.Namespace) -> web.Application:
    """Build the app for parsed arguments."""
    faults = FaultSettings(
        latency_ms=args.latency_ms,
        p_5xx=args.p_5xx,
        p_429=args.p_429,
        retry_after=args.retry_after,
        p_hang=args.p_hang,
        p_malformed=args.p_malformed,
        p_revoke=args.p_revoke,
        seed=args.seed,
    )
    return create_app(
        args.scenario,
        devices=args.devices,
        seed=args.seed,
        speed=args.speed,
        token_lifetime=args.token_lifetime,
        faults=faults,
    )


async def serve_forever(args: argparse.Namespace) -> None:
    """Serve until SIGINT or SIGTERM."""
    app = build_app(args)
    runner = web.AppRunner(
        app,
        handle_signals=False,
        shutdown_timeout=2.0,
        access_log=None,
        # A client that gives up cancels its (possibly hung) handler at once.
        handler_cancellation=True,
    )
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        site = web.TCPSite(runner, args.host, args.port)
        await site.start()
        port = runner.addresses[0][1]
        base_url = f"http://{args.host}:{port}"
        start = {
            "base_url": base_url,
            **app[SIMULATOR].credentials(),
            "admin_url": f"{base_url}/_sim",
        }
        sys.stdout.write(json.dumps(start) + "\n")
        sys.stdout.flush()
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await runner.cleanup()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = parser().parse_args(argv)
    try:
        asyncio.run(serve_forever(args))
    except ValueError as error:
        sys.stderr.write(f"podero_simulator: {error}\n")
        return 2
    return 0
