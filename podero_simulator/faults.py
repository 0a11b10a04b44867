"""Fault injection: seeded random faults and scripted ones for deterministic tests."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, fields
import random
import re
from typing import Any

FAULT_KINDS = ("5xx", "429", "latency", "hang", "malformed", "revoke")
SERVER_ERRORS = (500, 502, 503, 504)


@dataclass
class FaultSettings:
    """Random fault probabilities (per request) and the fixed extra latency."""

    latency_ms: float = 0.0
    p_5xx: float = 0.0
    p_429: float = 0.0
    retry_after: int = 1
    p_hang: float = 0.0
    p_malformed: float = 0.0
    p_revoke: float = 0.0
    seed: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Return the settings as JSON."""
        return asdict(self)


@dataclass
class Fault:
    """What happens to one request."""

    kind: str | None = None
    latency_s: float = 0.0
    status: int = 500
    retry_after: int = 1


def compile_match(pattern: str | None) -> tuple[str, re.Pattern[str] | None]:
    """Compile ``"METHOD /path/{placeholder}/..."`` into (method, path regex).

    ``{name}`` matches one path segment, a trailing ``*`` makes it a prefix match and
    ``*`` as method matches any method. None matches every API request.
    """
    if pattern is None:
        return "*", None
    method, _, path = pattern.strip().partition(" ")
    if not path:
        method, path = "*", method
    prefix = path.endswith("*")
    if prefix:
        path = path[:-1]
    parts = re.split(r"(\{[^/{}]*\})", path)
    regex = "".join(
        "[^/]+" if part.startswith("{") else re.escape(part) for part in parts
    )
    return method.upper(), re.compile(f"^{regex}{'' if prefix else '/?$'}")


@dataclass
class ScriptedFault:
    """'The next ``remaining`` requests matching get ``kind``' (None = until cleared)."""

    id: int
    kind: str
    match: str | None
    remaining: int | None
    status: int | None
    retry_after: int | None
    latency_ms: float | None
    method: str = "*"
    regex: re.Pattern[str] | None = None

    def matches(self, method: str, path: str) -> bool:
        """Tell whether this fault targets the request."""
        if self.method not in ("*", method):
            return False
        return self.regex is None or self.regex.match(path) is not None

    def as_dict(self) -> dict[str, Any]:
        """Script as JSON."""
        return {
            "id": self.id,
            "kind": self.kind,
            "match": self.match,
            "remaining": self.remaining,
            "status": self.status,
            "retry_after": self.retry_after,
            "latency_ms": self.latency_ms,
        }


class FaultController:
    """Decides the fault for each API request and holds hung requests."""

    def __init__(self, settings: FaultSettings | None = None) -> None:
        """Start with ``settings`` (defaults: no faults)."""
        self.settings = settings or FaultSettings()
        self.rng = random.Random(self.settings.seed)
        self.scripts: list[ScriptedFault] = []
        self._next_id = 1
        self.release = asyncio.Event()

    def configure(self, **changes: Any) -> FaultSettings:
        """Change some settings; a new seed restarts the random sequence."""
        known = {field.name for field in fields(FaultSettings)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        for name, value in changes.items():
            setattr(self.settings, name, value)
        if "seed" in changes:
            self.rng = random.Random(self.settings.seed)
        return self.settings

    def script(
        self,
        kind: str,
        count: int | None = 1,
        match: str | None = None,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        latency_ms: float | None = None,
    ) -> ScriptedFault:
        """Give the next ``count`` matching requests fault ``kind`` (``count=None``: until cleared)."""
        if kind not in FAULT_KINDS:
            raise ValueError(
                f"unknown fault kind {kind!r}; choose one of {', '.join(FAULT_KINDS)}"
            )
        if count is not None and count < 1:
            raise ValueError("count must be at least 1 (or None for 'until cleared')")
        method, regex = compile_match(match)
        scripted = ScriptedFault(
            id=self._next_id,
            kind=kind,
            match=match,
            remaining=count,
            status=status,
            retry_after=retry_after,
            latency_ms=latency_ms,
            method=method,
            regex=regex,
        )
        self._next_id += 1
        self.scripts.append(scripted)
        return scripted

    def clear_scripts(self, script_id: int | None = None) -> None:
        """Remove one scripted fault or all of them."""
        self.scripts = [
            s for s in self.scripts if script_id is not None and s.id != script_id
        ]

    def reset(self) -> None:
        """No faults at all, random sequence restarted."""
        self.settings = FaultSettings(seed=self.settings.seed)
        self.rng = random.Random(self.settings.seed)
        self.scripts.clear()

    def _scripted(self, method: str, path: str) -> Fault | None:
        for scripted in self.scripts:
            if not scripted.matches(method, path):
                continue
            if scripted.remaining is not None:
                scripted.remaining -= 1
                if scripted.remaining <= 0:
                    self.scripts.remove(scripted)
            fault = Fault(kind=scripted.kind)
            if scripted.kind == "latency":
                fault.kind = None
                fault.latency_s = (scripted.latency_ms or 0.0) / 1000.0
            fault.status = scripted.status or 503
            fault.retry_after = (
                scripted.retry_after
                if scripted.retry_after is not None
                else self.settings.retry_after
            )
            return fault
        return None

    def decide(self, method: str, path: str) -> Fault:
        """Choose the fault for one request: a matching script wins, else the dice."""
        settings = self.settings
        fault = self._scripted(method, path) or Fault()
        fault.latency_s += settings.latency_ms / 1000.0
        if fault.kind is not None:
            return fault
        rng = self.rng
        # One draw per kind and request, so a seed gives the same sequence every run.
        draws = {
            kind: rng.random() for kind in ("hang", "5xx", "429", "malformed", "revoke")
        }
        if draws["hang"] < settings.p_hang:
            fault.kind = "hang"
        elif draws["5xx"] < settings.p_5xx:
            fault.kind = "5xx"
            fault.status = SERVER_ERRORS[
                int(draws["5xx"] / settings.p_5xx * len(SERVER_ERRORS))
            ]
        elif draws["429"] < settings.p_429:
            fault.kind = "429"
        elif draws["malformed"] < settings.p_malformed:
            fault.kind = "malformed"
        elif draws["revoke"] < settings.p_revoke:
            fault.kind = "revoke"
        fault.retry_after = settings.retry_after
        return fault

    def dump(self) -> dict[str, Any]:
        """Return settings and scripts as JSON."""
        return {
            "settings": self.settings.as_dict(),
            "scripts": [s.as_dict() for s in self.scripts],
        }
