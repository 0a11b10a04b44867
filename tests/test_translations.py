"""The translations and icon translations: complete for the code, and German as complete as English.

Home Assistant shows a raw key, or nothing, where a string is missing, and hassfest checks only
the shape of en.json, not whether the keys the code uses are in it. These tests collect the keys
the way Home Assistant meets them:

- entity names, states and icons from the platforms' entities, built from their descriptions
  (imported and instantiated, not parsed), so `entity.py`'s rule for the translation key applies;
- device names by registering every kind of device, with and without make, model and twin;
- exception, repair-issue and config-flow keys (step ids, form errors, abort reasons) by reading
  the source with `ast` and following each key through local variables (path by path, so a key
  keeps the placeholders given with it), module constants, enum members, helper functions'
  return values and parameters (call site by call site) to the string literals it can be;
- actions, their fields and select options from services.yaml and the config flow's schemas.

Each check runs both ways where that makes sense: what the code uses must be translated, and a
translation must belong to something the code uses, so stale strings do not pile up.
"""

import ast
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
import importlib
import json
from pathlib import Path
import re
from types import SimpleNamespace
from typing import Any
from unittest.mock import Mock

import hass_frontend
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.selector import SelectSelector
import pytest
import yaml

from custom_components.podero import PLATFORMS, config_flow
from custom_components.podero.api import (
    ElectricVehicle,
    HeatPump,
    SolarInverter,
    Wallbox,
)
from custom_components.podero.entity import AccountTarget, DeviceTarget, PoderoEntity

ROOT = Path(__file__).resolve().parents[1]
INTEGRATION = ROOT / "custom_components" / "podero"
TRANSLATIONS = INTEGRATION / "translations"
PACKAGE = "custom_components.podero"

PLACEHOLDER = re.compile(r"\{(\w+)\}")
REFERENCE = re.compile(r"\[%key:[^%\]]+%\]")
# hassfest's rules: keys are lowercase slugs (no leading, trailing or doubled - and _), and a
# reference must be the whole string, never combined with text.
TRANSLATION_KEY = re.compile(r"^(?!.+[_-]{2})(?![_-])[a-z0-9-_]+(?<![_-])$")
COMBINED_REFERENCE = re.compile(r"(.+\[%)|(%\].+)")
SINGLE_QUOTED_PLACEHOLDER = re.compile(r"'\{\w+\}'")
HTML_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")

# German strings that are rightly the same as in English: the brand, words German uses as they
# are (Wallbox, Status, OK, Online, Offline, Sandbox) and the heat pump's mode names, which are
# Podero's product terms. Strings made only of placeholders need no entry.
SAME_IN_GERMAN = frozenset(
    {
        "Podero",
        "Wallbox",
        "Wallbox {suffix}",
        "Status",
        "OK",
        "Online",
        "Offline",
        "Sandbox (sandbox-app.podero.com)",
        "Min",
        "Eco",
        "Boost",
    }
)

# Where an entity's state can be translated, and its state icon chosen, besides enum options.
ON_OFF_PLATFORMS = frozenset({"binary_sensor", "switch"})


def _load_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


EN = _load_json(TRANSLATIONS / "en.json")
DE = _load_json(TRANSLATIONS / "de.json")
ICONS = _load_json(INTEGRATION / "icons.json")
SERVICES: dict[str, Any] = yaml.safe_load(
    (INTEGRATION / "services.yaml").read_text(encoding="utf-8")
)


