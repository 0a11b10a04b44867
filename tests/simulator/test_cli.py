"""``python -m podero_simulator`` and ``scripts/simbench``."""

import asyncio
import json
import os
from pathlib import Path
import runpy
import signal
import sys

import aiohttp
import pytest

from podero_simulator import SIMULATOR, bench, cli

from .helpers import KINDS, PREFIX

ROOT = Path(__file__).resolve().parents[2]
START_KEYS = {
    "base_url", "org_id", "user_id", "token", "client_id", "client_secret", "username",
    "password", "admin_url",
}  # fmt: skip
pytestmark = pytest.mark.usefixtures("socket_enabled")


async def test_cli_prints_one_start_line_serves_and_exits_cleanly() -> None:
    """Port 0, JSON start line, a working endpoint, SIGINT → exit 0."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "podero_simulator", "--port", "0", "--scenario", "demo", "--seed", "3",
        stdout=asyncio.subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    assert process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        start = json.loads(line)
        assert set(start) == START_KEYS
        assert start["admin_url"] == start["base_url"] + "/_sim"
        url = f"{start['base_url']}{PREFIX}/org/{start['org_id']}/users/{start['user_id']}/heat-pumps"
        headers = {"Authorization": f"Bearer {start['token']}"}
        async with (
            aiohttp.ClientSession(headers=headers) as session,
            session.get(url) as response,
        ):
            assert response.status == 200
            assert len(await response.json()) == 1
    finally:
        process.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(process.wait(), 30)
    assert code == 0
    assert await process.stdout.read() == b""


def test_cli_options_reach_the_app() -> None:
    """Fault and scenario flags configure the simulator."""
    args = cli.parser().parse_args(
        ["--scenario", "fleet", "--devices", "5", "--speed", "2", "--token-lifetime", "60",
         "--latency-ms", "5", "--p-5xx", "0.1", "--p-429", "0.2", "--retry-after", "4",
         "--p-hang", "0.01", "--p-malformed", "0.02", "--p-revoke", "0.03", "--seed", "8"]
    )  # fmt: skip
    sim = cli.build_app(args)[SIMULATOR]
    assert len(sim.devices()) == 5
    assert sim.clock.speed == 2
    assert sim.tokens.lifetime_s == 60
    assert sim.faults.settings.as_dict() == {
        "latency_ms": 5.0, "p_5xx": 0.1, "p_429": 0.2, "retry_after": 4, "p_hang": 0.01,
        "p_malformed": 0.02, "p_revoke": 0.03, "seed": 8,
    }  # fmt: skip


def test_bench_reports_a_table_and_a_json_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The benchmark runs against a small fleet and prints its summary."""
    assert bench.main(["--devices", "8", "--runs", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("simbench: fleet of 8 devices")
    summary = json.loads(lines[-1])
    assert summary["ok"] is True
    assert set(summary["endpoints"]) == set(KINDS)
    assert summary["endpoints"]["heat-pumps"]["items"] == 3


def test_bench_fails_when_over_budget(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exceeding the budget yields exit status 1."""
    monkeypatch.setattr(bench, "BUDGET_MS", 0.0)
    assert bench.main(["--devices", "1", "--runs", "1"]) == 1
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["ok"] is False


def test_bench_errors_without_a_start_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """No start line → a clear error."""
    monkeypatch.setattr(sys, "executable", "/bin/true")
    with pytest.raises(RuntimeError, match="before starting"):
        bench.start_simulator(1, 0)


async def test_serve_forever_stops_on_sigterm(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """In-process: the start line is flushed, SIGTERM ends serving and cleans up."""
    args = cli.parser().parse_args(["--port", "0", "--seed", "1"])
    task = asyncio.create_task(cli.serve_forever(args))
    for _ in range(200):
        await asyncio.sleep(0.02)
        out = capsys.readouterr().out
        if out:
            break
    start = json.loads(out)
    assert start["base_url"].startswith("http://127.0.0.1:")
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(task, 10)


def test_bad_configuration_exits_with_status_2(monkeypatch: pytest.MonkeyPatch) -> None:
    """``python -m podero_simulator`` with a bad value exits 2 instead of a traceback."""
    monkeypatch.setattr(sys, "argv", ["podero_simulator", "--speed", "-1"])
    with pytest.raises(SystemExit) as raised:
        runpy.run_module("podero_simulator", run_name="__main__")
    assert raised.value.code == 2
