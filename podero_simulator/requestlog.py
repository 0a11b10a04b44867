"""Bounded log of API requests plus exact per-route counters."""

from __future__ import annotations

from collections import Counter, deque
from typing import Any

MAX_ENTRIES = 100_000


class RequestLog:
    """Keeps the last ``MAX_ENTRIES`` requests; counters never drop anything."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        """Create an empty log."""
        self.entries: deque[dict[str, Any]] = deque(maxlen=max_entries)
        self.counters: Counter[str] = Counter()

    def start(
        self, method: str, path: str, route: str, at: str | None
    ) -> dict[str, Any]:
        """Record a request as it arrives; the status is filled in when it completes."""
        entry: dict[str, Any] = {
            "method": method,
            "path": path,
            "route": route,
            "status": None,
            "at": at,
            "fault": None,
        }
        self.entries.append(entry)
        self.counters[f"{method} {route}"] += 1
        return entry

    def clear(self) -> None:
        """Forget entries and counters."""
        self.entries.clear()
        self.counters.clear()

    def list(self) -> list[dict[str, Any]]:
        """Entries oldest first."""
        return list(self.entries)