def _leaves(tree: Mapping[str, Any], path: tuple[str, ...] = ()) -> dict[str, Any]:
    """Flatten a nested mapping to {"a.b.c": leaf}."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, Mapping):
            flat.update(_leaves(value, (*path, key)))
        else:
            flat[".".join((*path, key))] = value
    return flat


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _section(tree: Mapping[str, Any], *path: str) -> dict[str, Any]:
    """Return a nested section of a translation tree, or {} if it is absent."""
    node: Any = tree
    for key in path:
        node = node.get(key, {}) if isinstance(node, Mapping) else {}
    return dict(node) if isinstance(node, Mapping) else {}


# --- the entities, as Home Assistant builds them ----------------------------------------------


@dataclass(frozen=True)
class EntityInfo:
    """What the translations and icons need to know about one entity description."""

    platform: str
    translation_key: str
    device_class: str | None
    icon: str | None
    # States that can be translated and given icons: enum options, or on/off.
    states: frozenset[str]


def _platform_descriptions(module: Any) -> list[EntityDescription]:
    """Return the descriptions of the one mapping the platform creates its entities from."""
    mappings = [
        value
        for value in vars(module).values()
        if isinstance(value, Mapping)
        and value
        and all(
            isinstance(descriptions, Sequence)
            and all(isinstance(item, EntityDescription) for item in descriptions)
            for descriptions in value.values()
        )
    ]
    assert len(mappings) == 1, f"{module.__name__}: expected one descriptions mapping"
    return [item for descriptions in mappings[0].values() for item in descriptions]


def _entity_class(module: Any) -> type[PoderoEntity[Any]]:
    classes = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, PoderoEntity)
        and value.__module__ == module.__name__
    ]
    assert len(classes) == 1, f"{module.__name__}: expected one entity class"
    return classes[0]


@cache
def entities() -> tuple[EntityInfo, ...]:
    """Instantiate every platform's entity for each of its descriptions.

    The entities are bound to a target that is unavailable, which is how Home Assistant may
    first see them: a select then offers its fallback options, the full set of its choices.
    """
    unavailable = SimpleNamespace(
        unique_prefix="unavailable", device_info={}, lookup=lambda _data: None
    )
    found: dict[tuple[str, str], EntityInfo] = {}
    for platform in PLATFORMS:
        module = importlib.import_module(f"{PACKAGE}.{platform.value}")
        entity_class = _entity_class(module)
        for description in _platform_descriptions(module):
            entity = entity_class(Mock(), unavailable, description)
            assert entity.translation_key is not None
            options = getattr(entity, "options", None)
            if options is not None and (
                platform.value != "sensor" or entity.device_class == "enum"
            ):
                states = frozenset(options)
            elif platform.value in ON_OFF_PLATFORMS:
                states = frozenset({"on", "off"})
            else:
                states = frozenset()
            info = EntityInfo(
                platform=platform.value,
                translation_key=entity.translation_key,
                device_class=entity.device_class,
                icon=entity.icon,
                states=states,
            )
            # A key shared by several device types (battery_level, boost_state, ...) must
            # describe the same thing everywhere.
            key = (info.platform, info.translation_key)
            assert found.setdefault(key, info) == info, f"{key} differs between devices"
    return tuple(found.values())


def _entity_keys() -> set[tuple[str, str]]:
    return {(info.platform, info.translation_key) for info in entities()}


def _device_names() -> dict[str, set[str]]:
    """Register every kind of device in every naming case; return key -> placeholders given."""
    names: dict[str, set[str]] = {}
    makes = (
        {"manufacturer": "Acme", "model": "One"},
        {"manufacturer": "Acme"},
        {},
    )
    for model in (HeatPump, ElectricVehicle, SolarInverter, Wallbox):
        for make in makes:
            device = model.from_json({"id": "0123456789ab", "device_model": make})
            for ambiguous in (False, True):
                info = DeviceTarget(device, ambiguous=ambiguous).device_info
                key = info.get("translation_key")
                assert key is not None
                names[key] = set(info.get("translation_placeholders") or {})
    account = AccountTarget(SimpleNamespace(account_id="account")).device_info
    key = account.get("translation_key")
    assert key is not None
    names[key] = set(account.get("translation_placeholders") or {})
    return names


# --- the keys in the source, read with ast ----------------------------------------------------

type Function = ast.FunctionDef | ast.AsyncFunctionDef
type Env = Mapping[str, Bound]

# Aborts Home Assistant's config-flow helpers raise by themselves.
IMPLICIT_ABORTS = {
    "_abort_if_unique_id_configured": "already_configured",
    "_async_abort_entries_match": "already_configured",
    "async_set_unique_id": "already_in_progress",
}
UPDATE_AND_ABORT = frozenset(
    {"async_update_reload_and_abort", "async_update_and_abort"}
)
SHOW_STEP = frozenset({"async_show_form", "async_show_menu", "async_show_progress"})
MAX_DEPTH = 40


class UnresolvedError(Exception):
    """The strings an expression can take could not be worked out from the source."""


@dataclass(frozen=True, eq=False)
class Module:
    """One parsed module of the integration."""

    name: str
    tree: ast.Module
    # The innermost function and class around each node.
    function_of: dict[ast.AST, Function]
    class_of: dict[ast.AST, ast.ClassDef]
    # Local names imported from the package: name -> (module, attribute or None for a module).
    imports: dict[str, tuple[str, str | None]]

    def top_level(self, name: str) -> list[Function]:
        """Return the module-level functions of that name."""
        return [
            stmt
            for stmt in self.tree.body
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef)
            and stmt.name == name
        ]

    def constant(self, name: str) -> ast.expr | None:
        """Return the value of a module-level assignment to name."""
        for stmt in self.tree.body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == name
                for target in stmt.targets
            ):
                return stmt.value
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and stmt.target.id == name
            ):
                return stmt.value
        return None

    def class_def(self, name: str) -> ast.ClassDef | None:
        """Return the module-level class of that name."""
        for stmt in self.tree.body:
            if isinstance(stmt, ast.ClassDef) and stmt.name == name:
                return stmt
        return None

    def is_method(self, function: Function) -> bool:
        """Whether the function is defined directly in a class body."""
        owner = self.class_of.get(function)
        return owner is not None and function in owner.body


@dataclass(frozen=True, eq=False)
class Scope:
    """Where an expression is evaluated: a module, a function and, maybe, its arguments."""

    module: Module
    function: Function | None
    params: Mapping[str, tuple[Bound, ...]] | None = None


@dataclass(frozen=True, eq=False)
class Bound:
    """An expression together with the scope and local bindings where it was written."""

    expr: ast.expr
    scope: Scope
    env: Env
    # The element of the tuple the expression evaluates to (`a, b = f()` binds b to index 1).
    index: int | None = None


@dataclass(frozen=True)
class KeyUse:
    """A translation key the code passes, with the placeholders passed along."""

    key: str
    # None where the placeholders are forwarded from elsewhere and cannot be known here.
    placeholders: frozenset[str] | None
    where: str


def _parse(name: str, path: Path) -> Module:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    function_of: dict[ast.AST, Function] = {}
    class_of: dict[ast.AST, ast.ClassDef] = {}
    # ast.walk is breadth first: outer definitions come first and inner ones override them.
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if inner is not node:
                    function_of[inner] = node
        elif isinstance(node, ast.ClassDef):
            for inner in ast.walk(node):
                if inner is not node:
                    class_of[inner] = node
    imports: dict[str, tuple[str, str | None]] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.level == 1:
            for alias in stmt.names:
                local = alias.asname or alias.name
                imports[local] = (
                    (stmt.module, alias.name) if stmt.module else (alias.name, None)
                )
    return Module(name, tree, function_of, class_of, imports)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _called_name(call: ast.Call) -> str | None:
    match call.func:
        case ast.Name(id=name) | ast.Attribute(attr=name):
            return name
    return None


def _contains(node: ast.AST | list[ast.stmt], target: ast.AST) -> bool:
    nodes = node if isinstance(node, list) else [node]
    return any(inner is target for item in nodes for inner in ast.walk(item))


def _walrus(node: ast.AST, bind: Any, env: Env) -> Env:
    """Bind the names assigned with := in node (not inside nested functions)."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.NamedExpr):
            env = {**env, inner.target.id: bind(inner.value, env)}
    return env


def _irrefutable(case: ast.match_case) -> bool:
    """Whether a match case catches everything (`case _:`)."""
    return (
        case.guard is None
        and isinstance(case.pattern, ast.MatchAs)
        and case.pattern.pattern is None
    )


