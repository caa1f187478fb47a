"""The clock the engine reads: every timestamp the store writes comes from one of these.

Real runs (COM, Web Connector) use :class:`SystemClock`; tests and notebooks use
:class:`FixedClock`, which only moves when told to; a simpy-driven clock (simulated time) fits
the same :class:`Clock` protocol. Nothing in the engine calls ``datetime.now()`` itself.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """Anything that can say what time it is now."""

    def now(self) -> datetime:
        """The current instant as this clock sees it."""
        ...


class SystemClock:
    """Wall-clock time in the machine's local zone, with its UTC offset."""

    def now(self) -> datetime:
        """The real current time, timezone-aware."""
        return datetime.now().astimezone()


class FixedClock:
    """A clock that stands still until :meth:`set` or :meth:`advance` moves it."""

    DEFAULT_START = datetime(2025, 1, 6, 9, 0, 0)

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or self.DEFAULT_START

    def now(self) -> datetime:
        """The instant this clock was last set to."""
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to ``when`` (backwards too: tests may need it)."""
        self._now = when

    def advance(self, seconds: float = 0.0, **delta: float) -> datetime:
        """Move forward by ``seconds`` (plus any ``timedelta`` keywords) and return the new now."""
        self._now += timedelta(seconds=seconds, **delta)
        return self._now


def stamp(when: datetime) -> str:
    """The text form the store keeps: ISO 8601, space-separated, to the millisecond."""
    return when.isoformat(sep=" ", timespec="milliseconds")


def today(clock: Clock) -> date:
    """The clock's current calendar date."""
    return clock.now().date()
