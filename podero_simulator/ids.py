"""Deterministic identifiers and credentials."""

from __future__ import annotations

import random
import string
import uuid

_NAMESPACE = uuid.UUID("7a4f3c2e-5b1d-4e8f-9c6a-0d2b1e3f4a5c")
_ALPHABET = string.ascii_letters + string.digits


def stable_uuid(seed: int, *parts: object) -> str:
    """UUID derived from the seed and a name, identical across runs."""
    name = ":".join(str(part) for part in (seed, *parts))
    return str(uuid.uuid5(_NAMESPACE, name))


def stable_token(seed: int, purpose: str, length: int = 30) -> str:
    """Alphanumeric secret like the real API's 30-character tokens, fixed per seed."""
    rng = random.Random(f"{seed}:{purpose}")
    return "".join(rng.choice(_ALPHABET) for _ in range(length))


def is_uuid(text: str) -> bool:
    """Tell whether ``text`` parses as a UUID (hyphenated or not, as pydantic accepts)."""
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def canonical_uuid(text: str) -> str:
    """Normalise a UUID string to lower-case hyphenated form."""
    return str(uuid.UUID(text))