def _blocks(stmt: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists nested in a compound statement."""
    blocks = [
        getattr(stmt, field)
        for field in ("body", "orelse", "finalbody")
        if isinstance(getattr(stmt, field, None), list)
    ]
    blocks += [handler.body for handler in getattr(stmt, "handlers", [])]
    blocks += [case.body for case in getattr(stmt, "cases", [])]
    return blocks


class Source:
    """The integration's modules, and what string literals expressions in them can be."""

    def __init__(self, directory: Path) -> None:
        """Parse every module of the integration package (not the API client)."""
        self.modules = {
            path.stem: _parse(path.stem, path)
            for path in sorted(directory.glob("*.py"))
        }
        self.calls = [
            (module, node)
            for module in self.modules.values()
            for node in ast.walk(module.tree)
            if isinstance(node, ast.Call)
        ]

    # -- paths through a function

    def envs_at(self, target: ast.AST, scope: Scope) -> list[Env]:
        """Return the local bindings on each path from the function's start to target."""
        if scope.function is None:
            return [{}]
        return self._envs_in(target, scope.function.body, {}, scope)

    def _envs_in(
        self, target: ast.AST, body: list[ast.stmt], env: Env, scope: Scope
    ) -> list[Env]:
        envs = [env]
        for stmt in body:
            if _contains(stmt, target):
                result: list[Env] = []
                for current in envs:
                    block = next(
                        (b for b in _blocks(stmt) if _contains(b, target)), None
                    )
                    if block is None:  # in the statement's own expressions
                        result.append(self._bind_walrus(stmt, current, scope))
                    else:
                        entered = self._bind_header(stmt, current, scope)
                        result += self._envs_in(target, block, entered, scope)
                return result
            envs = [
                after
                for current in envs
                for after in self._through(stmt, current, scope)
            ]
        return []

    def _bind_walrus(self, node: ast.AST, env: Env, scope: Scope) -> Env:
        return _walrus(node, lambda value, at: Bound(value, scope, at), env)

    def _bind_header(self, stmt: ast.stmt, env: Env, scope: Scope) -> Env:
        """Bind what a compound statement assigns before its body runs."""
        for field in ("test", "subject", "iter"):
            if (expr := getattr(stmt, field, None)) is not None:
                env = self._bind_walrus(expr, env, scope)
        return env

    def _assign(self, target: ast.expr, value: ast.expr, env: Env, scope: Scope) -> Env:
        bound = Bound(value, scope, env)
        match target:
            case ast.Name(id=name):
                return {**env, name: bound}
            case ast.Tuple(elts=elements) | ast.List(elts=elements):
                for index, element in enumerate(elements):
                    if isinstance(element, ast.Name):
                        env = {**env, element.id: replace(bound, index=index)}
        return env

    def _through(self, stmt: ast.stmt, env: Env, scope: Scope) -> list[Env]:
        """Return the local bindings after stmt, one per path through it."""
        match stmt:
            case ast.Return() | ast.Raise() | ast.Break() | ast.Continue():
                return []
            case ast.Assign(targets=targets, value=value):
                env = self._bind_walrus(value, env, scope)
                for target in targets:
                    env = self._assign(target, value, env, scope)
                return [env]
            case ast.AnnAssign(target=target, value=value) if value is not None:
                return [self._assign(target, value, env, scope)]
            case ast.FunctionDef() | ast.AsyncFunctionDef() | ast.ClassDef():
                return [env]
        if not _blocks(stmt):
            return [self._bind_walrus(stmt, env, scope)]
        # Compound statements: each branch is a path of its own. An except handler is taken
        # to start where the try did (what the try body bound before failing is not kept).
        entered = self._bind_header(stmt, env, scope)
        match stmt:
            case ast.If(body=body, orelse=orelse):
                return self._through_all(body, entered, scope) + (
                    self._through_all(orelse, entered, scope) if orelse else [entered]
                )
            case ast.Match(cases=cases):
                outs = [
                    out
                    for case in cases
                    for out in self._through_all(case.body, entered, scope)
                ]
                return outs if any(map(_irrefutable, cases)) else [*outs, entered]
            case ast.Try() | ast.TryStar():
                done = [
                    out
                    for after_body in self._through_all(stmt.body, entered, scope)
                    for out in self._through_all(stmt.orelse, after_body, scope)
                ]
                done += [
                    out
                    for handler in stmt.handlers
                    for out in self._through_all(handler.body, entered, scope)
                ]
                return [
                    out
                    for current in done
                    for out in self._through_all(stmt.finalbody, current, scope)
                ]
            case ast.For() | ast.AsyncFor() | ast.While():
                looped = self._through_all(stmt.body, entered, scope)
                return [
                    out
                    for current in (entered, *looped)
                    for out in self._through_all(stmt.orelse, current, scope)
                ]
            case ast.With() | ast.AsyncWith():
                return self._through_all(stmt.body, entered, scope)
        return [entered]

    def _through_all(self, body: list[ast.stmt], env: Env, scope: Scope) -> list[Env]:
        envs = [env]
        for stmt in body:
            envs = [
                after
                for current in envs
                for after in self._through(stmt, current, scope)
            ]
        return envs

    # -- functions, their callers and their results

    def callees(self, call: ast.Call, module: Module) -> list[tuple[Module, Function]]:
        """Return the package functions a call can reach."""
        match call.func:
            case ast.Name(id=name):
                if found := module.top_level(name):
                    return [(module, function) for function in found]
                origin, attribute = module.imports.get(name, ("", None))
                if attribute and (other := self.modules.get(origin)):
                    return [
                        (other, function) for function in other.top_level(attribute)
                    ]
            case ast.Attribute(value=ast.Name(id="self"), attr=name):
                owner = module.class_of.get(call)
                if owner is not None:
                    return [
                        (module, stmt)
                        for stmt in owner.body
                        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef)
                        and stmt.name == name
                    ]
            case ast.Attribute(value=ast.Name(id=alias), attr=name):
                origin, attribute = module.imports.get(alias, ("", ""))
                if attribute is None and (other := self.modules.get(origin)):
                    return [(other, function) for function in other.top_level(name)]
        return []

    def bind(
        self, module: Module, function: Function, call: ast.Call, caller: Bound
    ) -> dict[str, tuple[Bound, ...]]:
        """Bind the function's parameters to a call's arguments (caller: scope and env)."""
        args = function.args
        positional = [*args.posonlyargs, *args.args]
        if module.is_method(function):
            positional = positional[1:]
        at_module = Scope(module, None)
        params: dict[str, tuple[Bound, ...]] = {}
        for param, default in zip(
            positional[len(positional) - len(args.defaults) :],
            args.defaults,
            strict=True,
        ):
            params[param.arg] = (Bound(default, at_module, {}),)
        for param, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            if kw_default is not None:
                params[param.arg] = (Bound(kw_default, at_module, {}),)
        for param, arg in zip(positional, call.args, strict=False):
            if isinstance(arg, ast.Starred):
                break
            params[param.arg] = (replace(caller, expr=arg),)
        named = {param.arg for param in (*positional, *args.kwonlyargs)}
        extra: list[ast.keyword] = []
        for keyword in call.keywords:
            if keyword.arg in named:
                params[keyword.arg] = (replace(caller, expr=keyword.value),)
            elif keyword.arg is not None:
                extra.append(keyword)
        if args.kwarg is not None:
            collected = ast.Dict(
                keys=[ast.Constant(keyword.arg) for keyword in extra],
                values=[keyword.value for keyword in extra],
            )
            params[args.kwarg.arg] = (replace(caller, expr=collected),)
        return params

    def call_sites(self, function: Function) -> list[dict[str, tuple[Bound, ...]]]:
        """Return the parameter bindings of every call of the function in the package."""
        sites = []
        for module, call in self.calls:
            for target_module, target in self.callees(call, module):
                if target is not function:
                    continue
                scope = Scope(module, module.function_of.get(call))
                merged: dict[str, tuple[Bound, ...]] = {}
                for env in self.envs_at(call, scope):
                    caller = Bound(call, scope, env)
                    for name, bound in self.bind(
                        target_module, target, call, caller
                    ).items():
                        merged[name] = (*merged.get(name, ()), *bound)
                sites.append(merged)
        return sites

    def contexts(self, module: Module, function: Function | None) -> list[Scope]:
        """The scopes to evaluate a function's body in: one per call site, if it has any."""
        if function is None:
            return [Scope(module, None)]
        sites = self.call_sites(function)
        return [Scope(module, function, params) for params in sites] or [
            Scope(module, function)
        ]

    def _returns(
        self,
        module: Module,
        function: Function,
        params: Mapping[str, tuple[Bound, ...]],
    ) -> Iterator[Bound]:
        scope = Scope(module, function, params)
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Return)
                and node.value is not None
                and module.function_of.get(node) is function
            ):
                for env in self.envs_at(node, scope):
                    yield Bound(node.value, scope, env)

    def _lookup(self, name: str, bound: Bound) -> list[Bound]:
        if name in bound.env:
            return [bound.env[name]]
        scope = bound.scope
        function = scope.function
        if function is not None:
            args = function.args
            params = {
                param.arg for param in (*args.posonlyargs, *args.args, *args.kwonlyargs)
            } | {extra.arg for extra in (args.vararg, args.kwarg) if extra is not None}
            if name in params:
                if scope.params is not None:
                    return list(scope.params.get(name, ()))
                return [
                    value
                    for site in self.call_sites(function)
                    for value in site.get(name, ())
                ]
        module = scope.module
        if (value := module.constant(name)) is not None:
            return [Bound(value, Scope(module, None), {})]
        origin, attribute = module.imports.get(name, ("", None))
        if (
            attribute
            and (other := self.modules.get(origin))
            and (value := other.constant(attribute)) is not None
        ):
            return [Bound(value, Scope(other, None), {})]
        raise UnresolvedError(f"{module.name}.py: cannot find {name}")

    def _enum_value(
        self, bound: Bound, class_name: str, member: str
    ) -> set[str] | None:
        module = bound.scope.module
        class_def, home = module.class_def(class_name), module
        if class_def is None:
            origin, attribute = module.imports.get(class_name, ("", None))
            if attribute and (other := self.modules.get(origin)):
                class_def, home = other.class_def(attribute), other
        if class_def is None:
            return None
        for stmt in class_def.body:
            if (
                isinstance(stmt, ast.Assign)
                and isinstance(target := stmt.targets[0], ast.Name)
                and target.id == member
            ):
                return self.strings(Bound(stmt.value, Scope(home, None), {}))
        return None

    def _dicts(self, bound: Bound, depth: int) -> list[Bound]:
        """Return the dict literals an expression can be."""
        if isinstance(bound.expr, ast.Dict):
            return [bound]
        if isinstance(bound.expr, ast.Name) and depth < MAX_DEPTH:
            return [
                found
                for value in self._lookup(bound.expr.id, bound)
                for found in self._dicts(value, depth + 1)
            ]
        raise UnresolvedError(ast.unparse(bound.expr))

    # -- what an expression can be

    def strings(self, bound: Bound, depth: int = 0) -> set[str]:
        """Return every string literal the expression can evaluate to."""
        if depth > MAX_DEPTH:
            raise UnresolvedError(f"too deep: {ast.unparse(bound.expr)}")
        deeper = depth + 1
        expr = bound.expr
        if bound.index is not None:
            return self._element(bound, deeper)
        match expr:
            case ast.Constant(value=str() as text):
                return {text}
            case ast.Constant(value=None):
                return set()
            case ast.Await(value=inner) | ast.NamedExpr(value=inner):
                return self.strings(replace(bound, expr=inner), deeper)
            case ast.IfExp(body=body, orelse=orelse):
                return self.strings(replace(bound, expr=body), deeper) | self.strings(
                    replace(bound, expr=orelse), deeper
                )
            case ast.Name(id=name):
                return {
                    text
                    for value in self._lookup(name, bound)
                    for text in self.strings(value, deeper)
                }
            case ast.Attribute(attr="translation_key"):
                # Passes on the key of another translated error, checked where that is made.
                return set()
            case ast.Attribute(value=inner, attr="value"):
                return self.strings(replace(bound, expr=inner), deeper)
            case ast.Attribute(value=ast.Name(id=class_name), attr=member) if (
                found := self._enum_value(bound, class_name, member)
            ) is not None:
                return found
            case ast.Call(
                func=ast.Attribute(value=mapping, attr="get"), args=[_, *default]
            ):
                values = {
                    text
                    for literal in self._dicts(replace(bound, expr=mapping), deeper)
                    for value in literal.expr.values
                    for text in self.strings(replace(literal, expr=value), deeper)
                }
                for item in default:
                    values |= self.strings(replace(bound, expr=item), deeper)
                return values
            case ast.Call():
                return self._results(bound, None, deeper)
        raise UnresolvedError(
            f"{bound.scope.module.name}.py:{expr.lineno}: {ast.unparse(expr)}"
        )

    def _results(self, bound: Bound, index: int | None, depth: int) -> set[str]:
        call = bound.expr
        assert isinstance(call, ast.Call)
        callees = self.callees(call, bound.scope.module)
        if not callees:
            raise UnresolvedError(
                f"{bound.scope.module.name}.py:{call.lineno}: {ast.unparse(call)}"
            )
        return {
            text
            for module, function in callees
            for result in self._returns(
                module, function, self.bind(module, function, call, bound)
            )
            for text in self.strings(replace(result, index=index), depth)
        }

    def _element(self, bound: Bound, depth: int) -> set[str]:
        """Return the strings of one element of the tuple an expression evaluates to."""
        index = bound.index
        match bound.expr:
            case ast.Tuple(elts=elements):
                assert index is not None
                return self.strings(
                    replace(bound, expr=elements[index], index=None), depth
                )
            case ast.Await(value=inner):
                return self.strings(replace(bound, expr=inner), depth)
            case ast.Call():
                return self._results(bound, index, depth)
            case ast.Name(id=name):
                values = self._lookup(name, bound)
                if any(value.index is not None for value in values):
                    raise UnresolvedError(
                        f"nested unpacking: {ast.unparse(bound.expr)}"
                    )
                return {
                    text
                    for value in values
                    for text in self.strings(replace(value, index=index), depth)
                }
        raise UnresolvedError(ast.unparse(bound.expr))

    def placeholder_sets(
        self, bound: Bound, depth: int = 0
    ) -> set[frozenset[str] | None]:
        """Return the sets of placeholder names a translation_placeholders argument can give."""
        if depth > MAX_DEPTH:
            raise UnresolvedError(f"too deep: {ast.unparse(bound.expr)}")
        deeper = depth + 1
        match bound.expr:
            case ast.Constant(value=None):
                return {frozenset()}
            case ast.Dict(keys=keys):
                if any(key is None for key in keys):
                    return {None}
                names: set[str] = set()
                for key in keys:
                    assert key is not None
                    names |= self.strings(replace(bound, expr=key), deeper)
                return {frozenset(names)}
            case ast.DictComp(
                key=ast.Name(id=name),
                generators=[
                    ast.comprehension(
                        target=ast.Tuple(elts=[ast.Name(id=loop_name), *_]),
                        iter=ast.Call(func=ast.Attribute(value=inner, attr="items")),
                    )
                ],
            ) if name == loop_name:
                return self.placeholder_sets(replace(bound, expr=inner), deeper)
            case ast.IfExp(body=body, orelse=orelse):
                return self.placeholder_sets(
                    replace(bound, expr=body), deeper
                ) | self.placeholder_sets(replace(bound, expr=orelse), deeper)
            case ast.Name(id=name):
                return {
                    names
                    for value in self._lookup(name, bound)
                    for names in self.placeholder_sets(value, deeper)
                }
            case ast.Attribute(attr="translation_placeholders"):
                return {None}
        raise UnresolvedError(ast.unparse(bound.expr))

    # -- the keys the integration uses

    def _key_uses(
        self,
        module: Module,
        call: ast.Call,
        key: ast.expr,
        placeholders: ast.expr | None,
    ) -> Iterator[KeyUse]:
        where = f"{module.name}.py:{call.lineno}"
        for scope in self.contexts(module, module.function_of.get(call)):
            for env in self.envs_at(call, scope):
                keys = self.strings(Bound(key, scope, env))
                sets = (
                    self.placeholder_sets(Bound(placeholders, scope, env))
                    if placeholders is not None
                    else {frozenset()}
                )
                for text in keys:
                    for names in sets:
                        yield KeyUse(text, names, where)

    def exception_keys(self) -> list[KeyUse]:
        """Keys of translated errors: calls passing translation_domain and translation_key."""
        uses = []
        for module, call in self.calls:
            key = _keyword(call, "translation_key")
            if (
                key is None
                or _keyword(call, "translation_domain") is None
                or _called_name(call) == "async_create_issue"
            ):
                continue
            placeholders = _keyword(call, "translation_placeholders")
            uses += self._key_uses(module, call, key, placeholders)
        return uses

    def issue_keys(self) -> list[KeyUse]:
        """Keys of repair issues created with async_create_issue."""
        uses = []
        for module, call in self.calls:
            key = _keyword(call, "translation_key")
            if key is not None and _called_name(call) == "async_create_issue":
                placeholders = _keyword(call, "translation_placeholders")
                uses += self._key_uses(module, call, key, placeholders)
        return uses

    def _flow_nodes(self, kind: str) -> Iterator[tuple[Module, ast.AST]]:
        """Nodes inside config-flow ("config") or options-flow ("options") classes."""
        module = self.modules["config_flow"]
        for node in ast.walk(module.tree):
            owner = module.class_of.get(node)
            if owner is None:
                continue
            bases = {ast.unparse(base).rsplit(".", 1)[-1] for base in owner.bases}
            is_options = any(base.startswith("OptionsFlow") for base in bases)
            if is_options == (kind == "options"):
                yield module, node

    def _strings_at(self, module: Module, node: ast.AST, expr: ast.expr) -> set[str]:
        texts: set[str] = set()
        for scope in self.contexts(module, module.function_of.get(node)):
            for env in self.envs_at(node, scope):
                texts |= self.strings(Bound(expr, scope, env))
        return texts

    def flow_steps(self, kind: str) -> set[str]:
        """Step ids of the forms and menus a flow shows."""
        steps: set[str] = set()
        for module, node in self._flow_nodes(kind):
            if isinstance(node, ast.Call) and _called_name(node) in SHOW_STEP:
                step = _keyword(node, "step_id")
                assert step is not None, f"config_flow.py:{node.lineno}: no step_id"
                steps |= self._strings_at(module, node, step)
        return steps

    def flow_errors(self, kind: str) -> set[str]:
        """Form errors: values stored in `errors[...]` or passed as an errors={...} literal."""
        errors: set[str] = set()
        for module, node in self._flow_nodes(kind):
            if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and target.value.id == "errors"
                for target in node.targets
            ):
                errors |= self._strings_at(module, node, node.value)
            elif isinstance(node, ast.Call) and isinstance(
                literal := _keyword(node, "errors"), ast.Dict
            ):
                for value in literal.values:
                    errors |= self._strings_at(module, node, value)
        return errors

    def flow_aborts(self, kind: str) -> set[str]:
        """Abort reasons, including those Home Assistant's flow helpers use by themselves."""
        reasons: set[str] = set()
        for module, node in self._flow_nodes(kind):
            if not isinstance(node, ast.Call):
                continue
            name = _called_name(node)
            reason = _keyword(node, "reason")
            if name == "async_abort":
                reason = reason or node.args[0]
                reasons |= self._strings_at(module, node, reason)
            elif name in IMPLICIT_ABORTS:
                reasons.add(IMPLICIT_ABORTS[name])
            elif name in UPDATE_AND_ABORT:
                if reason is not None:
                    reasons |= self._strings_at(module, node, reason)
                    continue
                # Without a reason, the flow's source decides; the function says which
                # entry it updates.
                function = module.function_of.get(node)
                called = {
                    _called_name(inner)
                    for inner in ast.walk(function or node)
                    if isinstance(inner, ast.Call)
                }
                reauth = "_get_reauth_entry" in called
                reconfigure = "_get_reconfigure_entry" in called
                if reauth or not reconfigure:
                    reasons.add("reauth_successful")
                if reconfigure or not reauth:
                    reasons.add("reconfigure_successful")
        return reasons


