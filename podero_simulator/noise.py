"""Cheap deterministic pseudo-noise keyed by integers (stateless, so history is lazy)."""

from __future__ import annotations

import math

_MASK = (1 << 64) - 1


def _mix(value: int) -> int:
    # splitmix64 finaliser: good avalanche at a few integer operations.
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def unit(seed: int, *keys: int) -> float:
    """Uniform value in [0, 1) determined by ``seed`` and ``keys``."""
    state = _mix(seed & _MASK)
    for key in keys:
        state = _mix(state ^ (key & _MASK))
    return (state >> 11) / float(1 << 53)


def signed(seed: int, *keys: int) -> float:
    """Uniform value in [-1, 1)."""
    return unit(seed, *keys) * 2.0 - 1.0


def smooth(seed: int, x: float) -> float:
    """Continuous value noise in [-1, 1] with unit feature size."""
    cell = math.floor(x)
    frac = x - cell
    weight = (1.0 - math.cos(frac * math.pi)) / 2.0
    left = signed(seed, cell)
    right = signed(seed, cell + 1)
    return left + (right - left) * weight


def text_key(text: str) -> int:
    """Stable integer key for a string (``hash()`` is salted per process)."""
    value = 0xCBF29CE484222325
    for byte in text.encode():
        value = ((value ^ byte) * 0x100000001B3) & _MASK
    return value
