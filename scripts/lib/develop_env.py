"""A virtual environment with another Home Assistant release, for `scripts/develop --ha`.

    python develop_env.py --uv UV --python PY latest     # or a version, e.g. 2026.11.0
        -> prints the path of that environment's `hass` (creating or refreshing it first)
    python develop_env.py requirements                   # run by the target environment itself
        -> prints the requirements of every integration the demo loads, one per line

`latest` is the newest release on PyPI (its JSON API); it lives in `.venv-latest`, a given
version in `.venv-ha-VERSION`. The environment gets `homeassistant==VERSION` and then exactly
the requirements Home Assistant would pip-install at start-up for the demo's integrations —
derived from that release's own manifests, constrained by its `package_constraints.txt` — so
`hass --skip-pip` never lacks one (the pinned `.venv` gets the same from uv.lock instead).
A stamp file makes a second run with the same version instant.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import re
import shutil
import subprocess
import sys
import urllib.request

ROOT = Path(__file__).resolve().parents[2]
PYPI_JSON = "https://pypi.org/pypi/homeassistant/json"
STAMP = ".podero-ha-stamp"
# What HA also installs for an integration whose manifest has one of these keys (their
# discovery integrations; see homeassistant.requirements.DISCOVERY_INTEGRATIONS).
DISCOVERY = {
    "dhcp": ("dhcp",),
    "mqtt": ("mqtt",),
    "ssdp": ("ssdp",),
    "zeroconf": ("zeroconf", "homekit"),
}
# Config entries that onboarding creates and whose integrations then load (no requirements of
# theirs are installed for the other onboarding suggestions, which need the internet).
ONBOARDING_ENTRIES = ("shopping_list",)


def log(message: str) -> None:
    """Progress on stderr (stdout is the hass path)."""
    print(f"develop: {message}", file=sys.stderr, flush=True)


def latest_version() -> str:
    """The newest Home Assistant release on PyPI (pre-releases are not `info.version`)."""
    with urllib.request.urlopen(PYPI_JSON, timeout=30) as response:
        return str(json.load(response)["info"]["version"])


def demo_domains(config: Path) -> set[str]:
    """Integrations Home Assistant sets up for the demo config (before dependencies)."""
    from homeassistant import bootstrap  # noqa: PLC0415 - only inside the target env

    configured = set(re.findall(r"(?m)^([a-z0-9_]+):", config.read_text()))
    return (
        set(bootstrap.CORE_INTEGRATIONS)
        | set(bootstrap.DEFAULT_INTEGRATIONS)
        | configured
        | set(ONBOARDING_ENTRIES)
        | {"podero"}
    )


def requirements(config: Path) -> list[str]:
    """Requirements of the demo's integrations and everything HA resolves for them."""
    import homeassistant  # noqa: PLC0415 - only inside the target env

    components = Path(homeassistant.__file__).parent / "components"
    custom = ROOT / "custom_components"
    found: dict[str, None] = {}
    seen: set[str] = set()
    queue = sorted(demo_domains(config))
    while queue:
        domain = queue.pop()
        if domain in seen:
            continue
        seen.add(domain)
        path = custom / domain / "manifest.json"
        if not path.exists():
            path = components / domain / "manifest.json"
        if not path.exists():
            continue  # HA skips unknown domains too (e.g. an after_dependency not installed)
        manifest = json.loads(path.read_text())
        for requirement in manifest.get("requirements", []):
            found[requirement] = None
        queue += manifest.get("dependencies", []) + manifest.get(
            "after_dependencies", []
        )
        for key, domains in DISCOVERY.items():
            if key in manifest:
                queue += domains
    return list(found)


def run(args: list[str], what: str) -> str:
    """Run a command; on failure show its output and exit."""
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    if proc.returncode:
        log(f"{what} failed:\n{proc.stdout[-2000:]}{proc.stderr[-4000:]}")
        sys.exit(1)
    return proc.stdout


def ensure(uv: str, python: str, spec: str) -> Path:
    """Create or update the environment for `spec` (latest or a version); return its hass.

    A new release means a new environment; a changed configuration.yaml or manifest only
    installs what is missing (uv is incremental), and an unchanged one nothing at all.
    """
    env = ROOT / (".venv-latest" if spec == "latest" else f".venv-ha-{spec}")
    hass = env / "bin" / "hass"
    env_python = str(env / "bin" / "python")
    pip = [uv, "pip", "install", "--quiet", "--python", env_python]
    stamp_path = env / STAMP
    stamp = json.loads(stamp_path.read_text()) if stamp_path.exists() else {}
    try:
        version = latest_version() if spec == "latest" else spec
    except OSError as err:
        if stamp and hass.exists():
            log(f"PyPI unreachable ({err}); using Home Assistant {stamp['version']}")
            return hass
        log(f"cannot ask PyPI for the latest Home Assistant: {err}")
        sys.exit(1)
    config = ROOT / "config" / "configuration.yaml"
    inputs = {
        "version": version,
        "config": config.read_text(),
        "manifest": (ROOT / "custom_components/podero/manifest.json").read_text(),
    }
    if hass.exists() and {key: stamp.get(key) for key in inputs} == inputs:
        log(f"Home Assistant {version} in {env.name} is up to date")
        return hass
    if not hass.exists() or stamp.get("version") != version:
        log(
            f"creating {env.name} with Home Assistant {version} from PyPI (a few minutes)"
        )
        if env.exists():
            shutil.rmtree(env)
        run([uv, "venv", "--quiet", "--python", python, str(env)], "uv venv")
        run([*pip, f"homeassistant=={version}"], f"installing homeassistant=={version}")
    wanted = run(
        [env_python, __file__, "requirements", "--config", str(config)],
        "reading the manifests",
    ).split()
    constraints = run(
        [env_python, "-c", "import homeassistant; print(homeassistant.__file__)"],
        "locating Home Assistant",
    ).strip()
    constraints = str(Path(constraints).parent / "package_constraints.txt")
    install = [*pip, "-c", constraints]
    log(f"installing the {len(wanted)} requirements of the demo's integrations")
    failed: list[str] = []
    if subprocess.run([*install, *wanted], capture_output=True, check=False).returncode:
        # Install what can be installed; HA then reports the rest as failed integrations.
        for requirement in wanted:
            proc = subprocess.run(
                [*install, requirement], capture_output=True, text=True, check=False
            )
            if proc.returncode:
                failed.append(requirement)
                reason = (proc.stderr.strip().splitlines() or ["?"])[-1]
                log(f"cannot install {requirement}: {reason}")
    stamp_path.write_text(
        json.dumps({**inputs, "requirements": wanted, "failed": failed})
    )
    return hass


def main(argv: list[str]) -> int:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="develop_env.py")
    parser.add_argument("--uv")
    parser.add_argument("--python")
    parser.add_argument(
        "--config", type=Path, default=ROOT / "config" / "configuration.yaml"
    )
    parser.add_argument(
        "spec", help="`latest`, a version such as 2026.11.0, or `requirements`"
    )
    args = parser.parse_args(argv)
    if args.spec == "requirements":
        print("\n".join(requirements(args.config)))
        return 0
    if not re.fullmatch(
        r"latest|\d{4}\.\d{1,2}\.\d+(?:[ab]\d+|rc\d+|\.dev\d+)?", args.spec
    ):
        parser.error(
            f"--ha must be `pinned`, `latest` or a version like 2026.11.0, not {args.spec!r}"
        )
    if not (args.uv and args.python):
        parser.error("--uv and --python are required")
    print(ensure(args.uv, args.python, args.spec))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