@cache
def source() -> Source:
    """The integration's source, parsed once."""
    return Source(INTEGRATION)


# --- entity names and states ------------------------------------------------------------------


def test_every_entity_has_a_translated_name() -> None:
    """Each entity's translation key has a name under entity.<platform>.<key>."""
    missing = sorted(
        f"{platform}.{key}"
        for platform, key in _entity_keys()
        if not _section(EN, "entity", platform, key).get("name")
    )
    assert not missing, f"entities without a name in en.json: {missing}"


def test_no_entity_translation_without_an_entity() -> None:
    """Every entity.<platform>.<key> in en.json belongs to an entity the platforms create."""
    translated = {
        (platform, key)
        for platform, keys in _section(EN, "entity").items()
        for key in keys
    }
    assert translated - _entity_keys() == set()


def test_every_entity_state_is_translated() -> None:
    """Enum sensors and selects have a translated state for each of their options."""
    missing = sorted(
        f"{info.platform}.{info.translation_key}: {state}"
        for info in entities()
        if info.platform not in ON_OFF_PLATFORMS
        for state in info.states
        if state
        not in _section(EN, "entity", info.platform, info.translation_key, "state")
    )
    assert not missing, f"states without a translation: {missing}"


def test_no_state_translation_for_a_state_an_entity_cannot_have() -> None:
    """State translations name only options of the entity (or on/off for on/off platforms)."""
    by_key = {(info.platform, info.translation_key): info for info in entities()}
    extra = sorted(
        f"{platform}.{key}: {state}"
        for (platform, key), info in by_key.items()
        for state in _section(EN, "entity", platform, key, "state")
        if state not in info.states
    )
    assert not extra, f"translated states the entity never has: {extra}"


