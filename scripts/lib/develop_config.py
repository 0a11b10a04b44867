"""The demo's Home Assistant config dir: prepare it, read it, reset it, scan its log.

The repository's `config/` is used in place for `scripts/develop`; `--check`, `--json` and
`scripts/screenshot` use a temporary copy whose HTTP port is a free one.
"""

from __future__ import annotations

import os
from pathlib import Path
import re
import shutil
from typing import Any

from scripts.lib.develop_common import CONFIG, DASHBOARD, ROOT, DemoError

CONFIG_FILES = ("configuration.yaml", "automations.yaml", "scripts.yaml", "scenes.yaml")
HA_LOG = "home-assistant.log"


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


def podero_log_errors(
    config_dir: Path, levels: tuple[str, ...] = ("ERROR",)
) -> list[str]:
    """Lines of Home Assistant's log at these levels that come from the integration."""
    path = config_dir / HA_LOG
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
