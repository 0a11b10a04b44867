"""Simulated time."""

from datetime import UTC, datetime, timedelta

import pytest

from podero_simulator.clock import SimClock

from .helpers import START, ManualClock


def test_speed_multiplies_elapsed_time() -> None:
    """Elapsed base time × speed."""
    base = ManualClock()
    clock = SimClock(base, speed=10)
    base.tick(30)
    assert clock.now() == START + timedelta(minutes=5)


def test_manual_advances_add_up() -> None:
    """``advance`` jumps forward; negative values are refused."""
    clock = SimClock(ManualClock())
    clock.advance(60)
    clock.advance(30)
    assert clock.now() == START + timedelta(seconds=90)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(-1)


def test_changing_speed_keeps_time_continuous() -> None:
    """``set_speed`` does not jump."""
    base = ManualClock()
    clock = SimClock(base, speed=2)
    base.tick(10)
    clock.advance(5)
    before = clock.now()
    clock.set_speed(100)
    assert clock.now() == before
    base.tick(1)
    assert clock.now() == before + timedelta(seconds=100)


def test_never_runs_backwards() -> None:
    """A base clock moved back does not move simulated time back."""
    base = ManualClock()
    clock = SimClock(base)
    base.tick(100)
    later = clock.now()
    base.now = START
    assert clock.now() == later


def test_default_clock_follows_freezegun(freezer: object) -> None:
    """Without a base clock, simulated time is ``datetime.now`` (freezegun steers it)."""
    freezer.move_to("2030-06-01T12:00:00Z")  # type: ignore[attr-defined]
    clock = SimClock()
    freezer.tick(timedelta(minutes=10))  # type: ignore[attr-defined]
    assert clock.now() == datetime(2030, 6, 1, 12, 10, tzinfo=UTC)