# --- device names -----------------------------------------------------------------------------


def test_every_device_name_is_translated() -> None:
    """Every name key a device can be registered with has a name under device.<key>."""
    missing = sorted(
        key for key in _device_names() if not _section(EN, "device", key).get("name")
    )
    assert not missing, f"device names missing in en.json: {missing}"


def test_device_names_use_only_the_placeholders_given() -> None:
    """A device name uses only placeholders the registration passes with its key."""
    wrong = {
        key: sorted(_placeholders(_section(EN, "device", key).get("name", "")) - given)
        for key, given in _device_names().items()
    }
    assert {key: names for key, names in wrong.items() if names} == {}


def test_no_device_name_without_a_device() -> None:
    """Every device.<key> in en.json is a name key some device is registered with."""
    assert set(_section(EN, "device")) - set(_device_names()) == set()


# --- errors and repair issues -----------------------------------------------------------------


def test_every_exception_key_is_translated() -> None:
    """Each translation_key of a translated error in the code has exceptions.<key>.message."""
    missing = sorted(
        f"{use.key} ({use.where})"
        for use in source().exception_keys()
        if not _section(EN, "exceptions", use.key).get("message")
    )
    assert not missing, f"exception keys missing in en.json: {missing}"


def test_exception_messages_use_only_the_placeholders_given() -> None:
    """Every place that raises a key passes each placeholder its message uses.

    Home Assistant shows the bare key when formatting a message fails for lack of a value.
    """
    wrong = sorted(
        f"{use.key} ({use.where}) lacks {sorted(needed - use.placeholders)}"
        for use in source().exception_keys()
        if use.placeholders is not None
        and (
            needed := _placeholders(
                _section(EN, "exceptions", use.key).get("message", "")
            )
        )
        - use.placeholders
    )
    assert not wrong, wrong


