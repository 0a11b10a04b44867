"""The shape of the code: API knowledge stays in api/, modules stay small, imports stay acyclic.

- Outside `api/`, no module spells a field name of Podero's payloads: not to read a raw payload
  (`getattr`, `[...]`, `.get(...)`) and not in any other string, unless that word is also one of
  the integration's own contracts (an entity key, an action field, a statistic key, ...).
- No module of the integration or of scripts/lib has more than 400 lines.
- The integration's modules import each other without a cycle, `TYPE_CHECKING` imports included.
"""

import ast
from collections.abc import Iterator
import dataclasses
import json
from pathlib import Path

import yaml

from custom_components.podero.api import changes, parsing
from custom_components.podero.statistics import SERIES

ROOT = Path(__file__).resolve().parents[1]
INTEGRATION = ROOT / "custom_components" / "podero"
PACKAGE = "custom_components.podero"
MAX_LINES = 400
# Contract words that happen to equal a payload field: a key of the pause Store ("since") and
# of the `get_charge_policy` response ("days").
OWN_WORDS = {"since", "days"}


def _models(base: type) -> Iterator[type]:
    for model in base.__subclasses__():
        yield model
        yield from _models(model)


def wire_names() -> set[str]:
    """Every key the API models read from payloads, and every key the changes send."""
    names = {
        key
        for model in _models(parsing.Model)
        for spec in parsing._plan(model)[0]
        for key in spec.path
    }
    updates = (changes.DeviceUpdate, changes.ChargingConfigUpdate)
    return names | {field.name for cls in updates for field in dataclasses.fields(cls)}


def contract_words() -> set[str]:
    """The integration's own names: entity keys, placeholders, action fields, series keys."""
    en = json.loads((INTEGRATION / "translations" / "en.json").read_text())
    words = set(OWN_WORDS)
    for platform in en["entity"].values():
        for key, entity in platform.items():
            words |= {key, *entity.get("state_attributes", {})}
    words |= {
        placeholder.strip("{}")
        for text in _strings(en)
        for placeholder in text.split()
        if placeholder.startswith("{") and placeholder.endswith("}")
    }
    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text())
    words |= {field for spec in services.values() for field in spec["fields"]}
    return words | {series.key for kind in SERIES.values() for series in kind}


def _strings(tree: object) -> Iterator[str]:
    if isinstance(tree, dict):
        for value in tree.values():
            yield from _strings(value)
    elif isinstance(tree, str):
        yield (
            tree.replace(".", " ").replace(",", " ").replace("(", " ").replace(")", " ")
        )


def modules() -> Iterator[Path]:
    """The integration's modules outside api/."""
    return (path for path in INTEGRATION.glob("*.py"))


def _payload_reads(tree: ast.AST) -> Iterator[ast.Constant]:
    """String constants used to reach into an object by name."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in {"getattr", "hasattr", "setattr"} and len(node.args) > 1:
                yield from (a for a in node.args[1:2] if isinstance(a, ast.Constant))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "get" and node.args:
                yield from (a for a in node.args[:1] if isinstance(a, ast.Constant))
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            yield node.slice


def test_no_module_outside_api_reads_a_payload_field_by_name() -> None:
    """Payload fields are read by the API models only; the rest uses typed attributes."""
    wire = wire_names()
    found = [
        f"{path.name}:{node.lineno} {node.value}"
        for path in modules()
        for node in _payload_reads(ast.parse(path.read_text()))
        if node.value in wire - OWN_WORDS
    ]
    assert found == []


def test_no_module_outside_api_spells_a_payload_field() -> None:
    """A payload field name outside api/ is only allowed where it is our own contract too."""
    wire, own = wire_names(), contract_words()
    found = [
        f"{path.name}:{node.lineno} {node.value}"
        for path in modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in wire - own
    ]
    assert found == []


def test_no_module_is_longer_than_400_lines() -> None:
    """Small modules with one job each (scripts/lib included)."""
    paths = [*INTEGRATION.rglob("*.py"), *(ROOT / "scripts" / "lib").glob("*.py")]
    long = {
        str(path.relative_to(ROOT)): lines
        for path in paths
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def _imports(path: Path) -> set[str]:
    """The integration modules a module imports, at any level (TYPE_CHECKING included)."""
    package = ".".join((PACKAGE, *path.relative_to(INTEGRATION).parent.parts))
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            names = [f"{module}.{alias.name}" for alias in node.names]
            found |= {module, *names} if node.level else {module}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_the_integration_has_no_import_cycle() -> None:
    """Module imports form a DAG (a package import counts as its __init__)."""
    graph: dict[str, set[str]] = {}
    for path in INTEGRATION.rglob("*.py"):
        parts = path.relative_to(INTEGRATION).with_suffix("").parts
        name = ".".join((PACKAGE, *parts)).removesuffix(".__init__")
        graph[name] = set()
        for target in _imports(path):
            if target in graph or target.startswith(PACKAGE):
                graph[name].add(target)
    known = set(graph)
    graph = {
        name: {t for t in targets if t in known} for name, targets in graph.items()
    }
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in graph[node]:
            if state.get(target) == 1 and not cycle:
                cycle.extend([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [node])
    assert cycle == []