def test_no_exception_translation_without_a_use() -> None:
    """Every exceptions.<key> in en.json is raised somewhere in the code."""
    used = {use.key for use in source().exception_keys()}
    assert set(_section(EN, "exceptions")) - used == set()


def test_every_repair_issue_is_translated() -> None:
    """Each repair issue the code creates has a title and a description under issues.<key>."""
    missing = sorted(
        f"{use.key}.{part} ({use.where})"
        for use in source().issue_keys()
        for part in ("title", "description")
        if not _section(EN, "issues", use.key).get(part)
    )
    assert not missing, f"repair issue strings missing in en.json: {missing}"


def test_repair_issues_use_only_the_placeholders_given() -> None:
    """A repair issue's title and description use only placeholders passed with it."""
    wrong = sorted(
        f"{use.key}.{part} ({use.where})"
        for use in source().issue_keys()
        if use.placeholders is not None
        for part, text in _section(EN, "issues", use.key).items()
        if isinstance(text, str) and _placeholders(text) - use.placeholders
    )
    assert not wrong, wrong


def test_no_repair_issue_translation_without_an_issue() -> None:
    """Every issues.<key> in en.json is created somewhere in the code."""
    used = {use.key for use in source().issue_keys()}
    assert set(_section(EN, "issues")) - used == set()


# --- config and options flows -----------------------------------------------------------------


@pytest.mark.parametrize("flow", ["config", "options"])
def test_every_flow_step_is_translated(flow: str) -> None:
    """Each form the flow shows has an entry under <flow>.step.<step_id>."""
    steps = source().flow_steps(flow)
    assert steps, f"no steps found in the {flow} flow"
    assert steps - set(_section(EN, flow, "step")) == set()


@pytest.mark.parametrize("flow", ["config", "options"])
def test_no_step_translation_without_a_step(flow: str) -> None:
    """Every <flow>.step.<step_id> in en.json is a form the flow shows."""
    assert set(_section(EN, flow, "step")) - source().flow_steps(flow) == set()


@pytest.mark.parametrize("flow", ["config", "options"])
def test_every_form_error_is_translated(flow: str) -> None:
    """Each error a form of the flow can show has a string under <flow>.error."""
    assert source().flow_errors(flow) - set(_section(EN, flow, "error")) == set()


@pytest.mark.parametrize("flow", ["config", "options"])
def test_no_form_error_translation_without_a_use(flow: str) -> None:
    """Every <flow>.error.<key> in en.json is an error the flow can show."""
    assert set(_section(EN, flow, "error")) - source().flow_errors(flow) == set()


@pytest.mark.parametrize("flow", ["config", "options"])
def test_every_abort_reason_is_translated(flow: str) -> None:
    """Each reason the flow can abort with (its own or Home Assistant's) has a string."""
    assert source().flow_aborts(flow) - set(_section(EN, flow, "abort")) == set()


@pytest.mark.parametrize("flow", ["config", "options"])
def test_no_abort_translation_without_a_reason(flow: str) -> None:
    """Every <flow>.abort.<key> in en.json is a reason the flow can abort with."""
    assert set(_section(EN, flow, "abort")) - source().flow_aborts(flow) == set()


@pytest.mark.parametrize("language", [EN, DE], ids=["en", "de"])
def test_field_descriptions_describe_fields_with_a_label(
    language: dict[str, Any],
) -> None:
    """Each data_description key of a step also has a label under data (hassfest's rule)."""
    wrong = sorted(
        f"{flow}.step.{step_id}.data_description.{field}"
        for flow in ("config", "options")
        for step_id, step in _section(language, flow, "step").items()
        for field in step.get("data_description", {})
        if field not in step.get("data", {})
    )
    assert not wrong, wrong


# --- select selectors -------------------------------------------------------------------------


def _select_selectors() -> list[tuple[str, str, frozenset[str]]]:
    """Return (where, translation key, options) of every translated select selector."""
    found: list[tuple[str, str, frozenset[str]]] = []
    for service, spec in SERVICES.items():
        for field, field_spec in (spec or {}).get("fields", {}).items():
            select = (field_spec.get("selector") or {}).get("select") or {}
            if key := select.get("translation_key"):
                options = {
                    option["value"] if isinstance(option, Mapping) else option
                    for option in select.get("options", [])
                }
                found.append(
                    (f"services.yaml {service}.{field}", key, frozenset(options))
                )
    schemas = {
        "config flow user": config_flow._connection_schema(with_org_id=True),
        "config flow reconfigure": config_flow._connection_schema(with_org_id=False),
        **{
            f"config_flow.{name}": value
            for name, value in vars(config_flow).items()
            if name.endswith("_SCHEMA") and hasattr(value, "schema")
        },
    }
    for where, schema in schemas.items():
        for field, selector in schema.schema.items():
            config = getattr(selector, "config", {})
            if isinstance(selector, SelectSelector) and config.get("translation_key"):
                options = {
                    option["value"] if isinstance(option, Mapping) else option
                    for option in config["options"]
                }
                found.append(
                    (f"{where} {field}", config["translation_key"], frozenset(options))
                )
    return found


def test_select_selector_options_are_translated() -> None:
    """A select selector with a translation key has exactly its options under selector.<key>."""
    selectors = _select_selectors()
    assert selectors, "no translated select selectors found"
    wrong = {
        where: sorted(options ^ set(_section(EN, "selector", key, "options")))
        for where, key, options in selectors
    }
    assert {where: diff for where, diff in wrong.items() if diff} == {}


def test_no_selector_translation_without_a_selector() -> None:
    """Every selector.<key> in en.json is the translation key of a select selector."""
    used = {key for _where, key, _options in _select_selectors()}
    assert set(_section(EN, "selector")) - used == set()


# --- actions ----------------------------------------------------------------------------------


def test_every_action_has_a_name_and_description() -> None:
    """Each action in services.yaml has services.<action>.name and .description."""
    missing = sorted(
        f"{service}.{part}"
        for service in SERVICES
        for part in ("name", "description")
        if not _section(EN, "services", service).get(part)
    )
    assert not missing, missing


def test_every_action_field_has_a_name_and_description() -> None:
    """Each field of each action has a name and a description in en.json."""
    missing = sorted(
        f"{service}.{field}.{part}"
        for service, spec in SERVICES.items()
        for field in (spec or {}).get("fields", {})
        for part in ("name", "description")
        if not _section(EN, "services", service, "fields", field).get(part)
    )
    assert not missing, missing


def test_no_action_translation_without_an_action() -> None:
    """Every services.<action> in en.json is an action of services.yaml."""
    assert set(_section(EN, "services")) - set(SERVICES) == set()


def test_no_field_translation_without_a_field() -> None:
    """Every translated action field is a field of that action in services.yaml."""
    extra = sorted(
        f"{service}.{field}"
        for service, spec in _section(EN, "services").items()
        for field in spec.get("fields", {})
        if field not in ((SERVICES.get(service) or {}).get("fields") or {})
    )
    assert not extra, extra


# --- string rules (hassfest) ------------------------------------------------------------------


def _keys_that_must_be_slugs(tree: Mapping[str, Any]) -> Iterator[str]:
    """Keys hassfest validates as translation keys: entity, state, option, action, field."""
    for platform, keys in _section(tree, "entity").items():
        for key, entry in keys.items():
            yield f"entity.{platform}.{key}"
            yield from (
                f"entity.{platform}.{key}.state.{s}" for s in entry.get("state", {})
            )
            yield from (
                f"entity.{platform}.{key}.state_attributes.{a}"
                for a in entry.get("state_attributes", {})
            )
    for key, entry in _section(tree, "selector").items():
        yield from (f"selector.{key}.options.{o}" for o in entry.get("options", {}))
    yield from (f"device.{key}" for key in _section(tree, "device"))
    for service, entry in _section(tree, "services").items():
        yield f"services.{service}"
        yield from (f"services.{service}.fields.{f}" for f in entry.get("fields", {}))
    yield from (f"exceptions.{key}" for key in _section(tree, "exceptions"))


@pytest.mark.parametrize("language", [EN, DE], ids=["en", "de"])
def test_translation_keys_are_valid(language: dict[str, Any]) -> None:
    """Keys hassfest checks are lowercase slugs without leading, trailing or doubled _ and -."""
    invalid = sorted(
        path
        for path in _keys_that_must_be_slugs(language)
        if not TRANSLATION_KEY.match(path.rsplit(".", 1)[-1])
    )
    assert not invalid, invalid


@pytest.mark.parametrize("language", [EN, DE], ids=["en", "de"])
def test_strings_follow_hassfest_rules(language: dict[str, Any]) -> None:
    """Strings have no HTML, no surrounding spaces, no '{quoted}' placeholders, no mixed refs."""
    wrong = sorted(
        path
        for path, text in _leaves(language).items()
        if not isinstance(text, str)
        or text != text.strip()
        or HTML_TAG.search(text)
        or SINGLE_QUOTED_PLACEHOLDER.search(text)
        or COMBINED_REFERENCE.search(text)
    )
    assert not wrong, wrong


# --- German -----------------------------------------------------------------------------------


def test_german_has_the_same_keys_as_english() -> None:
    """de.json has exactly en.json's key tree: nothing missing, nothing extra."""
    english, german = set(_leaves(EN)), set(_leaves(DE))
    assert {"missing": sorted(english - german), "extra": sorted(german - english)} == {
        "missing": [],
        "extra": [],
    }


def test_german_strings_are_not_empty() -> None:
    """No German string is empty or only whitespace."""
    assert [path for path, text in _leaves(DE).items() if not str(text).strip()] == []


def test_german_strings_keep_the_placeholders() -> None:
    """Each German string has the same {placeholders} as its English original."""
    german = _leaves(DE)
    wrong = sorted(
        path
        for path, text in _leaves(EN).items()
        if path in german and _placeholders(text) != _placeholders(german[path])
    )
    assert not wrong, wrong


def test_german_strings_keep_the_references() -> None:
    """Each [%key:...%] reference of en.json is kept unchanged in de.json."""
    german = _leaves(DE)
    wrong = sorted(
        path
        for path, text in _leaves(EN).items()
        if path in german
        and sorted(REFERENCE.findall(text)) != sorted(REFERENCE.findall(german[path]))
    )
    assert not wrong, wrong


def test_german_strings_are_translated() -> None:
    """No German string is left as the English one, except the allow-listed words.

    Strings that are only placeholders and references (such as "{manufacturer} {model}") are
    the same in every language and need no allow-listing.
    """
    german = _leaves(DE)
    untranslated = sorted(
        f"{path}: {text}"
        for path, text in _leaves(EN).items()
        if german.get(path) == text
        and text not in SAME_IN_GERMAN
        and re.search(r"[A-Za-z]", REFERENCE.sub("", PLACEHOLDER.sub("", text)))
    )
    assert not untranslated, untranslated


def test_german_allow_list_has_no_stale_entries() -> None:
    """Every allow-listed string still occurs, identical, in en.json and de.json."""
    english, german = _leaves(EN), _leaves(DE)
    same = {text for path, text in english.items() if german.get(path) == text}
    assert SAME_IN_GERMAN - same == set()


# --- icons (icons.json: Home Assistant's icon translations) -----------------------------------


def _icon_leaves() -> dict[str, str]:
    return _leaves(ICONS)


def test_every_action_has_an_icon() -> None:
    """Each action in services.yaml has an icon under services.<action>.service."""
    icons = _section(ICONS, "services")
    missing = sorted(
        service
        for service in SERVICES
        if not (
            isinstance(icons.get(service), str)
            or _section(icons, service).get("service")
        )
    )
    assert not missing, missing


def test_no_icon_for_an_action_that_does_not_exist() -> None:
    """Every services.<action> in icons.json is an action of services.yaml."""
    assert set(_section(ICONS, "services")) - set(SERVICES) == set()


def test_entities_without_a_device_class_have_an_icon() -> None:
    """An entity needs a default icon in icons.json unless something else gives it one.

    The rule enforced: an entity without an explicit `icon` whose description has no device
    class, or only the enum device class (which has no icon of its own), must have
    entity.<platform>.<key>.default in icons.json. Device classes other than enum come with
    the frontend's icons, so entities with one may rely on them.
    """
    missing = sorted(
        f"{info.platform}.{info.translation_key}"
        for info in entities()
        if info.icon is None
        and info.device_class in (None, "enum")
        and not _section(ICONS, "entity", info.platform, info.translation_key).get(
            "default"
        )
    )
    assert not missing, f"entities without an icon: {missing}"


def test_no_icon_for_an_entity_that_does_not_exist() -> None:
    """Every entity.<platform>.<key> in icons.json belongs to an entity the platforms create."""
    declared = {
        (platform, key)
        for platform, keys in _section(ICONS, "entity").items()
        for key in keys
    }
    assert declared - _entity_keys() == set()


def test_state_icons_only_for_states_the_entity_can_have() -> None:
    """State icons name only the entity's options (or on/off for on/off platforms)."""
    by_key = {(info.platform, info.translation_key): info for info in entities()}
    extra = sorted(
        f"{platform}.{key}: {state}"
        for (platform, key), info in by_key.items()
        for state in _section(ICONS, "entity", platform, key, "state")
        if state not in info.states
    )
    assert not extra, extra


def test_state_icons_differ_from_the_default() -> None:
    """No state icon repeats the entity's default icon (hassfest rejects that)."""
    repeated = sorted(
        f"{platform}.{key}.state.{state}"
        for platform, keys in _section(ICONS, "entity").items()
        for key, entry in keys.items()
        for state, icon in entry.get("state", {}).items()
        if icon == entry.get("default")
    )
    assert not repeated, repeated


def test_icons_are_material_design_icons() -> None:
    """Every icon is "mdi:<name>" with a name the frontend's Material Design Icons know."""
    known = {
        item["name"]
        for item in json.loads(
            (hass_frontend.where() / "static" / "mdi" / "iconList.json").read_text(
                encoding="utf-8"
            )
        )
    }
    wrong = sorted(
        f"{path}: {icon}"
        for path, icon in _icon_leaves().items()
        if not isinstance(icon, str)
        or not icon.startswith("mdi:")
        or icon.removeprefix("mdi:") not in known
    )
    assert not wrong, wrong
